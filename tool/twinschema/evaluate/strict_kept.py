"""A CHECK on one side that the type of its column in a SQLite STRICT table already keeps: it
refuses no value that column stores, so it is no difference (stranger57 098: ``n INTEGER NOT
NULL CHECK (typeof(n) = 'integer')``, ``m INTEGER CHECK (m BETWEEN -9223372036854775808 AND
9223372036854775807)`` in a STRICT table against the same table without them).

A STRICT table stores a value of its column's storage class only (INTEGER: a 64-bit integer,
REAL, TEXT, BLOB), after the coercion its affinity makes ('5' and 1.0 into INTEGER are 5), and
refuses the rest ("cannot store REAL value in INTEGER column"; SQLite 3.40). Decided on real
SQLite (``Backend.store``: each value stored into a STRICT column of that type without and with
the CHECK), over values that cover the CHECK's every answer, which is why its shape is
restricted: ``typeof()`` of the column compared with string literals (=, <>, IN) under AND, OR
and NOT, whose answer follows the storage class alone, probed with a value of each class and
the texts and numbers a coercion turns into another; or the shapes ``type_kept`` covers on an
INTEGER column, probed on its grid between the 64-bit ends. A NULL is tried where the column
takes one (``typeof(NULL)`` is 'null').

Without STRICT, a column keeps a value of any class its affinity leaves it in, so only the
``typeof()`` shape is settled there, over the same values: ``x TEXT NOT NULL CHECK (typeof(x)
IN ('text', 'blob'))`` against ``x text NOT NULL`` (TEXT affinity makes each number text; no
value but NULL, which NOT NULL refuses, is another class). Near miss: ``typeof(x) = 'text'``
there refuses X'61', which stays a blob (its witness: ``storage_classes``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from twinschema.evaluate import type_kept
from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.model import OPTION_STRICT, Column
from twinschema.records import Difference
from twinschema.records.dialects import DIALECT_NAMES, SQLITE
from twinschema.sql_expression import parse_expression

# A value of each storage class, and the ones a STRICT column's affinity coerces into another
# ('5' and 1.0 into INTEGER are 5, 1 into REAL is 1.0, 5 into TEXT is '5').
_EACH_CLASS: tuple[Any, ...] = (1, 1.5, 1.0, "a", "5", "1.5", b"a", 2**62)
# The STRICT types whose every value the INTEGER grid covers, and its 64-bit ends.
_INTEGERS = frozenset({"integer", "int"})
_INT64 = (Decimal(-(2**63)), Decimal(2**63 - 1))


def settle(st: StageContext, d: Difference, side: str, text: str) -> bool:
    """Settle ``d``, a CHECK (``text``) only ``side`` has, as the equivalence "the type keeps
    it" where its SQLite column (in a STRICT table, or by its affinity for a ``typeof()``
    CHECK) stores no value the CHECK refuses (see the module docstring); True when settled
    (``d`` dropped)."""
    own = st.left if side == "left" else st.right
    if own.schema.dialect != SQLITE or d.table is None:
        return False
    table = find(own, d.table, "")[0]
    strict = table is not None and OPTION_STRICT in table.options
    name, values = _typeof_column(text), list(_EACH_CLASS)
    if table is None or (not strict and name is None):
        return False  # a range of a column without STRICT: it keeps text and fractions too
    ranged = name is None  # else a range of an INTEGER column, on its grid
    if name is None:
        found = type_kept.shape(text, SQLITE)
        if found is None or found[1] != {"value"}:
            return False
        name, _, numbers = found
        values = [int(v) for v in type_kept.grid(Decimal(1), numbers, *_INT64)]
    column = find(own, d.table, name)[1]
    backend = st.ev.backend(SQLITE)
    if column is None or backend is None or (ranged and column.type.name not in _INTEGERS):
        return False
    values += [None] if column.nullable else []
    st.note(SQLITE)
    options = [OPTION_STRICT] if strict else []
    store = partial(backend.store, column.name, column.type, values=values, options=options)
    plain, checked = store(checks=[]), store(checks=[text])
    if plain is None or checked is None:
        return False
    held = [i for i, v in enumerate(plain) if v is not REJECTED]
    refused = [values[i] for i in held if checked[i] is REJECTED]
    if not held or (refused and (strict or ranged)):
        return False
    spelling = column.type.spelling()
    if refused:  # kept by the other side's type, if that refuses each of them
        return _other_refuses(st, d, side, column, refused, len(held))
    held_by = f"a STRICT table's {spelling}" if strict else f"{spelling}'s affinity"
    rule = (
        f"the type keeps it: {held_by} stores no value the CHECK refuses "
        f"({probe_count(len(held), 'value')} stored, all accepted)"
    )
    return type_kept.kept(st, d, side, column, rule)


def _other_refuses(
    st: StageContext, d: Difference, side: str, own: Column, refused: list[Any], held: int
) -> bool:
    """Settle ``d`` where each value ``own`` keeps that its ``typeof()`` CHECK refuses is a
    blob, which the other side's column of that name refuses to store at all: ``x INTEGER NOT
    NULL CHECK (typeof(x) <> 'blob')`` against ``x integer NOT NULL``, whose integer refuses
    bytes by their type, whatever they hold (a bytea or bit string; PostgreSQL 16). Only blobs:
    whether a text or a number is stored depends on what it holds, which one probe value does
    not cover ('0x10' is 16 in PostgreSQL 16's integer, 'a' refused). Near miss: against
    ``text``, which stores bytes as '\\x61', a witness."""
    if not all(isinstance(v, bytes) for v in refused) or d.table is None:
        return False
    here, there = (st.left, st.right) if side == "left" else (st.right, st.left)
    table, name = find(there, d.table, logical_name(here, d.table, own.name))
    backend = st.ev.backend(there.schema.dialect)
    if table is None or name is None or backend is None:
        return False
    st.note(there.schema.dialect)
    got = st.ev.crossing.stored(backend, there.schema.dialect, table, name, [], refused)
    if got is None or any(v is not REJECTED for v in got):
        return False
    mine = f"{DIALECT_NAMES[here.schema.dialect]}'s {own.type.spelling()}"
    theirs = f"{DIALECT_NAMES[there.schema.dialect]}'s {name.type.spelling()}"
    rule = (
        f"the types keep it: {theirs} refuses each value {mine} keeps that the CHECK refuses "
        f"(a blob; {probe_count(held, 'value')} stored, {len(refused)} refused by both)"
    )
    return type_kept.kept(st, d, side, own, rule)


def _typeof_column(text: str) -> str | None:
    """The one column ``text`` reads, where it is AND, OR and NOT of ``typeof(column)``
    compared with string literals (=, <>, IN); None otherwise."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[SQLITE]), text)
    except (SqlglotError, ValueError):
        return None
    names: set[str] = set()

    def typeof(node: Any) -> bool:
        node = node.unnest()
        if isinstance(node, exp.Typeof) and isinstance(node.this.unnest(), exp.Column):
            names.add(node.this.unnest().name)
            return True
        return False

    def text_literal(node: Any) -> bool:
        return isinstance(node.unnest(), exp.Literal) and node.unnest().is_string

    def condition(node: Any) -> bool:
        node = node.unnest()
        if isinstance(node, exp.Not):
            return condition(node.this)
        if isinstance(node, exp.And | exp.Or):
            return condition(node.this) and condition(node.expression)
        if isinstance(node, exp.In):
            listed = node.expressions
            return bool(listed) and typeof(node.this) and all(map(text_literal, listed))
        if isinstance(node, exp.EQ | exp.NEQ):
            a, b = node.this, node.expression
            return (typeof(a) and text_literal(b)) or (text_literal(a) and typeof(b))
        return False

    return next(iter(names)) if condition(tree) and len(names) == 1 else None
