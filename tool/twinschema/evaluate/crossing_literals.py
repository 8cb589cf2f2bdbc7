"""The values a column pair is tried with because of the literals of its CHECKs (``crossing``):
a string longer than the length, a fraction beside a whole number, a number beside a bound past
the scale, a uuid in the other letter case, a moment whose UTC offset moves its day; and all of
a column's values, its kind's (``crossing_values``) with these.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from twinschema.evaluate import expression_reads, probes
from twinschema.evaluate.crossing_values import FINER, NOT_NUMBERS, probe_values
from twinschema.evaluate.shown_probes import probe_text
from twinschema.records.kinds import INTEGER_KINDS

# What a warning on a moment with a UTC offset in a date column says of it (``offset_moments``).
OFFSET = "its UTC offset moves it to another day"
# What a moment at UTC tried beside them is said to be (never a warning; ``moved_days``).
UNMOVED = "a moment at UTC on its own day"
# At most this many days are tried with offsets (the calendar's corners first).
_OFFSET_DAYS = 8
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def column_values(
    kind: str | None,
    sizes: tuple[int | None, int | None, int | None],
    reads: list[expression_reads.Reads],
    sqlite_checks: list[str],
) -> list[tuple[str, Any]]:
    """The values a column pair is tried with: its kind's probes (``probe_values``, sizes
    being its length, precision and scale), then those the literals of its CHECKs (``reads``)
    make telling: a longer text, a fraction of an integer, values around a scale's bound, a
    uuid in the other letter case, a moment whose offset moves its day where SQLite's CHECKs
    (``sqlite_checks``) read offsets."""
    length, precision, scale = sizes
    values = probe_values(kind, length, precision, scale)
    values += longer_literals(reads, length)
    if kind in INTEGER_KINDS:
        values += fractions(reads)
    if kind == "numeric" and scale is not None and scale >= 0:
        values += scale_bounds(reads, scale)
    if kind == "uuid":
        values += other_cases(reads)
    if kind == "numeric" and sqlite_checks:
        values += NOT_NUMBERS
    if kind in INTEGER_KINDS and sqlite_checks:  # 'free' passes ``n >= 0`` there too (fix89b)
        values += NOT_NUMBERS[1:]
    if kind == "date" and reads_offsets(sqlite_checks):
        values += offset_moments(reads)
    return values


def check_reads(checks: tuple[tuple[str, list[str]], ...]) -> list[expression_reads.Reads]:
    """What each side's CHECKs on a column read (each in its own dialect)."""
    found = (expression_reads.reads(dialect, check) for dialect, texts in checks for check in texts)
    return [read for read in found if read is not None]


def longer_literals(
    reads: list[expression_reads.Reads], length: int | None
) -> list[tuple[str, Any]]:
    """The strings a column's CHECKs name longer than its declared length: a value the CHECK
    lets in that the length may refuse (``status IN ('draft', 'sent')`` on a varchar(4):
    SQLite stores 'draft', PostgreSQL refuses it; stranger34). The length's own probe, one
    character past it, is a text the CHECK refuses."""
    if length is None:
        return []
    found = dict.fromkeys(t for read in reads for t in read.strings if len(t) > length)
    return [(f"the text {probe_text(t)} (longer than {length})", t) for t in found]


def fractions(reads: list[expression_reads.Reads]) -> list[tuple[str, Any]]:
    """For an integer column, each whole number its CHECKs name plus 0.7, less 0.4 and plus
    0.4: where a CHECK refuses 1.5 (``x % 5 = 0``) the fraction SQLite keeps and PostgreSQL
    rounds may pass it (0.7: 0.7 % 5 is 0 on SQLite, PostgreSQL stores 1, which fails;
    stranger34); a bound's neighbours PostgreSQL rounds back onto it part a bound (99.6 under
    ``x < 100``: SQLite stores it, PostgreSQL's 100 fails; -0.4 under ``x >= 0``: SQLite refuses
    it, PostgreSQL stores 0; stranger82 005, ``fraction_checks``). Not a half, which PostgreSQL
    rounds to even from a double and away from zero from a numeric."""
    found = dict.fromkeys(
        n + Decimal(step)
        for read in reads
        for n in read.numbers
        if n == int(n) and abs(n) < 2**31
        for step in ("0.7", "-0.4", "0.4")
    )
    return [(f"the number {n} (not a whole number)", n) for n in found]


def scale_bounds(reads: list[expression_reads.Reads], scale: int) -> list[tuple[str, Any]]:
    """For a NUMERIC column of ``scale``, each number its CHECKs name (within the scale) less
    and plus 4 in the first decimal past it: values PostgreSQL rounds back onto the bound, one
    of which a bound lets in on both sides where 1.001 is kept out (``c >= 2`` on NUMERIC(5,0):
    2.4, which SQLite stores as 2.4, PostgreSQL as 2; fuzz41 R4). Tried only where 1.001 gives
    no warning (one warning per column for its scale)."""
    fine = Decimal(4).scaleb(-(scale + 1))
    unit = Decimal(1).scaleb(-scale)
    found = dict.fromkeys(
        v
        for read in reads
        for n in read.numbers
        if n.is_finite() and n == n.quantize(unit) and abs(n) < 2**31
        for v in (n + fine, n - fine)
    )
    return [(f"the number {v} ({FINER} {scale})", v) for v in found]


# SQLite's date and time functions, which read a moment's UTC offset (to UTC).
_DATE_FUNCTIONS = re.compile(r"\b(strftime|date|datetime|julianday|unixepoch|time)\s*\(", re.I)


def reads_offsets(checks: list[str]) -> bool:
    """True when one of SQLite's ``checks`` reads a value through a date or time function,
    which moves a moment with a UTC offset to UTC (a comparison of the text does not: that
    is ``date_text``'s)."""
    return any(_DATE_FUNCTIONS.search(text) for text in checks)


def offset_moments(reads: list[expression_reads.Reads]) -> list[tuple[str, Any]]:
    """For a date column whose SQLite CHECKs read it through a date function
    (``reads_offsets``), moments with a UTC offset that moves them to the day
    before or after in UTC ('2023-01-01T23:30:00-05:00' is 2023-01-02 04:30 UTC), on the
    calendar's corners (``probes.DAYS``, a Sunday among them) and on each date literal's day:
    PostgreSQL's date keeps the day as written and drops the time and offset, SQLite keeps the
    text, which its date functions (``strftime``, ``date``, ``julianday``) read in UTC, so a
    CHECK through them sees another day (``strftime('%w', d)`` against ``EXTRACT(DOW FROM d)``,
    stranger44 018). Only a side that rejects such a value is a finding (``OFFSET``)."""
    from twinschema.evaluate.clock import date_of

    days = [*probes.DAYS, *(t.strip()[:10] for read in reads for t in read.strings)]
    valid = [d for d in dict.fromkeys(days) if date_of(d) is not None][:_OFFSET_DAYS]
    moments = [m for d in valid for m in (f"{d}T23:30:00-05:00", f"{d}T00:30:00+05:00")]
    moved = [(f"the text {probe_text(m)} ({OFFSET} in UTC)", m) for m in moments]
    return moved + [(UNMOVED, f"{d}T12:00:00+00:00") for d in valid]


def other_cases(reads: list[expression_reads.Reads]) -> list[tuple[str, Any]]:
    """For a uuid column, each UUID its CHECKs name in the letter case none of them writes:
    PostgreSQL stores 'A0EEBC99-...' as 'a0eebc99-...', SQLite's text keeps it, so ``id <>
    'a0eebc99-...'`` on both sides lets the capitals in on SQLite only (stranger59 012). A
    case the CHECKs write themselves is their own difference's witness, not tried again."""
    written = {t.strip() for read in reads for t in read.strings if _UUID.match(t.strip())}
    found = dict.fromkeys(
        v for t in sorted(written) for v in (t.upper(), t.lower()) if v not in written
    )
    return [
        (f"the text {probe_text(v)} (a uuid of its CHECKs in other letter case)", v) for v in found
    ]
