"""The evaluator: where expressions run, each distinct one once per run.

``Evaluator`` makes the scratch backends on first need (SQLite in memory; PostgreSQL on a
scratch server, see ``backends``), remembers why one could not be had, and caches what each
distinct (dialect, expression, type) gave, so the cost grows with a schema's variety, not its
size. ``Evaluation`` is what the stage did for one comparison.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

from twinschema.errors import DatabaseError
from twinschema.evaluate import crossing, fixed_moments
from twinschema.evaluate.backends import Backend, Run, type_sql
from twinschema.evaluate.clock import CLOCK_NUMBER, START_OF_DAY, in_utc, timestamp_of
from twinschema.evaluate.clock_fixed import (
    EXACT_MOMENT,
    at_fixed_moment,
    clock_number_at,
    reads_clock,
)
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.pg_scratch import LocalizedScratch, PostgreSQLScratch
from twinschema.evaluate.sqlite_backend import SQLiteBackend
from twinschema.evaluate.values import (
    CLASSES,
    CONSTANT,
    CURRENT_TIME_OF_DAY,
    FAILED,
    NOT_EVALUATED,
    VARYING,
    Verdict,
    classify,
    fixed_time_of_day,
)
from twinschema.model import Column, DatabaseLocale
from twinschema.records import Difference

# A call of a random generator (SQLite's random() and randomblob(), PostgreSQL's random()): its
# default is run again with ``_RANDOM_ROWS`` rows, so that what it gives is told by its shape
# (``values.Verdict.describe``), not by the few values one run happened to give (PostgreSQL's
# random()::bigint is 0 or 1: three inserts may give 0 each; stranger45 012).
_RANDOM = re.compile(r"\brandom(?:blob)?\s*\(", re.I)
_RANDOM_ROWS = 64
# The clock numbers run at ``clock_fixed.EXACT_MOMENT`` too (a rounded one is exact at a whole second).
_TRUNCATED = ("truncated to the second", "truncated to the millisecond")
# Two zones 26 hours apart: a date or a time of day read in one is never the other's.
_FAR_ZONES = ("Etc/GMT+12", "Etc/GMT-14")
# Two zones whose minutes differ: whole-hour offsets read one minute (a +05:30 database's
# to_char(now(), 'MI') is not UTC's, clockcheck).
_ZONE_PAIRS = (_FAR_ZONES, ("Etc/UTC", "Asia/Kathmandu"))
# The clock's moments (UTC) a default is run at in those zones too: a year's last second, which
# one reads on December 31, the other on January 1 of the next year, so that a year or a
# month read in the session's zone (``to_char(now(), 'YYYY')``, ``date_trunc('month',
# now())::date``) gives two values, though at most moments both zones read the same; and the
# next year's first second, which a zone west of UTC (America/New_York) still reads in the
# old year (``zones`` shows a live zone's value at each).
NEW_YEARS = ("2026-12-31 23:59:59", "2027-01-01 00:00:00")
# What a run in each zone may give that says nothing of the zone (new values on every run).
_UNJUDGED = frozenset({NOT_EVALUATED, FAILED, VARYING})


@dataclass
class Evaluation:
    """What the stage did for one comparison: pairs it evaluated, pairs it could not, and
    where each dialect's expressions ran."""

    evaluated: int = 0
    not_evaluated: int = 0
    where: dict[str, str] = field(default_factory=dict)
    # ``value_compatibility`` warnings: values one side stores and the other rejects or changes.
    warnings: list[Difference] = field(default_factory=list)
    # The warnings that break a push (the device stores the value, the server rejects it).
    push_failures: list[Difference] = field(default_factory=list)
    # Why the ``value_compatibility`` warnings were not probed (no scratch PostgreSQL server at
    # hand); empty when they were, or when the two sides share a dialect.
    values_unprobed: str = ""
    # True when ``[tool.twinschema] fail_on`` lists value_compatibility: values not probed then
    # make the comparison an error (exit 3), not a silent pass.
    values_required: bool = False
    # The dialects whose expressions could not run, each with why (no scratch server, a refused
    # password): the pairs left unevaluated there are the comparer's reading of text alone.
    unusable: dict[str, str] = field(default_factory=dict)


class Evaluator:
    """Runs expressions, each distinct (dialect, expression, type) once per evaluator, so the
    cost grows with a schema's variety, not its size. Use as a context manager: the scratch
    databases it made are closed and dropped on exit."""

    def __init__(self, postgresql: PostgreSQLScratch | None = None) -> None:
        self.stack = ExitStack()
        self._postgresql = postgresql
        self._backends: dict[str, Backend] = {}
        self._unavailable: dict[str, str] = {}
        self._single: dict[tuple[str, str, str], Verdict] = {}
        self._zoned: dict[tuple[str, str], bool] = {}
        self._parted: dict[tuple[str, str, str], tuple[str, Run] | None] = {}
        self._pairs: dict[tuple[str, str, str, str, str], Run] = {}
        self._moments: dict[tuple[str, str, str, str], Run | None] = {}
        self.crossing = crossing.Crossing()
        self.runs = 0  # expressions (or side-by-side pairs) actually run: the cost
        self._localized: dict[DatabaseLocale, Evaluator] = {}

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every backend and drop the scratch databases made."""
        self._backends.clear()
        self.stack.close()

    def backend(self, dialect: str) -> Backend | None:
        """The backend of ``dialect``, made on first need; None when none can be had (no
        scratch PostgreSQL server), with the reason kept for ``unavailable``."""
        if dialect in self._backends:
            return self._backends[dialect]
        if dialect in self._unavailable:
            return None
        if dialect == "sqlite":
            made: Backend = SQLiteBackend()
            self.stack.callback(made.close)
        elif self._postgresql is None:
            self._unavailable[dialect] = "no scratch PostgreSQL server"
            return None
        else:
            try:
                made = self._postgresql.open(self.stack)
            except DatabaseError as exc:
                self._unavailable[dialect] = exc.message
                return None
        self._backends[dialect] = made
        return made

    def under(self, locale: DatabaseLocale | None) -> Evaluator:
        """The evaluator whose PostgreSQL expressions run under ``locale``, a live database's
        (``Schema.locale``): this one where its scratch database has that locale already (or
        none is named, or none can be had), else one on a scratch database made with it (its
        own cache: lower('É') is another value there). Kept per locale for the run."""
        if locale is None or self._postgresql is None or not self._postgresql.at_hand():
            return self
        found = self._localized.get(locale)
        if found is not None:
            return found
        backend = self.backend("postgresql")
        opened = self._postgresql.opened
        if not isinstance(backend, PostgreSQLBackend) or opened is None:
            return self
        own = backend.locale()
        found = self
        if own != locale:
            scratch = LocalizedScratch(
                opened[0], opened[1], locale, own, connect_timeout=self._postgresql.connect_timeout
            )
            found = Evaluator(scratch)
            self.stack.callback(found.close)
        self._localized[locale] = found
        return found

    def open_version(self, dialect: str) -> str | None:
        """The ``version()`` of ``dialect``'s scratch server, read through the backend already
        open on it; None when none is open (nothing is opened for it) or the read fails."""
        found = self._backends.get(dialect)
        return found.version() if found is not None else None

    def postgresql_at_hand(self) -> bool:
        """True when PostgreSQL expressions can run without starting a server."""
        return self._postgresql is not None and self._postgresql.at_hand()

    def where(self, dialect: str) -> str:
        """Where ``dialect``'s expressions ran, or why they could not."""
        found = self._backends.get(dialect)
        if found is not None:
            return found.where
        return "not evaluated: " + self._unavailable.get(dialect, "not needed")

    def unavailable(self, dialect: str) -> str | None:
        """Why ``dialect``'s expressions could not run; None when they could (or never had to)."""
        return None if dialect in self._backends else self._unavailable.get(dialect)

    def single(self, dialect: str, expression: str, column: Column) -> Verdict:
        """The class of what ``expression`` gives as the default of a column of this type (a
        SQLite time read in 'localtime' is run in UTC and marked local: ``values.in_utc``)."""
        key = (dialect, expression, type_sql(column.type))
        found = self._single.get(key)
        if found is None:
            backend = self.backend(dialect)
            if backend is None:
                found = Verdict(NOT_EVALUATED, error=self._unavailable[dialect])
            else:
                self.runs += 1
                run, local = in_utc(dialect, expression)
                found = classify(backend.run([(run, column.type)]), reads_clock(dialect, run))
                if found.kind in (CONSTANT, VARYING) and _RANDOM.search(run):
                    self.runs += 1
                    found = classify(backend.run([(run, column.type)], inserts=_RANDOM_ROWS))
                if found.kind in (CLOCK_NUMBER, CURRENT_TIME_OF_DAY):
                    found = self._at_fixed_moment(dialect, backend, (run, column), found)
                    found = fixed_moments.minute_kept(
                        lambda moment: self.at_moment(dialect, expression, column, moment), found
                    )
                elif reads_clock(dialect, run):
                    found = fixed_moments.steady(
                        lambda moment: self.at_moment(dialect, expression, column, moment), found
                    )
                if local and found.kind in CLASSES:
                    found = replace(found, local=True)
            self._single[key] = found
        return found

    def reads_zone(self, expression: str, column: Column) -> bool:
        """Whether a PostgreSQL default stores a value that depends on the session's TimeZone
        (``LOCALTIMESTAMP(0)`` or ``CURRENT_DATE`` in a text column: the zone's local time as
        text): run in two zones 26 hours apart (UTC-12, UTC+14: no date or time of day is the
        same in both), or in UTC and +05:45 (the minute: ``to_char(now(), 'MI')``), it gives two
        different things. False where it cannot be run."""
        key = (expression, type_sql(column.type))
        if key not in self._zoned:
            backend = self.backend("postgresql")
            found = False
            if backend is not None:
                found = any(self._zones_apart(backend, expression, column, z) for z in _ZONE_PAIRS)
                found = found or self._zone_at_new_year(backend, expression, column)
            self._zoned[key] = found
        return self._zoned[key]

    def _zones_apart(
        self, backend: Backend, expression: str, column: Column, zones: tuple[str, str]
    ) -> bool:
        """Whether ``expression`` run now in each of ``zones`` gives two different things (in
        the minute's zones, two constants: an instant is written with its offset in each)."""
        self.runs += 2
        runs = [backend.run([(expression, column.type)], zone=z) for z in zones]
        west, east = (classify(run) for run in runs)
        if zones != _FAR_ZONES and not west.kind == east.kind == CONSTANT:
            return False
        return not {west.kind, east.kind} & _UNJUDGED and (
            (west.kind, west.value, west.form) != (east.kind, east.value, east.form)
            or (west.kind == START_OF_DAY and _instants_apart(runs[0], runs[1]))
        )

    def _zone_at_new_year(self, backend: Backend, expression: str, column: Column) -> bool:
        """Whether ``expression``, its clock reads at ``NEW_YEARS[0]``, gives two values in
        ``_FAR_ZONES`` (a year or a month of the session's zone; stranger61 018's leftovers).
        Two instants (of a ``timestamptz``, or text written with its offset: ``now()::text``)
        are compared as instants."""
        moved = at_fixed_moment("postgresql", expression, NEW_YEARS[0], local_in_session=True)
        if moved is None:
            return False
        self.runs += 2
        runs = [backend.run([(moved, column.type)], zone=z) for z in _FAR_ZONES]
        if any(run.error is not None or not run.rows or not run.rows[0] for run in runs):
            return False
        west, east = (timestamp_of(v) or v for v in (run.rows[0][0] for run in runs))
        return bool(west != east)

    def moment_in(self, expression: str, column: Column, zone: str, moment: str) -> Run | None:
        """What a PostgreSQL default gives, its clock reads at ``moment`` (UTC), in a session
        whose TimeZone is ``zone``; None when it reads no clock this can move or cannot run."""
        moved = at_fixed_moment("postgresql", expression, moment, local_in_session=True)
        backend = self.backend("postgresql") if moved is not None else None
        if backend is None or moved is None:
            return None
        self.runs += 1
        return backend.run([(moved, column.type)], zone=zone)

    def parts_in_zone(
        self, expression: str, column: Column, zone: str, other: str = "UTC"
    ) -> tuple[str, Run] | None:
        """The first of ``MOMENTS`` and ``NEW_YEARS`` (UTC) at which a PostgreSQL default, its
        clock reads there, gives another value in a session whose TimeZone is ``zone`` than in
        one whose TimeZone is ``other``, with its run in ``zone``; None where it gives the same
        at each, or cannot be run. Only the two zones decide: ``date_trunc('hour', now())``
        truncates at :30 UTC on an Asia/Kolkata database (+05:30) and at :15 on Asia/Kathmandu
        (+05:45), at :00 on Europe/Paris as on UTC (stranger68 017), which two far zones
        (``reads_zone``) never tell apart."""
        key = (expression, type_sql(column.type), f"{zone} @ {other}")
        if key not in self._parted:
            self._parted[key] = None
            for moment in (*fixed_moments.MOMENTS, *NEW_YEARS):
                runs = [self.moment_in(expression, column, z, moment) for z in (other, zone)]
                if any(r is None or r.error is not None or not r.rows for r in runs):
                    break
                theirs, there = runs
                assert theirs is not None and there is not None
                if fixed_moments.value_of(theirs) != fixed_moments.value_of(there):
                    self._parted[key] = (moment, there)  # aware datetimes compare as instants
                    break
        return self._parted[key]

    def in_zone(self, expression: str, column: Column, zone: str) -> Verdict:
        """The class of what a PostgreSQL default gives in a session whose TimeZone is
        ``zone`` (a live database's own: ``current_setting('TimeZone')`` gives its name)."""
        key = ("postgresql", expression, f"{type_sql(column.type)} @ {zone}")
        if key not in self._single:
            backend = self.backend("postgresql")
            if backend is None:
                return Verdict(NOT_EVALUATED, error=self._unavailable["postgresql"])
            self.runs += 1
            ran = backend.run([(expression, column.type)], zone=zone)
            self._single[key] = classify(ran, reads_clock("postgresql", expression))
        return self._single[key]

    def _at_fixed_moment(
        self, dialect: str, backend: Backend, default: tuple[str, Column], found: Verdict
    ) -> Verdict:
        """A clock number, or a current time of day, with how it is written (truncated,
        rounded, with a fraction), read by running the default (its text, its column) with the
        clock at ``clock_fixed.FIXED_MOMENT``; ``found`` as it is when the clock cannot be moved (or a
        clock read was missed: the value is not one constant)."""
        expression, column = default
        moved = at_fixed_moment(dialect, expression)
        if moved is None:
            return found
        self.runs += 1
        ran = backend.run([(moved, column.type)])
        if found.kind == CURRENT_TIME_OF_DAY:
            return replace(found, value=fixed_time_of_day(ran))
        fixed = classify(ran)
        if fixed.kind != CONSTANT:
            return found
        said = clock_number_at(str(found.value), fixed.value)
        exact = at_fixed_moment(dialect, expression, EXACT_MOMENT)
        if exact is not None and said.endswith(_TRUNCATED):
            # ...and at a whole second, which a double of days may hold a little short of
            self.runs += 1
            there = classify(backend.run([(exact, column.type)]))
            if there.kind == CONSTANT:
                said = clock_number_at(str(found.value), there.value, exact=True)
        return replace(found, value=said)

    def at_moment(self, dialect: str, expression: str, column: Column, moment: str) -> Run | None:
        """What ``expression`` gives as the default of ``column`` with its clock reads at
        ``moment`` (UTC; a SQLite 'localtime' run as UTC, ``values.in_utc``); None when it
        reads no clock this can move or ``dialect`` has no backend."""
        key = (dialect, expression, type_sql(column.type), moment)
        if key not in self._moments:
            moved = at_fixed_moment(dialect, in_utc(dialect, expression)[0], moment)
            backend = self.backend(dialect) if moved is not None else None
            if backend is not None and moved is not None:
                self.runs += 1
                self._moments[key] = backend.run([(moved, column.type)])
            else:
                self._moments[key] = None
        return self._moments[key]

    def side_by_side(
        self, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
    ) -> Run | None:
        """Both expressions as the defaults of two columns of one table, in one run (a SQLite
        'localtime' in UTC: ``values.in_utc``; the stage compares which side reads it)."""
        key = (dialect, left[0], type_sql(left[1].type), right[0], type_sql(right[1].type))
        if key not in self._pairs:
            backend = self.backend(dialect)
            if backend is None:
                return None
            self.runs += 1
            lrun, rrun = in_utc(dialect, left[0])[0], in_utc(dialect, right[0])[0]
            self._pairs[key] = backend.run([(lrun, left[1].type), (rrun, right[1].type)])
        return self._pairs[key]


def _instants_apart(west: Run, east: Run) -> bool:
    """Whether two runs' first values are instants (of a ``timestamptz``) that differ: a
    midnight both zones read as the same local day and time (``date_trunc('month', now())``:
    the 1st at 00:00 in each) is two instants 26 hours apart (stranger61 018)."""
    values = [run.rows[0][0] if run.rows and run.rows[0] else None for run in (west, east)]
    aware = [getattr(v, "tzinfo", None) is not None for v in values]
    return all(aware) and values[0] != values[1]
