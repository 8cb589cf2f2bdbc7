"""Probe rows of a view's base table that meet an equality between its columns (viewfit81).

A view filtering ``WHERE a = b + 7`` (a join's ``ON`` too) returns a row only where ``a`` is
what ``b + 7`` gives, and the diagonals met that on no probe row, or by chance on one: ``a = b
+ 7`` against ``a = b + 7 AND b <> 3`` was "not compared" (neither view returned a row). Here
each such equality of either side's view, ``column = arithmetic of the table's other
columns`` (either way round: ``+``, ``-``, ``*``, numbers, casts to a number), is solved for
its column on each probe row: the row again with the column set to what the arithmetic gives
on it. The rows only propose; both sides' tables and views, as written, still judge each one
(``view_fits.checked``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import landings
from twinschema.model import Table
from twinschema.sql_expression import columns_read

# At most this many rows are made per equality.
_PER_EQUALITY = 16


def solved_rows(
    views: Sequence[tuple[str, str]],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[int],
) -> list[tuple[Any, ...]]:
    """``rows`` (values in ``columns``' order, logical names) again with the column of each
    equality of ``views`` (``(dialect, SQL)`` of each side's views) set to what its other side
    gives on the row, where every column that reads is a number; rows already there and a
    key column solved for are left out (the caller gives each row keys of its own)."""
    found: list[tuple[Any, ...]] = []
    known = set(rows)
    for column, other in _equalities(views, tables, columns):
        k = columns.index(column)
        if k in keys:
            continue
        made = 0
        for row in rows:
            value = _value(other, tables, columns, row)
            if value is None or made >= _PER_EQUALITY:
                continue
            solved = (*row[:k], _like(row[k], value), *row[k + 1 :])
            if solved not in known:
                known.add(solved)
                found.append(solved)
                made += 1
    return found


def _equalities(
    views: Sequence[tuple[str, str]], tables: tuple[Table, Table], columns: Sequence[str]
) -> list[tuple[str, Any]]:
    """(column, expression tree) for each ``=`` of ``views`` one of whose sides is a column of
    ``columns`` and the other reads at least one other column of them, none else."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    found: dict[str, tuple[str, Any]] = {}
    for dialect, sql in views:
        try:
            trees = sqlglot.parse(sql, read=SQLGLOT_DIALECTS[dialect])
        except (SqlglotError, ValueError):
            continue
        for tree in (t for t in trees if t is not None):
            for node in tree.find_all(exp.EQ):
                for one, other in ((node.this, node.expression), (node.expression, node.this)):
                    column = _logical(one.unnest(), tables, columns)
                    read = [_logical(i.parent, tables, columns) for i in columns_read(other)]
                    if column is None or not read or None in read or column in read:
                        continue
                    found.setdefault(other.sql() + "=" + column, (column, other))
    return list(found.values())


def _logical(node: Any, tables: tuple[Table, Table], columns: Sequence[str]) -> str | None:
    """The logical name among ``columns`` of the column ``node`` names on either side (by its
    own name, case aside); None for anything else."""
    from sqlglot import exp

    if not isinstance(node, exp.Column):
        return None
    for name in columns:
        for table in tables:
            column = table.column(name)
            if column is not None and column.own_name.lower() == node.name.lower():
                return name
    return None


def _value(
    tree: Any, tables: tuple[Table, Table], columns: Sequence[str], row: tuple[Any, ...]
) -> Decimal | None:
    """What the arithmetic ``tree`` gives on ``row``; None where a column it reads holds no
    number there or it is more than ``landings.constant`` folds."""
    from sqlglot import exp

    def put(node: Any) -> Any:
        name = _logical(node, tables, columns)
        if name is None:
            return node
        value = row[columns.index(name)]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return exp.Null()
        return exp.Literal.number(str(value))

    folded = landings.constant(tree.copy().transform(put))
    return folded if folded is not None and folded.is_finite() else None


def _like(given: Any, value: Decimal) -> Any:
    """``value`` as the probe values of its column are written: a whole number as an int where
    they are ints, a float where they are floats."""
    if isinstance(given, float):
        return float(value)
    if (given is None or isinstance(given, int)) and value == value.to_integral_value():
        return int(value)
    return value
