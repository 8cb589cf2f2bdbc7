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
from support import testing
from test_init_project import adopt, check

from twinschema.compare.allowance_types import AS_NOW
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
    assert allowance.sides == (("postgresql", "text[]"),)
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


UNPINNED = '{kind: column_type, column: tags, reason: "JSON array text on the device"}'
PINNED = (
    '{kind: column_type, column: tags, types: {sqlite: text, postgresql: "text[]"}, '
    'reason: "JSON array text on the device"}'
)


def _pair(tmp_path: Path, allowance: str) -> Path:
    """SQLite ``tags TEXT`` against PostgreSQL ``tags text[]``, allowed by ``allowance``."""
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "a.sql").write_text("CREATE TABLE t (id INTEGER, tags TEXT);\n")
    (folder / "b.sql").write_text("CREATE TABLE t (id integer, tags text[]);\n")
    (folder / "domain.yaml").write_text(
        "version: 1\ntables:\n  t:\n    columns:\n      id: {kind: integer}\n      tags: {}\n"
        f"    allow:\n      - {allowance}\n"
    )
    return folder


def _unpinned(report: dict[str, object]) -> list[dict[str, object]]:
    warnings: list[dict[str, object]] = report["warnings"]  # type: ignore[assignment]
    return [w for w in warnings if w["kind"] == "unpinned_allowance"]


def test_an_allowance_without_types_still_allows_and_says_how_to_pin_it(tmp_path: Path) -> None:
    """A column_type allowance without types: keeps allowing (in sync, exit 0: a file that
    worked yesterday works today), with one warning naming its line, that it allows any type,
    and the entry pinned to the types it allows here, the allowance's own reason kept."""
    report = _diff(_pair(tmp_path, UNPINNED), "--domain", "domain.yaml")
    assert (report["exit_code"], report["differences"]) == (0, []), report
    (warning,) = _unpinned(report)
    assert warning["severity"] == "warning"
    assert warning["fix"] == {"side": None, "file": "domain.yaml", "line": 8}, warning
    assert "names no types: it allows any type difference of t.tags" in str(warning["message"])
    assert str(warning["hint"]) == (
        f"domain.yaml:8: pin it to the types it is written for; {AS_NOW}: {{kind: column_type, "
        "column: "
        'tags, name: tags, types: {sqlite: "text", postgresql: "text[]"}, reason: "JSON array '
        'text on the device"}'
    ), warning["hint"]


def test_a_pinned_allowance_gives_no_such_warning(tmp_path: Path) -> None:
    """The near miss: the same allowance with types: allows alike, and says nothing more."""
    report = _diff(_pair(tmp_path, PINNED), "--domain", "domain.yaml")
    assert (report["exit_code"], report["differences"]) == (0, []), report
    assert _unpinned(report) == [], report


def test_check_warns_of_an_unpinned_allowance_once(tmp_path: Path, pg_url: str) -> None:
    """In a project the models and the live pair both allow the type by the allowance: one
    ``check`` warns once (in the first layer), and exits 0; pinned, it warns not at all."""
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    shell = adopt(
        tmp_path / "app", sqlite_url, pg_url,
        ["CREATE TABLE t (id INTEGER PRIMARY KEY, tags TEXT)"],
        ["CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, tags text[])"],
    )  # fmt: skip
    domain = tmp_path / "app" / "domain.yaml"
    written = domain.read_text()
    domain.write_text(written + f"    allow:\n      - {UNPINNED}\n")
    code, report = check(shell)
    assert code == 0, report["differences"]
    assert [w["layer"] for w in _unpinned(report)] == ["models"], report["warnings"]
    text = shell("check")
    assert text.exit_code == 0 and text.stdout.count("unpinned_allowance") == 1, text.output
    domain.write_text(written + f"    allow:\n      - {PINNED}\n")
    code, report = check(shell)
    assert (code, _unpinned(report)) == (0, []), report
