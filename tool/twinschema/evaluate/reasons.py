"""The reason a witness row gives: where why a dialect-dependent operator parts two
expressions depends on its arguments (``typemap_arguments.ARGUMENT_REASONS``), each argument is
computed on the row that parted them, on each side's scratch database, and the first case
whose test holds is the reason (``substr(s, 2, -1)``: the length is negative, the start is not;
``x % 2`` with x = 2.01: a fraction, not a zero divisor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from twinschema.canonical import typemap_operators
from twinschema.canonical.typemap_arguments import (
    ARGUMENT_REASONS,
    EVERY,
    EXHAUSTIVE,
    FRACTION,
    INTEGER_OVERFLOW,
    NEGATIVE,
    NOT_POSITIVE,
    NOT_ZERO,
    NULL_ARGUMENT_ONLY,
    SMALLEST,
    ZERO,
)
from twinschema.evaluate import divisions, json_members
from twinschema.evaluate.backends import Backend
from twinschema.model import ColumnType
from twinschema.sql_expression import parse_expression

# An operand whose negation overflows: the smallest int2, int4 and int8.
_SMALLEST = frozenset({Decimal(-(2**15)), Decimal(-(2**31)), Decimal(-(2**63))})
# The largest int2: integer arithmetic whose result stays within it overflows no integer type.
_INT2_MAX = Decimal(2**15 - 1)
# Where ``_arguments`` keeps the values of the operator node itself (its result).
_RESULT = "="
# Where ``_arguments`` keeps the numbers arithmetic made of text that reads as no number.
_TEXT_AS_NUMBER = "text"
TEXT_AS_NUMBER = (
    "arithmetic on a date held as text: SQLite computes with the number the text starts with "
    "('2024-01-01' + 1 is 2025), PostgreSQL with the date ('2024-01-01' + 1 is 2024-01-02)"
)
# What ``argument_reason`` gives for an operator that is no reason on the witness row.
NO_REASON = ""

Columns = Sequence[tuple[str, ColumnType]]


@dataclass(frozen=True)
class Parted:
    """The witness rows that parted two expressions (one, or two a unique index takes as
    duplicates on one side only), with what each side ran them on: its columns (with each
    side's types) and its scratch database."""

    columns: tuple[Columns, Columns]
    backends: tuple[Backend, Backend]
    rows: tuple[tuple[Any, ...], ...]


def operator_reasons(
    dialects: tuple[str, str], texts: tuple[str, str], operators: list[str], parted: Parted | None,
    fallback: bool = True,
) -> list[str]:  # fmt: skip
    """What each of ``operators`` does on each dialect (``typemap``): as its arguments on the
    witness rows ``parted`` call for, those that do nothing there left out, unless none is
    left (then, and with no witness rows, every operator's general reason; none when not
    ``fallback``: another reason, a column's scale, names why)."""
    general = [
        divisions.general(dialects, texts, op, typemap_operators.DIALECT_DEPENDENT_OPERATORS[op])
        for op in operators
    ]
    if parted is None:
        return [r for r in general if r]
    found = [argument_reason(dialects, texts, op, parted) for op in operators]
    chosen = [general[n] if r is None else r for n, r in enumerate(found)]
    return [r for r in chosen if r] or (general if fallback else [])


def argument_reason(
    dialects: tuple[str, str], texts: tuple[str, str], operator: str, parted: Parted
) -> str | None:
    """The reason ``operator`` parts the two expressions ``texts`` on the witness row, from the
    values its arguments take there (on either side); ``NO_REASON`` when no case holds for an
    operator whose cases are all it does (``EXHAUSTIVE``); None when no case holds otherwise
    (the operator's general reason stands)."""
    if operator == json_members.MEMBER and parted.rows:  # the witness's member, on each side
        runs = tuple((parted.backends[n], parted.columns[n], parted.rows[0]) for n in (0, 1))
        return json_members.member_reason(dialects, texts, (runs[0], runs[1]))
    if operator in NULL_ARGUMENT_ONLY and parted.rows:
        return None if _null_argument(dialects, texts, operator, parted) else NO_REASON
    cases = ARGUMENT_REASONS.get(operator)
    if not cases:
        return None
    values = [_arguments(n, dialects[n], texts[n], operator, parted) for n in (0, 1)]
    # Integer division on PostgreSQL too is no reason (``divisions.integral``).
    both = operator == "Div" and divisions.integral(dialects, texts, parted.columns)
    for argument, test, reason in cases:
        if both and test == NOT_ZERO:
            continue
        if argument == EVERY:
            if any(side.get(_TEXT_AS_NUMBER) for side in values):
                return TEXT_AS_NUMBER
            overflow = _overflows(values) if test == INTEGER_OVERFLOW else None
            if overflow is not None:
                return reason if overflow else NO_REASON
            continue
        if any(_holds(test, v) for side in values for v in side.get(argument, ())):
            return reason
    return NO_REASON if operator in EXHAUSTIVE or both else None


def _arguments(
    n: int, dialect: str, text: str, operator: str, parted: Parted
) -> dict[str, list[Decimal]]:
    """The values each argument of each ``operator`` node in ``text`` takes on the witness
    rows, computed by side ``n``'s database (an argument that fails or is not a number: none)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    read = SQLGLOT_DIALECTS[dialect]
    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=read), text)
    except (SqlglotError, ValueError):
        return {}
    found: dict[str, list[Decimal]] = {}
    number = ColumnType(dialect, "numeric")
    wanted = {argument for argument, _, _ in ARGUMENT_REASONS[operator]}
    if EVERY in wanted:
        wanted |= {"this", "expression"}
    for node in tree.walk():
        if type(node).__name__ != operator:
            continue
        arguments = [*node.args.items(), *([(_RESULT, node)] if EVERY in wanted else [])]
        outcomes: dict[str, list[Any]] = {}
        for name, argument in arguments:
            if name not in wanted | {_RESULT} or not isinstance(argument, exp.Expression):
                continue
            got = parted.backends[n].computed(
                parted.columns[n], argument.sql(dialect=read), number, parted.rows
            )
            outcomes[name] = list(got or ())
            values = [_number(outcome) for outcome in got or ()]
            found.setdefault(name, []).extend(v for v in values if v is not None)
        found.setdefault(_TEXT_AS_NUMBER, []).extend(_text_as_number(outcomes))
    return found


def _null_argument(
    dialects: tuple[str, str], texts: tuple[str, str], operator: str, parted: Parted
) -> bool:
    """Whether an argument of an ``operator`` node (``max(label, 'b')``) is NULL on the
    witness rows, on either side's database: where none is, SQLite's max and PostgreSQL's
    greatest agree on what they compute (``NULL_ARGUMENT_ONLY``)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    for n, (dialect, text) in enumerate(zip(dialects, texts, strict=True)):
        read = SQLGLOT_DIALECTS[dialect]
        try:
            tree = parse_expression(partial(sqlglot.parse_one, read=read), text)
        except (SqlglotError, ValueError):
            continue
        flag = ColumnType(dialect, "integer")
        for node in tree.walk():
            if type(node).__name__ != operator:
                continue
            for argument in (node.this, *node.expressions):
                if not isinstance(argument, exp.Expression):
                    continue
                test = f"CASE WHEN ({argument.sql(dialect=read)}) IS NULL THEN 1 ELSE 0 END"
                got = parted.backends[n].computed(parted.columns[n], test, flag, parted.rows)
                if any(o is not None and o[0] and o[1] == 1 for o in got or ()):
                    return True
    return False


def _text_as_number(outcomes: dict[str, list[Any]]) -> list[Decimal]:
    """The results of arithmetic on a row where an operand is text that reads as no number
    and the result is a number all the same: SQLite computes with the number the text starts
    with ('2024-01-01' + 1 is 2025), where PostgreSQL computes on a date (stranger50 035)."""
    found = []
    for at, result in enumerate(outcomes.get(_RESULT, ())):
        value = _number(result)
        operands = [
            outcomes[k][at] for k in ("this", "expression") if at < len(outcomes.get(k, ()))
        ]
        texts = [o for o in operands if o and o[0] and isinstance(o[1], str) and _number(o) is None]
        if value is not None and texts:
            found.append(value)
    return found


def _overflows(values: list[dict[str, list[Decimal]]]) -> bool | None:
    """Whether integer arithmetic overflows on the witness rows: every argument a whole number
    on both sides and the result past the largest int2 on one (where it failed, the other's
    shows it). None when no argument is a number there (a date, a text: the general reason)."""
    arguments = [v for side in values for n in ("this", "expression") for v in side.get(n, ())]
    if not arguments:
        return None
    whole = all(v == v.to_integral_value() for v in arguments)
    return whole and any(abs(v) > _INT2_MAX for side in values for v in side.get(_RESULT, ()))


def _number(outcome: tuple[bool, Any] | None) -> Decimal | None:
    if outcome is None or not outcome[0] or outcome[1] is None:
        return None
    try:
        return Decimal(str(outcome[1]))
    except InvalidOperation:
        return None


def _holds(test: str, value: Decimal) -> bool:
    if test == NEGATIVE:
        return value < 0
    if test == NOT_POSITIVE:
        return value <= 0
    if test == ZERO:
        return value == 0
    if test == NOT_ZERO:
        return value != 0
    if test == SMALLEST:
        return value in _SMALLEST
    if test == FRACTION:
        return value != value.to_integral_value()
    raise ValueError(f"unknown test {test!r}")
