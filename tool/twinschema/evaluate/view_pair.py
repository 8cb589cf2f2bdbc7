"""The two sides' plans of one view and the probe rows of its base tables (``view_answers``,
which runs them and looks for a witness): the base tables the views read, each side's copy of
them, the probe values both sides' columns take (``view_probes``, ``view_fits``), the rows made
of them and the keys those rows must keep (``view_keys``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from twinschema.evaluate import (
    view_clock,
    view_fits,
    view_generated,
    view_keys,
    view_landings,
    view_met_children,
    view_now,
    view_own_parents,
    view_probes,
    view_reads,
    view_runs,
    view_utc,
    view_zone_mend,
)
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_runs import Base, Plan
from twinschema.model import Schema, Table

_STAR = re.compile(r"(?:\bselect|,|\.)\s*\*", re.I)


@dataclass(frozen=True)
class Pair:
    """The two sides' plans of one view and the logical columns each base table's rows give."""

    plans: tuple[Plan, Plan]
    tables: tuple[tuple[str, tuple[str, ...]], ...]  # (table shown, columns shown) per base
    # Per base, whether the views read each column (by name, or all by a ``*``).
    read: tuple[tuple[bool, ...], ...]
    keys: view_keys.Keys  # the UNIQUEs and foreign keys rows must keep
    # Each float-sum group with its parent and child rows (per base), judged on its own too:
    # other probe rows meeting the same filters may sum with it (fix91).
    sums: tuple[tuple[tuple[tuple[Any, ...], ...], ...], ...] = ()


def pair_of(
    schemas: tuple[Schema, Schema], name: str, backends: tuple[Backend | None, Backend | None]
) -> tuple[Pair, list[list[Any]]] | str:
    """Both sides' plans of view ``name`` and the probe rows of its base tables (of values both
    sides' columns take: ``view_fits``), or why none: what every run of the view reads."""
    left, right = schemas
    lviews, rviews = (view_reads.needed(s, name) for s in schemas)
    texts = " ".join(v.raw for v in (*lviews, *rviews))
    tables = [t for t in sorted(left.tables) if view_reads.reads(texts, left.tables[t])]
    tables += [
        t
        for t in sorted(right.tables)
        if t not in tables and view_reads.reads(texts, right.tables[t])
    ]
    bases: tuple[list[Base], list[Base]] = ([], [])
    pairs: list[tuple[Table, Table]] = []
    given: list[list[str]] = []
    shown, rows, reads = [], [], []
    fitted: list[tuple[list[list[Any]], list[int]]] = []
    closed: list[list[view_met_children.Closed]] = []
    star = _STAR.search(texts) is not None
    views = [(left.dialect, v.raw) for v in lviews] + [(right.dialect, v.raw) for v in rviews]
    for table in tables:
        lt, rt = left.tables.get(table), right.tables.get(table)
        if lt is None or rt is None:
            return f"table {table} is on one side only"
        # A generated column rows never give: the copies compute it with each side's own
        # expression where the views read one (stranger94b 005), and leave it out where they
        # read none (stranger76 007: a view not reading it was refused for it).
        made = [c for c in (*lt.columns, *rt.columns) if c.generated is not None]
        computed = {c.name for c in made}
        read_made = [c for c in made if star or view_reads.word(c.own_name).search(texts)]
        half = next((c for c in read_made if not view_generated.both(lt, rt, c.name)), None)
        if half is not None:  # the other side's rows would give it, or hold none
            return (
                f"it reads {table}.{half.own_name}, a generated column on one side only (the "
                "scratch copies' rows give the other side's column no value)"
            )
        # A column of one side only has no value on the other: a view reading it is not run.
        alone = [
            c.own_name
            for t, o in ((lt, rt), (rt, lt))
            for c in t.columns
            if o.column(c.name) is None and view_reads.word(c.own_name).search(texts)
        ]
        if alone:
            return f"it reads {table}.{alone[0]}, a column on one side only"
        computes = [bool(read_made) or view_generated.checked(t) for t in (lt, rt)]
        columns = [
            c.name for c in lt.columns if rt.column(c.name) is not None and c.name not in computed
        ]
        pairs.append((lt, rt))
        given.append(columns)
        bases[0].append(view_runs.base_of(lt, columns, computes[0]))
        bases[1].append(view_runs.base_of(rt, columns, computes[1]))
        own = [c.own_name for c in lt.columns if c.name in columns]
        names = own if own == [rt.column(c).own_name for c in columns] else columns  # type: ignore[union-attr]
        shown.append((lt.physical or table, tuple(names)))
        # A column a generated column the views read reads is read too (its probe values
        # vary: y = x * 2 against x * 3 part on x = 1, not on the one value of an unread x).
        seen = f"{texts} {view_generated.expressions(read_made)}"
        read = tuple(
            star
            or any(
                view_reads.word(c.own_name).search(seen) for c in (lt.column(n), rt.column(n)) if c
            )
            for n in columns
        )
        reads.append(read)
        zone = view_now.zone_of(schemas)  # a live TimeZone's day starts (stranger81 004)
        offered = view_probes.candidates(lt, rt, columns, texts, read, zone)
        offered = view_landings.added(offered, (lt, rt), columns, views)  # fee * 100 >= 435
        fits = view_fits.fitted(schemas, (lt, rt), columns, offered, read, backends) or offered
        empty = next((c for c, f in zip(columns, fits, strict=True) if not f), None)
        if empty is not None:
            return (
                f"no probe value of {table}.{empty} is taken by both sides' columns (their "
                "types, NOT NULL and the CHECKs that read it alone)"
            )
        # Types apart (an allowed integer against interval): a column read that both sides take
        # NULL of only was compared where it is NULL alone, "the same rows" (stranger94a 008).
        nulls = [c for c, f, r in zip(columns, fits, read, strict=True) if r and set(f) == {None}]
        if nulls:
            return (
                f"no probe value of {table}.{nulls[0]} but NULL is taken by both sides' columns "
                "(their types or CHECKs share no other value), so its rows could be compared "
                "only where it is NULL"
            )
        own_keys = view_probes.keys_of(lt, rt, columns)
        named = view_probes.literals(texts)[1]  # a moment near now meets them (view_near)
        made_rows = view_probes.crossed(fits, own_keys, read, named)
        inputs = view_generated.unnamed_inputs(lt, columns, read_made, texts)
        made_rows = view_generated.spread(made_rows, fits, own_keys, inputs)
        pair = (lt, rt)  # rows a CHECK over two columns takes too
        made_rows = view_fits.checked(
            schemas, pair, columns, fits, made_rows, own_keys, read, backends, views
        )
        held = view_probes.held_keys(lt, rt, columns, texts)
        rows.append(view_probes.grouped(made_rows, fits, own_keys, texts, held))
        fitted.append((fits, own_keys))
        closed.append(
            view_met_children.closed_values((lt, rt), columns, fits, read, own_keys, named)
        )
    plans = (
        view_runs.plan_of(left, bases[0], lviews, name),
        view_runs.plan_of(right, bases[1], rviews, name),
    )
    keys = view_keys.keys_of(pairs, given)
    # Float-sum groups and rows near now last: each on parent rows of its own (stranger84 001, 83 002).
    units: list[list[list[tuple[Any, ...]]]] = []
    rows = view_own_parents.placed(
        schemas, pairs, given, fitted, rows, texts, backends, keys, units
    )
    # Each parent row near now with children meeting the filters (stranger89 002).
    fits = [f for f, _ in fitted]
    rows = view_met_children.met_children(rows, fits, [k for _, k in fitted], keys, closed)
    sums = tuple(tuple(tuple(r) for r in unit) for unit in units)
    return Pair(plans, tuple(shown), tuple(reads), keys, sums), rows


def planned(pair: Pair, schemas: tuple[Schema, Schema], moment: str | None, how: str) -> Pair:
    """``pair`` as one run of ``view_answers`` reads it: PostgreSQL's views mended to read in
    UTC (``how`` is ``view_zone_mend.MENDED``; before the clock reads it adds are fixed), the
    clock at ``moment``, PostgreSQL's session in UTC (``IN_UTC``)."""
    if how == view_zone_mend.MENDED:
        pg = next(s for s in schemas if s.dialect == "postgresql")
        pair = replace(pair, plans=view_utc.mended_plans(pair.plans, view_utc.instants_in(pg)))
    pair = replace(pair, plans=view_clock.at_moment(pair.plans, moment))
    if how == view_zone_mend.IN_UTC:
        pair = replace(pair, plans=view_clock.in_zone(pair.plans, "UTC"))
    return pair
