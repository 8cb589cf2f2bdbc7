"""Moments a fraction of a second from a view's clock (stranger86 003).

SQLite's ``datetime('now')`` (and ``datetime(at)``, ``CURRENT_TIMESTAMP``, ``'%S'``) drop the
fraction of a second; PostgreSQL's ``now()`` keeps its microseconds. ``datetime(c.at) <=
datetime('now')`` against ``c.at <= now()`` part on a check-in written with milliseconds a
quarter of a second after now (measured on SQLite 3.40 and PostgreSQL 16: at 00:15:00.5,
'...00:15:00.750Z' is inside on SQLite only), and one a quarter of a second before now parts
``at < datetime('now')`` against ``at < now()``. The views on the clock are judged at moments
with a fraction (``view_clock.MOMENTS``); a moment column is probed a quarter of a second
either side of now and of now moved by the first day step the views name, both ways, with
milliseconds in each form. Only at such a fixed moment: against the real clock, a run's own
time would blur them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

# (strftime form of the whole seconds, as said): the forms ``view_now`` writes, milliseconds after.
_FORMS = (
    ("%Y-%m-%dT%H:%M:%S.{ms}Z", "YYYY-MM-DDTHH:MM:SS.SSSZ"),
    ("%Y-%m-%d %H:%M:%S.{ms}", "YYYY-MM-DD HH:MM:SS.SSS"),
)
# A quarter of a second each way: inside the second of a moment half a second past it.
_QUARTER = timedelta(milliseconds=250)


def near(at: datetime | None, days: Sequence[int]) -> list[tuple[str, str]]:
    """(text, label) for moments a quarter of a second before and after ``at`` (the fixed
    moment the views are judged at, with its fraction; None: no such moment, no probe) and
    ``at`` moved by the first of ``days`` both ways, in each form with milliseconds."""
    if at is None or not at.microsecond:
        return []
    found = []
    for step in (0, *[d for n in days[:1] for d in (n, -n)]):
        for quarter in (-_QUARTER, _QUARTER):
            moment = at + timedelta(days=step) + quarter
            said = "now" + (f" {'+' if step > 0 else '-'} {abs(step)} days" if step else "")
            said += f" {'+' if quarter > timedelta(0) else '-'} 0.25 s"
            ms = f"{moment.microsecond // 1000:03d}"
            found += [
                (moment.strftime(form.replace("{ms}", ms)), f"<{said}, as {shape}>")
                for form, shape in _FORMS
            ]
    return found
