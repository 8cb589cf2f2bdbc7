"""What the revisions of one domain version did in one chain (``version_spans``): the chain's
views and triggers before and after them, each one's change (created, dropped, replaced) and
the columns they renamed; what ``migrations_twins`` compares twin by twin, and ``twin_views``
and ``view_origin`` read. Split from ``migrations_twins`` (one job each)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from twinschema.migrations.migrations_cache import ScratchRun
from twinschema.migrations.migrations_chain import Chain, Revision
from twinschema.migrations.twin_renames import Rename, column_renames
from twinschema.model import Schema, SchemaObject
from twinschema.records.dialects import RENAME_REWRITES_VIEWS
from twinschema.records.domain import Domain

# (kind, table, name), as ``SchemaObject.key``
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Change:
    """What the revisions of one domain version did to one object: ``action`` is "created",
    "dropped" or "replaced"; ``before``/``after`` its printed definitions (None: absent)."""

    action: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Span:
    """The revisions of one domain version in one chain, the chain's objects before and after
    them, what they changed, and the schema they left (read after the last of them: what
    ``twin_views`` runs a view both twins redefine on)."""

    revisions: tuple[Revision, ...]
    before: Mapping[Key, SchemaObject]
    after: Mapping[Key, SchemaObject]
    changes: dict[Key, Change]
    schema: Schema
    renamed: tuple[Rename, ...] = ()  # the columns they renamed (``twin_renames``)


@dataclass(frozen=True)
class TwinSide:
    """One chain, its scratch run and the triggers its batch copies lose (table, name)."""

    chain: Chain
    run: ScratchRun
    lost: frozenset[tuple[str, str]] = frozenset()


def version_spans(side: TwinSide, domain: Domain | None) -> dict[int, Span] | None:
    """Per domain version, its revisions in ``side``'s chain, the objects before and after
    them and what they changed; None when the schema between two revisions is unknown (no run to head, not a
    linear chain)."""
    chain, run = side.chain, side.run
    revisions = chain.revisions
    # At head (``first``), every upgrade ran: a step that failed after it was a downgrade.
    if run.first is None or not revisions:
        return None
    if any(r.revision not in run.steps.before for r in revisions[1:]):
        return None
    logical = logical_tables(domain, chain.dialect)
    schemas = [*(run.steps.before[r.revision] for r in revisions[1:]), run.first]
    stages: list[Mapping[Key, SchemaObject]] = [{}]
    stages += [_objects(schema, logical) for schema in schemas]
    spans: dict[int, Span] = {}
    for version in {r.domain_version for r in revisions if r.domain_version is not None}:
        indexes = [i for i, r in enumerate(revisions) if r.domain_version == version]
        first, last = indexes[0], indexes[-1]
        if indexes != list(range(first, last + 1)):
            return None  # a version's revisions apart: what each did is not one span
        if first == 0:
            continue  # what the first twins build from nothing: see the module
        before, after = stages[first], stages[last + 1]
        changed = _changes(before, after)
        renamed = (
            column_renames(schemas[first - 1], schemas[last])
            if chain.dialect in RENAME_REWRITES_VIEWS
            else ()
        )
        made = revisions[first : last + 1]
        spans[version] = Span(made, before, after, changed, schemas[last], renamed)
    return spans


def _objects(schema: Schema, logical: Mapping[str, str]) -> dict[Key, SchemaObject]:
    """The schema's objects by key, a trigger's table by its logical name (``logical``: each
    physical name, lower-cased, to its logical one; a name domain.yaml lacks stays)."""
    return {
        (o.kind, logical.get((o.table or "").lower(), o.table or ""), o.name): o
        for o in schema.objects
    }


def logical_tables(domain: Domain | None, dialect: str) -> dict[str, str]:
    """Each table's physical name on ``dialect``, lower-cased, to its logical name: how a
    trigger's table is named in ``version_spans`` and the triggers a batch copy loses."""
    if domain is None:
        return {}
    return {t.names.get(dialect, n).lower(): n for n, t in domain.tables.items()}


def _changes(
    before: Mapping[Key, SchemaObject], after: Mapping[Key, SchemaObject]
) -> dict[Key, Change]:
    """The objects whose definition ``before`` and ``after`` differ in, with what happened."""
    found: dict[Key, Change] = {}
    for key in set(before) | set(after):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        action = "created" if old is None else "dropped" if new is None else "replaced"
        found[key] = Change(action, _printed(old), _printed(new))
    return found


def _printed(obj: SchemaObject | None) -> str | None:
    """An object's definition as its catalog prints it (None: absent)."""
    return None if obj is None else obj.raw or obj.definition
