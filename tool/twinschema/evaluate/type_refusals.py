"""Why a generated column parts the dialects by its type alone: one side's column refuses a
value the other side's stores (a precision, a length or an integer width one dialect enforces
and the other does not), told apart from the arithmetic by computing the value again into the
type without its limit (``typemap_storage.unlimited``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from twinschema.canonical import typemap
from twinschema.evaluate.backends import Computed
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.value_convert import convert
from twinschema.model import Column

if TYPE_CHECKING:
    from twinschema.evaluate.context import StageContext


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
