"""The objects ``domain.yaml`` declares (views, triggers... it names for a dialect), found in a
schema or reported as lacking: what ``compare.objects`` checks where objects do not pair one by
one (across dialects, against a metadata module)."""

from __future__ import annotations

from collections.abc import Sequence

from twinschema.compare.objects_alone import ObjectDifference
from twinschema.model import Schema, SchemaObject
from twinschema.records.domain import DeclaredObject, Domain


def declared_missing_on(
    side: tuple[Schema, str, int],
    declared: Sequence[DeclaredObject],
    domain: Domain | None,
    checked: set[tuple[str, str, str]],
) -> list[ObjectDifference]:
    """Each object domain.yaml declares for the dialect of ``side`` (schema, label, index)
    that it lacks; the key of each one it holds goes into ``checked``."""
    schema, label, index = side
    missing = []
    for wanted in declared:
        if schema.dialect not in wanted.dialects:
            continue
        found = _find(schema, wanted, domain)
        if found is None:
            missing.append(_declared_missing(wanted, schema, label, index))
        else:
            checked.add(found.key)
    return missing


def _find(schema: Schema, wanted: DeclaredObject, domain: Domain | None) -> SchemaObject | None:
    """The object of ``schema`` a declaration names (names compared case-insensitively: both
    dialects fold unquoted names, each its own way: see ``typemap.CASE_INSENSITIVE_NAMES``)."""
    table = None
    if wanted.table is not None:
        table = wanted.table
        if domain is not None and wanted.table in domain.tables:
            declared = domain.tables[wanted.table]
            table = declared.names.get(schema.dialect, wanted.table)
    name = wanted.physical(schema.dialect).lower()
    for obj in schema.objects:
        if obj.kind != wanted.kind or obj.name.lower() != name:
            continue
        if table is None or (obj.table or "").lower() == table.lower():
            return obj
    return None


def _declared_missing(
    wanted: DeclaredObject, schema: Schema, label: str, index: int
) -> ObjectDifference:
    on = f" on {wanted.table}" if wanted.table else ""
    name = wanted.physical(schema.dialect)
    named = f"{name} (domain: {wanted.name})" if name != wanted.name else name
    text = f"{wanted.kind} {named}{on}"
    return ObjectDifference(
        wanted.kind,
        wanted.table,
        wanted.name,
        None if index == 0 else text,
        text if index == 0 else None,
        f"{text} is declared in domain.yaml for {schema.dialect} but {label} lacks it",
        wanted,
    )
