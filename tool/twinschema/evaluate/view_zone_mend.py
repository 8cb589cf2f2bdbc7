"""Whether only the live PostgreSQL server's TimeZone parts a view from SQLite's, and the rewrite
of PostgreSQL's view that mends it (recheck86 (2), recheck88; the hint: ``view_findings``).

A view that parts is run again at the same moments with PostgreSQL's session in UTC: where it
then returns SQLite's rows, the zone parts them, whether the view reads the clock or not
(recheck88: ``date_trunc('week', sold_at)`` on a timestamptz, in sync under a UTC server, got the
generic hint in Los Angeles). Then PostgreSQL's views, rewritten to read their dates and times in
UTC (``view_utc``), are run in the server's own zone at the same moments: the rewrite is offered
only where it returns SQLite's rows there too, so a hint never gives a mend that was not run
(``(now() AT TIME ZONE 'UTC')::date`` for CURRENT_DATE alone left ``sold_at::date`` in the zone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from twinschema.evaluate import view_clock, view_now, view_reads, view_utc
from twinschema.model import Schema

# The rewrites of each of PostgreSQL's views that mend it: (view, ((as written, as
# rewritten), ...)), the view itself last.
Mend = tuple[tuple[str, tuple[view_utc.Edit, ...]], ...]
IN_UTC = "utc"  # a run's PostgreSQL session in UTC
MENDED = "mended"  # a run of PostgreSQL's views rewritten by ``view_utc``, in the server's zone


class _Judged(Protocol):
    """A view's verdict: whether the views returned the same rows, on how many probe rows."""

    @property
    def same(self) -> bool | None: ...

    @property
    def probed(self) -> int: ...


Run = Callable[[str | None, str], _Judged]


def judged(
    pg: Schema, name: str, zone: str, run: Run, moments: Sequence[str] | None
) -> tuple[str | None, Mend]:
    """For view ``name`` that parts on a live server in ``zone`` (PostgreSQL's schema ``pg``):
    ``zone`` where its views return the same rows with the session in UTC (``run(moment,
    IN_UTC)`` at each of ``moments``, or once where the views read no clock: None), else None;
    and the mend, where PostgreSQL's views rewritten (``run(moment, MENDED)``) return the same
    rows in ``zone`` too, else ()."""
    if not _everywhere(run, moments, IN_UTC):
        return None, ()
    instants = view_utc.instants_in(pg)
    mend = tuple(
        (view.name, edits)
        for view in view_reads.needed(pg, name)
        if (edits := view_utc.mended(view.raw, instants)[1])
    )
    if not mend or not _everywhere(run, moments, MENDED):
        return zone, ()
    return zone, mend


def _everywhere(run: Run, moments: Sequence[str] | None, how: str) -> bool:
    """True when ``run`` gives the same rows at each of ``moments`` (once, on one day, where
    None)."""
    if moments is None:
        return view_now.on_one_day(lambda: run(None, how)).same is True
    at, verdict = view_clock.judged(lambda m: run(m, how), moments)
    return at is None and verdict.same is True
