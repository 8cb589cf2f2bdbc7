"""Generated columns read as their expressions over a table's other columns (``computed_from``,
``inline_generated``): no INSERT gives a generated column a value, so a probe row, and a witness,
holds only the columns an INSERT sets. A generated column that reads another is read through it
in turn (``half AS (total / 2)`` beside ``total AS (qty * price)`` is ``(qty * price) / 2``:
stranger48 011 named (price, qty, total) = (2, 2, NULL), a row no INSERT can give).
"""

from __future__ import annotations

from functools import partial

from twinschema.evaluate import probes
from twinschema.evaluate.statements import type_sql
from twinschema.model import Column, Table
from twinschema.records import POSTGRESQL, SQLGLOT_DIALECTS
from twinschema.sql_expression import parse_expression


def computed_from(dialect: str, table: Table | None, columns: set[str]) -> dict[str, str]:
    """The generated columns of ``table`` outside ``columns`` whose expressions read only
    ``columns``, or generated columns that do in turn (folded name: the expression as the
    column stores it, over ``columns`` alone). On PostgreSQL the expression is cast to the
    column's type, as storing it casts (an int4 into a smallint fails, 2.5 into an integer is
    3), except a length-bound text, whose cast would cut what storing refuses; SQLite's column
    affinity is not a CAST, so its expression stays bare, but where another generated column
    reads it, its numeric affinity is (``_as_stored``: INTEGER keeps 1.0 as 1, so ``total / 2``
    divides integers)."""
    found: dict[str, str] = {}
    stored: dict[str, str] = {}  # as another generated column reads it
    pending = [
        c
        for c in (table.columns if table is not None else ())
        if c.generated is not None and c.own_name.lower() not in columns
    ]
    while pending:
        left = []
        for column in pending:
            assert column.generated is not None
            text = column.generated.raw or column.generated.expression
            got = probes.reads(dialect, text)
            read = {c.lower() for c in got.columns} if got is not None else None
            if read is None or not read <= columns | found.keys():
                left.append(column)
                continue
            through = {n: stored[n] for n in read & found.keys()}
            inlined = inline_generated(dialect, text, through) if through else text
            if inlined is None:
                continue  # sqlglot cannot write it back: never read through
            name = column.own_name.lower()
            found[name] = _as_stored(dialect, column, inlined, bare=True)
            stored[name] = _as_stored(dialect, column, inlined, bare=False)
        if len(left) == len(pending):
            break
        pending = left
    return found


def _as_stored(dialect: str, column: Column, text: str, bare: bool) -> str:
    """``text``, a generated column's expression, as the column stores what it computes: cast
    to its type on PostgreSQL (not a length-bound text or an enum); on SQLite bare where
    ``bare``, else cast to NUMERIC for an INTEGER or NUMERIC affinity and to REAL for a REAL
    one (a text's and a blob's stay bare)."""
    ctype = column.type
    if dialect == POSTGRESQL:
        if ctype.length is None and ctype.values is None:
            return f"CAST(({text}) AS {type_sql(ctype)})"
        return text
    name = ctype.name.upper()
    if bare or not name or any(f in name for f in ("CHAR", "CLOB", "TEXT", "BLOB")):
        return text
    if "INT" not in name and any(f in name for f in ("REAL", "FLOA", "DOUB")):
        return f"CAST(({text}) AS REAL)"
    return f"CAST(({text}) AS NUMERIC)"


def inline_generated(dialect: str, text: str, generated: dict[str, str]) -> str | None:
    """``text`` with each column of ``generated`` read as its expression, in parentheses;
    None where sqlglot cannot read or write it back."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    read = partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect])
    try:
        trees = {n: parse_expression(read, t) for n, t in generated.items()}

        def swap(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and node.name.lower() in trees:
                return exp.Paren(this=trees[node.name.lower()].copy())
            return node

        tree = parse_expression(read, text).transform(swap)
        return tree.sql(dialect=SQLGLOT_DIALECTS[dialect])
    except (SqlglotError, ValueError):
        return None
