"""A SQLite view reading the device's zone ('localtime', 'utc'), run as devices off UTC would
run it (stranger94a 004, fix95c).

``view_answers`` runs SQLite's 'localtime' and 'utc' as no-ops (``clock.in_utc``: the devices'
zone is unknown to the checker, and the checker's own zone never decides), as defaults are run.
A default that reads the device's zone is a difference against one that does not (README); a
view was not: ``date(starts_at, 'localtime') = date('now', 'localtime')`` against
``starts_at::date = current_date`` was "the same rows on 64 probe rows", though on every device
in France a start at 23:30 UTC is tomorrow's. Where SQLite's side reads the device's zone and the
other side's cannot (no dialect but SQLite has these modifiers), the view is run again with
'localtime' written as the offset of a device east, west and half an hour off UTC ('localtime'
adds it, 'utc' takes it away: what they do there outside summer time), and the first zone that
parts the views gives the difference, its witness and the zone, which the message names (a real
device in that zone returns those rows). Where none parts them on the probe rows, the verdict run
in UTC stands. Either way "they part only on hour 24 or second 60" is not said: on a device off
UTC ordinary times part them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from twinschema.evaluate import view_reads
from twinschema.evaluate.view_answers import ViewVerdict, compare_view
from twinschema.model import OBJECT_VIEW, Schema

if TYPE_CHECKING:
    from twinschema.evaluate.backends import Backend

# SQLite's modifiers that read the device's zone (never a first argument), as ``clock``'s.
_LOCALTIME = re.compile(r",(\s*)'localtime'", re.IGNORECASE)
_UTC = re.compile(r",(\s*)'utc'", re.IGNORECASE)
# Devices' offsets tried, in minutes east of UTC, each with a zone that has it in winter.
ZONES: tuple[tuple[int, str], ...] = (
    (60, "UTC+01:00, as Europe/Paris in winter"),
    (-300, "UTC-05:00, as America/New_York in winter"),
    (330, "UTC+05:30, as Asia/Kolkata"),
)


def reads_device_zone(schema: Schema, name: str) -> bool:
    """True when SQLite view ``name`` (or a view it reads) has a 'localtime' or 'utc'
    modifier: what it returns depends on the zone of the device it runs on."""
    if schema.dialect != "sqlite":
        return False
    texts = [v.raw for v in view_reads.needed(schema, name)]
    return any(_LOCALTIME.search(t) or _UTC.search(t) for t in texts)


def moved(schema: Schema, minutes: int) -> Schema:
    """SQLite ``schema`` with each view's 'localtime' written as ``minutes`` added and each
    'utc' as them taken away from a time written without its zone: its views as a device that
    many minutes east of UTC runs them. 'utc' leaves a time written with its offset or Z as it
    is (SQLite 3.40: ``datetime('2024-01-01T00:00:00+00:00', 'utc')`` is '2024-01-01 00:00:00' on
    a device in Paris, ``datetime('2024-01-01 00:00:00', 'utc')`` '2023-12-31 23:00:00';
    recheck94: shifted always, a column held to '+00:00' was a false difference)."""

    def shifted(text: str) -> str:
        text = _LOCALTIME.sub(lambda m: f",{m.group(1)}'{minutes:+d} minutes'", text)
        return _utc_shifted(text, -minutes)

    objects = tuple(
        dataclasses.replace(o, raw=shifted(o.raw)) if o.kind == OBJECT_VIEW else o
        for o in schema.objects
    )
    return dataclasses.replace(schema, objects=objects)


def _utc_shifted(text: str, minutes: int) -> str:
    """``text`` with each 'utc' modifier written as ``minutes`` added where the time its call
    reads (the first argument; strftime's second) has no zone suffix, and as no move where it
    has one. A call whose time argument cannot be read keeps the plain shift."""
    out, start = [], 0
    for m in _UTC.finditer(text):
        value = _time_argument(text, m.start())
        shift = f"'{minutes:+d} minutes'"
        if value is not None:
            shift = (
                f"CASE WHEN ({value}) GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR ({value}) GLOB '*[Zz]' "
                f"THEN '+0 minutes' ELSE {shift} END"
            )
        out += [text[start : m.start()], f",{m.group(1)}{shift}"]
        start = m.end()
    return "".join(out) + text[start:]


def _time_argument(text: str, comma: int) -> str | None:
    """The time argument of the call whose argument list holds the comma at ``comma`` (its
    first argument, strftime's second), or None where the text does not read as one call."""
    opens: list[int] = []
    for k, c in _unquoted(text, 0, comma):
        if c == "(":
            opens.append(k)
        elif c == ")" and opens:
            opens.pop()
    if not opens:
        return None
    start = opens[-1]
    args, depth, begin = [], 0, start + 1
    for k, c in _unquoted(text, start + 1, comma + 1):
        if c in "()":
            depth += 1 if c == "(" else -1
        elif c == "," and depth == 0:
            args.append(text[begin:k].strip())
            begin = k + 1
    name = re.search(r"(\w+)\s*$", text[:start])
    index = 1 if name and name.group(1).lower() == "strftime" else 0
    return args[index] if len(args) > index and args[index] else None


def _unquoted(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Each character of ``text[start:end]`` outside a quoted string or name, with its index
    (``start`` is outside one)."""
    quote = None
    for k in range(start, end):
        c = text[k]
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        else:
            yield k, c


def compare(
    schemas: tuple[Schema, Schema], name: str, backends: tuple[Backend | None, Backend | None]
) -> tuple[ViewVerdict, str]:
    """``view_answers.compare_view``, and where SQLite's view reads the device's zone and the
    other's does not and the run in UTC parted them on no ordinary row, the view run as on
    devices off UTC (``ZONES``): the first whose answers part them, with the zone said
    (``device_note``); else the verdict in UTC (never saying that only hour 24 or second 60
    parts them) and ""."""
    verdict = compare_view(schemas, name, backends)
    local = [reads_device_zone(s, name) for s in schemas]
    if (
        local[0] == local[1]
        or verdict.same is None
        or (verdict.same is False and not verdict.walled)
    ):
        return verdict, ""  # not compared, or parted in UTC on an ordinary row: that witness
    verdict = dataclasses.replace(verdict, walled=False)
    for minutes, zone in ZONES:
        left, right = (moved(s, minutes) if on else s for s, on in zip(schemas, local, strict=True))
        again = compare_view((left, right), name, backends)
        if again.same is False:
            return dataclasses.replace(again, walled=False), device_note(zone)
    return verdict, ""


def device_note(zone: str) -> str:
    """What a view difference found on a device off UTC adds to its message."""
    return (
        f"SQLite's side run as on a device at {zone}: its 'localtime' and 'utc' read the "
        "device's zone, unknown to the checker, which PostgreSQL's view does not read (on a "
        "device at UTC the rows may agree; on a device in that zone they part so)"
    )
