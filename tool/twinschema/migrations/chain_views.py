"""What the two chains build of views, pair by pair and at their heads, as ``migration_parity``
differences: one per view (``chain_pair_views``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from twinschema.compare.allowance_match import columns_unallowed, matching_allowance
from twinschema.compare.view_columns import columns_hint, view_columns
from twinschema.migrations.migrations_chain import PARITY, migration_difference
from twinschema.migrations.migrations_twins import (
    last_pairs,
    one_dialect,
    twin_differences,
    upgrade_line,
)
from twinschema.migrations.twin_spans import Key, Span, TwinSide
from twinschema.model import OBJECT_VIEW, SchemaObject
from twinschema.records import Difference, FixSide, FixSite
from twinschema.records.domain import Domain


def chain_pair_views(left: TwinSide, right: TwinSide, domain: Domain | None) -> list[Difference]:
    """What the two chains build of views and triggers: ``twin_differences``, then
    ``head_views`` for the views the first did not already name (one difference a view, the
    one that names the twin pair and its revision file)."""
    twins = twin_differences(left, right, domain)
    named = {d.name for d in twins}
    return twins + [d for d in head_views(left, right, domain) if d.name not in named]


def head_views(left: TwinSide, right: TwinSide, domain: Domain | None) -> list[Difference]:
    """Each view both chains' heads build whose columns (names, in order) differ, as a
    ``migration_parity`` difference of the two chains: what the pair of databases says once
    both are migrated (``compare.view_columns``), said before. A column renamed through
    domain.yaml, which ``revision`` writes as ``RENAME COLUMN`` on both chains, renames the
    output column of a view that reads it on SQLite (which rewrites the view's text) and not
    on PostgreSQL (``label AS title``): both twins "replace" the view, so ``twin_differences``
    saw nothing (stranger73 007). A view declared for one dialect only, or allowed by a
    ``view`` allowance of its name, is left out, as the pair of databases leaves it. Each is
    located in a revision file (``_site``), never in domain.yaml, which cannot change a view."""
    heads = (left.run.first, right.run.first)
    if heads[0] is None or heads[1] is None:
        return []
    own = one_dialect(domain)
    sides = {left.chain.dialect: FixSide.LEFT, right.chain.dialect: FixSide.RIGHT}
    labels = (left.chain.label, right.chain.label)
    found = []
    last = last_pairs(left, right, domain)
    for d in view_columns(heads[0], heads[1], labels):
        difference = migration_difference(
            PARITY,
            labels,
            name=d.name,
            left=d.left,
            right=d.right,
            table=d.table,
            message=f"at the two chains' heads (each database once migrated), {d.message}",
            hint=f"{columns_hint(d.name)}, by a revision of the chain whose view is to change "
            "(a column renamed under a view renames the view's column on a dialect that "
            "rewrites the view's text, not on one that keeps the old name: label AS title); or, "
            f"if they differ on purpose, allow it in domain.yaml: views: {{{d.name}: {{allow: "
            "[{kind: view, reason: ...}]}}",
        )
        allowed = (
            domain is not None
            and matching_allowance(domain, replace(difference, kind=OBJECT_VIEW), sides) is not None
        )
        if (OBJECT_VIEW, d.name) not in own and not allowed:
            key = next((k for k in last if k[0] == OBJECT_VIEW and k[2] == d.name), None)
            pair = last.get(key) if key is not None else None
            if domain is not None:  # a view allowance beside it, which allows no columns
                said = columns_unallowed(domain, replace(difference, kind=OBJECT_VIEW))
                difference = replace(difference, message=said.message)
            found.append(replace(difference, fix=_site((left, right), key, pair)))
    return found


def _site(
    sides: tuple[TwinSide, TwinSide], key: Key | None, pair: tuple[Span, Span] | None
) -> FixSite | None:
    """Where a view whose columns differ at the heads is fixed: in the last pair of twins that
    changed it, the twin that left its columns as they were where the other's changed them (a
    column renamed under it on SQLite, which rewrites the view: stranger73 007, whose fix is
    the PostgreSQL twin's ALTER VIEW ... RENAME COLUMN), else the right chain's twin; where no
    later pair changed it, the right chain's head revision (None: no revision)."""
    if key is None or pair is None:
        if not sides[1].chain.revisions:
            return None
        index, path = 1, sides[1].chain.revisions[-1].path
    else:
        moved = [_columns(span.before, key) != _columns(span.after, key) for span in pair]
        index = 0 if moved == [False, True] else 1
        path = pair[index].revisions[-1].path
    line = upgrade_line(sides[index].chain.config.root / path)
    return FixSite((FixSide.LEFT, FixSide.RIGHT)[index], path, line)


def _columns(objects: Mapping[Key, SchemaObject], key: Key) -> tuple[str, ...] | None:
    """The columns of view ``key`` among ``objects`` (None: absent)."""
    view = objects.get(key)
    return None if view is None else tuple(view.columns)
