"""Probe rows for CHECK constraints: values chosen per column from its logical kind and from the
literals of the expressions, crossed over the columns an expression reads, bounded.

Two CHECKs that accept and reject the same probe rows are "equal on N probes" (never proven);
a row on which they part is a witness of the difference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate import moment_bounds, probe_numbers, probe_strings
from twinschema.model import Column
from twinschema.records.kinds import INTEGER_KINDS

_DECIMAL_KINDS = frozenset({"numeric", "float"})
TEXT_KINDS = frozenset({"text", "varchar", "char", "enum"})
# Text where a cast to a number or date parts the dialects: SQLite reads the longest prefix
# that is one (' 1' is 1, '1.5' and '1e3' are 1 as an integer, 'abc' and '' are 0),
# PostgreSQL fails on all but ' 1' and '1e3' as numeric.
CAST_STRINGS = ("1.5", "abc", "", " 1", "1e3", "1,5", "+1", "0x10", "2024-01-01")


def scale_parts(left: Column, right: Column, doubles: bool = True) -> str | None:
    """Why a column is stored otherwise on each side, if it is: it has a declared scale on a
    side whose dialect rounds to it (``typemap_storage.ENFORCES_SCALE``), and the other side's
    dialect keeps every decimal; or (``doubles``) it is an unscaled NUMERIC on both sides, one
    dialect keeps it as a double (``typemap_storage.DOUBLE_UNSCALED``) and the other every digit;
    or it is a 4-byte float on one side and an 8-byte one on the other (``FOUR_BYTE_FLOATS``)."""
    from twinschema.canonical import typemap_storage as storage

    names, enforces = typemap.DIALECT_NAMES, storage.ENFORCES_SCALE
    unscaled = doubles and left.type.scale is None and right.type.scale is None
    numeric = unscaled and typemap.shared_kind(left.type, right.type) == "numeric"
    for this, other in ((left, right), (right, left)):
        double, exact = this.type.dialect, other.type.dialect
        if numeric and double in storage.DOUBLE_UNSCALED and exact not in storage.DOUBLE_UNSCALED:
            return storage.UNSCALED_REASON.format(
                column=this.name, double=names[double], exact=names[exact]
            )
    for this, other in ((left, right), (right, left)):
        rounds, keeps = this.type.dialect, other.type.dialect
        if this.type.scale is None or rounds not in enforces or keeps in enforces:
            continue
        scale = this.type.scale  # the example one decimal past it: 0.001 at scale 2
        return storage.SCALE_REASON.format(
            column=this.name, scale=scale, rounds=names[rounds], keeps=names[keeps],
            past=f"{Decimal(1).scaleb(-scale - 1):f}", rounded=f"{Decimal(0).scaleb(-scale):f}",
        )  # fmt: skip
    for this, other in ((left, right), (right, left)):
        four = storage.FOUR_BYTE_FLOATS
        narrow = this.type.name in four.get(this.type.dialect, ())
        wide = "float" in typemap.kinds_of(other.type)
        if narrow and wide and other.type.name not in four.get(other.type.dialect, ()):
            return storage.FLOAT4_REASON.format(
                column=this.name, narrow=names[this.type.dialect], wide=names[other.type.dialect]
            )
    return None


def kind_of(left: Column, right: Column | None = None) -> str | None:
    """The logical kind the probes of a column follow: the kind both sides share, else the
    most specific kind of the left one."""
    if right is not None and left.type.dialect != right.type.dialect:
        # A side's encoding counts too: SQLite's INTEGER CHECK (x IN (0, 1)) is a boolean.
        for ltype in (left.type, *(t for t, _ in left.encodings)):
            for rtype in (right.type, *(t for t, _ in right.encodings)):
                shared = typemap.shared_kind(ltype, rtype)
                if shared is not None:
                    return shared
        if rounded_to_scale(left, right) or rounded_to_scale(right, left):
            return "numeric"
        from twinschema.canonical import typemap_storage as storage

        if storage.documents_pair(left.type, right.type):  # SQLite's JSON against jsonb
            return "json"
    kinds = typemap.kinds_of(left.type)
    for holds_any in ("text", "bytes"):  # SQLite's TEXT may stand for a uuid or a timestamp,
        if holds_any in kinds:  # its BLOB for a uuid: each holds any text, any bytes
            return holds_any
    return next((k for k in typemap.SPECIFICITY if k in kinds), None)


def rounded_to_scale(scaled: Column, other: Column) -> bool:
    """True when ``scaled`` has a declared NUMERIC scale its dialect rounds to on store
    (``typemap_storage.ENFORCES_SCALE``) and ``other``, of another dialect, keeps a number with
    every decimal (``typemap_storage.KEEPS_DECIMALS``: SQLite's REAL or a column without a
    type): the pair is probed as that NUMERIC, one decimal beyond its scale, as NUMERIC(6,2)
    against numeric(6,2) is (stranger75 002: REAL against numeric(6,2) was probed at 0.01 steps
    only, and a CHECK PostgreSQL's rounding crosses was equal)."""
    from twinschema.canonical import typemap_storage as storage

    rounds = scaled.type.scale is not None and scaled.type.dialect in storage.ENFORCES_SCALE
    if not rounds or "numeric" not in typemap.kinds_of(scaled.type) or scaled.type.array:
        return False
    keeps = storage.KEEPS_DECIMALS.get(other.type.dialect, frozenset())
    return not other.type.array and bool(typemap.kinds_of(other.type) & keeps)


def values_for(
    kind: str | None,
    numbers: tuple[Decimal, ...],
    strings: tuple[str, ...],
    scale: int | None = None,
    lengths: tuple[int, ...] = (),
    casts: bool = False,
    landed: tuple[Decimal, ...] = (),
) -> list[Any]:
    """The probe values of one column, most telling first (NULL, the literals and their
    neighbours, then the boundaries). ``lengths``: the lengths that matter for its strings
    (those an expression compares ``length()`` with, and the column's declared length); with
    ``casts`` (the expression casts to a number or a date), text where such casts part the
    dialects (``CAST_STRINGS``); ``landed``: where its arithmetic lands on a literal."""
    found: list[Any] = [None]
    if kind == "boolean":
        found += [False, True]
    elif kind in INTEGER_KINDS:  # ``landed`` (a generated column's type ends) after literals
        ints, at = probe_numbers.integers(numbers), sum(3 + (n != int(n)) for n in numbers)
        found += [*ints[:at], *(int(v) for v in landed), *ints[at:]]
        found += probe_numbers.SMALLINT_ENDS if kind == "smallint" else []
    elif kind in _DECIMAL_KINDS:
        found += probe_numbers.decimals(numbers, scale, exact=kind == "numeric", landed=landed)
    elif kind in TEXT_KINDS or kind is None:
        if casts:
            found += CAST_STRINGS
        found += probe_strings.texts(strings, lengths)
        if any(s.startswith("$") for s in strings):  # a JSON path: JSON kept as text
            found += probe_strings.json_documents(strings, lengths)
        if kind is None:  # a type no kind stands for (PostgreSQL's real...): numbers too
            found += probe_numbers.integers(numbers) + probe_numbers.decimals(numbers, None)
    elif kind == "json":
        found += probe_strings.json_documents(strings, lengths)
        found += probe_strings.json_texts(lengths)
    elif kind in _MOMENT_KINDS:
        # The literals as written, then the calendar's corners (DAYS) and, for timestamps,
        # moments with a fraction past half a second, where a conversion that truncates
        # (SQLite's strftime('%s', ts)) and one that rounds (extract(epoch from ts)::bigint) part.
        # Next to the literals, the moments just beside them (``moment_bounds``): an inclusive
        # end written as a day against the next day taken strictly parts inside that day only.
        beside = moment_bounds.beside(kind, strings)
        found += [*strings, *beside, *_MOMENT_KINDS[kind], *_days_beside(kind, strings)]
    else:  # UUIDs, bytes, other kinds: the literals as written, then a few of the kind's own
        found += [*strings, *_OWN_VALUES.get(kind or "", ())]
        found += probe_strings.byte_strings(lengths) if kind == "bytes" else []
    # Decimal('1.0') equals Decimal('1') but is another numeric to PostgreSQL ('1.0' as text).
    keyed: dict[Any, Any] = {}
    for v in found:
        keyed.setdefault(("decimal", str(v)) if isinstance(v, Decimal) else v, v)
    return list(keyed.values())


def _days_beside(kind: str, strings: tuple[str, ...]) -> list[str]:
    """For a date column, the day before and after each date literal: a bound the dialects
    read apart is crossed there only (SQLite's ``CAST('2020-01-01' AS DATE)`` is the number
    2020, which every text follows, so ``d >= CAST('2020-01-01' AS DATE)`` takes '2019-12-31'
    there and PostgreSQL refuses it; stranger36). The calendar's corners are all in 2021-2024."""
    import datetime as dt

    from twinschema.evaluate.clock import date_of

    if kind != "date":
        return []
    days = [day for day in map(date_of, strings) if day is not None]
    return [
        str(day + dt.timedelta(days=step))
        for day in days
        for step in (-1, 1)
        if dt.date.min < day < dt.date.max
    ]


# Days where date arithmetic and week numbers part the dialects, a small fixed set: a 31st
# before a shorter month (SQLite's date(d, '+1 month') overflows into March, PostgreSQL's
# interval stops at the month's end), a leap day (+1 year: 2025-03-01 against 2025-02-28), a
# January 1st that is a Sunday and one that is a Friday (strftime('%W') and %U against ISO
# weeks), a year's last day, and a plain mid-month day.
DAYS = ("2024-01-31", "2024-02-29", "2023-01-01", "2021-01-01", "2023-12-31", "2024-06-15")
_MOMENTS = ("2024-01-01 00:00:00.6", "2024-02-29 23:59:59.5", *(f"{d} 12:00:00" for d in DAYS[:5]))
_MOMENT_KINDS: dict[str, tuple[str, ...]] = {
    "timestamp": _MOMENTS,
    # The same moments in UTC, and one whose offset moves it to the next day and month in UTC.
    "timestamptz": (*(f"{m}+00:00" for m in _MOMENTS), "2024-01-31 23:30:00-02:00"),
    "date": DAYS,
    # Midnight, a fraction past half a second, and the last second of a day (a time moved past
    # midnight wraps); and a time half a second after another, which SQLite's time() reads as
    # the same second ('12:30:00' < '12:30:00.5' is false there: stranger52 009).
    "time": ("00:00:00", "12:30:00", "12:30:00.5", "23:59:59.5"),
}
MOMENT_KINDS = _MOMENT_KINDS  # read by ``view_probes`` (a moment in a CHECK's strftime form)
# Values of the other kinds, so that no pair is judged on NULL alone ("equal on 1 probes"): a
# UUID in lower and upper case (uuid reads both as one value), bytes empty, a zero, ASCII.
_OWN_VALUES: dict[str, tuple[Any, ...]] = {
    "uuid": ("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
    "bytes": (b"", b"\x00", b"abc"),
}
