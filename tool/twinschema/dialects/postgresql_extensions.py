"""Names an extension owns, printed without their schema inside expressions.

The read puts the checked schema alone on the search path (``SQL_SEARCH_PATH``), so a function,
type or operator of an extension installed in another schema (``public``, as ``CREATE EXTENSION``
does by default) prints qualified in defaults, CHECKs, index definitions, policies and views
(``public.uuid_generate_v4()``, ``'[1,2]'::public.vector``, ``OPERATOR(public.<->)``), while a
metadata module, or a database checked in the extension's own schema, writes it bare. An
extension has one schema per database, so its names mean the same whatever schema holds it:
``EXTENSION_NAMES`` lists, in the extensions' schemas other than the checked one, every name of
a function, type or operator that extensions own and nothing else of that schema shares (a user
function overloading an extension's keeps its qualifier), and ``unqualify`` takes the qualifier
off exactly those, outside string literals and quoted names. A user object of another schema
(``other.f()``, ``public.mood`` not from an extension) keeps its qualifier and stays a
difference against ``f()`` or ``mood``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Pairs (as printed qualified, as printed bare), read in SQL_SCHEMA's row (no round trip of its
# own): the schemas of the installed extensions, less the checked one and pg_catalog (never
# qualified). pg_depend deptype 'e' marks an extension's member; a name some non-member of the
# same schema also carries (an overload, a table's row type) is left out.
EXTENSION_NAMES = """ARRAY(
    SELECT ARRAY[CASE WHEN x.op THEN 'OPERATOR(' || quote_ident(xn.nspname) || '.' || x.name || ')'
                      ELSE quote_ident(xn.nspname) || '.' || x.name END, x.name]
    FROM (
        SELECT p.pronamespace AS ns, quote_ident(p.proname) AS name, false AS op,
               p.oid IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass) AS member
        FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM extns)
        UNION ALL
        SELECT t.typnamespace, quote_ident(t.typname), false,
               t.oid IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass)
        FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM extns)
        UNION ALL
        SELECT o.oprnamespace, o.oprname::text, true,
               o.oid IN (SELECT objid FROM ext WHERE classid = 'pg_operator'::regclass)
        FROM pg_operator o WHERE o.oprnamespace IN (SELECT oid FROM extns)
    ) x
    JOIN pg_namespace xn ON xn.oid = x.ns
    GROUP BY xn.nspname, x.name, x.op HAVING bool_and(x.member)
    ORDER BY 1)"""

# The CTEs EXTENSION_NAMES reads, for the WITH of the query that holds it.
EXTENSION_CTES = """ext AS (
    SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
    AND classid IN ('pg_proc'::regclass, 'pg_type'::regclass, 'pg_operator'::regclass)),
extns AS (
    SELECT e.extnamespace AS oid FROM pg_extension e JOIN pg_namespace en
    ON en.oid = e.extnamespace AND en.nspname NOT IN (%(schema)s, 'pg_catalog'))"""


def names_of(pairs: Sequence[Sequence[str]] | None) -> Mapping[str, str]:
    """EXTENSION_NAMES's pairs as a mapping from the qualified spelling to the bare one."""
    return {qualified: bare for qualified, bare in pairs or ()}


# A string literal (standard or E'', whose backslashes are doubled and quotes doubled), a quoted
# name, an operator spelled OPERATOR(schema.op), or a two-part name not inside a longer one.
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_TOKEN = (
    r"(?P<string>'(?:[^']|'')*')"
    rf"|(?P<operator>OPERATOR\({_IDENT}\.[^\s()]+\))"
    rf"|(?P<name>(?<![A-Za-z0-9_$.\"]){_IDENT}\.{_IDENT}(?![A-Za-z0-9_$\".]))"
    r'|(?P<quoted>"(?:[^"]|"")*")'
)


def unqualify(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every qualified name of ``names`` written bare (strings and quoted names
    left alone)."""
    if not names or "." not in text:
        return text

    def bare(match: re.Match[str]) -> str:
        found = match.group()
        return found if match.lastgroup in ("string", "quoted") else names.get(found, found)

    return re.sub(_TOKEN, bare, text)


def unqualify_rows(rows: list[Any], columns: Sequence[int], names: Mapping[str, str]) -> list[Any]:
    """``rows`` with the texts (or lists of texts) at ``columns`` unqualified by ``names``."""
    if not names:
        return rows
    out: list[Any] = []
    for row in rows:
        cells = list(row)
        for i in columns:
            cell = cells[i]
            if isinstance(cell, str):
                cells[i] = unqualify(cell, names)
            elif isinstance(cell, list):
                cells[i] = [unqualify(c, names) if isinstance(c, str) else c for c in cell]
        out.append(tuple(cells))
    return out
