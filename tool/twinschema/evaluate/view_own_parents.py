"""Rows of their own for the probe rows that decide a view alone (stranger83 002).

A probe row holding a moment near now (``view_now``) names, by its foreign keys, the parent
rows every other probe row of its table names too. A view asking whether *no* row of a
parent pair passes a filter (``seats_free``: performance CROSS JOIN seat WHERE NOT EXISTS a
booking of the pair that is confirmed or held until a moment past now) then answers for the
pair by all its rows at once: a confirmed booking and a hold in the future on the same pair
keep the seat taken on both sides, and a hold that expired half an hour ago written in +01:00
(over on PostgreSQL, still held by SQLite's text order) never decides anything. So each such
row is also added once more naming parent rows of its own: copies of the ones it named with new
keys, as the float-sum groups' rows are (``view_sums.with_sums``); the
row itself keeps its place too (the verdicts found on the shared parents stand). At most
``OWN`` rows per table are so added (each adds one row to each parent it names).

Near miss: ``datetime(b.hold_expires_at) > datetime('now')`` on SQLite reads the offset as
PostgreSQL does, and the same rows on their own parents still give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import count
from typing import Any, TypeVar

from twinschema.evaluate import view_copies, view_now, view_order_nulls, view_sums
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_keys import Keys, Reference
from twinschema.model import Schema, Table

Rows = list[tuple[Any, ...]]
T = TypeVar("T")
# At most this many rows near now per base table get parents of their own.
OWN = 48


def placed(
    schemas: tuple[Schema, Schema],
    pairs: Sequence[tuple[Table, Table]],
    columns: Sequence[Sequence[str]],
    fitted: Sequence[tuple[Sequence[Sequence[Any]], Sequence[int]]],
    rows: Sequence[Sequence[tuple[Any, ...]]],
    text: str,
    backends: tuple[Backend | None, Backend | None],
    keys: Keys,
    units: list[list[Rows]] | None = None,
) -> list[Rows]:
    """The probe rows (per base table of a view) with the rows that need rows of their own in
    the other base tables: the float-sum groups (``view_sums.with_sums``) and the NULL-order
    groups (``view_order_nulls``), each also given to ``units``, and then each row near now
    (``own_parents``); ``fitted``: each base's probe values and own key columns."""
    fits, own_keys = [f for f, _ in fitted], [k for _, k in fitted]
    given = (schemas, pairs, columns, fits, rows, own_keys, text, backends, keys)
    found = view_sums.with_sums(*given, units)
    found = view_order_nulls.with_nulls(*given[:4], found, *given[5:], units)  # NULLs sorted
    return own_parents(found, fits, own_keys, keys)


def own_parents(
    rows: Sequence[Sequence[tuple[Any, ...]]],
    fits: Sequence[Sequence[Sequence[Any]]],
    own_keys: Sequence[Sequence[int]],
    keys: Keys,
) -> list[Rows]:
    """``rows`` and, for each row holding a moment near now in a base table whose foreign keys
    name another base's rows (at most ``OWN`` per table), a copy of it with new keys naming,
    by each such foreign key, a copy of the parent row it named with a new key (a row of a
    pair no other probe row names decides a NOT EXISTS over the pair alone)."""
    found = [list(r) for r in rows]
    counter = count()
    for b, given in enumerate(rows):
        refs = [r for r in keys.references if r.child == b and r.parent != b]
        near = [r for r in given if any(isinstance(v, view_now.NowMoment) for v in r)]
        for row in near[:OWN] if refs else ():
            made = _linked(found, fits, keys, b, row, own_keys[b], refs, counter)
            if made is not None:
                for base, added in made:
                    found[base].append(added)
    return found


def _linked(
    found: list[Rows],
    fits: Sequence[Sequence[Sequence[Any]]],
    keys: Keys,
    b: int,
    row: tuple[Any, ...],
    own: Sequence[int],
    refs: Sequence[Reference],
    counter: Iterator[int],
) -> list[tuple[int, tuple[Any, ...]]] | None:
    """A copy of ``row`` (of base ``b``) with new keys ``own`` and its parents' copies, each as
    (base, row), the copy naming them; None where a copy cannot keep its unique keys (every
    combination of the values its columns take is held) or the row names no parent."""
    linked = view_copies.copied(found, fits, keys, b, row, own, counter)
    made: list[tuple[int, tuple[Any, ...]]] = []
    for ref in refs:
        named = tuple(row[i] for i in ref.at)
        like = next((p for p in found[ref.parent] if tuple(p[i] for i in ref.to) == named), None)
        copy = (
            None
            if like is None
            else view_copies.copied(found, fits, keys, ref.parent, like, ref.to, counter)
        )
        if copy is None or linked is None:
            continue
        made.append((ref.parent, tuple(copy)))
        found[ref.parent].append(made[-1][1])  # held while the next copies pick their keys
        for i, t in zip(ref.at, ref.to, strict=True):
            linked[i] = copy[t]
    for base, added in made:
        found[base].remove(added)
    if linked is None or not made:
        return None
    return [*made, (b, tuple(linked))]


def first_parted(
    keys: Keys,
    kept: Sequence[Sequence[tuple[Any, ...]]],
    tried: Callable[[dict[int, list[Any]]], T | None],
) -> T | None:
    """The first of the sets a row near now makes with the parent rows only it names (at most
    ``OWN``) on which ``tried`` finds the views parting, before the witness search tries every
    row and pair: the rows and pairs of parents alone part no NOT EXISTS over the pair and cost
    two runs each (seats_free on the theatre schema: 47 performances and 47 seats)."""
    sets = 0
    for b, given in enumerate(kept):
        refs = [r for r in keys.references if r.child == b and r.parent != b]
        for row in given if refs else ():
            if sets >= OWN or not any(isinstance(v, view_now.NowMoment) for v in row):
                continue
            chosen: dict[int, list[Any]] = {b: [row]}
            for ref in refs:
                named = tuple(row[i] for i in ref.at)
                if sum(tuple(r[i] for i in ref.at) == named for r in given) > 1:
                    break  # a parent other rows name too: not the row's own
                parents = [p for p in kept[ref.parent] if tuple(p[i] for i in ref.to) == named]
                chosen.setdefault(ref.parent, []).extend(parents[:1])
            else:
                sets += 1
                found = tried(chosen)
                if found is not None:
                    return found
    return None
