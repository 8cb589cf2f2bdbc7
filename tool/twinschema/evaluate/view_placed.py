"""The float-sum groups of ``view_sums`` placed again where the views' own filters hold
(``view_met``, stranger89 001): on templates meeting a base's filters, with parent copies and
child rows meeting theirs, and a pair past the summed column's own bound."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from twinschema.evaluate import view_filters, view_fits, view_met
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_keys import Keys
from twinschema.model import Schema, Table

Rows = list[tuple[Any, ...]]
T = TypeVar("T")
# Float-sum groups judged each on its own, at most, where all of them together part nothing.
ALONE = 16


class Placing:
    """The float-sum groups placed again on rows meeting the views' filters (``view_met``):
    per base, its columns' filters and the values meeting them."""

    def __init__(
        self,
        schemas: tuple[Schema, Schema],
        pairs: Sequence[tuple[Table, Table]],
        columns: Sequence[Sequence[str]],
        fits: Sequence[Sequence[Sequence[Any]]],
        own_keys: Sequence[Sequence[int]],
        filters: list[view_met.Filters],
        backends: tuple[Backend | None, Backend | None],
        keys: Keys,
        groups: Callable[..., list[tuple[Rows, bool]]],
        linked: Callable[..., Rows],
    ) -> None:
        self.groups, self.linked = groups, linked
        self.schemas, self.pairs, self.columns, self.backends = schemas, pairs, columns, backends
        self.fits, self.own_keys, self.filters, self.keys = fits, own_keys, filters, keys
        self.met = [
            view_met.met_values(schemas, pairs[c], columns[c], fits[c], filters[c], backends)
            for c in range(len(pairs))
        ]

    def place(
        self,
        found: list[Rows],
        b: int,
        target: tuple[int, ...],
        pair: tuple[Decimal, Decimal] | None,
        whole: bool,
        kept: set[int],
        counter: Any,
    ) -> None:
        """Groups of ``target`` on up to ``view_filters.TRIES`` templates of base ``b`` meeting
        its filters, with a pair meeting the summed column's own (``view_met.shifted``)."""
        said = self.filters[b]
        chosen = self._pair(b, target, pair, whole)
        if chosen is None:
            return
        rows = found[b][: len(found[b])]
        least = max((len(v) for m in self.met for v in m.values()), default=1)
        for i, template in enumerate(
            view_met.templates(rows, said, self.met[b], self.own_keys[b], target, least)
        ):

            def meet(base: int, row: tuple[Any, ...], i: int = i) -> tuple[Any, ...]:
                kept = self.own_keys[base]
                return view_met.applied(row, self.filters[base], self.met[base], i, kept)

            fits, keys = self.fits[b], self.own_keys[b]
            held = kept | set(said)
            made = self.groups(found[b], fits, keys, target, chosen, counter, held, [template])
            for group, fresh in made:
                found[b] += self.linked(found, self.fits, self.keys, b, group, fresh, counter, meet)

    def _pair(
        self, b: int, target: tuple[int, ...], pair: tuple[Decimal, Decimal] | None, whole: bool
    ) -> tuple[Decimal, Decimal] | None:
        """``pair`` where its amounts meet the summed column's filters, else the first pair
        past their bounds both sides' columns take (None: none)."""
        own = [c for j in target for c in self.filters[b].get(j, [])]
        if not own:
            return pair
        if pair is not None and all(self._meets(b, target, v) for v in pair):
            return pair
        if whole or len(target) != 1:
            return None
        tables, name = self.pairs[b], self.columns[b][target[0]]
        shifted = view_met.shifted(own, view_met.scale_of(tables, name))
        offered = [[v for p in shifted for v in p]]
        taken = view_fits.fitted(
            self.schemas, tables, [name], offered, [True], self.backends, False
        )
        fitted = taken[0] if taken else []
        return next((p for p in shifted if all(v in fitted for v in p)), None)

    def _meets(self, b: int, target: tuple[int, ...], amount: Any) -> bool:
        """True when a group row's ``amount`` meets each ``target`` column's own filters: one
        amount for all, or one per column (``view_sums._SPREADS``: 10 and 3 under km > 0)."""
        return all(
            view_filters.meets(
                amount[i] if isinstance(amount, tuple) else amount, self.filters[b].get(j, [])
            )
            for i, j in enumerate(target)
        )


def alone(
    units: Sequence[Sequence[Sequence[tuple[Any, ...]]]],
    keys: Keys,
    kept: Sequence[Sequence[tuple[Any, ...]]],
    tried: Callable[[dict[int, list[Any]]], T | None],
) -> T | None:
    """What ``tried`` finds on the float-sum groups alone (``units``: each group with its parent
    and child rows, per base; those of them in ``kept``, with the parent rows in ``kept`` they
    name): all at once, else each on its own (the first ``ALONE``). A group's inexact double
    sum decides a view only where no other row of its group sums with it, and rows other
    generators add where the view's filters hold may (fix91: ``v5_op_today`` groups by the
    operator alone, and the children each parent near now gets, ``view_met_children``, summed
    1 + 0.1 + 0.2 to 1.3 on both sides), as may the groups themselves (two pairs 6.01 and
    6.05 sum to 24.12 exactly as doubles, where one is 12.059999999999999)."""
    sets = [units, *([u] for u in units[:ALONE])] if len(units) > 1 else [units]
    for chosen in (_chosen(given, keys, kept) for given in sets):
        found = tried(dict(enumerate(chosen))) if any(chosen) else None
        if found is not None:
            return found
    return None


def _chosen(
    units: Sequence[Sequence[Sequence[tuple[Any, ...]]]],
    keys: Keys,
    kept: Sequence[Sequence[tuple[Any, ...]]],
) -> list[list[tuple[Any, ...]]]:
    """The rows of ``units`` in ``kept`` (per base), with the kept parent rows they name."""
    chosen = [[r for r in kept[t] if any(r in u[t] for u in units)] for t in range(len(kept))]
    for ref in keys.references:
        named = {tuple(r[i] for i in ref.at) for r in chosen[ref.child]}
        for parent in kept[ref.parent]:
            if tuple(parent[i] for i in ref.to) in named and parent not in chosen[ref.parent]:
                chosen[ref.parent].append(parent)
    return chosen
