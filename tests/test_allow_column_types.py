"""An allowance of a column's type that names the two types it is written for (``types:``), and
a PostgreSQL domain's NOT NULL and DEFAULT read as its column's where the domain is compared by
its definition (stranger65 002). The verdicts themselves are golden probe cases
(``sl-pg.allow-column-type-types-then-changed``, ``sl-pg.domain-refusing-null-default-...``)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from pg_helpers import invoke_afresh

from twinschema.domain_load import load_domain
from twinschema.errors import DomainError

CASES = Path(__file__).parent / "fixtures" / "probes"
ARGS = ("--dialect-a", "sqlite", "--dialect-b", "postgresql", "--format", "json")


def _diff(folder: Path, *domain: str) -> dict[str, object]:
    args = ["diff", *domain, *ARGS, "a.sql", "b.sql"]
    result = invoke_afresh(args, folder, dict(os.environ))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return dict(json.loads(result.stdout))


def _yaml(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "domain.yaml"
    path.write_text(
        f"version: 1\ntables:\n  t:\n    columns:\n      x:\n    allow:\n      - {entry}\n"
    )
    return path


def test_types_belong_to_kind_column_type(tmp_path: Path) -> None:
    """``types:`` on another kind is refused in one line naming the file and line; on a
    column_type allowance it loads, each dialect's type kept (postgres read as postgresql)."""
    path = _yaml(tmp_path, "{kind: check, types: {sqlite: TEXT}, reason: r}")
    with pytest.raises(DomainError, match=r"domain\.yaml:7: .*for kind: column_type only"):
        load_domain(path)
    path = _yaml(tmp_path, '{kind: column_type, column: x, types: {postgres: "text[]"}, reason: r}')
    (allowance,) = load_domain(path).allowances()
    assert allowance.types == (("postgresql", "text[]"),)
    assert allowance.describe() == "column_type t.x (postgresql: text[])"


def test_a_changed_type_names_the_allowance_of_the_new_types(tmp_path: Path) -> None:
    """The column_type difference a pinned allowance no longer allows is reported, the
    allowance stale, and the hint gives the allowance of the types now shown."""
    folder = tmp_path / "case"
    shutil.copytree(CASES / "sl-pg.allow-column-type-types-then-changed", folder)
    report = _diff(folder, "--domain", "domain.yaml")
    differences: list[dict[str, str]] = report["differences"]  # type: ignore[assignment]
    kinds = sorted(d["kind"] for d in differences)
    assert kinds == ["column_type", "stale_allowance"], differences
    (stale,) = [d for d in differences if d["kind"] == "stale_allowance"]
    assert stale["hint"].endswith(
        '{kind: column_type, column: tags, name: tags, types: {sqlite: "text", postgresql: '
        '"integer[]"}, reason: ...}'
    ), stale["hint"]
