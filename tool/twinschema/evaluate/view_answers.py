"""Two views of one name across dialects, compared by what they return (s76views).

A view's SQL is each dialect's own, so its text is not compared across dialects; its answers
are. The same probe rows go into scratch copies of the base tables the two views read (each
side's own column types, NOT NULL and CHECKs: ``view_runs``), only the rows both sides' tables
take are kept, and each side's view is read. Values are compared as an application receives
them (a boolean as 0 or 1, a number by its value, a moment by its ISO text), rows as a
multiset (a view without ORDER BY has no order). Different rows are a ``view`` difference
whose witness is the fewest base rows found that part them (one row alone where one does:
``users (id, name, active) = (1, '', false)``); the same rows on every probe set is "the same
on N probe rows" (never proven). A view the scratch databases cannot make or read (a function,
a type or a table it needs that they lack, a generated column it reads) is a warning naming
the view: its answers were not compared, never a silent "in sync".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from twinschema.evaluate import (
    view_clock,
    view_empty,
    view_filters,
    view_integral,
    view_keys,
    view_now,
    view_own_parents,
    view_placed,
    view_reads,
    view_runs,
    view_shorter,
    view_values,
    view_wall,
    view_zone_mend,
)
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_digits import past_double
from twinschema.evaluate.view_pair import Pair, pair_of, planned
from twinschema.evaluate.view_runs import Answer
from twinschema.evaluate.view_values import parted
from twinschema.evaluate.witness_fields import json_value
from twinschema.model import OBJECT_VIEW, Schema
from twinschema.records import Witness

Rows = Sequence[Sequence[Any]]
Backends = tuple[Backend | None, Backend | None]
Tried = tuple[list[list[Any]], tuple[Answer, Answer]]
# How many two-row sets (one row of each of two tables) are tried for a witness.
_PAIRS = 200
# How many runs leaving rows out may spend shrinking a witness of more rows (``_reduced``).
_REDUCE = 64


@dataclass(frozen=True)
class BaseRow:
    """One row of a witness: its table and columns (each side's own names where they agree,
    else the logical ones) and its values (logical: True for a boolean)."""

    table: str
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    # The values as the databases were given them, where a moment near now is shown by its
    # label in ``values`` (``view_now.NowMoment``); () where none is.
    given: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ViewVerdict:
    """What running a view on both sides said: ``same`` (None: not compared, ``reason`` says
    why), the probe rows both sides' tables took, and where the views part the witness rows
    and each side's answer (rows, or the error reading the view gave)."""

    view: str
    same: bool | None
    probed: int = 0
    witness: tuple[BaseRow, ...] = ()
    answers: tuple[str, str] = ("", "")
    reason: str = ""
    # The answers part only past a double's digits (``view_digits``): what the hint says.
    past_double: bool = False
    # Only rows written with hour 24 or second 60 part the answers (``view_wall.WALL_NOTE``).
    walled: bool = False
    clock: str | None = None  # the fixed moment (UTC) of the views' clock where they part
    # SQLite's integer division of whole values parts them: with its divided columns REAL,
    # the views agree on the witness (``view_doubled``): what the division hint says.
    divided: bool = False
    # The checked PostgreSQL database's TimeZone, where only it parts them: in UTC, at the
    # same moments, the views return the same rows (recheck86 (2)).
    zoned: str | None = None
    # Where PostgreSQL's views rewritten to read dates and times in UTC return the same rows in
    # that zone: the rewrites (``view_zone_mend.Mend``), which the hint gives (recheck88).
    mend: view_zone_mend.Mend = ()


def compare_view(
    schemas: tuple[Schema, Schema], name: str, backends: tuple[Backend | None, Backend | None]
) -> ViewVerdict:
    """Run view ``name`` of both schemas (of two dialects) on the same probe rows and say
    whether they return the same rows; ``backends``: each side's scratch backend (SQLite's
    may be None: it runs in memory); views on the clock at fixed moments (``view_clock``)."""
    texts = tuple(v.raw for s in schemas for v in view_reads.needed(s, name))
    zone = view_now.zone_of(schemas)

    def run(moment: str | None, how: str = "") -> ViewVerdict:
        return _compared(schemas, name, backends, moment, how)

    moments, at = None, None
    if view_clock.reads_clock(texts):
        moments = view_clock.moments_for(zone, " ".join(texts))
        at, verdict = view_clock.judged(run, moments)
    else:
        verdict = view_now.on_one_day(lambda: run(None))
    if verdict.same is False and zone is not None:  # would they agree in UTC? (recheck86 (2))
        pg = next(s for s in schemas if s.dialect == "postgresql")
        zoned, mend = view_zone_mend.judged(pg, name, zone, run, moments)
        verdict = replace(verdict, zoned=zoned, mend=mend)
    return replace(verdict, clock=at)


def _compared(
    schemas: tuple[Schema, Schema],
    name: str,
    backends: Backends,
    moment: str | None = None,
    how: str = "",
) -> ViewVerdict:
    """``compare_view``'s one run (``moment``: the views' clock, ``view_clock``; ``how``:
    ``view_zone_mend.IN_UTC``, PostgreSQL's session in UTC, not the checked database's
    TimeZone; ``MENDED``, PostgreSQL's views read their dates and times in UTC, ``view_utc``)."""
    made = pair_of(schemas, name, backends)
    if isinstance(made, str):
        return ViewVerdict(name, None, reason=made)
    pair, rows = made
    pair = planned(pair, schemas, moment, how)
    taken = [
        view_runs.run(p, rows, b, tried=True) for p, b in zip(pair.plans, backends, strict=True)
    ]
    unrun = _unrun(pair, rows, taken, backends)
    if unrun is not None:
        return ViewVerdict(name, None, reason=unrun)
    # A row both tables take and store alike (numeric(10,2) keeps 10.000000000000001 as
    # 10.00, SQLite's NUMERIC as a double: the stored values part, not the views).
    stored = zip(rows, taken[0].stored, taken[1].stored, pair.read, strict=True)
    kept = [
        [r for r, a, b in zip(given, sa, sb, strict=True) if view_values.alike(a, b, read)]
        for given, sa, sb, read in stored
    ]
    # Rows a real database holds together, and those kept apart only by a key's collation.
    apart, kept = view_keys.apart(pair.keys, kept), view_keys.fitting(pair.keys, kept)
    probed = sum(len(k) for k in kept)
    if probed == 0:
        return ViewVerdict(name, None, reason="no probe row is taken by both sides' tables")
    whole = _answers(pair, kept, backends)
    if whole is None:
        return ViewVerdict(name, None, reason="the scratch databases failed on the probe rows")
    alone = None if parted(*whole) else _alone(pair, kept, apart, backends)
    sums = None  # the float-sum groups on their own, where the rest parts nothing (fix91)
    if alone is None and not parted(*whole):
        sums = view_placed.alone(pair.sums, pair.keys, kept, _trier(pair, kept, backends))
    if not parted(*whole) and alone is None and sums is None:  # an aggregate over no row
        alone = view_empty.tried(
            [v for p in pair.plans for v in p.views], _trier(pair, kept, backends)
        )
    if not parted(*whole) and alone is None and sums is None:
        if not whole[0].rows and whole[0].failed is None:  # nothing told: no row either side
            texts = " ".join(v for p in pair.plans for v in p.views)
            why = view_filters.unmet(texts, pair.tables, kept) or (
                "no joined probe rows meet its joins and filters at once"
                if len(pair.tables) > 1
                else "none passes its filter"
            )
            said = f"neither returned a row on the {probed} probe rows ({why})"
            return ViewVerdict(name, None, probed, reason=said)
        return ViewVerdict(name, True, probed)
    # Ordinary rows first: a witness written with hour 24 or second 60 only where no other
    # row parts the views, and then said so (``view_wall``, stranger83 008); a child row whose
    # parent held such a text goes with it (the recheck of stranger84 (5): over a join the
    # ordinary rows were given up whole, and late_orders' witness was '23:59:60').
    plain, ordinary = None, view_keys.fitting(pair.keys, view_wall.ordinary(kept))
    if ordinary != kept and any(ordinary):
        plain = _answers(pair, ordinary, backends)
    searched = (ordinary, plain) if plain is not None and parted(*plain) else (kept, whole)
    searched = sums or searched
    found = alone or view_own_parents.first_parted(  # a row near now on its own parents
        pair.keys, searched[0], lambda rows: _tried(pair, kept, rows, backends)
    )
    found = found or _witness(pair, searched[0], backends)
    found = found or _reduced(pair, searched[0], searched[1] or whole, backends)
    found = view_shorter.shortest(  # its numbers no longer than they need be (stranger79 011)
        view_integral.preferred(schemas, name, pair, found, searched[0], _trier(pair, kept, backends)),
        pair.plans, pair.read, backends,
        lambda rows: _tried(pair, kept, dict(enumerate(rows)), backends),
    )  # fmt: skip
    chosen, answers = found
    walled = plain is not None and not parted(*plain) and view_wall.held(chosen)
    ordinary_found = _respelled(pair, kept, chosen, backends) if walled else None
    if ordinary_found is not None:  # an ordinary time parts them too: no WALL_NOTE (recheck88)
        (chosen, answers), walled = ordinary_found, False
    # A moment near now is shown by what it is, not by this run's instant (``view_now``).
    nows = view_now.instants([v for given in kept for row in given for v in row])
    witness = tuple(
        BaseRow(table, columns, tuple(view_now.shown(v, nows) for v in row), view_now.given(row))
        for (table, columns), given in zip(pair.tables, chosen, strict=True)
        for row in given
    )
    shown = (view_now.answer_text(answers[0], nows), view_now.answer_text(answers[1], nows))
    digits = past_double(answers[0].rows, answers[1].rows)
    divided = view_integral.divided(schemas, name, pair, lambda p: _answers(p, chosen, backends))
    return ViewVerdict(
        name, False, probed, witness, shown, past_double=digits, walled=walled, divided=divided
    )


def _unrun(
    pair: Pair, rows: list[list[Any]], taken: list[Answer], backends: Backends
) -> str | None:
    """Why the views could not be compared on these rows (a copy lacks the source's own
    function, type or table, or the views fail with no row in them), or None: a view that
    fails on some rows only is compared (``answers`` tells which)."""
    for plan, answer in zip(pair.plans, taken, strict=True):
        if answer.setup is not None:  # the source's own function, type or table: not copied
            return view_runs.not_copied(plan, "", answer.setup)
    if all(a.failed is None for a in taken):
        return None
    empty = _answers(pair, [[] for _ in rows], backends)  # fails on every row, or on some?
    if empty is None:
        return "the scratch databases failed with no row"
    for plan, answer in zip(pair.plans, empty, strict=True):
        if answer.failed is not None:  # a table or function the scratch copy lacks
            return view_runs.not_copied(plan, " with no row in them", answer.failed)
    return None


def witness_text(verdict: ViewVerdict) -> str:
    """A parted verdict's base rows as a message says them: ``with the base rows users (id,
    active) = (1, false)`` (a logical row; at a fixed clock, ``view_clock.row_said``)."""
    rows = "; ".join(
        f"{r.table} ({', '.join(r.columns)}) = ({', '.join(view_clock.row_said(r, verdict.clock))})"
        for r in verdict.witness
    )
    return f"with the base rows {rows}" if rows else "with no base row"


def answers_text(verdict: ViewVerdict, names: tuple[str, str]) -> str:
    """What each side (named ``names``) returned on a parted verdict's witness."""
    at = f" (with the clock at {verdict.clock} UTC)" if verdict.clock else ""
    return f"{names[0]} returns {verdict.answers[0]}; {names[1]} returns {verdict.answers[1]}{at}"


def view_witness(verdict: ViewVerdict, said: str, dialects: Sequence[str]) -> Witness | None:
    """A parted verdict's witness as a record, where it is one base row (``said``: what each
    side returned on it, ``answers_text``), its values as JSON holds them on ``dialects`` (a
    numeric's Decimal as its text: the JSON report failed on it); None for a witness of
    several rows."""
    if len(verdict.witness) != 1:
        return None
    first = verdict.witness[0]
    values = tuple(json_value(dialects, v) for v in first.values)
    if verdict.clock is None or not first.given:
        return Witness(first.table, first.columns, values, None, said)
    # At a fixed moment each value is known: the values given, the labels beside them.
    labels = tuple(str(v) if view_now.is_label(v) else None for v in first.values)
    given = tuple(json_value(dialects, v) for v in first.given)
    return Witness(first.table, first.columns, given, None, said, verdict.clock, labels)


def views_to_run(left: Schema, right: Schema) -> list[str]:
    """The views both schemas hold with the same columns (those whose columns differ are a
    difference already): each is run on both sides."""
    theirs = {o.name: o for o in right.objects if o.kind == OBJECT_VIEW}
    return [
        o.name
        for o in sorted(left.objects, key=lambda o: o.name)
        if o.kind == OBJECT_VIEW
        and o.name in theirs
        and (not o.columns or not theirs[o.name].columns or o.columns == theirs[o.name].columns)
    ]


def _answers(
    pair: Pair, rows: Sequence[Sequence[Any]], backends: tuple[Backend | None, Backend | None]
) -> tuple[Answer, Answer] | None:
    """Each side's answer on ``rows``; None where a side failed to make its tables or views."""
    found = [view_runs.run(p, rows, b) for p, b in zip(pair.plans, backends, strict=True)]
    if any(a.setup is not None for a in found):
        return None
    return found[0], found[1]


def _witness(
    pair: Pair, kept: Sequence[Sequence[Any]], backends: tuple[Backend | None, Backend | None]
) -> tuple[list[list[Any]], tuple[Answer, Answer]] | None:
    """The fewest base rows found on which the views part: one row alone, else one row of
    each of two tables, else two rows of one table (a group of two: avg(-5, 10) is 2.5 where
    each alone is whole); None where only more rows do."""
    for t, given in enumerate(kept):
        for row in given:
            found = _tried(pair, kept, {t: [row]}, backends)
            if found is not None:
                return found
    sets = [
        {t: [a], u: [b]}
        for t, first in enumerate(kept)
        for u in range(t + 1, len(kept))
        for a in first
        for b in kept[u]
        if view_keys.fits(
            pair.keys, [[a] if i == t else [b] if i == u else [] for i in range(len(kept))]
        )
    ][:_PAIRS]
    sets += [
        {t: [a, b]}
        for t, given in enumerate(kept)
        for i, a in enumerate(given)
        for b in given[i + 1 :]
    ][:_PAIRS]
    for chosen in sets:
        found = _tried(pair, kept, chosen, backends)
        if found is not None:
            return found
    return None


def _alone(pair: Pair, kept: Rows, apart: Rows, backends: Backends) -> Tried | None:
    """The first row ``view_keys.apart`` left out that parts the views alone, where one does."""
    rows = ((t, r) for t, given in enumerate(apart) for r in given)
    return next((f for t, r in rows if (f := _tried(pair, kept, {t: [r]}, backends))), None)


def _reduced(
    pair: Pair,
    kept: Sequence[Sequence[Any]],
    whole: tuple[Answer, Answer],
    backends: tuple[Backend | None, Backend | None],
) -> tuple[list[list[Any]], tuple[Answer, Answer]]:
    """Fewer base rows than all on which the views still part, where no one or two rows do
    (``whole``: the answers on all of ``kept``): runs of rows left out while the views part
    without them, the run halved down to one row, at most ``_REDUCE`` runs (stranger78 009: a
    grouped view's witness was all 48 probe rows, where 'a' and 'A' part it)."""
    items = [(t, row) for t, given in enumerate(kept) for row in given]
    answers, size, runs = whole, len(items) // 2, 0
    while size >= 1 and runs < _REDUCE:
        at = 0
        while at < len(items) and runs < _REDUCE:
            rest = items[:at] + items[at + size :]
            rows = [[r for u, r in rest if u == t] for t in range(len(kept))]
            runs += 1
            tried = _tried(pair, kept, dict(enumerate(rows)), backends) if rest else None
            if tried is not None:
                items, answers = rest, tried[1]
            else:
                at += size
        size //= 2
    return [[r for u, r in items if u == t] for t in range(len(kept))], answers


def _respelled(pair: Pair, kept: Rows, chosen: Rows, backends: Backends) -> Tried | None:
    """The witness ``chosen`` with each time written with hour 24 or second 60 written as the
    ordinary time just before it (``view_wall.respelled``) and both answers on it, where both
    sides' tables store those rows alike and the views still part there; else None."""
    rows = view_wall.respelled(chosen)
    taken = [
        view_runs.run(p, rows, b, tried=True) for p, b in zip(pair.plans, backends, strict=True)
    ]
    if any(a.setup is not None for a in taken):
        return None
    for a, b, read in zip(taken[0].stored, taken[1].stored, pair.read, strict=True):
        if not all(view_values.alike(x, y, read) for x, y in zip(a, b, strict=True)):
            return None
    return _tried(pair, kept, dict(enumerate(rows)), backends)


def _trier(pair: Pair, kept: Rows, backends: Backends) -> Callable[[dict[int, Any]], Tried | None]:
    """``_tried`` on ``kept``'s rows as one argument (``view_placed.alone``)."""
    return lambda rows: _tried(pair, kept, rows, backends)


def _tried(
    pair: Pair,
    kept: Sequence[Sequence[Any]],
    chosen: dict[int, list[Any]],
    backends: tuple[Backend | None, Backend | None],
) -> tuple[list[list[Any]], tuple[Answer, Answer]] | None:
    """The rows ``chosen`` (per base table's index, the others empty) and both answers on
    them, where the views part there; else None."""
    rows = [chosen.get(t, []) for t in range(len(kept))]
    if not view_keys.fits(pair.keys, rows):  # a row without its parent: no real data
        return None
    found = _answers(pair, rows, backends)
    return (rows, found) if found is not None and parted(*found) else None
