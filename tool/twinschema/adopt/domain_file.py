"""Writing ``domain.yaml``: the schema reference, a header, then the tables."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from twinschema.adopt.proposal import (
    InitColumn,
    InitTable,
    InitTrigger,
    Proposal,
    logical_name,
    unique_name,
)
from twinschema.records import DIALECTS

SCHEMA_FILE = "domain.schema.json"  # shipped in the package, next to domain.py


def schema_reference(output: Path) -> str:
    """Where the package's JSON Schema is, as seen from the file written (relative when it can
    be, so the reference holds in every clone that keeps the same layout)."""
    schema = Path(__file__).resolve().parent.parent / SCHEMA_FILE
    try:
        return Path(os.path.relpath(schema, output.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return schema.as_uri()


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as the same string: double-quoted when YAML would read it
    plain as something else (``yes``, ``null``, ``1e3``) or when it holds ``#`` or ``:``."""
    try:
        plain = yaml.safe_load(value) == value and "#" not in value and ":" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain and value.strip() == value and value else DoubleQuotedScalarString(value)


def _flow(items: Iterable[tuple[str, Any]]) -> CommentedMap:
    """A mapping written on one line (``{kind: integer, length: 10}``)."""
    found = CommentedMap(items)
    found.fa.set_flow_style()
    return found


def _names(logical: str, names: Mapping[str, str]) -> list[tuple[str, CommentedMap]]:
    differing = {d: n for d, n in names.items() if n != logical}
    return [("names", _flow((d, _scalar(n)) for d, n in differing.items()))] if differing else []


def _column(column: InitColumn) -> CommentedMap:
    items: list[tuple[str, Any]] = []
    if column.kind is not None:
        kind = column.kind
        items.append(("kind", kind.kind))
        for param in ("length", "precision", "scale"):
            value = getattr(kind, param)
            if value is not None:
                items.append((param, value))
        if kind.values is not None:
            values = CommentedSeq(_scalar(v) for v in kind.values)
            values.fa.set_flow_style()
            items.append(("values", values))
    items += _names(column.name, column.names)
    return _flow(items)


def _one_sided_comment(found: tuple[str, ...]) -> str:
    """The line for a table found on one dialect only: a comment, not a declaration.

    Declared for both dialects, the table stays a reported ``table_missing`` until a person
    decides: init cannot tell a table that belongs to one dialect from one that a migration
    forgot, and writing ``dialects: [...]`` for it would make the next diff say "in sync".
    """
    only = ", ".join(found)
    missing = ", ".join(d for d in DIALECTS if d not in found)
    return (
        f"dialects: [{only}]  # found on {only} only, so it is reported missing on "
        f"{missing}: uncomment to declare it {only}-only, or add it to {missing}"
    )


def _one_sided_column(table: str, dialect: str, physical: str, taken: set[str]) -> str:
    """A column found on one dialect only, as a declaration commented out: until a person
    uncomments it (or adds the column to the other database) it is a reported difference.
    Its logical name is one no column of the table has yet (``taken``, numbered as init
    numbers names that would meet: ``user_id_2`` beside a paired ``user_id``; stranger71
    013), so the line uncommented as it stands loads."""
    logical = unique_name(logical_name(physical, "c"), taken)
    declared = _flow([*_names(logical, {dialect: physical}), ("dialects", _flow_list([dialect]))])
    named = logical if logical == physical else f"{logical} ({dialect}: {physical})"
    return (
        f"{_dumped(CommentedMap([(_scalar(logical), declared)]))}  # uncomment to declare "
        f"{table}.{named} {dialect}-only"
    )


def _flow_list(items: Iterable[str]) -> CommentedSeq:
    found = CommentedSeq(items)
    found.fa.set_flow_style()
    return found


def _yaml() -> YAML:
    """The round-trip writer: two-space indents, and no line folded (a long flow mapping or
    header stays on one line, as a person would write it)."""
    writer = YAML()
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 1 << 16
    return writer


def _dumped(data: CommentedMap) -> str:
    """One small mapping as its YAML line (for a declaration written inside a comment)."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue().rstrip("\n")


def _after(mapping: CommentedMap, key: str, lines: list[str], indent: int) -> None:
    """Comment lines written after ``key``'s value (on lines of their own, at ``indent``)."""
    text = "".join(f"\n{' ' * indent}# {line}" for line in lines) + "\n"
    mapping.ca.items[key] = [None, None, CommentToken(text, CommentMark(0), None), None]


def _table(table: InitTable) -> CommentedMap:
    found = CommentedMap(_names(table.name, table.names))
    columns = CommentedMap((_scalar(c.name), _column(c)) for c in table.columns)
    found["columns"] = columns if table.columns else None
    if table.dialects != DIALECTS:
        found.yaml_set_comment_before_after_key(
            "columns", before=_one_sided_comment(table.dialects), indent=4
        )
    taken = {c.name for c in table.columns}
    one_sided = [_one_sided_column(table.name, d, n, taken) for d, n in table.one_sided]
    comments = [*table.unpaired, *one_sided]
    if comments and table.columns:
        # Above the first column, not below the last: a comment below it belongs to whatever
        # the file holds next, so the `allow:` that `init --allow-existing` adds went between
        # the columns and it, and the line uncommented no longer loaded (stranger94b 006).
        first = _scalar(table.columns[0].name)
        columns.yaml_set_comment_before_after_key(first, before="\n".join(comments), indent=6)
    elif comments:
        _after(found, "columns", comments, 6)
    return found


def _triggers(triggers: list[InitTrigger]) -> CommentedMap:
    """``triggers:``, each declared for both dialects (``{table: t}``, with ``names:`` where a
    side spells it otherwise): one found on one side only is then reported missing on the
    other until a person decides, as a one-sided table is; a comment under it says so and is
    the line that declares it one-sided, uncommented."""
    found = CommentedMap()
    for t in triggers:
        items = [("table", _scalar(t.table)), *_names(t.name, t.names)]
        if t.found == DIALECTS:
            found[_scalar(t.name)] = _flow(items)
            continue
        if t.virtual:  # an FTS index's trigger: SQLite-only by the dialects' nature
            found[_scalar(t.name)] = _flow([*items, ("dialects", _flow_list(t.found))])
            found.yaml_add_eol_comment(
                f"keeps SQLite's virtual table {t.virtual} in step", _scalar(t.name)
            )
            continue
        entry = CommentedMap(items)
        _after(entry, items[-1][0], [_one_sided_comment(t.found)], 4)
        found[_scalar(t.name)] = entry
    return found


def render(proposal: Proposal, output: Path, sources: Mapping[str, str]) -> str:
    """The text of ``domain.yaml``: the schema reference first, then a header, then the tables.

    Built as a round-trip YAML document (``ruamel.yaml``) rather than from string templates, so
    that quoting, flow mappings and comments are the library's to get right, and the file reads
    back as written; the order of everything is the proposal's (no set or dict of unknown order),
    so the bytes do not depend on ``PYTHONHASHSEED``."""
    header = [
        f"yaml-language-server: $schema={schema_reference(output)}",
        "Written by `twinschema init` from",
        *(f"  {dialect}: {label}" for dialect, label in sources.items()),
        "Logical names are the PostgreSQL names in snake_case; `names` gives a dialect's own",
        "spelling where it differs. Kinds are those both databases agree on.",
        "Review, then commit.",
    ]
    if proposal.unpaired:
        header.append("Could not pair (decide by hand: rename, pair in `names`, or drop):")
        header += proposal.unpaired
    document = CommentedMap()
    document["version"] = 1
    document["tables"] = CommentedMap((_scalar(t.name), _table(t)) for t in proposal.tables)
    if proposal.triggers:
        document["triggers"] = _triggers(proposal.triggers)
    document.yaml_set_start_comment("\n".join(header))
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()
