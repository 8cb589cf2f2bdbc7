"""Column names a table's expressions read that the table does not have on its dialect.

A metadata module's CHECK, index expression, partial-index predicate, generated column or
default is
text the module never runs: ``CheckConstraint('total_cents <= 100')`` on a SQLite table whose
column is ``totalCents`` (domain.yaml's ``names:``), or a CHECK a rename left behind, makes a
module whose ``create_all`` fails on the real database (stranger60 017, 032, 033). Read through
the domain's logical names, such a name looked like the column it once was, and nothing was
reported. Here each name an expression reads is matched against the table's own (physical)
column names as the dialect matches them (``identifiers.fold``: SQLite ignores ASCII case,
PostgreSQL folds an unquoted name to lower case and keeps a quoted one exactly). What each
database accepts was tried on real SQLite 3.40 and PostgreSQL 16 (tests/test_unknown_names.py):

* SQLite reads a double-quoted name that names no column as a string (``CHECK ("qty" > 0)``,
  an index on ``("b")``): never reported. Its rowid (``rowid``, ``oid``, ``_rowid_``) is
  readable in a CHECK and an index predicate: not reported anywhere (an index or a generated
  column refuses it, an error this module leaves to the database).
* PostgreSQL's system columns (``tableoid``, ``ctid``...) are not reported either.
* SQL's value functions written without parentheses (``CURRENT_DATE``, ``current_user``,
  ``user``...) are no column names, though the parser reads some of them as such.

A text the parser cannot read, or one holding a subquery (which neither database accepts in a
CHECK), is left alone: nothing is reported that the database might accept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import lru_cache

from sqlglot import exp
from sqlglot.errors import SqlglotError

from twinschema.canonical.expressions import default_as_stored, parse
from twinschema.canonical.identifiers import catalog_key, fold, sql_name
from twinschema.model import Index, Table, UnknownName
from twinschema.records.domain import NameMap, logical_spelled

# Names no table's column can be taken for, by dialect (lower case): SQLite's rowid, PostgreSQL's
# system columns, and SQL's value functions written without parentheses.
_CURRENT = ("current_date", "current_time", "current_timestamp")
_NOT_COLUMNS: Mapping[str, frozenset[str]] = {
    "sqlite": frozenset({"rowid", "oid", "_rowid_", *_CURRENT}),
    "postgresql": frozenset(
        {
            *("tableoid", "ctid", "xmin", "xmax", "cmin", "cmax"),
            *_CURRENT,
            *("localtime", "localtimestamp", "current_role", "current_user", "session_user"),
            *("user", "current_catalog", "current_schema", "system_user"),
        }
    ),
}

CHECK, INDEX, GENERATED, DEFAULT = "CHECK", "index", "generated column", "DEFAULT of column"


def without_unknown(dialect: str, table: Table, names: NameMap) -> Table:
    """``table`` (as read, in its own names) with the names its expressions read that it does
    not have in ``unknown_names``. The CHECKs and indexes that read one stay: read through the
    logical names as before, such a one still matches the other side's where only its
    spelling of a name is wrong (stranger60 033), and the comparer leaves it out where it has
    no match (a CHECK on one side only beside its unknown name said one thing twice,
    stranger60 032)."""
    columns = tuple(c.name for c in table.columns)
    known = {catalog_key(dialect, c) for c in columns}
    # The column a name was likely meant for: one whose logical name it is (a rename), else
    # one of that name but for its letter case (a PostgreSQL "totalCents" written bare).
    meant = {c.lower(): c for c in columns}
    for own in columns:
        logical = names.column(table.name, own)
        if logical != own and logical_spelled(logical) is None:
            meant[logical.lower()] = own

    def found(what: str, name: str | None, texts: tuple[str, ...]) -> list[UnknownName]:
        return [
            UnknownName(what, name, text, column, table.name, columns, _spelled(dialect, own))
            for text in texts
            for column, key in _unknown(dialect, text, known)
            for own in (meant.get(key.lower()),)
        ]

    unknown: list[UnknownName] = []
    for check in table.checks:
        unknown += found(CHECK, check.name, (check.expression,))
    for index in table.indexes:
        unknown += found(INDEX, index.name, _index_texts(index, set(columns)))
    for column in table.columns:
        if column.generated is not None:
            unknown += found(GENERATED, column.name, (column.generated.expression,))
        if column.default is not None and default_as_stored(dialect, column.default) == (
            column.default  # else a SQLite DEFAULT b: the string 'b', which names nothing
        ):
            unknown += found(DEFAULT, column.name, (column.default,))
    if not unknown:
        return table
    return replace(table, unknown_names=tuple(unknown))


def _spelled(dialect: str, own: str | None) -> str | None:
    """How an expression of ``dialect`` writes the column ``own`` (PostgreSQL quotes a name
    that is not all lower case; SQLite needs quotes only for a name that is no identifier)."""
    if own is None:
        return None
    return own if dialect == "sqlite" and re.fullmatch(r"[A-Za-z_]\w*", own) else sql_name(own)


def _index_texts(index: Index, columns: set[str]) -> tuple[str, ...]:
    """The texts of an index to read: each element that is not one of the table's columns by
    its own name (a source gives a plain column so), and its predicate."""
    texts = tuple(e for e in index.expressions if e not in columns)
    return (*texts, index.where) if index.where else texts


def _unknown(dialect: str, text: str, known: set[str]) -> Iterator[tuple[str, str]]:
    """Each name (as written, and its key) ``text`` reads as a column that is not ``known``,
    once, in the order written."""
    seen: set[str] = set()
    for written, key in _names(dialect, text):
        if key not in known and key not in seen:
            seen.add(key)
            yield written, key


def column_keys(dialect: str, text: str) -> frozenset[str]:
    """The keys (``identifiers.fold``) of the columns ``text``, an expression of ``dialect``,
    reads: to match against ``catalog_key`` of a column's own name, so that PostgreSQL's quoted
    ``"At"`` and unquoted ``at`` stay two columns and SQLite's ``At`` and ``at`` are one. Empty
    where it cannot be read or holds a subquery. A SQLite ``"At"`` is the column it names (a
    name a column bears is never the string)."""
    return frozenset(key for _, key in _names(dialect, text, strings=False))


@lru_cache(maxsize=16384)
def _names(dialect: str, text: str, strings: bool = True) -> tuple[tuple[str, str], ...]:
    """The names ``text`` reads as columns (as written, and the key the dialect matches them
    by), in the order written; none where it cannot be read or holds a subquery. With
    ``strings``, a SQLite double-quoted name is left out (a string where no column bears it).
    Cached on the text: a schema repeats its CHECKs across tables."""
    try:
        tree = parse(dialect, text)
    except (SqlglotError, RecursionError, ValueError):
        return ()
    if tree.find(exp.Select, exp.Subquery) is not None:
        return ()
    found = []
    for node in sorted(tree.find_all(exp.Column), key=_position):
        ident = node.this
        if not isinstance(ident, exp.Identifier):
            continue
        written, quoted = str(ident.this), bool(ident.quoted)
        if strings and dialect == "sqlite" and quoted and not node.args.get("table"):
            continue  # a string to SQLite where no column bears it (``CHECK (s IN ("a"))``)
        if not quoted and written.lower() in _NOT_COLUMNS.get(dialect, frozenset()):
            continue
        found.append(((f'"{written}"' if quoted else written), fold(dialect, written, quoted)))
    return tuple(found)


def _position(node: exp.Column) -> int:
    """Where a name stands in its text (sqlglot keeps each token's start), for a stable order."""
    meta = node.this.meta if isinstance(node.this, exp.Identifier) else {}
    start = meta.get("start")
    return start if isinstance(start, int) else 0
