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
    'utc' as them taken away: its views as a device that many minutes east of UTC runs them."""

    def shifted(text: str) -> str:
        text = _LOCALTIME.sub(lambda m: f",{m.group(1)}'{minutes:+d} minutes'", text)
        return _UTC.sub(lambda m: f",{m.group(1)}'{-minutes:+d} minutes'", text)

    objects = tuple(
        dataclasses.replace(o, raw=shifted(o.raw)) if o.kind == OBJECT_VIEW else o
        for o in schema.objects
    )
    return dataclasses.replace(schema, objects=objects)


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
