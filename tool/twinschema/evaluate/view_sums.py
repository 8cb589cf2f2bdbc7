"""Groups of rows whose sum a double and a decimal answer differently, for views that sum a
number column one side keeps as a double and the other as an exact decimal (stranger81 003).

SQLite's REAL and NUMERIC affinity store 0.40 and 0.01 as doubles, and ``sum()`` of them is
0.41000000000000003; PostgreSQL's ``numeric`` sums them to 0.41. The probe rows met such a
pair or not by chance: the values a column takes follow its CHECKs' literals, so an unrelated
``CHECK (amount < 100000)`` decided whether a view of unpaid totals was "the same rows" (and
then an allowance written for the difference was called stale). Here each summed column of
such a pair gets, independent of any CHECK, groups of two rows of 2-decimal amounts whose
binary sum is inexact (0.1 + 0.2 is 0.30000000000000004), those both sides' columns take
(``view_fits``), on a few rows' values: as they are, and with fresh values in the other
columns (a group of its own where the view groups by them). Near miss: an INTEGER cents
column on both sides sums exactly and gets no such rows.

A view that divides (``/``) an aggregate of a column one side stores whole values of as
integers (``WHOLE_AS_INTEGER``: SQLite's NUMERIC affinity keeps 15.00 as 15) and the other as
a numeric or a double gets groups of two whole amounts whose sum is odd (15 and 16): SQLite's
``sum(price) / count(*)`` is then the integer division 31 / 2 = 15, PostgreSQL's 15.50
(stranger83 001: the fractional groups alone met only digits past a double's, and rounding
both sides was called "the same rows"). Near miss: SQLite's REAL keeps 15.0 a double, 15.5.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.typemap_storage import DOUBLE_UNSCALED, WHOLE_AS_INTEGER
from twinschema.evaluate import view_fits, view_probes, view_reads
from twinschema.evaluate.backends import Backend
from twinschema.model import Column, Schema, Table

# Pairs of amounts of at most 2 decimals whose sum as doubles is not the decimal sum, even
# summed exactly (a correctly rounded sum of the two doubles): the first pair a column takes
# on both sides is used (a CHECK may keep amounts positive, at least 1, or negative).
_PAIRS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(a), Decimal(b))
    for a, b in (
        ("0.1", "0.2"),
        ("0.4", "0.01"),
        ("1.1", "2.2"),
        ("10.1", "20.2"),
        ("100.1", "200.2"),
        ("-0.1", "-0.2"),
        ("-1.1", "-2.2"),
    )
)
# Pairs of whole amounts whose sum is odd: their mean is no whole number, so a division of their
# sum by the group's count parts integer division from a numeric one (the first both take).
_WHOLE_PAIRS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(a), Decimal(b)) for a, b in (("15", "16"), ("1", "2"), ("-1", "-2"))
)
# A division in a view's SQL (a ``/`` between operands).
_DIVIDES = re.compile(r"[\w)\]]\s*/\s*[\w(]")
# Where a column's probe values are spent, a group's own value (``_fresh``): past them.
_FRESH = 7100
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# The rows whose values the groups take (each twice: as they are, and with fresh values).
_TEMPLATES = 4
_AGGREGATE = re.compile(r"\b(?:sum|total|avg)\s*\(", re.I)


def summed_columns(text: str, tables: tuple[Table, Table], columns: Sequence[str]) -> list[int]:
    """The indexes of ``columns`` an aggregate of the views' SQL ``text`` (``sum``, ``total``,
    ``avg``) reads, whose two sides keep numbers apart: one side's dialect stores a fraction
    as a double (``DOUBLE_UNSCALED``: SQLite's REAL or NUMERIC affinity), the other's column is
    an exact decimal (``numeric``)."""
    inside = " ".join(_arguments(text))
    found = []
    for j, name in enumerate(columns):
        lc, rc = tables[0].column(name), tables[1].column(name)
        if lc is None or rc is None or not _parts(lc, rc):
            continue
        if any(view_probes.word(c.own_name).search(inside) for c in (lc, rc)):
            found.append(j)
    return found


def divided_columns(
    text: str, tables: tuple[Table, Table], columns: Sequence[str], summed: bool = True
) -> list[int]:
    """The indexes of ``columns`` an aggregate of the views' SQL ``text`` reads (any part of
    it, without ``summed``), where the text divides, whose one side stores a whole value as an
    integer (``WHOLE_AS_INTEGER``) and the other as a numeric or a double: a division of their
    sum is integer division on one side only."""
    if _DIVIDES.search(text) is None:
        return []
    inside = " ".join(_arguments(text)) if summed else text
    found = []
    for j, name in enumerate(columns):
        lc, rc = tables[0].column(name), tables[1].column(name)
        if lc is None or rc is None or not (_whole(lc, rc) or _whole(rc, lc)):
            continue
        if any(view_probes.word(c.own_name).search(inside) for c in (lc, rc)):
            found.append(j)
    return found


def divides_whole(schemas: tuple[Schema, Schema], texts: str) -> bool:
    """True when the views' SQL ``texts`` divide and read a column (``divided_columns``) of a
    table both schemas hold: what the hint of their difference says (SQLite's ``/`` may
    divide integers there, stranger83 001)."""
    left, right = schemas
    for name in sorted(set(left.tables) & set(right.tables)):
        tables = (left.tables[name], right.tables[name])
        if view_reads.reads(texts, tables[0]) and divided_columns(
            texts, tables, [c.name for c in tables[0].columns], summed=False
        ):
            return True
    return False


def _whole(integral: Column, other: Column) -> bool:
    """True when ``integral`` stores a whole value as an integer and ``other`` does not, keeping
    it as a numeric or a double."""
    if integral.type.array or other.type.array:
        return False
    whole = WHOLE_AS_INTEGER.get(integral.type.dialect, frozenset())
    kinds = typemap.kinds_of(other.type)
    keeps = WHOLE_AS_INTEGER.get(other.type.dialect, frozenset())
    return (
        bool(typemap.kinds_of(integral.type) & whole)
        and bool(kinds & {"numeric", "float"})
        and not kinds & keeps
    )


def _parts(left: Column, right: Column) -> bool:
    """True when one of the two columns keeps fractions as doubles and the other exactly."""
    for double, exact in ((left, right), (right, left)):
        doubled = double.type.dialect in DOUBLE_UNSCALED and not double.type.array
        kinds = typemap.kinds_of(double.type)
        if not doubled or not kinds & {"numeric", "float"}:
            continue
        if exact.type.dialect not in DOUBLE_UNSCALED and typemap.kinds_of(exact.type) == {
            "numeric"
        }:
            return True
    return False


def _arguments(text: str) -> list[str]:
    """The argument text of each aggregate call of ``text`` (to its closing parenthesis)."""
    found = []
    for match in _AGGREGATE.finditer(text):
        depth, at = 1, match.end()
        while at < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            at += 1
        found.append(text[match.end() : at])
    return found


def with_sums(
    schemas: tuple[Schema, Schema],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    fits: Sequence[Sequence[Any]],
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[int],
    text: str,
    backends: tuple[Backend | None, Backend | None],
) -> list[tuple[Any, ...]]:
    """``rows`` and, for each column ``summed_columns`` finds, groups of two rows holding the
    first pair of ``_PAIRS`` both sides' columns take, on the values of the first rows (as
    they are, and with values no row holds in the other columns), each key new on every row;
    ``rows`` alone where no column is such or no pair fits. Each column ``divided_columns``
    finds gets such groups of the first of ``_WHOLE_PAIRS`` both sides' columns take."""
    summed = summed_columns(text, tables, columns) if rows else []
    divided = divided_columns(text, tables, columns) if rows else []
    found = list(rows)
    # A whole group's divisor an aggregate reads (sum(seats)) keeps its template's value: a
    # fresh one (7104) makes 31 / 14208 round to 0 on both sides.
    inside = " ".join(_arguments(text))
    summing = {k for k, name in enumerate(columns) if _reads(tables, name, inside)}
    for j, pairs in [(j, _PAIRS) for j in summed] + [(j, _WHOLE_PAIRS) for j in divided]:
        offered = [[v for pair in pairs for v in pair]]
        taken = view_fits.fitted(schemas, tables, [columns[j]], offered, [True], backends, False)
        if not taken:
            continue
        pair = next((p for p in pairs if all(v in taken[0] for v in p)), None)
        if pair is not None:
            kept = summing - {j} if pairs is _WHOLE_PAIRS else set()
            found += _groups(found, fits, keys, j, pair, kept)
    return found


def _reads(tables: tuple[Table, Table], name: str, text: str) -> bool:
    """True when ``text`` names column ``name`` as either side's table names it."""
    own = [t.column(name) for t in tables]
    return any(view_probes.word(c.own_name).search(text) for c in own if c is not None)


def _groups(
    rows: Sequence[tuple[Any, ...]],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    j: int,
    pair: tuple[Decimal, Decimal],
    kept: frozenset[int] | set[int] = frozenset(),
) -> list[tuple[Any, ...]]:
    """Two rows per template (``_TEMPLATES`` of ``rows``, each as it is and made fresh but in
    the columns ``kept``), column ``j`` one amount of ``pair`` each, keys values no row uses."""
    used = [{r[k] for r in rows} for k in range(len(values))]
    free = {k: [v for v in dict.fromkeys(values[k]) if v not in used[k]] for k in keys}
    spare = [[v for v in given if v not in used[k]] for k, given in enumerate(values)]
    made: list[tuple[Any, ...]] = []
    for n, row in enumerate(list(dict.fromkeys(rows))[:_TEMPLATES]):
        fresh = [
            row[k]
            if k in keys or k == j or k in kept
            else (spare[k].pop(0) if spare[k] else _fresh(row[k], n, used[k]))
            for k in range(len(row))
        ]
        for template in [list(row)] + ([fresh] if fresh != list(row) else []):
            for amount in pair:
                if any(not free[k] for k in keys):
                    return made
                made.append(
                    tuple(
                        free[k].pop(0) if k in keys else amount if k == j else v
                        for k, v in enumerate(template)
                    )
                )
    return made


def _fresh(value: Any, n: int, used: set[Any]) -> Any:
    """A value of ``value``'s kind no probe row holds (``used``: those rows' values, earlier
    groups' among them), for the ``n``-th template's group (a group sharing an owner with
    other rows sums their amounts too, and 0.01 + 0.1 + 0.2 is exact as a double; 15 + 16 +
    0.1 + 0.2 is no whole sum): a number past the probes, a uuid or a text of its own; else
    ``value`` (a boolean keeps the filter the template passed)."""
    if isinstance(value, bool) or value is None:
        return value
    step = 0
    while True:
        made = _made(value, n + step * _TEMPLATES)
        if made is value or made not in used:
            return made
        step += 1


def _made(value: Any, n: int) -> Any:
    """The ``n``-th fresh value of ``value``'s kind (``value`` itself for another kind)."""
    if isinstance(value, int | Decimal):
        return type(value)(_FRESH + n)
    if isinstance(value, str):
        return f"00000000-0000-4000-9000-{n:012d}" if _UUID.match(value) else f"sum{n}"
    return value
