"""Why round() parts a CHECK read alike on SQLite and PostgreSQL, by the type of its operand on
the witness row (``check_pairs.each_side``; stranger80 004).

PostgreSQL's round() of a double precision rounds half to even (round(2.5::float8) is 2), of a
numeric half away from zero, as SQLite's round() does (round(2.5) is 3 on both). Where the
operand is numeric on PostgreSQL, the tie rule parts nothing: what does is SQLite's arithmetic
in binary floating point (a NUMERIC column holds 1.001 as a REAL, and 1.001 * 1000 is
1000.9999999999999 there, 1001.000 on PostgreSQL). The operand's type and value are read on
each side's scratch database, on the witness row.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from twinschema.evaluate.reasons import Parted
from twinschema.model import ColumnType
from twinschema.sql_expression import parse_expression

# round()'s name in ``typemap_operators.READ_OTHERWISE`` (sqlglot's node).
ROUND = "Round"
# PostgreSQL's types whose round() rounds half to even.
_FLOATING = frozenset({"double precision", "real"})


def round_reason(dialects: tuple[str, str], texts: tuple[str, str], parted: Parted) -> str | None:
    """The reason round() gives for two CHECK ``texts`` parting on the witness row ``parted``:
    None where its operand is a double precision on PostgreSQL (the tie rule stands, as
    ``READ_OTHERWISE`` says it), or nothing is known; else SQLite's REAL arithmetic where the
    operand's value differs there, or "" (round() is no reason: both round alike)."""
    if "postgresql" not in dialects or "sqlite" not in dialects or not parted.rows:
        return None
    pg, lite = dialects.index("postgresql"), dialects.index("sqlite")
    operands = [_operands(dialects[n], texts[n]) for n in (0, 1)]
    if not operands[pg] or len(operands[pg]) != len(operands[lite]):
        return None
    text_type = ColumnType("postgresql", "text")
    number = {n: ColumnType(dialects[n], "numeric") for n in (0, 1)}
    for pg_operand, lite_operand in zip(operands[pg], operands[lite], strict=True):
        typed = _first(parted, pg, f"pg_typeof({pg_operand})::text", text_type)
        if typed is None or typed in _FLOATING:
            return None
        on_pg = _first(parted, pg, pg_operand, number[pg])
        on_lite = _first(parted, lite, lite_operand, number[lite])
        if on_lite is not None and on_pg is not None and _apart(on_lite, on_pg):
            return (
                f"round()'s operand {lite_operand} is {typed} on PostgreSQL, computed exactly "
                f"({on_pg} on the witness row), where SQLite computes it in binary floating point "
                f"(REAL: {on_lite}); both round() a tie half away from zero"
            )
    return ""


def _operands(dialect: str, text: str) -> list[str]:
    """The SQL of each round() call's first argument in ``text``, in order."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    read = SQLGLOT_DIALECTS[dialect]
    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=read), text)
    except (SqlglotError, ValueError):
        return []
    return [node.this.sql(dialect=read) for node in tree.walk() if type(node).__name__ == ROUND]


def _first(parted: Parted, n: int, expression: str, ctype: ColumnType) -> Any:
    """What ``expression`` gives on side ``n``'s database over the first witness row; None
    where it fails."""
    got = parted.backends[n].computed(
        parted.columns[n], expression, ctype, parted.rows[:1], generated=False
    )
    outcome = (got or [None])[0]
    return outcome[1] if outcome is not None and outcome[0] else None


def _apart(a: Any, b: Any) -> bool:
    """Whether two numbers differ (as decimals: a REAL 1000.9999999999999 is not 1001.000)."""
    try:
        return Decimal(str(a)) != Decimal(str(b))
    except InvalidOperation:
        return str(a) != str(b)
