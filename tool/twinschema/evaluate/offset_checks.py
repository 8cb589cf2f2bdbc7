"""Two timestamptz columns compared with each other by a CHECK both sides write alike
(``CHECK (ends_at > starts_at)``): SQLite keeps both as text and compares the text, PostgreSQL
compares the instants. Other spellings part them only where an application mixes forms ('T' or
a space, a fraction, a day without zeros: ``date_pairs``' warnings), but values written in one
form part them too, RFC 3339 with the writer's own UTC offset as most clients write it:
'2026-01-01T10:00:00+02:00' (08:00 UTC) sorts after '2026-01-01T09:30:00Z' as text, so SQLite
stores the row (ends_at, starts_at) of those two and PostgreSQL's CHECK rejects it (stranger72
008). A row of such values that passes each side's CHECKs on one of the columns alone and that
the pair parts makes the pair a difference. A pin of the text to one UTC form of one width (a
GLOB, ``strftime('%Y-%m-%dT%H:%M:%SZ', x) = x``) is not enough: hour 24 is the next midnight to
PostgreSQL and passes it, as ':60' passes the GLOB (stranger75 001); only a pin that also holds
the hour below 24 (``PIN_UTC``) makes text order instant order. A pin that still lets an offset
('+00:00', '+02:00'), an optional fraction or two widths through lets a row of ``ONE_FORM``
through that parts them (stranger74 001). Two timestamps without a zone part on hour 24 alike
(``WALL``, stranger75 006).
Two dates likewise (stranger74 002): SQLite compares their text, PostgreSQL the days, and text
order is day order only in one fixed-width form, so a day without its zero ('2026-1-01' sorts
after '2026-01-05'), or without its dashes, makes ``CHECK (due_on >= lent_on)`` a difference
with that row as its witness, unless each column's CHECKs hold the text to 'YYYY-MM-DD' (a
GLOB, ``d IS date(d)``): a row such a pin refuses is no witness. Times are not tried here.
One timestamp or timestamptz column compared with a literal (``CHECK (starts_at <
'2026-01-02T00:00:00Z')``) likewise, on the literal's own spellings with hour 24 or second 60
(``offset_rows.compared_literal``): SQLite stores '2026-01-01T24:00:00Z' under a one-form pin
and PostgreSQL reads it as the literal, which the CHECK refuses (s79time: it was a warning while
the pair was a difference).
"""

from __future__ import annotations

import datetime as dt
import re

from twinschema.canonical.expressions import across
from twinschema.evaluate.checks import witness_written
from twinschema.evaluate.context import StageContext, both_named, matched_tables
from twinschema.evaluate.crossing_hints import PIN_DAY, PIN_FORMS, PIN_MOMENT
from twinschema.evaluate.matched_checks import keyed_as_left
from twinschema.evaluate.offset_rows import (
    DAYS,
    WALL,
    compared_literal,
    compared_moments,
    family_of,
    one_form_parting,
)
from twinschema.evaluate.stored_rows import verb
from twinschema.model import CheckConstraint, Table

# How a CHECK on SQLite holds a column to one UTC form of one width, hours below 24, seconds
# below 60 and days PostgreSQL's calendar has (``x IS strftime(..., x, '+0 days')`` refuses an
# offset, a fraction and ':60', and with its modifier normalizes hour 24 and '2024-02-30', which
# strftime() alone prints back unchanged; ``x >= '0001-01-01'`` refuses year zero): the advice
# each reason ends with, called in sync on real databases (golden cases
# sl-pg.check-two-timestamptz-pinned-real-moments-near-miss, ...-two-timestamps-...; the older
# ``substr(x, 12, 2) < '24'`` pin holds the comparison too, not '2024-02-30', s79time).
# julianday() is no such advice: it rounds to the millisecond fractions PostgreSQL keeps to the
# microsecond, and reads ':60' as NULL (stranger75 003).
PIN_UTC = PIN_MOMENT.format(column="x", form=PIN_FORMS["timestamptz"])
PIN_WALL = PIN_MOMENT.format(column="x", form=PIN_FORMS["timestamp"])
# Why such a pair parts (a difference's reason, beside its witness).
WHY = (
    "SQLite compares the two timestamps as text, PostgreSQL as instants, and in one form "
    "with different UTC offsets text order is not time order ('2026-01-01T10:00:00+02:00' is "
    "08:00 UTC, yet sorts after '2026-01-01T09:30:00Z'), nor with and without a fraction "
    "('2026-01-01T10:00:00.500Z' sorts before '2026-01-01T10:00:00Z'), nor in one width "
    "('2026-01-01T24:00:00Z' is '2026-01-02T00:00:00Z', as '23:59:60Z' is the next minute); "
    f"a CHECK on SQLite can hold each column x to one UTC form of one width below hour 24: {PIN_UTC}"
    # stranger86 005: a fraction the server's timestamptz keeps does not fit that form, so
    # a row synced from it is refused: the advice says so (``pin_twins`` words the pin's own
    # hint), run on SQLite 3.40 and PostgreSQL 16.
    " (it refuses a fraction, which PostgreSQL's timestamptz keeps to the microsecond: declare "
    "each timestamptz(0) there, or the rows synced from it with one fail)"
)
# Why a pair over two timestamps without a zone parts.
WHY_WALL = (
    "SQLite compares the two timestamps as text, PostgreSQL as moments, and one moment has two "
    "spellings of one width ('2026-01-01 24:00:00' is '2026-01-02 00:00:00', as '23:59:60' is "
    "the next minute); a CHECK on SQLite can hold each column x to one form below hour 24: "
    f"{PIN_WALL}"
)
# Why a CHECK comparing one timestamp with a literal parts (``offset_rows.compared_literal``).
WHY_LITERAL = (
    "SQLite compares the timestamp with the literal as text, PostgreSQL as moments, and one "
    "moment has two spellings of one width ('2026-01-01T24:00:00Z' is '2026-01-02T00:00:00Z', "
    "as '23:59:60Z' is the next minute), which a GLOB or strftime() pin passes; a CHECK on "
    "SQLite can hold the column x to one form below hour 24: {pin}"
)
# Why a pair over two dates parts.
WHY_DAYS = (
    "SQLite compares the two dates as text, PostgreSQL as days, and text order is day order "
    "only in one fixed-width form: a day without its zero sorts after ('2026-1-01' after "
    "'2026-01-05'), one without its dashes before ('20260101'); a CHECK on SQLite can hold each "
    "column d to 'YYYY-MM-DD' and to days PostgreSQL's date reads: "
    + PIN_DAY.format(column="d")
    + " (d = date(d) passes what date() reads as NULL, and without '+0 days' date() prints "
    "'2024-02-30' back unchanged)"
)


def offset_checks(st: StageContext) -> None:
    """Across SQLite and PostgreSQL, each CHECK pair the comparer matched by canonical form
    that compares two timestamptz or two date columns: a row of ``offset_rows.FAMILIES``
    values of their kind the pair parts makes it a ``check`` difference with that row as its
    witness (no other stage runs such a pair: its operators mean the same on both dialects,
    its columns' text does not).
    The scratch databases are asked for only where such a pair is (a comparison without one
    starts no server)."""
    if set(st.dialects) != {"sqlite", "postgresql"}:
        return
    for lt, rt in matched_tables(st):
        rights = keyed_as_left(st, lt.name, rt)
        # A moment literal is printed otherwise by each dialect ('2026-01-02T00:00:00Z',
        # '2026-01-02 00:00:00+00'): a pair the comparer matched through it, by its instant.
        instants = {_instants(k): c for k, c in rights.items()}
        for lc in lt.checks:
            key = across(lc.expression)[0]
            rc = rights.get(key) or instants.get(_instants(key))
            if rc is not None:
                _judge(st, (lt, rt), (lc, rc))


def _judge(
    st: StageContext,
    tables: tuple[Table, Table],
    checks: tuple[CheckConstraint, CheckConstraint],
) -> None:
    texts = (checks[0].raw or checks[0].expression, checks[1].raw or checks[1].expression)
    names: tuple[str, ...] | None = compared_moments(st.dialects, tables, texts[0])
    literal = compared_literal(st.dialects, tables, texts[0]) if names is None else None
    if literal is not None:
        names = (literal[0],)
    shown = (f"CHECK ({checks[0].shown()})", f"CHECK ({checks[1].shown()})")
    table = tables[0].name
    if names is None or any(
        d.kind == "check" and d.table == table and (d.left, d.right) == shown
        for d in st.comparison.differences
    ):
        return
    ready = st.ready_backends()
    if len(ready) < 2:
        return
    found = one_form_parting(ready, st.dialects, tables, names, texts, literal and literal[1])
    if found is None:
        return
    st.result.evaluated += 1
    row, keeps = found
    verdicts = (keeps == 0, keeps == 1)
    said = (
        f"{st.side_name('left')} {verb(verdicts[0])}, {st.side_name('right')} {verb(verdicts[1])}"
    )
    written = witness_written(st, names, row, said, verdicts)
    names_apart = (checks[0].name, checks[1].name) if checks[0].name != checks[1].name else None
    st.dependent_difference(
        "check",
        table,
        None,
        *shown,
        (
            f"a CHECK on {st.table_shown(table)}",
            _why(family_of(tables, names), literal is not None),
            written.text,
        ),
        (checks[0].shown(), checks[1].shown()),
        both_named(checks[0].name, checks[1].name),
        names_apart,
        witness=written.witness,
    )


def _why(family: tuple[tuple[str, ...], ...], literal: bool) -> str:
    if literal:
        return WHY_LITERAL.format(pin=PIN_WALL if family == WALL else PIN_UTC)
    return WHY_DAYS if family == DAYS else WHY_WALL if family == WALL else WHY


# A string literal that reads as a moment with a UTC offset or 'Z' (``_instants``).
_MOMENT = re.compile(
    r"'(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)'"
)


def _instants(text: str) -> str:
    """``text`` with each moment literal written as its instant in UTC, one spelling."""

    def utc(m: re.Match[str]) -> str:
        try:
            moment = dt.datetime.fromisoformat(f"{m[1]}T{m[2]}{m[3]}")
        except ValueError:
            return m[0]
        return f"'{moment.astimezone(dt.UTC).isoformat()}'"

    return _MOMENT.sub(utc, text)
