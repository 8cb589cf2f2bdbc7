"""The reason a witness row gives: where why a dialect-dependent operator parts two
expressions depends on its arguments (``typemap_arguments.ARGUMENT_REASONS``), each argument is
computed on the row that parted them, on each side's scratch database, and the first case
whose test holds is the reason (``substr(s, 2, -1)``: the length is negative, the start is not;
``x % 2`` with x = 2.01: a fraction, not a zero divisor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from twinschema.canonical import typemap, typemap_operators
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
from twinschema.evaluate.backends import Backend, Computed
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.values import convert
from twinschema.model import Column, ColumnType
from twinschema.sql_expression import parse_expression

if TYPE_CHECKING:
    from twinschema.evaluate.context import StageContext

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


def precision_reason(
    st: StageContext, table: str, columns: tuple[Column, Column],
    outcomes: tuple[Computed, Computed] | None,
) -> str | None:  # fmt: skip
    """Why a generated column parts the dialects where one side computes a number past the
    declared precision of the other side's column, which fails to store it (PostgreSQL's
    numeric(5,2) holds less than 1000; SQLite's NUMERIC(5,2) stores any number): the
    precision, not the arithmetic's integer overflow. None when the witness shows no such
    value."""
    past = past_precision(columns, outcomes)
    if past is None or outcomes is None:
        return None
    n, value, bound = past
    ctype = columns[n].type
    return (
        f"{typed_on(st, table, columns, n)}, which holds numbers below {bound} only (precision "
        f"{ctype.precision} with scale {ctype.scale or 0}): {value} fails there "
        f"({outcomes[n][1]}), {st.side_name('right' if n == 0 else 'left')} stores it"
    )


def typed_on(st: StageContext, table: str, columns: tuple[Column, Column], n: int) -> str:
    """``t.g is numeric(5,2) on PostgreSQL``: column ``n`` of the pair, its type and side."""
    ctype = columns[n].type
    return (
        f"{table}.{columns[n].name} is {ctype.raw or ctype.spelling()} on "
        f"{st.side_name('left' if n == 0 else 'right')}"
    )


def past_precision(
    columns: tuple[Column, Column], outcomes: tuple[Computed, Computed] | None
) -> tuple[int, Decimal, Decimal] | None:
    """(the side whose column failed, the number the other side computed, the bound below
    which that column's precision holds numbers) where one side fails to store a number past
    its column's declared precision that the other stores; None elsewhere."""
    if outcomes is None:
        return None
    for n in (0, 1):
        failed, other = outcomes[n], outcomes[1 - n]
        ctype = columns[n].type
        if failed[0] or not other[0] or ctype.precision is None or other[1] is None:
            continue
        try:
            value = Decimal(str(other[1]))
        except InvalidOperation:
            continue
        if value.is_nan():
            continue
        scale = ctype.scale or 0
        bound = Decimal(10) ** (ctype.precision - scale)
        try:
            rounded = value.quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP)
        except InvalidOperation:  # too many digits to round (1e20 * 99999999.99), or infinite:
            rounded = value  # far past any declared precision (fuzz37 F10: an internal error)
        if abs(rounded) >= bound:
            return n, value, bound
    return None


def enforced_length(columns: tuple[Column, Column]) -> int | None:
    """The declared length of the column of the pair whose dialect refuses longer text and
    the other's does not (``typemap_storage.ENFORCES_LENGTH``); None when neither is such."""
    from twinschema.canonical.typemap_storage import ENFORCES_LENGTH

    for this, other in (columns, (columns[1], columns[0])):
        if this.type.length is None:
            continue
        if this.type.dialect in ENFORCES_LENGTH and other.type.dialect not in ENFORCES_LENGTH:
            return this.type.length
    return None


def narrower_integer(columns: tuple[Column, Column]) -> bool:
    """True when one column of the pair is an integer its dialect holds in fewer bits than the
    other's (``typemap_storage.NARROW_INTEGERS``: PostgreSQL's integer against SQLite's)."""
    from twinschema.canonical.typemap_storage import NARROW_INTEGERS

    def narrow(column: Column) -> bool:
        kinds = NARROW_INTEGERS.get(column.type.dialect, frozenset())
        return bool(typemap.kinds_of(column.type) & kinds)

    return narrow(columns[0]) != narrow(columns[1])


def limited(columns: tuple[Column, Column]) -> bool:
    """True when a value one column of the pair stores may fail to fit the other: a precision,
    a length or an integer width one dialect enforces and the other does not."""
    return (
        enforced_bound(columns) is not None
        or enforced_length(columns) is not None
        or narrower_integer(columns)
    )


def refusal_reason(
    st: StageContext, table: str, columns: tuple[Column, Column],
    outcomes: tuple[Computed, Computed] | None,
) -> str | None:  # fmt: skip
    """Why a generated column parts the dialects where one side fails to store what it computed
    and the other stores it (a text past PostgreSQL's varchar(3), 2147483648 in its integer):
    the column's type on the side that fails, with the database's own error. None elsewhere."""
    if outcomes is None:
        return None
    for n in (0, 1):
        failed, other = outcomes[n], outcomes[1 - n]
        if failed[0] or not other[0]:
            continue
        return (
            f"{typed_on(st, table, columns, n)}, which fails to store {probe_text(other[1])} "
            f"({failed[1]}); {st.side_name('right' if n == 0 else 'left')} stores it"
        )
    return None


def type_refusal(
    st: StageContext, table: str, columns: tuple[Column, Column], texts: tuple[str, str],
    parted: Parted | None, outcomes: tuple[Computed, Computed] | None,
) -> str | None:  # fmt: skip
    """``refusal_reason`` where the column's type alone parts the dialects on the witness row:
    the side that fails to store computes, into its type without the limit
    (``typemap_storage.unlimited``: varchar(3) as varchar, integer as bigint), the very value
    the other side stores (``x || 'z'`` on 'xxx' is 'xxxz' on both; only varchar(3) refuses
    it). None where it computes another value (1.50 || 'z' is '1.50z' on PostgreSQL, '1.5z'
    on SQLite: the operator is the reason) or no such type is."""
    from twinschema.canonical.typemap_storage import unlimited

    if parted is None or outcomes is None:
        return None
    for n in (0, 1):
        failed, other = outcomes[n], outcomes[1 - n]
        wide = unlimited(columns[n].type)
        if failed[0] or not other[0] or wide is None:
            continue
        got = parted.backends[n].computed(parted.columns[n], texts[n], wide, parted.rows[:1])
        kind = typemap.shared_kind(columns[0].type, columns[1].type)
        if not got or got[0] is None or not got[0][0]:
            return None
        if convert(got[0][1], kind) != convert(other[1], kind):
            return None
        return refusal_reason(st, table, columns, outcomes)
    return None


def enforced_bound(columns: tuple[Column, Column]) -> Decimal | None:
    """10 ** (precision - scale) of the column of the pair whose declared NUMERIC precision its
    dialect enforces and the other's does not (``typemap_storage.ENFORCES_PRECISION``): a
    number from it up fails there, the other side stores it. None when neither is such."""
    from twinschema.canonical.typemap_storage import ENFORCES_PRECISION

    for this, other in (columns, (columns[1], columns[0])):
        ctype = this.type
        if ctype.precision is None or "numeric" not in typemap.kinds_of(ctype):
            continue
        if ctype.dialect in ENFORCES_PRECISION and other.type.dialect not in ENFORCES_PRECISION:
            return Decimal(10) ** (ctype.precision - (ctype.scale or 0))
    return None
