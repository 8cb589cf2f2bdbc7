"""Moments near the evaluation's own now, for views that read the clock (stranger79 001).

``due_at < CURRENT_TIMESTAMP`` on SQLite's TEXT compares text with 'YYYY-MM-DD HH:MM:SS', and
``due_at < now()`` on PostgreSQL instants: a loan due an hour ago written 'YYYY-MM-DDTHH:MM:SSZ'
(README's UTC pin, Python's isoformat, JavaScript's toISOString) is overdue on PostgreSQL only,
since 'T' sorts after the space. The views' probe rows held moments of 2024 and such, far from
now, on which the two agree. A moment column of a view that reads the clock is therefore
probed, beside its other values, with moments an hour before now, at the start of today (UTC)
and an hour after now, each in the 'T…Z' form and the space form (a column pinned to one form keeps that one).

"Now" is the fixed moment ``CLOCK_AT`` holds where a view is judged at one (``view_clock``:
both views' clock reads replaced by it, stranger85 001, 002); else the evaluation's, from
Python's clock when the probe rows are made, each scratch database reading its own a moment
later (the offsets are minutes and hours, far wider than a run). So that output stays the
same run after run, each such value is a ``NowMoment``: text to the databases, shown in
messages and witnesses by what it is (``<an hour before now, as YYYY-MM-DDTHH:MM:SSZ>``), never
by the instant it was on one run;
``answer_text`` writes a view's answer so for its message.

A view may compare a day with today, or with a day some steps away (stranger81 001, 004:
``due_on < date('now')`` against ``due_on <= CURRENT_DATE``, even ``< CURRENT_DATE + 30``, and
"today's appointments" against "today and tomorrow" were the same on moments all of today).
A date column is therefore probed at yesterday, today and tomorrow and at, one before and one
past each day step the views' text names, both ways (``CURRENT_DATE + 30``, ``date('now',
'+30 days')``, ``now() - interval '30 days'``, a week as seven days), shown as ``<today + 30
days>``; a moment column, beside its moments near now, at the start of the day and an hour
after now, a day before and after and each step away. A run that crosses midnight (UTC) is
run again (``on_one_day``): its probes' today would not be the databases'.

Spellings both databases store that SQLite's text order reads as another moment or day
(stranger83 002-004): a timestamptz column is also probed half an hour before now written in
+01:00 (its text reads half an hour after now) and half an hour after now in -01:00; a date
column with the days near today written without zero padding ('2026-12-4', which PostgreSQL
reads as 2026-12-04 and SQLite's text puts after '2026-12-05'), and the 9th of this month and
of September so written (one of them parts ``< date('now')`` on every day but January 1st, where
no earlier day's text sorts after today's). A minute or second step the views name
(``'+15 minutes'``, ``interval '15 min'``, ``'+900 seconds'``, printed ``'00:15:00'::interval``)
is probed at half and one and a half steps before and after now, and half a step each way
with an offset: a window of 15 minutes on now met no probe moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from twinschema.evaluate import view_calendar, view_fraction, view_values, view_zoned
from twinschema.evaluate.view_runs import Answer
from twinschema.model import Schema

# The views read the clock: SQL's and PostgreSQL's functions, SQLite's 'now' modifier.
_CLOCK = re.compile(
    r"\b(?:current_timestamp|current_date|current_time|localtimestamp|localtime|now|"
    r"statement_timestamp|transaction_timestamp|clock_timestamp)\b|'now'",
    re.I,
)
# (seconds from now, as said): an hour before and after now, and (None) the start of today
# in UTC: before now and on its day (where text and time order part when the forms differ)
# at any time of day, where an hour ago was yesterday from midnight to one o'clock.
_OFFSETS = (
    (-3600, "an hour before now"),
    (None, "the start of today (UTC)"),
    (3600, "an hour after now"),
)
# (strftime form, as said): the UTC form README's pin writes, and CURRENT_TIMESTAMP's.
_FORMS = (
    ("%Y-%m-%dT%H:%M:%SZ", "YYYY-MM-DDTHH:MM:SSZ"),
    ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS"),
)
_KINDS = frozenset({"timestamp", "timestamptz"})
# A day step the views name: a whole number added to today (``CURRENT_DATE + 30``, PostgreSQL
# printing it ``(CURRENT_DATE + 30)``, ``now()::date - 1``), or a quoted count of days or weeks
# (SQLite's modifier '+30 days', PostgreSQL's interval '30 days', printed '30 days'::interval).
_ADDED = re.compile(r"(?:\bcurrent_date|::date)\)*\s*[-+]\s*(\d+)(?![\w.])", re.I)
_QUOTED = re.compile(r"'\s*[-+]?\s*(\d+)\s*(days?|weeks?)\s*'", re.I)
# An hour step: a quoted count of hours ('-2 hours', interval '2 hours', '02:00:00'::interval
# as PostgreSQL prints it); the first is probed half an hour short of and past it, both ways.
_HOURS = re.compile(r"'\s*[-+]?\s*(?:(\d+)\s*hours?|(\d\d):00:00)\s*'", re.I)
# A minute or second step: a quoted count of minutes or seconds (SQLite's '+15 minutes',
# PostgreSQL's interval '15 min') or the 'HH:MM:SS' PostgreSQL prints ('00:15:00'::interval);
# a whole hour is an hour step (``_HOURS``). Steps under a minute are not probed: a run's own
# seconds between making the probes and the databases reading their clocks would blur them.
_MINUTES = re.compile(
    r"'\s*[-+]?\s*(\d+)\s*(min(?:ute)?s?|sec(?:ond)?s?)\s*'|'(\d\d):(\d\d):(\d\d)'", re.I
)
_SHORTEST = 60
# (seconds from now, offset in hours): a moment written in another offset whose text, read as
# SQLite reads it, lies on the other side of now (half an hour ago in +01:00 reads as half an
# hour ahead); only a timestamptz reads the offset (a timestamp drops it).
_ZONED_TEXT = ((-1800, 1), (1800, -1))
# A day whose text without zero padding sorts after today's padded text (``_unpadded``).
_NINTHS = ((None, "the 9th of this month"), (9, "the 9th of September"))
# At most this many day steps are probed around (the rows are bounded).
_STEPS = 2
# A day's text, padded or not ('2026-12-04', '2026-12-4').
_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
T = TypeVar("T")
# The fixed moment a view on the clock is judged at (``view_clock``): its probes' now.
CLOCK_AT: ContextVar[datetime | None] = ContextVar("CLOCK_AT", default=None)


class NowMoment(str):
    """A moment near now as text (what the databases are given), with ``label``: what it is,
    as messages show it."""

    label: str

    def __new__(cls, text: str, label: str) -> NowMoment:
        made = super().__new__(cls, text)
        made.label = label
        return made


def reads_clock(text: str) -> bool:
    """True when the views' SQL ``text`` reads the clock (now(), CURRENT_TIMESTAMP, 'now')."""
    return _CLOCK.search(text) is not None


def day_steps(text: str) -> tuple[int, ...]:
    """The day steps (in days, without their sign) the views' SQL ``text`` adds to or takes
    from the clock, where it reads it: ``CURRENT_DATE + 30``, ``'+30 days'``, ``'2 weeks'``."""
    if not reads_clock(text):
        return ()
    found = [int(n) for n in _ADDED.findall(text)]
    found += [
        int(n) * (7 if unit.lower().startswith("week") else 1) for n, unit in _QUOTED.findall(text)
    ]
    return tuple(dict.fromkeys(n for n in found if n > 0))[:_STEPS]


def day_label(days: int) -> str:
    """How a date ``days`` from today is shown: ``<today>``, ``<today + 30 days>``."""
    return "<today>" if days == 0 else f"<today {_days(days)}>"


def zone_of(schemas: Sequence[Schema]) -> str | None:
    """The TimeZone a live PostgreSQL database of ``schemas`` runs its views in, where it is
    not UTC (its CURRENT_DATE's day starts at another moment than SQLite's UTC date('now'))."""
    return next(
        (
            s.timezone
            for s in schemas
            if s.dialect == "postgresql" and s.timezone and not s.timezone_utc
        ),
        None,
    )


def near_now(
    kind: str | None, text: str, zone: str | None = None, at: datetime | None = None
) -> list[NowMoment]:
    """The moments near now a column of ``kind`` is probed with where the views' SQL ``text``
    reads the clock; none otherwise (a view that does not read it answers the same any day):
    a date's days around today and each day step; a moment's an hour before and after now and
    the start of today, then the start of the day and an hour after now a day and each step
    away (``_shifted``), and the start of yesterday, today and tomorrow in the live database's
    ``zone`` (``_zoned``); spellings SQLite's text order misreads: a date's days unpadded
    (``_unpadded``), a timestamptz's moments in another offset (``_offset_spelled``), around
    a minute step (``_minutes``). ``at``: now (else ``CLOCK_AT``'s fixed moment, else the clock's)."""
    if not reads_clock(text) or (kind not in _KINDS and kind != "date"):
        return []
    now = (at or CLOCK_AT.get() or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    months = view_calendar.month_days(text, now.date())  # a month's end parts them (leap day)
    steps = tuple(dict.fromkeys((*day_steps(text), *months)))
    if kind == "date":
        today = now.date()
        around = {d for n in steps for d in (n - 1, n, n + 1)}
        days = sorted({-1, 0, 1} | around | {-d for d in around}, key=lambda d: (abs(d), d))
        padded = [NowMoment((today + timedelta(days=d)).isoformat(), day_label(d)) for d in days]
        return padded + _unpadded(today, days)
    today = now.replace(hour=0, minute=0, second=0)
    found = [
        NowMoment(
            (today if s is None else now + timedelta(seconds=s)).strftime(form),
            f"<{said}, as {shape}>",
        )
        for s, said in _OFFSETS
        for form, shape in _FORMS
    ]
    found += _offset_spelled(now, _ZONED_TEXT) if kind == "timestamptz" else []
    found += [  # a day or month step across the zone's summer time (stranger86 002)
        NowMoment(m.strftime(form), f"<{said}, as {shape}>")
        for m, said in view_zoned.halfway(now, day_steps(text), text, zone)
        for form, shape in _FORMS
    ]
    found += [NowMoment(t, said) for t, said in view_fraction.near(at or CLOCK_AT.get(), steps)]
    found += _shifted(now, today, steps) + _hours(now, text) + _minutes(now, text, kind)
    return found + _zoned(now, zone)


def minute_step(text: str) -> int | None:
    """The first minute or second step (in seconds, at least a minute, not a whole hour) the
    views' SQL ``text`` names: ``'+15 minutes'``, ``interval '900 seconds'``, ``'00:15:00'``."""
    for count, unit, hours, minutes, seconds in _MINUTES.findall(text):
        if count:
            step = int(count) * (60 if unit.lower().startswith("min") else 1)
        else:
            step = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        if step >= _SHORTEST and step % 3600:
            return step
    return None


def _minutes(now: datetime, text: str, kind: str | None) -> list[NowMoment]:
    """Half a step and one and a half steps before and after now (the first minute step the
    views name), in each form; on a timestamptz also half a step each way written in another
    offset (``BETWEEN now() AND now() + interval '15 minutes'`` holds a moment 7 min 30 s
    ahead; written in +01:00, SQLite's text puts it an hour past the window)."""
    step = minute_step(text)
    if step is None or not reads_clock(text):
        return []
    found = []
    for seconds in (-3 * step // 2, -step // 2, step // 2, 3 * step // 2):
        at, said = now + timedelta(seconds=seconds), _from_now(seconds)
        found += [NowMoment(at.strftime(form), f"<{said}, as {shape}>") for form, shape in _FORMS]
    if kind == "timestamptz":
        found += _offset_spelled(now, ((step // 2, 1), (-step // 2, -1)))
    return found


def _offset_spelled(now: datetime, moments: Sequence[tuple[int, int]]) -> list[NowMoment]:
    """Each (seconds from now, hours of offset) moment written in that offset, the space form
    with the offset after it ('2026-12-05 20:59:19+01:00'), shown by its label."""
    found = []
    for seconds, hours in moments:
        at = (now + timedelta(seconds=seconds)).astimezone(timezone(timedelta(hours=hours)))
        offset = f"{'+' if hours > 0 else '-'}{abs(hours):02d}:00"
        text = at.strftime("%Y-%m-%d %H:%M:%S") + offset
        found.append(NowMoment(text, f"<{_from_now(seconds)}, as YYYY-MM-DD HH:MM:SS{offset}>"))
    return found


def _from_now(seconds: int) -> str:
    """A step from now as a label says it: ``now + 7 min 30 s``, ``now - 30 min``."""
    minutes, rest = divmod(abs(seconds), 60)
    parts = ((minutes // 60, "h"), (minutes % 60, "min"), (rest, "s"))
    said = " ".join(f"{n} {unit}" for n, unit in parts if n)
    return f"now {'+' if seconds > 0 else '-'} {said}"


def _unpadded(today: date, days: Sequence[int]) -> list[NowMoment]:
    """The ``days`` from ``today`` that have a month or a day under 10, and the 9th of this
    month and of September, written without zero padding ('2026-12-4'): both databases store
    it, PostgreSQL's date reads it as the day, SQLite compares its text with date('now')'s
    padded one ('2026-12-4' after '2026-12-05')."""
    found = [
        NowMoment(_bare(day), f"{day_label(d)[:-1]}, as YYYY-M-D>")
        for d in days
        if (day := today + timedelta(days=d)).month < 10 or day.day < 10
    ]
    for month, said in _NINTHS:
        day = today.replace(month=month or today.month, day=9)
        found.append(NowMoment(_bare(day), f"<{said}, as YYYY-M-D>"))
    return list(dict.fromkeys(found))


def _bare(day: date) -> str:
    """``day`` written without zero padding: '2026-12-4', '2026-9-9'."""
    return f"{day.year}-{day.month}-{day.day}"


def _hours(now: datetime, text: str) -> list[NowMoment]:
    """Half an hour short of and past the first hour step the views name, before and after
    now, in each form (``at > now() - interval '2 hours'`` against ``'3 hours'`` part on a
    moment two and a half hours ago, which no moment an hour from now is)."""
    step = next((int(a or b) for a, b in _HOURS.findall(text) if int(a or b) > 0), None)
    if step is None:
        return []
    found = []
    for minutes in (-step * 60 - 30, -step * 60 + 30, step * 60 - 30, step * 60 + 30):
        said = f"now {'+' if minutes > 0 else '-'} {abs(minutes) // 60} h {abs(minutes) % 60} min"
        found += [
            NowMoment((now + timedelta(minutes=minutes)).strftime(form), f"<{said}, as {shape}>")
            for form, shape in _FORMS
        ]
    return found


def _zoned(now: datetime, zone: str | None) -> list[NowMoment]:
    """The start of yesterday, today and tomorrow in ``zone`` (a live database's TimeZone off
    UTC), as UTC text in each form: where its day and SQLite's UTC day part, at any hour
    (``date(at) = date('now')`` against ``at::date = CURRENT_DATE`` part on UTC's start of today
    or tomorrow while the two todays are one day, on the zone's while they are not)."""
    try:
        tz = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return []
    if tz is None:
        return []
    today = now.astimezone(tz).date()
    found = []
    for d in (0, -1, 1):
        start = datetime.combine(today + timedelta(days=d), datetime.min.time(), tz)
        said = f"the start of today ({zone})" + (f" {_days(d)}" if d else "")
        found += [
            NowMoment(start.astimezone(UTC).strftime(form), f"<{said}, as {shape}>")
            for form, shape in _FORMS
        ]
    return found


def _shifted(now: datetime, today: datetime, steps: tuple[int, ...]) -> list[NowMoment]:
    """The start of today (UTC) and an hour after now, a day and each step before and after,
    in each form: a moment's day against today, or a step away, parts on another day only."""
    days = sorted({d for n in (1, *steps) for d in (n, -n)}, key=lambda d: (abs(d), d))
    moments = ((today, "the start of today (UTC)"), (now + timedelta(hours=1), "an hour after now"))
    return [
        NowMoment((at + timedelta(days=d)).strftime(form), f"<{said} {_days(d)}, as {shape}>")
        for d in days
        for at, said in moments
        for form, shape in _FORMS
    ]


def _days(days: int) -> str:
    """A day step as a label says it: ``+ 1 day``, ``- 30 days``."""
    return f"{'+' if days > 0 else '-'} {abs(days)} day{'s' if abs(days) != 1 else ''}"


def on_one_day(run: Callable[[], T]) -> T:
    """``run()``, again where it began on one day (UTC) and ended on the next: its probes'
    today was not the databases' (a run is seconds; the second is then on one day)."""
    began = datetime.now(UTC).date()
    done = run()
    return done if datetime.now(UTC).date() == began else run()


def shown(value: Any, nows: dict[Any, str]) -> Any:
    """``value`` as a message shows it: a moment near now (given as a ``NowMoment``, or as the
    instant a database returned for one, a key of ``nows``) by its label; else ``value``."""
    if isinstance(value, NowMoment):
        return _Label(value.label)
    if isinstance(value, datetime):
        key = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        return _Label(nows[key]) if key in nows else value
    if isinstance(value, date):  # a date a database returned for a day near today
        return _Label(nows[value]) if value in nows else value
    if isinstance(value, str) and value in nows:
        return _Label(nows[value])
    return value


def instants(values: list[Any]) -> dict[Any, str]:
    """The labels of the ``NowMoment`` among ``values``, by their text and their instant."""
    found: dict[Any, str] = {}
    for value in values:
        if isinstance(value, NowMoment) and _DAY.fullmatch(value):  # a day, padded or not
            found[str(value)] = value.label
            y, m, d = (int(n) for n in value.split("-"))
            found.setdefault(date(y, m, d), value.label)  # the padded spelling's label first
        elif isinstance(value, NowMoment):
            at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            found[str(value)] = value.label
            instant = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
            found.setdefault(instant, value.label)  # its first spelling's label
    return found


def given(row: Sequence[Any]) -> tuple[Any, ...]:
    """``row`` as the databases were given it (each ``NowMoment`` as its plain text), where it
    holds a moment near now; () where it holds none (``shown`` changes nothing there)."""
    if not any(isinstance(v, NowMoment) for v in row):
        return ()
    return tuple(str(v) if isinstance(v, NowMoment) else v for v in row)


class _Label(str):
    """A label shown as it is (not quoted as text)."""


def is_label(value: Any) -> bool:
    """True for a value ``shown`` made a label of."""
    return isinstance(value, _Label)


def answer_text(answer: Answer, nows: dict[Any, str]) -> str:
    """An answer as a message says it: its rows, sorted, or the error (a moment near now by
    what it is: ``nows``)."""
    if answer.failed is not None:
        return f"fails: {answer.failed}"
    if not answer.rows:
        return "no row"
    rows = sorted(answer.rows, key=view_values.plain_row)
    return ", ".join("(" + ", ".join(_value(shown(v, nows)) for v in r) + ")" for r in rows)


def _value(value: Any) -> str:
    """A value as a message says it, a moment near now by its label (``view_now.shown``)."""
    return str(value) if is_label(value) else view_values.shown(value)
