"""The values a column pair is tried with for ``value_compatibility`` warnings (``crossing``):
by its kind (a string one past its length, an integer past int4, 1.001 past a NUMERIC scale...),
and by the literals of its CHECKs (a string longer than the length, a fraction beside a whole
number, a number beside a bound past the scale), each with how a message names it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate import expression_reads, probes
from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.crossing_hints import FRACTION, NO_DAY
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.values import convert
from twinschema.model import ColumnType
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.kinds import INTEGER_KINDS

# Two spellings of one value of a kind: a text column keeps them apart, the typed PostgreSQL
# column stores one value (uuid ignores letter case, jsonb spacing, a timestamp or time its
# spelling, timestamptz the offset an instant is written in).
SPELLINGS: dict[str, tuple[str, str]] = {
    "uuid": ("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    "json": ('{"a":1}', '{"a": 1}'),
    "date": ("2024-01-01", "2024-1-1"),
    "timestamp": ("2024-01-01 10:00", "2024-01-01 10:00:00"),
    "timestamptz": ("2024-01-01 10:00:00+00:00", "2024-01-01 12:00:00+02:00"),
    "time": ("08:00", "08:00:00"),
}

# Two moments of one width that a pin to one form (a GLOB, strftime) passes and PostgreSQL reads
# as one (hour 24 is the next midnight), tried under a UNIQUE rule where such a pin refuses the
# pair above (stranger75 001: '2026-01-01T24:00:00Z' then '2026-01-02T00:00:00Z', both stored by
# SQLite, the second a duplicate key on PostgreSQL).
WALL_SPELLINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "timestamp": (
        ("2026-01-01 24:00:00", "2026-01-02 00:00:00"),
        ("2026-01-01T24:00:00", "2026-01-02T00:00:00"),
    ),
    "timestamptz": (
        ("2026-01-01T24:00:00Z", "2026-01-02T00:00:00Z"),
        ("2026-01-01 24:00:00+00:00", "2026-01-02 00:00:00+00:00"),
    ),
}

# What a warning on text no date function reads says of it.
NOT_A_DATE = "the text 'yesterday-ish'"
# Days no calendar has, per kind, in the forms pins hold text to: SQLite's date() and strftime()
# print '2024-02-30' and '0000-01-01' back unchanged (a GLOB passes them too), so a pin such as
# ``d IS date(d)`` stores them, and PostgreSQL's date, timestamp and timestamptz refuse both ("date/
# time field value out of range"; its calendar has no year zero). Tried after 'yesterday-ish',
# one warning a column (``crossing.findings``): they matter where a pin refuses that (s79time).
NO_DAYS: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple(
        (day + rest, f"{NO_DAY}: {why}")
        for day, why in (
            ("2024-02-30", "February has 29 days at most"),
            ("0000-01-01", "PostgreSQL's calendar has no year zero"),
        )
        for rest in forms
    )
    for kind, forms in (
        ("date", ("",)),
        ("timestamp", (" 10:00:00", "T10:00:00")),
        ("timestamptz", ("T10:00:00Z", " 10:00:00+00:00", "T10:00:00+00:00")),
    )
}
# What a warning on a number past a NUMERIC scale says of it (one such warning a column).
FINER = "more digits than scale"
# What a warning on a moment with a UTC offset in a date column says of it (``offset_moments``).
OFFSET = "its UTC offset moves it to another day"
# What a moment at UTC tried beside them is said to be (never a warning; ``moved_days``).
UNMOVED = "a moment at UTC on its own day"
# At most this many days are tried with offsets (the calendar's corners first).
_OFFSET_DAYS = 8
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


# How a message names a value one past a length in a trailing space, which PostgreSQL's
# varchar(n) stores cut to n characters: a finding only where the other side rejects it.
TRAILING = "a trailing space past the length"
# Not a number: PostgreSQL's numeric, real and double precision store it (and a CHECK such as
# x >= 0 lets it in: NaN sorts above every number there); SQLite has no NaN, its float binding
# gives NULL (a NOT NULL column refuses the row), as SQLAlchemy writes Decimal('NaN') on a sync
# (stranger84 006). Infinity is not probed: SQLite stores it as its REAL inf, read back as is.
NAN = ("the number NaN", float("nan"))


def probed_kind(left: ColumnType, right: ColumnType) -> str | None:
    """The kind whose values are tried in two columns: the kind both types stand for, else
    ``numeric`` for a float against a NUMERIC with a scale or precision, which rounds or refuses
    what the float stores (stranger73 009: REAL against numeric(4,2), the type difference
    allowed, lost the warning SQLite's NUMERIC(4,2) gets: 1.001 is stored as 1.001 and 1.00)."""
    kind = typemap.shared_kind(left, right)
    if kind is not None:
        return kind
    from twinschema.canonical import typemap_storage

    if typemap_storage.documents_pair(left, right):  # stranger79 004: SQLite's JSON, jsonb
        return "json"
    for a, b in ((left, right), (right, left)):
        sized = a.scale is not None or a.precision is not None
        if sized and "numeric" in typemap.kinds_of(a) and "float" in typemap.kinds_of(b):
            return "numeric"
    return None


def probe_values(
    kind: str | None, length: int | None, precision: int | None, scale: int | None
) -> list[tuple[str, Any]]:
    """The values worth trying in a column of ``kind``, each with how a message names it (the
    fraction in an integer column is ``FRACTION``, whose warning has a hint of its own)."""
    found: list[tuple[str, Any]] = []
    if kind in ("text", "varchar", "char") and length is not None:
        found.append((f"a string of {length + 1} characters", "x" * (length + 1)))
        found.append(
            (f"the text {probe_text('x' * length + ' ')} ({TRAILING})", "x" * length + " ")
        )
    if kind in ("integer", "smallint"):
        limit = 2**31 if kind == "integer" else 2**15
        found.append((f"the integer {limit} (past {kind})", limit))
    if kind == "bigint":
        found.append(("the integer 2^63 (past bigint)", 2**63))
    if kind in INTEGER_KINDS:
        found.append(FRACTION)
    if kind == "numeric" and scale is not None:
        value = Decimal(1).scaleb(-(scale + 1)) + 1
        found.append((f"the number {value} ({FINER} {scale})", value))
    if kind == "numeric" and precision is not None:
        bound = Decimal(10) ** (precision - (scale or 0))
        for value in (bound, -bound):  # either end: a CHECK may keep out one only (n < 1000)
            said = f"the number {value} (past precision {precision} with scale {scale or 0})"
            found.append((said, value))
    if kind == "numeric" and scale is None:
        value = Decimal("12345678901234567890.5")
        found.append((f"the number {value} (more digits than a double holds)", value))
    if kind in ("numeric", "float"):
        found.append(NAN)
    if kind == "uuid":
        found.append(("the text 'not-a-uuid'", "not-a-uuid"))
    if kind in ("timestamp", "timestamptz", "date"):
        found.append((NOT_A_DATE, "yesterday-ish"))
        found += [(f"the text {probe_text(v)} ({why})", v) for v, why in NO_DAYS[kind]]
    if kind == "boolean":
        found.append(("the integer 2", 2))
    if kind == "json":
        found.append(("the text '{not json'", "{not json"))
        found.append(("""the text '{"a":1,"a":2}' (a key written twice)""", '{"a":1,"a":2}'))
        found.append(("""the text '{"a":"\\u0000"}' (a NUL escape)""", '{"a":"\\u0000"}'))
        # Half of a surrogate pair: what JSON.stringify writes for a string cut inside an
        # emoji; SQLite's json_valid() takes it, jsonb refuses it (stranger36).
        lone = '{"a":"\\ud83d"}'
        found.append((f"the text '{lone}' (half of a surrogate pair)", lone))
        # A number past PostgreSQL's numeric range: SQLite's json_valid() takes any exponent,
        # jsonb keeps each number as a numeric and refuses it (stranger50 038).
        huge = '{"a":1e999999}'
        found.append((f"the text '{huge}' (a number past PostgreSQL's numeric range)", huge))
    return found


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


def parted_first(
    values: list[tuple[str, Any]], got: tuple[list[Any], list[Any]],
    bare: Callable[[int], list[Any] | None],
) -> list[tuple[tuple[str, Any], Any, Any]]:  # fmt: skip
    """Each probe value of a column with what each side stored (``got``, left and right:
    ``REJECTED`` where it refused it), in the order the warnings judge them: among the numbers
    past the scale (one warning a column), first those one side's CHECK refuses and the other
    side stores, a positive one first, then the smallest (SQLite's REAL under ``BETWEEN 0 AND
    99.99`` refuses 99.994, PostgreSQL's numeric(4,2) rounds it to 99.99 before its CHECK runs
    and stores it; stranger73 009), then the others (1.001, which both store, each its own
    way); every other value in place. A CHECK refuses it where that side's column with no
    CHECK stores it (``bare``: side 0 or 1, run only where a number past the scale parts):
    PostgreSQL refusing 999.996 in a numeric(5,2) is its precision, not a CHECK."""
    rows = list(zip(values, *got, strict=True))
    finer = [i for i, ((said, _), _, _) in enumerate(rows) if FINER in said]
    split = [i for i in finer if (rows[i][1] is REJECTED) != (rows[i][2] is REJECTED)]
    stored = {n: bare(n) for n in {1 if rows[i][1] is not REJECTED else 0 for i in split}}

    def by_check(i: int) -> bool:  # refused where its column alone stores it
        n = 1 if rows[i][1] is not REJECTED else 0
        alone = stored.get(n)
        return alone is not None and alone[i] is not REJECTED

    checked = sorted(
        (i for i in split if by_check(i)),
        key=lambda i: (Decimal(rows[i][0][1]) < 0, abs(Decimal(rows[i][0][1]))),
    )
    order = checked + [i for i in finer if i not in checked]
    placed = dict(zip(finer, order, strict=True))
    return [rows[placed.get(i, i)] for i in range(len(rows))]


def finer_parted(
    said: str, got: tuple[tuple[str, Any], tuple[str, Any]]
) -> tuple[bool, str] | None:
    """The warning's text for a number past the scale that one side rejects and the other
    stores (``parted_first``), where what it stores crosses back (99.99: no sync breaks, so
    ``crossing_judged.judged`` says nothing): an insert one side takes fails on the other; None for
    any other value or outcome."""
    (ld, a), (rd, b) = got
    if FINER not in said or (a is REJECTED) == (b is REJECTED):
        return None
    (keeps, kept), refuses = ((ld, a), rd) if b is REJECTED else ((rd, b), ld)
    return False, (
        f"{DIALECT_NAMES[refuses]} rejects it, {DIALECT_NAMES[keeps]} stores it as {value_shown(kept)} "
        f"({INSERT_PARTS}): an insert one side takes fails on the other, but no sync does "
        f"(what crosses is {value_shown(kept)}, which both accept), so the CHECKs are the same; "
        "the other way round, a row one side stores as written and the other refuses rounded, "
        "a sync fails and the CHECK pair is a difference"
    )


# What a scale warning on an insert one side refuses and the other stores rounded says: what
# crosses a sync is the rounded value, which breaks none (``finer_parted``).
INSERT_PARTS = "rounded to the scale before its CHECK runs"


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


def moved_days(
    values: list[tuple[str, Any]], got: tuple[list[Any], list[Any]]
) -> tuple[list[tuple[str, Any]], tuple[list[Any], list[Any]]]:
    """``values`` and what each side stored of them (``got``), without ``offset_moments``'
    moments at UTC, and without each moved moment that the side refusing it also refuses at
    UTC on its day where the other side stores that: the sides part on the moment's form, not
    on the day the offset moves it to.
    SQLite's ``CHECK (d IS date(d))`` refuses '2024-01-31T23:30:00-05:00' and
    '2024-01-31T12:00:00+00:00' alike (a pin to days as written), while PostgreSQL's date
    stores 2024-01-31 and hands back '2024-01-31', which the pin stores: no finding (s77misc;
    a pin refuses '2024-1-31', which PostgreSQL stores, as little). ``strftime('%w', d) <> '0'``
    stores Saturday's noon at UTC and refuses its 23:30 at -05:00 (Sunday in UTC), and on a
    Sunday PostgreSQL refuses both while SQLite stores Sunday 23:30 at -05:00: findings."""
    at_utc = {str(v)[:10]: i for i, (said, v) in enumerate(values) if said == UNMOVED}
    if not at_utc:
        return values, got
    kept = []
    for i, (said, value) in enumerate(values):
        if said == UNMOVED:
            continue
        noon = at_utc.get(str(value)[:10]) if OFFSET in said else None
        if noon is not None and any(
            side[i] is REJECTED and side[noon] is REJECTED and other[noon] is not REJECTED
            for side, other in (got, got[::-1])
        ):
            continue
        kept.append(i)
    return [values[i] for i in kept], ([got[0][i] for i in kept], [got[1][i] for i in kept])


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


def value_shown(value: Any) -> str:
    """A value as a warning names it: text quoted as SQL writes it, a date or time in ISO form,
    any other as Python prints it."""
    if isinstance(value, str):
        return probe_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def kept_as_written(kind: str | None, written: Any, kept: Any) -> bool:
    """True when a column stored ``written`` as it was written (read as the logical ``kind``
    reads both), or as a value no other column is given in its place (not a number or text):
    what crosses a sync, and what a CHECK witness is judged on (``stored_rows``), is the
    value stored."""
    return same(convert(kept, kind), convert(written, kind)) or not isinstance(
        kept, int | float | Decimal | str
    )


def same(a: Any, b: Any) -> bool:
    """One value: of one type and equal, a NaN with a NaN too (a numeric keeps 'NaN')."""
    return type(a) is type(b) and (bool(a == b) or bool(a != a and b != b))
