"""Writing ``domain.yaml``: the schema reference, a header, then the tables."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from twinschema.adopt.naming import snake_case
from twinschema.adopt.proposal import InitColumn, Proposal
from twinschema.domain_model import DIALECTS

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
    """A YAML scalar that reads back as the same string (quoted when YAML would read it as
    something else, such as ``yes``, ``null`` or ``1e3``)."""
    try:
        plain = yaml.safe_load(value) == value and "#" not in value and ":" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain and value.strip() == value and value else json.dumps(value)


def _flow(items: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


def _names(logical: str, names: Mapping[str, str]) -> list[tuple[str, str]]:
    differing = {d: n for d, n in names.items() if n != logical}
    return [("names", _flow((d, _scalar(n)) for d, n in differing.items()))] if differing else []


def _column_yaml(column: InitColumn) -> str:
    items: list[tuple[str, str]] = []
    if column.kind is not None:
        kind = column.kind
        items.append(("kind", kind.kind))
        for param in ("length", "precision", "scale"):
            value = getattr(kind, param)
            if value is not None:
                items.append((param, str(value)))
        if kind.values is not None:
            items.append(("values", "[" + ", ".join(_scalar(v) for v in kind.values) + "]"))
    items += _names(column.name, column.names)
    return f"      {_scalar(column.name)}: {_flow(items)}"


def _one_sided_comment(found: tuple[str, ...]) -> str:
    """The line for a table found on one dialect only: a comment, not a declaration.

    Declared for both dialects, the table stays a reported ``table_missing`` until a person
    decides: init cannot tell a table that belongs to one dialect from one that a migration
    forgot, and writing ``dialects: [...]`` for it would make the next diff say "in sync".
    """
    only = ", ".join(found)
    missing = ", ".join(d for d in DIALECTS if d not in found)
    return (
        f"    # dialects: [{only}]  # found on {only} only, so it is reported missing on "
        f"{missing}: uncomment to declare it {only}-only, or add it to {missing}"
    )


def _one_sided_column(table: str, dialect: str, physical: str) -> str:
    """A column found on one dialect only, as a declaration commented out: until a person
    uncomments it (or adds the column to the other database) it is a reported difference."""
    logical = snake_case(physical)
    names = _names(logical, {dialect: physical})
    items = [*names, ("dialects", f"[{dialect}]")]
    return (
        f"      # {_scalar(logical)}: {_flow(items)}  # uncomment to declare {table}.{logical} "
        f"{dialect}-only"
    )


def render(proposal: Proposal, output: Path, sources: Mapping[str, str]) -> str:
    """The text of ``domain.yaml``: the schema reference first, then a header, then the tables."""
    lines = [
        f"# yaml-language-server: $schema={schema_reference(output)}",
        "# Written by `twinschema init` from",
        *(f"#   {dialect}: {label}" for dialect, label in sources.items()),
        "# Logical names are the PostgreSQL names in snake_case; `names` gives a dialect's own",
        "# spelling where it differs. Kinds are those both databases agree on.",
        "# Review, then commit.",
    ]
    if proposal.unpaired:
        lines.append("# Could not pair (decide by hand: rename, pair in `names`, or drop):")
        lines += [f"# {line}" for line in proposal.unpaired]
    lines += ["version: 1", "tables:"]
    for table in proposal.tables:
        lines.append(f"  {_scalar(table.name)}:")
        lines += [f"    {k}: {v}" for k, v in _names(table.name, table.names)]
        if table.dialects != DIALECTS:
            lines.append(_one_sided_comment(table.dialects))
        lines.append("    columns:")
        lines += [_column_yaml(c) for c in table.columns]
        lines += [f"      # {line}" for line in table.unpaired]
        lines += [_one_sided_column(table.name, d, name) for d, name in table.one_sided]
    return "\n".join(lines) + "\n"
