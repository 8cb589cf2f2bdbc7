"""The values a column pair is tried with for ``value_compatibility`` warnings (``crossing``)
by its kind alone: a string one past its length, an integer past int4, 1.001 past a NUMERIC
scale, text no date function reads..., each with how a message names it (what the column's
CHECKs add is ``crossing_literals``'; what each side did with them, ``crossing_outcomes``').
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.crossing_hints import FRACTION, NO_DAY
from twinschema.evaluate.shown_probes import probe_text
from twinschema.model import ColumnType
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
# Text PostgreSQL's time refuses ("invalid input syntax for type time") and a SQLite TEXT column
# stores: a device's own spelling of an hour (stranger85 006). A pin such as ``time(t) IS NOT
# NULL`` or a GLOB refuses it too (time('7pm') is NULL), and then nothing is said.
NOT_A_TIME = ("the text '7pm'", "7pm")
# Text that is no number: SQLite's NUMERIC (or REAL) affinity keeps what it cannot read as a
# number as TEXT, and orders any text above any number, so a CHECK such as ``amount >= 1``
# passes it; PostgreSQL's numeric refuses it ("invalid input syntax for type numeric";
# stranger85 006: '12,50' from a comma-decimal locale, 'free'). Tried where a SQLite CHECK reads
# the column (``crossing_literals.column_values``), one warning a column: a CHECK that refuses
# text (``typeof(x) IN ('integer', 'real')``, ``x = x + 0``, ``x <= 100``) leaves it unsaid.
NOT_A_NUMBER = "not a number"
NOT_NUMBERS: tuple[tuple[str, Any], ...] = (
    (f"the text '12,50' ({NOT_A_NUMBER}: a decimal comma)", "12,50"),
    (f"the text 'free' ({NOT_A_NUMBER})", "free"),
)
# What a warning on a number past a NUMERIC scale says of it (one such warning a column).
FINER = "more digits than scale"


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
    found += _number_probes(kind, precision, scale)
    if kind == "uuid":
        found.append(("the text 'not-a-uuid'", "not-a-uuid"))
    if kind in ("timestamp", "timestamptz", "date"):
        found.append((NOT_A_DATE, "yesterday-ish"))
        found += [(f"the text {probe_text(v)} ({why})", v) for v, why in NO_DAYS[kind]]
    if kind == "time":
        found.append(NOT_A_TIME)
    if kind == "boolean":
        found.append(("the integer 2", 2))
    if kind == "json":
        found += _json_probes()
    return found


def _number_probes(
    kind: str | None, precision: int | None, scale: int | None
) -> list[tuple[str, Any]]:
    """``probe_values`` of a number column: past its integer type, a fraction in an integer
    column, past a numeric's scale or precision, more digits than a double holds, NaN."""
    found: list[tuple[str, Any]] = []
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
    return found


def _json_probes() -> list[tuple[str, Any]]:
    """``probe_values`` of a JSON column: text that is no JSON, or JSON one side refuses."""
    found: list[tuple[str, Any]] = [("the text '{not json'", "{not json")]
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
