"""Where a live pair's index difference is fixed when one or both databases left their module.

stranger78 004: an index each dialect names its own way (``ix_items_name`` in SQLite's module,
``items_name_idx`` in PostgreSQL's), edited by hand on both databases, each otherwise: the live
pair's index difference told to fix the SQLite database alone, and after that fix the pair still
differed (PostgreSQL's edit). Its hint now names each database that left its module, by its own
table and index names, and only those: a one-sided edit (on either side) names that side alone.

On real databases: a SQLite file and a PostgreSQL database, both built from their modules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pg_helpers import build, make_project, module_source
from support.testing import execute

from twinschema.cli import cli

# Each dialect's own index name (as ``init`` pairs them), or one name on both.
OWN_NAMES = {"sqlite": "ix_items_name", "postgresql": "items_name_idx"}
ONE_NAME = {"sqlite": "ix_items_name", "postgresql": "ix_items_name"}
# Each database's own hand edit of its index: SQLite's over (name, id), PostgreSQL's over (id, name).
EDITS = {
    "sqlite": "CREATE INDEX {name} ON items (name, id)",
    "postgresql": "CREATE INDEX {name} ON items (id, name)",
}


def _indexed(name: str) -> str:
    return module_source() + f'sa.Index("{name}", metadata.tables["items"].c.name)\n'


def _pair_indexes(args: tuple[str, ...]) -> list[dict[str, Any]]:
    """The live pair's index differences (the databases' own against each other)."""
    result = CliRunner().invoke(cli, ["check", *args, "--format", "json"])
    assert result.exit_code == 1, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    pair = [
        d
        for d in report["differences"]
        if d["layer"] == "live" and d["left_source"].startswith("sqlite:")
    ]
    assert pair and {d["kind"] for d in pair} == {"index"}, json.dumps(pair, indent=1)
    return pair


@pytest.mark.parametrize("names", [OWN_NAMES, ONE_NAME], ids=["own_names", "one_name"])
@pytest.mark.parametrize("edited", [("sqlite",), ("postgresql",), ("sqlite", "postgresql")])
def test_a_live_pair_index_hint_names_each_database_edited_by_hand(
    tmp_path: Path,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    edited: tuple[str, ...],
    names: dict[str, str],
) -> None:
    """Each database in ``edited`` has its index re-made by hand otherwise than its module
    says (and than the other's edit): each live pair index difference's hint names the module
    of an edited database with its own index name, never a database that was not edited, and
    together they name every edited one; one difference of both (one name) names both."""
    project = make_project(
        tmp_path, sqlite_src=_indexed(names["sqlite"]), pg_src=_indexed(names["postgresql"])
    )
    build(pg_url, _indexed(names["postgresql"]))
    urls = {"sqlite": project.sqlite, "postgresql": pg_url}
    modules = {"sqlite": project.sqlite_module, "postgresql": project.postgres_module}
    for dialect in edited:
        made = EDITS[dialect].format(name=names[dialect])
        execute(urls[dialect], f"DROP INDEX {names[dialect]}", made)
    monkeypatch.chdir(tmp_path)
    args = ("--layer", "live", "--sqlite-url", project.sqlite, "--postgres-url", pg_url)
    named: set[str] = set()
    for d in _pair_indexes(args):
        hint = d["hint"]
        assert "migrate" not in hint, d  # no chain: a hand edit, never a migration
        assert pg_url.split("?")[0] not in hint and project.sqlite not in hint, d
        for dialect in ("sqlite", "postgresql"):
            if f"the database of {modules[dialect]}.py differs from that module" in hint:
                assert dialect in edited, d
                assert f"index {names[dialect]} on items" in hint, d
                named.add(dialect)
            else:
                assert modules[dialect] not in hint, d
        assert named, d
    assert named == set(edited)

    # The proof the hints are whole: fix each side they name (its index as its module says)
    # and the two databases agree again.
    for dialect in edited:
        again = f"CREATE INDEX {names[dialect]} ON items (name)"
        execute(urls[dialect], f"DROP INDEX {names[dialect]}", again)
    result = CliRunner().invoke(cli, ["check", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
