"""The SQL text the scratch backends run (``sqlite_backend``, ``pg_backend``): temporary tables over
probe columns, with a CHECK, an expression as a default or generated column, or an index, and
the inserts and queries that go with them. Both dialects read the same text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from twinschema.model import OPTION_STRICT, Column, ColumnType

Row = tuple[Any, ...]
# An index to run on probe rows: its elements and WHERE (None: none) as its source wrote them.
Keys = tuple[tuple[str, ...], str | None]


def type_sql(ctype: ColumnType) -> str:
    """The column type as DDL: the source's own spelling when it kept one."""
    if ctype.raw:
        return ctype.raw
    text = ctype.name
    if ctype.values is not None:
        text = "text"  # an enum declared by a metadata module: its labels are text
    elif ctype.length is not None:
        text += f"({ctype.length})"
    elif ctype.precision is not None:
        text += f"({ctype.precision}" + (f", {ctype.scale})" if ctype.scale is not None else ")")
    return text + ("[]" if ctype.array else "")


def probe_column(column: Column) -> tuple[str, ColumnType]:
    """A column's name and type as a probe table declares it, with its collation: a SQLite
    column's NOCASE applies inside its CHECK (``s IN ('a', 'b')`` accepts 'A'). A collation the
    scratch database lacks (a PostgreSQL one of the user's) makes the table, and so the pair,
    not evaluated, never judged as if the column had none."""
    if column.collation is None:
        return column.own_name, column.type
    name = column.collation.name.replace('"', '""')
    return column.own_name, replace(column.type, raw=f'{type_sql(column.type)} COLLATE "{name}"')


def table_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """A temporary table whose columns carry the expressions as defaults."""
    parts = ["k integer"]
    for n, (expression, ctype) in enumerate(columns):
        parts.append(f"c{n} {type_sql(ctype)} DEFAULT ({expression})")
    return f"CREATE TEMP TABLE twinschema_probe ({', '.join(parts)})"


def check_table_sql(columns: Sequence[tuple[str, ColumnType]], check: str) -> str:
    """A temporary table over ``columns`` with ``CHECK (check)``."""
    parts = [f'"{name}" {type_sql(ctype)}' for name, ctype in columns]
    return f"CREATE TEMP TABLE twinschema_check ({', '.join(parts)}, CHECK ({check}))"


def check_insert_sql(
    columns: Sequence[tuple[str, ColumnType]], mark: str, table: str = "twinschema_check"
) -> str:
    """An INSERT of one probe row into the CHECK table (or into ``table``)."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"


def plain_table_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """A temporary table over ``columns`` without the CHECK: a row the CHECK table refuses
    with an error (a division by zero, an overflow) that this one stores was refused by the
    CHECK's expression, as a real insert would be."""
    parts = [f'"{name}" {type_sql(ctype)}' for name, ctype in columns]
    return f"CREATE TEMP TABLE twinschema_check_plain ({', '.join(parts)})"


# The table options a copy of a column keeps, as DDL after the column list: a STRICT table
# rejects a value its column's type cannot hold (1.5 in INTEGER), a plain one keeps it.
_OPTION_SQL = {OPTION_STRICT: "STRICT"}


def value_table_sql(
    name: str, ctype: ColumnType, checks: Sequence[str], key: bool = False,
    options: Sequence[str] = (),
) -> str:  # fmt: skip
    """A temporary table of one column of ``ctype`` with these CHECKs: its table's single
    primary key column with ``key`` (a SQLite ``INTEGER PRIMARY KEY`` is the rowid: it rejects
    1.5 and 2^63, which a plain INTEGER column keeps), of a table with these ``options``."""
    column = f'"{name}" {type_sql(ctype)}' + (" PRIMARY KEY" if key else "")
    parts = [column, *(f"CHECK ({c})" for c in checks)]
    after = ", ".join(_OPTION_SQL[o] for o in options if o in _OPTION_SQL)
    return f"CREATE TEMP TABLE twinschema_value ({', '.join(parts)})" + (
        f" {after}" if after else ""
    )


def value_insert_sql(name: str, mark: str) -> str:
    """An INSERT of one value that returns what the column stored."""
    return f'INSERT INTO twinschema_value ("{name}") VALUES ({mark}) RETURNING "{name}"'


def select_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """The values the defaults gave, in insert order."""
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    return f"SELECT {names} FROM twinschema_probe ORDER BY k"


def computed_tables_sql(
    columns: Sequence[tuple[str, ColumnType]], expression: str, ctype: ColumnType
) -> tuple[str, str]:
    """Two temporary tables over ``columns``: a plain one (can the row be stored at all?) and
    one with the expression as a STORED generated column (what it computes)."""
    parts = ", ".join(f'"{name}" {type_sql(t)}' for name, t in columns)
    value = f"twinschema_value {type_sql(ctype)} GENERATED ALWAYS AS ({expression}) STORED"
    return (
        f"CREATE TEMP TABLE twinschema_rows ({parts})",
        f"CREATE TEMP TABLE twinschema_computed ({parts}, {value})",
    )


def insert_row_sql(table: str, columns: Sequence[tuple[str, ColumnType]], mark: str) -> str:
    """An INSERT of one probe row into ``table`` (the computed one returns its value)."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    returning = " RETURNING twinschema_value" if table == "twinschema_computed" else ""
    return f"INSERT INTO {table} ({names}) VALUES ({marks}){returning}"


def returning_sql(
    columns: Sequence[tuple[str, ColumnType]], expression: str, ctype: ColumnType, mark: str
) -> str:
    """An INSERT of one probe row into the plain table that returns ``expression`` over it, of
    type ``ctype``: any expression, where a generated column takes immutable ones only."""
    return (
        f"{insert_row_sql('twinschema_rows', columns, mark)} "
        f"RETURNING CAST(({expression}) AS {type_sql(ctype)})"
    )


def keys_sql(
    columns: Sequence[tuple[str, ColumnType]],
    index: Keys,
    temp: str,
    nulls_distinct: bool = True,
    itself: bool = False,
) -> tuple[tuple[str, ...], str]:
    """The statements that make the two tables of ``Backend.keys`` (a plain one, and one with
    the index, ``temp`` naming SQLite's schema of temporary objects), and the query of the
    pairs of rows whose keys are equal (by ``=``, or, without ``nulls_distinct``, by ``IS NOT
    DISTINCT FROM``: NULLS NOT DISTINCT; with ``itself``, each row with itself too: a row
    inserted twice)."""
    elements, where = index
    parts = ", ".join(["twinschema_k integer", *(f'"{n}" {type_sql(t)}' for n, t in columns)])
    filtered = f" WHERE {where}" if where else ""
    made = (
        f"CREATE TEMP TABLE twinschema_rows ({parts})",
        f"CREATE TEMP TABLE twinschema_keyed ({parts})",
        f"CREATE INDEX {temp}twinschema_keys ON twinschema_keyed ({', '.join(f'({e})' for e in elements)})"
        + filtered,
    )
    keyed = ", ".join(f"({e}) AS twinschema_g{n}" for n, e in enumerate(elements))
    same = "=" if nulls_distinct else "IS NOT DISTINCT FROM"
    equal = " AND ".join(
        f"a.twinschema_g{n} {same} b.twinschema_g{n}" for n in range(len(elements))
    )
    query = (
        f"WITH v AS (SELECT twinschema_k, {keyed} FROM twinschema_keyed{filtered}) "
        "SELECT a.twinschema_k, b.twinschema_k FROM v AS a JOIN v AS b "
        f"ON a.twinschema_k {'<=' if itself else '<'} b.twinschema_k AND {equal}"
    )
    return made, query


def keys_insert_sql(table: str, columns: Sequence[tuple[str, ColumnType]], mark: str) -> str:
    """An INSERT of one numbered probe row into ``table`` of ``Backend.keys``."""
    names = ", ".join(["twinschema_k", *(f'"{name}"' for name, _ in columns)])
    return (
        f"INSERT INTO {table} ({names}) VALUES ({', '.join(mark for _ in range(len(columns) + 1))})"
    )


@dataclass(frozen=True)
class RowRun:
    """The statements of a run that tries probe rows one at a time (``Backend.computed`` and
    ``Backend.keys``, on either dialect): the tables it makes, the INSERT of a row into the
    bare columns' table (can the row be stored at all?), the statement under test for that row,
    and, for ``keys``, the query of the pairs of rows whose keys are equal."""

    tables: tuple[str, ...]
    plain: str
    tested: str
    query: str = ""


def computed_run_sql(
    columns: Sequence[tuple[str, ColumnType]],
    expression: str,
    ctype: ColumnType,
    mark: str,
    generated: bool = True,
) -> RowRun:
    """What ``Backend.computed`` runs, with ``mark`` the driver's placeholder: the plain table
    and (``generated``) the one with ``expression`` as a STORED generated column, each row into
    that one; without ``generated``, ``expression`` returned over the plain row."""
    plain, computed = computed_tables_sql(columns, expression, ctype)
    return RowRun(
        tables=(plain, computed) if generated else (plain,),
        plain=insert_row_sql("twinschema_rows", columns, mark),
        tested=insert_row_sql("twinschema_computed", columns, mark)
        if generated
        else returning_sql(columns, expression, ctype, mark),
    )


def keys_run_sql(
    columns: Sequence[tuple[str, ColumnType]],
    index: Keys,
    temp: str,
    mark: str,
    nulls_distinct: bool = True,
    itself: bool = False,
) -> RowRun:
    """What ``Backend.keys`` runs, with ``mark`` the driver's placeholder (``temp`` and the
    rest: ``keys_sql``): each numbered row into the plain table, then the indexed one."""
    made, query = keys_sql(columns, index, temp, nulls_distinct, itself)
    return RowRun(
        tables=made,
        plain=keys_insert_sql("twinschema_rows", columns, mark),
        tested=keys_insert_sql("twinschema_keyed", columns, mark),
        query=query,
    )
