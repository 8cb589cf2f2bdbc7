"""The ``migrations`` layer of ``twinschema check`` (issue 4), on real databases.

The project's own chains are in sync. Every other case runs on a scratch copy of the project
(domain.yaml, schemas/, both chains, pyproject.toml, the Makefile) in ``tmp_path``, through the
real command line (in this process, see ``Project.twinschema``; ``make`` in a subprocess) whose
working directory is the copy: a copy's ``schemas`` package never meets this repository's. Its
databases are a SQLite file under the copy's ``var/`` and a scratch PostgreSQL database on the
session's server, given as ``DATABASE_URL`` to the commands only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import invoke_afresh, without_outer_run
from support import testing

from twinschema.check import run_check
from twinschema.config import load_config
from twinschema.layers.plan import CheckPlan
from twinschema.migrations.migrations_alembic import upgrade_database
from twinschema.migrations.migrations_cache import NO_CACHE_ENV
from twinschema.migrations.migrations_chain import Chain, Revision, parity
from twinschema.records import Status
from twinschema.urls import parse_url, redact

# One worker runs the tests that use or watch this repository's var/: `_no_leak` watches it,
# and test_ci_files' `make check-sync` fills it.
pytestmark = pytest.mark.xdist_group("repository-var")

IN_SYNC = Status.IN_SYNC

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "pyproject.toml")
VENV = Path(sys.executable).parent.parent
COPIED = (
    "domain.yaml",
    "schemas",
    "migrations_sqlite",
    "migrations_postgres",
    "pyproject.toml",
    "Makefile",
    "scripts",  # the Makefile's test target runs scripts/ensure-system-postgres.sh
)

# The "Done when" change: a column in domain.yaml and schemas/postgres.py, brought by a
# PostgreSQL revision of domain version 2; its twin is the same in SQLite.
COLUMN_LINE = "      wallet_address: {kind: text}\n"
PG_REVISION = "0002_nickname_postgresql"
SQLITE_REVISION = "0002_nickname_sqlite"


def revision_text(
    revision: str, down: str, domain_version: int, upgrade: str, downgrade: str
) -> str:
    return f'''"""test revision {revision}"""

import sqlalchemy as sa
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None
domain_version = {domain_version}


def upgrade() -> None:
    {upgrade}


def downgrade() -> None:
    {downgrade}
'''


PG_NICKNAME = revision_text(
    PG_REVISION,
    "0001_initial_postgresql",
    2,
    'op.add_column("profiles", sa.Column("nickname", sa.Text(), nullable=True))',
    'op.drop_column("profiles", "nickname")',
)
SQLITE_NICKNAME = revision_text(
    SQLITE_REVISION,
    "0001_initial_sqlite",
    2,
    'with op.batch_alter_table("profiles") as batch:\n'
    '        batch.add_column(sa.Column("nickname", sa.Text(), nullable=True))',
    'with op.batch_alter_table("profiles") as batch:\n        batch.drop_column("nickname")',
)


@dataclass
class Project:
    """A scratch copy of the repository and the environment its commands run in."""

    root: Path
    env: dict[str, str]
    stamp: Path

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{path}: {old!r} not found"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, path: str, text: str) -> None:
        (self.root / path).write_text(text, encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=600
        )

    def twinschema(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``twinschema`` command in the copy, with its environment: in this process
        (click's ``CliRunner``; an interpreter's start-up per command was most of this file's
        time), reading the copy as a new process would. What an earlier command imported from
        the copy (its ``schemas``) is forgotten first, and nothing is compiled to
        ``__pycache__``, so a file edited between two commands is read again. ``make`` runs
        stay processes: the Makefile and its recipes are what they test."""
        return invoke_afresh(list(args), self.root, self.env)

    def migrate(self, *args: str) -> None:
        done = self.twinschema("migrate", *args)
        assert done.returncode == 0, done.stdout + done.stderr

    def check(self, *args: str) -> tuple[int, dict[str, Any]]:
        done = self.twinschema("check", "--format", "json", *args)
        assert done.returncode in (0, 1, 3), done.stdout + done.stderr
        return done.returncode, json.loads(done.stdout)

    def make(self, target: str) -> subprocess.CompletedProcess[str]:
        # The project's own Makefile, on this virtualenv; a fresh stamp so make installs nothing.
        # The copy's suite (24 tests on the session's server) in one process: parallel workers
        # would each pay an interpreter's start-up and the migrations for so few tests.
        return self.run(
            "make",
            "--no-print-directory",
            target,
            f"VENV={VENV}",
            f"STAMP={self.stamp}",
            "TEST_WORKERS=0",
        )

    def add_column_to_postgres(self) -> None:
        """The issue's change, PostgreSQL side only."""
        self.edit("domain.yaml", "version: 1\n", "version: 2\n")
        self.edit("domain.yaml", COLUMN_LINE, COLUMN_LINE + "      nickname: {kind: text}\n")
        self.edit(
            "schemas/postgres.py",
            "    sa.Column(p.wallet_address, sa.Text),\n",
            "    sa.Column(p.wallet_address, sa.Text),\n    sa.Column(p.nickname, sa.Text),\n",
        )
        self.write(f"migrations_postgres/versions/{PG_REVISION}.py", PG_NICKNAME)

    def add_sqlite_twin(self) -> None:
        """The twin: the SQLite column and its revision."""
        self.edit(
            "schemas/sqlite.py",
            "    sa.Column(p.wallet_address, sa.Text),\n",
            "    sa.Column(p.wallet_address, sa.Text),\n    sa.Column(p.nickname, sa.Text),\n",
        )
        self.write(f"migrations_sqlite/versions/{SQLITE_REVISION}.py", SQLITE_NICKNAME)


@pytest.fixture
def project(tmp_path: Path, pg_server: str, pg_url: str, outer_run_options: None) -> Project:
    root = tmp_path / "app"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    (root / "tests").mkdir()
    for name in ("conftest.py", "test_schema_sync.py"):  # `make test` of the copy: the suite
        shutil.copy2(ROOT / "tests" / name, root / "tests" / name)
    # the conftest's own helpers (the database pool) come with it
    shutil.copytree(ROOT / "tests" / "support", root / "tests" / "support", ignore=ignore)
    stamp = tmp_path / "installed-stamp"
    stamp.touch()
    # Nothing of this run (its PYTEST_ADDOPTS, make's MAKEFLAGS) reaches the copy's make and
    # pytest: they run as a developer's `make test` would, whatever options this run was given.
    env = {
        k: v
        for k, v in without_outer_run(dict(os.environ)).items()
        if not k.startswith("LOCAL_DATABASE")
    }
    env.update(DATABASE_URL=pg_url, TEST_DATABASE_URL=pg_server, NO_COLOR="1")
    return Project(root, env, stamp)


def found(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [d for d in report["differences"] if d["kind"] == kind]


# ---------------------------------------------------------------------------------------------
# The project's own chains


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chains run on every check (``migrations_cache``): a check of this repository's own
    configuration would otherwise keep its runs under this repository's var/."""
    monkeypatch.setenv(NO_CACHE_ENV, "1")


@pytest.fixture
def migrated(tmp_path: Path, pg_url: str, no_cache: None) -> dict[str, str | None]:
    """The project's two databases (fresh), migrated to head."""
    urls: dict[str, str | None] = {
        "sqlite": testing.sqlite_url(tmp_path / "local.db"),
        "postgresql": pg_url,
    }
    for dialect, url in urls.items():
        assert url is not None
        assert upgrade_database(CONFIG, dialect, url) is None
    return urls


def test_own_chains_are_in_sync(migrated: dict[str, str | None]) -> None:
    """Both chains: one head, head == metadata, a clean round trip, parity, databases at head."""
    report = run_check(CheckPlan(CONFIG, ["migrations"], migrated))
    assert report.differences == []
    assert [(r.left, r.right, r.status) for r in report.layers] == [
        ("migrations_sqlite", "schemas/sqlite.py", IN_SYNC),
        ("migrations_postgres", "schemas/postgres.py", IN_SYNC),
        ("migrations_sqlite", "migrations_postgres", IN_SYNC),
        (redact(str(migrated["sqlite"])), "migrations_sqlite", IN_SYNC),
        (redact(str(migrated["postgresql"])), "migrations_postgres", IN_SYNC),
    ]
    assert report.exit_code == 0


def test_state_is_read_only(tmp_path: Path, pg_url: str, no_cache: None) -> None:
    """A SQLite path that does not exist is an error, never a new empty database; a PostgreSQL
    database at base (never migrated) is behind head."""
    missing = tmp_path / "missing.db"
    report = run_check(
        CheckPlan(
            CONFIG, ["migrations"], {"sqlite": testing.sqlite_url(missing), "postgresql": pg_url}
        )
    )
    assert not missing.exists()
    [sqlite_state] = [r for r in report.layers if r.right == "migrations_sqlite"]
    assert (sqlite_state.status, sqlite_state.message) == (
        "error",
        f"{missing}: SQLite database not found",
    )
    [state] = [d for d in report.differences if d.kind == "migration_state"]
    assert (state.left, state.right) == ("base", "0001_initial_postgresql")
    assert "make migrate-remote" in state.hint
    assert report.exit_code == 3


def test_no_scratch_database_is_an_error(migrated: dict[str, str | None], pg_server: str) -> None:
    """A role that may not CREATE DATABASE cannot test the PostgreSQL chain: the layer says so
    and the check exits 3, never skipping in silence."""
    role = f"ts_nocreate_{uuid.uuid4().hex[:8]}"
    admin = testing.admin_engine(str(migrated["postgresql"]))
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN NOCREATEDB"))
        conn.execute(sa.text(f"GRANT SELECT ON alembic_version TO {role}"))
    try:
        urls = dict(migrated)
        urls["postgresql"] = (
            parse_url(str(migrated["postgresql"]))
            .set(username=role)
            .render_as_string(hide_password=False)
        )
        plan = CheckPlan(CONFIG, ["migrations"], urls, scratch_url=urls["postgresql"])
        report = run_check(plan)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"REVOKE ALL ON alembic_version FROM {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()
    [chain] = [r for r in report.layers if r.left == "migrations_postgres"]
    assert chain.status == "error"
    assert chain.message is not None
    assert "cannot create a scratch database" in chain.message
    assert "permission denied to create database" in chain.message
    assert report.exit_code == 3


@pytest.mark.parametrize(
    ("sqlite_versions", "postgres_versions", "expected"),
    [
        ([1, 2], [1, 2], []),
        ([1], [1, 2], [("0002_postgresql", "2", None), ("0001_sqlite", "1", "2")]),
        ([1, 2, 3], [1, 2], [("0003_sqlite", "3", None), ("0003_sqlite", "3", "2")]),
        ([1, None], [1], [("0002_sqlite", None, None), ("0001_postgresql", "1", "2")]),
    ],
    ids=["twins", "missing-sqlite-twin", "sqlite-ahead-of-domain", "no-domain-version"],
)
def test_parity(
    sqlite_versions: list[int | None],
    postgres_versions: list[int | None],
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    """Twins by domain version; each head at domain.yaml's version (here 2)."""
    from twinschema.domain_model import Domain

    def chain(dialect: str, versions: list[int | None]) -> Chain:
        revisions = tuple(
            Revision(f"{n:04d}_{dialect}", v, f"v/{n:04d}.py") for n, v in enumerate(versions, 1)
        )
        return Chain(CONFIG, dialect, f"migrations_{dialect}", (revisions[-1].revision,), revisions)

    differences = parity(
        chain("sqlite", sqlite_versions), chain("postgresql", postgres_versions), Domain(2, {})
    ).differences
    assert [(d.name, d.left, d.right) for d in differences] == expected
    assert {d.kind for d in differences} <= {"migration_parity"}


# ---------------------------------------------------------------------------------------------
# A scratch copy of the project


def test_done_when_a_column_without_its_twin_fails_then_passes(project: Project) -> None:
    """The issue's "Done when": a column added to schemas/postgres.py with a PostgreSQL revision
    only fails `make check-sync` and `make test`, naming the column and the missing revision;
    adding the SQLite twin makes both pass."""
    project.add_column_to_postgres()

    # check-sync only checks the database DATABASE_URL names: migrated first, as CI does.
    assert project.make("migrate-remote").returncode == 0
    sync = project.make("check-sync")
    # `twinschema check` exits 1 (drift), and make with 2 because a recipe failed.
    assert ": check-sync] Error 1" in sync.stderr, sync.stdout + sync.stderr
    assert sync.returncode == 2
    assert "column_missing: column profiles.nickname exists only in schemas/postgres.py" in (
        sync.stdout
    )
    assert (
        f"revision {PG_REVISION} (migrations_postgres/versions/{PG_REVISION}.py, domain "
        "version 2) has no twin in migrations_sqlite"
    ) in sync.stdout
    _, report = project.check()
    assert ("models", "column_missing", "profiles", "nickname") in {
        (d["layer"], d["kind"], d["table"], d["column"]) for d in report["differences"]
    }
    assert [(d["name"], d["right"]) for d in found(report, "migration_parity")] == [
        (PG_REVISION, None),
        ("0001_initial_sqlite", "2"),  # the SQLite head is still at domain version 1
    ]

    tests = project.make("test")
    assert ": test] Error 1" in tests.stderr, tests.stdout + tests.stderr
    assert "FAILED tests/test_schema_sync.py::test_models[profiles]" in tests.stdout
    assert "FAILED tests/test_schema_sync.py::test_migrations[(layer)]" in tests.stdout
    assert "profiles.nickname: column_missing" in tests.stdout
    assert f"revision {PG_REVISION}" in tests.stdout
    assert "passed" in tests.stdout  # the other tables' tests ran and passed

    project.add_sqlite_twin()
    assert project.make("migrate-remote").returncode == 0
    sync = project.make("check-sync")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert sync.stdout.rstrip().endswith("in sync")
    tests = project.make("test")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"^=+ 24 passed in ", tests.stdout, re.M), tests.stdout


TWIN_HINT = (
    "run `twinschema revision -m MESSAGE`: with migrations_postgres one revision ahead, it "
    "writes only the missing twin in migrations_sqlite (domain_version = 2, autogenerated from "
    "its metadata module) and sets domain.yaml's version to 2"
)


@pytest.mark.parametrize("bumped", [True, False], ids=["domain-bumped", "domain-not-bumped"])
def test_a_revision_on_one_chain_only_ends_in_sync_by_following_the_hints(
    project: Project, bumped: bool
) -> None:
    """A PostgreSQL revision without its SQLite twin, domain.yaml bumped or not: every parity
    hint names the one command that settles it, `twinschema revision` then writes only the
    missing twin (and the version), and after migrating, the whole check is in sync."""
    project.add_column_to_postgres()
    if not bumped:
        project.edit("domain.yaml", "version: 2\n", "version: 1\n")
    project.edit(
        "schemas/sqlite.py",
        "    sa.Column(p.wallet_address, sa.Text),\n",
        "    sa.Column(p.wallet_address, sa.Text),\n    sa.Column(p.nickname, sa.Text),\n",
    )
    project.migrate("local")
    project.migrate("remote")
    code, report = project.check("--layer", "migrations")
    assert code == 1
    parity = found(report, "migration_parity")
    assert len(parity) == 2
    assert {d["hint"] for d in parity} == {TWIN_HINT}

    done = project.twinschema("revision", "-m", "nickname")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        f"migrations_sqlite/versions/{SQLITE_REVISION}.py  (the twin of {PG_REVISION})",
        *([] if bumped else ["domain.yaml: version 1 -> 2"]),
    ]
    text = (project.root / f"migrations_sqlite/versions/{SQLITE_REVISION}.py").read_text()
    assert "domain_version = 2" in text and "nickname" in text
    assert "version: 2\n" in (project.root / "domain.yaml").read_text()
    project.migrate("local")
    code, report = project.check()
    assert (code, report["differences"]) == (0, [])


def test_a_revision_added_without_a_version_bump_has_no_twin(project: Project) -> None:
    """A second SQLite revision at domain version 1 (no bump): both chains have version 1, but
    not as many revisions there; parity names the extra one."""
    project.write(
        "migrations_sqlite/versions/0002_tier_sqlite.py",
        revision_text(
            "0002_tier_sqlite",
            "0001_initial_sqlite",
            1,
            'op.create_index("ix_profiles_tier", "profiles", ["tier"])',
            'op.drop_index("ix_profiles_tier", table_name="profiles")',
        ),
    )
    project.migrate("local")
    project.migrate("remote")
    _, report = project.check("--layer", "migrations")
    parity = found(report, "migration_parity")
    assert [(d["name"], d["left"], d["message"]) for d in parity] == [
        (
            "0002_tier_sqlite",
            "1",
            "migrations_sqlite has 2 revisions at domain version 1, migrations_postgres has "
            "1: revision 0002_tier_sqlite (migrations_sqlite/versions/0002_tier_sqlite.py) has "
            "no twin",
        )
    ]


def test_head_that_differs_from_its_metadata_is_drift(project: Project) -> None:
    """A column in the metadata that no revision adds: migration_drift, naming the column and
    the original kind."""
    project.migrate("local")
    project.migrate("remote")
    project.edit("domain.yaml", COLUMN_LINE, COLUMN_LINE + "      nickname: {kind: text}\n")
    for module in ("schemas/postgres.py", "schemas/sqlite.py"):
        project.edit(
            module,
            "    sa.Column(p.wallet_address, sa.Text),\n",
            "    sa.Column(p.wallet_address, sa.Text),\n    sa.Column(p.nickname, sa.Text),\n",
        )
    code, report = project.check("--layer", "migrations")
    assert code == 1
    drift = found(report, "migration_drift")
    assert [(d["right_source"], d["table"], d["column"]) for d in drift] == [
        ("schemas/sqlite.py", "profiles", "nickname"),
        ("schemas/postgres.py", "profiles", "nickname"),
    ]
    # Sides as the row names them (migrations_sqlite <> schemas/sqlite.py): the chain's head,
    # which lacks the column, on the left; the module, which has it, on the right.
    assert [(d["left"], d["right"]) for d in drift] == [(None, "text"), (None, "text")]
    assert all(d["left_source"].startswith("migrations_") for d in drift)
    assert all("exists only in schemas/" in d["message"] for d in drift), drift
    rows = [(r["left"], r["right"]) for r in report["layers"] if r["name"] == "migrations"]
    assert ("migrations_sqlite", "schemas/sqlite.py") in rows, rows
    assert all("column_missing" in d["message"] for d in drift)
    assert all("migrations_" in d["hint"] for d in drift)


def test_two_heads(project: Project) -> None:
    """A chain with two heads: migration_heads, naming both revisions."""
    project.migrate("local")
    project.migrate("remote")
    for branch in ("a", "b"):
        project.write(
            f"migrations_sqlite/versions/0002{branch}.py",
            revision_text(f"0002{branch}_sqlite", "0001_initial_sqlite", 1, "pass", "pass"),
        )
    code, report = project.check("--layer", "migrations")
    assert code == 1
    heads = found(report, "migration_heads")
    assert [d["name"] for d in heads] == ["0002a_sqlite", "0002b_sqlite"]
    assert all("0002a_sqlite, 0002b_sqlite" in d["message"] for d in heads)
    assert all("alembic merge" in d["hint"] for d in heads)
    # Both heads build the same schema, so nothing else is wrong with the chain itself.
    assert found(report, "migration_drift") == found(report, "migration_roundtrip") == []


@pytest.mark.parametrize("extra", ["0002b_other_postgresql", "0002a_other_postgresql"])
def test_two_heads_blame_the_revision_without_a_twin_and_merging_comes_before_migrating(
    project: Project, extra: str
) -> None:
    """stranger32 case 043: a second PostgreSQL revision at the version its twinned neighbour
    brings. Parity blames the one whose twin (same id stem) is missing, whichever of the two
    the chain lists first; the database behind the two heads is told to merge them first, as
    `migrate` refuses such a chain, not to migrate."""
    project.migrate("local")
    project.migrate("remote")
    for dialect, chain in (("sqlite", "migrations_sqlite"), ("postgresql", "migrations_postgres")):
        revision = f"0002_tier_{dialect}"
        project.write(
            f"{chain}/versions/{revision}.py",
            revision_text(revision, f"0001_initial_{dialect}", 2, "pass", "pass"),
        )
    project.write(
        f"migrations_postgres/versions/{extra}.py",
        revision_text(extra, "0001_initial_postgresql", 2, "pass", "pass"),
    )
    project.edit("domain.yaml", "version: 1\n", "version: 2\n")
    code, report = project.check("--layer", "migrations")
    assert code == 1
    untwinned = [d["name"] for d in found(report, "migration_parity") if "no twin" in d["message"]]
    assert untwinned == [extra], found(report, "migration_parity")
    states = {d["right_source"]: d["hint"] for d in found(report, "migration_state")}
    heads = " ".join(sorted(["0002_tier_postgresql", extra]))
    assert states["migrations_postgres"].startswith(
        f"merge the heads first: alembic merge -m 'merge heads' {heads} (in migrations_postgres; "
        "`make migrate-remote` refuses a chain of 2 heads; the merge revision declares "
        "domain_version = 2: set it there if it says None), then run `make migrate-remote`"
    ), states
    assert states["migrations_sqlite"] == "run `make migrate-local`", states


def test_downgrade_that_leaves_objects_behind(project: Project) -> None:
    """A SQLite downgrade that forgets a table, a PostgreSQL one that forgets the enum type:
    migration_roundtrip names each leftover (and the upgrade that then fails)."""
    project.migrate("local")
    project.migrate("remote")
    project.edit(
        "migrations_sqlite/versions/0001_initial_sqlite.py", '    op.drop_table("badges")\n', ""
    )
    project.edit(
        "migrations_postgres/versions/0001_initial_postgresql.py",
        '    op.execute("DROP TYPE subscription_tier")\n',
        "",
    )
    code, report = project.check("--layer", "migrations")
    assert code == 1
    roundtrip = found(report, "migration_roundtrip")
    messages = [(d["left_source"], d["message"]) for d in roundtrip]
    assert (
        "migrations_sqlite",
        "after downgrading to base, table badges is left behind",
    ) in messages
    assert (
        "migrations_postgres",
        "after downgrading to base, enum type subscription_tier is left behind",
    ) in messages
    failed = [m for source, m in messages if m.startswith("upgrading again after base fails")]
    assert len(failed) == 2  # the leftovers then break the next upgrade, in both chains
    assert found(report, "migration_drift") == []


def test_downgrade_that_does_not_undo_its_upgrade(project: Project) -> None:
    """A second revision whose downgrade() forgets the index its upgrade() creates: going down
    to base hides it (the first revision drops the table), so each revision's downgrade is
    checked against the schema before its upgrade. Right downgrades pass, on both chains."""
    project.edit("domain.yaml", "version: 1\n", "version: 2\n")
    for module in ("schemas/postgres.py", "schemas/sqlite.py"):
        project.edit(
            module,
            "    sa.Index(None, p.community_id),\n",
            '    sa.Index(None, p.community_id),\n    sa.Index("ix_profiles_tier", p.tier),\n',
        )
    for dialect, label in (("sqlite", "sqlite"), ("postgres", "postgresql")):
        project.write(
            f"migrations_{dialect}/versions/0002_tier_{label}.py",
            revision_text(
                f"0002_tier_{label}",
                f"0001_initial_{label}",
                2,
                'op.create_index("ix_profiles_tier", "profiles", ["tier"])',
                'op.drop_index("ix_profiles_tier", table_name="profiles")',
            ),
        )
    project.migrate("local")
    project.migrate("remote")
    code, report = project.check("--layer", "migrations")
    assert (code, report["differences"]) == (0, [])

    path = "migrations_postgres/versions/0002_tier_postgresql.py"
    project.edit(path, 'op.drop_index("ix_profiles_tier", table_name="profiles")', "pass")
    project.write(
        "migrations_postgres/env.py",
        (project.root / "migrations_postgres/env.py").read_text(encoding="utf-8") + ENV_LOG,
    )
    before = _runs(project)
    code, report = project.check("--layer", "migrations")
    assert code == 1
    # Two steps up, one down, to base, up again: each revision's downgrade is its own step.
    assert _runs(project) == before + 5
    roundtrip = found(report, "migration_roundtrip")
    assert [(d["left_source"], d["table"], d["name"]) for d in roundtrip] == [
        ("migrations_postgres", "profiles", "ix_profiles_tier")
    ]
    (difference,) = roundtrip
    assert difference["message"] == (
        f"the downgrade() of revision 0002_tier_postgresql ({path}) does not undo its "
        "upgrade(): index: index ix_profiles_tier (tier) on profiles exists only in "
        "migrations_postgres after the downgrade of 0002_tier_postgresql"
    )
    assert path in difference["hint"]
    assert [d["kind"] for d in report["differences"]] == ["migration_roundtrip"]
    # The run is kept with what each step read: the next check finds the same, without Alembic.
    assert (project.check("--layer", "migrations"), _runs(project)) == ((1, report), before + 5)


def test_live_database_behind_or_ahead_of_head(project: Project) -> None:
    """A database behind head or ahead of the chain: migration_state, with the command that
    fixes it."""
    project.add_column_to_postgres()
    project.add_sqlite_twin()
    project.migrate("local", "--to", "0001_initial_sqlite")
    project.migrate("remote", "--to", "0001_initial_postgresql")
    code, report = project.check("--layer", "migrations")
    assert code == 1
    states = found(report, "migration_state")
    assert [(d["left"], d["right"]) for d in states] == [
        ("0001_initial_sqlite", SQLITE_REVISION),
        ("0001_initial_postgresql", PG_REVISION),
    ]
    assert [
        "make migrate-local" in states[0]["hint"],
        "make migrate-remote" in states[1]["hint"],
    ] == [True, True]
    assert "behind migrations_sqlite" in states[0]["message"]

    project.migrate("local")
    project.migrate("remote")
    database = project.root / "var" / "local.db"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0003_from_another_branch'")
    before = database.stat().st_mtime_ns
    code, report = project.check("--layer", "migrations")
    assert database.stat().st_mtime_ns == before  # read, never written
    [ahead] = found(report, "migration_state")
    assert "ahead of migrations_sqlite" in ahead["message"]
    assert "0003_from_another_branch" in ahead["hint"]
    assert "make migrate-local" in ahead["hint"]


# A trigger each chain's first revision creates (and its downgrade drops).
PG_TRIGGER_UP = (
    '    op.execute("CREATE FUNCTION touch_profile() RETURNS trigger LANGUAGE plpgsql AS '
    '$$ BEGIN RETURN NEW; END $$")\n'
    '    op.execute("CREATE TRIGGER profiles_touch BEFORE UPDATE ON profiles FOR EACH ROW '
    'EXECUTE FUNCTION touch_profile()")\n'
)
PG_TRIGGER_DOWN = (
    '    op.execute("DROP TRIGGER profiles_touch ON profiles")\n'
    '    op.execute("DROP FUNCTION touch_profile()")\n'
)
SQLITE_TRIGGER_UP = (
    '    op.execute("CREATE TRIGGER profiles_touch AFTER UPDATE ON profiles BEGIN SELECT 1; END")\n'
)
SQLITE_TRIGGER_DOWN = '    op.execute("DROP TRIGGER profiles_touch")\n'


def test_trigger_a_migration_creates_and_a_hand_edit_dropped(project: Project) -> None:
    """Metadata modules hold no triggers: the live database is compared with the scratch
    database its chain builds at head, so a trigger dropped by hand is reported, on each
    dialect, as a ``trigger`` difference of the migrations layer naming the live database."""
    down = "\n\ndef downgrade() -> None:\n"
    project.edit(
        "migrations_postgres/versions/0001_initial_postgresql.py",
        down,
        "\n" + PG_TRIGGER_UP + down + PG_TRIGGER_DOWN,
    )
    project.edit(
        "migrations_sqlite/versions/0001_initial_sqlite.py",
        down,
        "\n" + SQLITE_TRIGGER_UP + down + SQLITE_TRIGGER_DOWN,
    )
    project.migrate("local")
    project.migrate("remote")
    code, report = project.check("--layer", "migrations")
    assert (code, report["differences"]) == (0, [])  # built from the chains: the same

    with sqlite3.connect(project.root / "var" / "local.db") as conn:
        conn.execute("DROP TRIGGER profiles_touch")
    engine = sa.create_engine(project.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER profiles_touch ON profiles"))
    finally:
        engine.dispose()
    code, report = project.check("--layer", "migrations")
    assert code == 1
    triggers = found(report, "trigger")
    assert [(d["table"], d["name"], d["left"], d["right_source"]) for d in triggers] == [
        ("profiles", "profiles_touch", None, "migrations_sqlite at head (scratch database)"),
        ("profiles", "profiles_touch", None, "migrations_postgres at head (scratch database)"),
    ]
    assert all(d["layer"] == "migrations" for d in triggers)
    assert all("exists only in" in d["message"] for d in triggers)
    assert [d["hint"].split(", or ")[1] for d in triggers] == [
        "remove it from a revision in migrations_sqlite",
        "remove it from a revision in migrations_postgres",
    ]
    assert all(d["hint"].startswith("add it to the database ") for d in triggers)
    assert {d["kind"] for d in report["differences"]} == {"trigger"}  # the function stays
    # Filed under each database against its chain, which is drift; each chain against its
    # module is in sync (stranger32 cases 067 and 068: they were filed there, shown drift,
    # and the database's own comparison was shown in sync).
    assert _statuses(report) == {
        ("migrations_sqlite", "schemas/sqlite.py"): "in_sync",
        ("migrations_postgres", "schemas/postgres.py"): "in_sync",
        ("migrations_sqlite", "migrations_postgres"): "in_sync",
        ("sqlite database", "migrations_sqlite"): "drift",
        ("postgresql database", "migrations_postgres"): "drift",
    }

    # A trigger added by hand (one that refuses rows) is filed there too.
    with sqlite3.connect(project.root / "var" / "local.db") as conn:
        conn.execute(
            "CREATE TRIGGER no_empty BEFORE INSERT ON profiles WHEN NEW.tier = '' "
            "BEGIN SELECT RAISE(ABORT, 'empty'); END"
        )
    code, report = project.check("--layer", "migrations")
    added = [d for d in found(report, "trigger") if d["name"] == "no_empty"]
    assert [(d["right"], d["right_source"]) for d in added] == [
        (None, "migrations_sqlite at head (scratch database)")
    ], added
    assert added[0]["left_source"].startswith("sqlite:"), added
    assert "or remove it from the database sqlite:" in added[0]["hint"], added
    assert _statuses(report)[("sqlite database", "migrations_sqlite")] == "drift"
    assert _statuses(report)[("migrations_sqlite", "schemas/sqlite.py")] == "in_sync"


def _statuses(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each migrations comparison's status, a database named by its dialect."""

    def named(label: str) -> str:
        return {"sqlite": "sqlite database", "postgresql": "postgresql database"}.get(
            label.split(":")[0].split("+")[0], label
        )

    return {
        (named(r["left"]), named(r["right"])): r["status"]
        for r in report["layers"]
        if r["name"] == "migrations"
    }


@pytest.fixture(autouse=True)
def _no_leak() -> Iterator[None]:
    """The copies' commands never touch this repository's var/."""
    before = sorted(p.name for p in (ROOT / "var").glob("*")) if (ROOT / "var").is_dir() else []
    yield
    after = sorted(p.name for p in (ROOT / "var").glob("*")) if (ROOT / "var").is_dir() else []
    assert after == before


def test_head_against_metadata_runs_the_evaluation_stage(project: Project) -> None:
    """The metadata module spells a default that the chain writes otherwise and that only
    running them shows equal: no drift, and the layer says what it evaluated and where; with
    --no-evaluate it is drift. A near miss stays drift, saying what each side gives."""
    project.migrate("local")
    project.migrate("remote")
    rank = 'sa.Column(p.current_rank, sa.Integer, nullable=False, server_default=sa.text("0"))'
    project.edit("schemas/sqlite.py", rank, rank.replace('"0"', '"(1 - 1)"'))
    code, report = project.check("--layer", "migrations")
    assert (code, report["differences"]) == (0, [])
    [layer] = [r for r in report["layers"] if r["right"] == "schemas/sqlite.py"]
    assert layer["left"] == "migrations_sqlite" and layer["evaluated"] >= 1
    assert layer["evaluated_on"]["sqlite"] == "SQLite in memory"
    code, report = project.check("--layer", "migrations", "--no-evaluate")
    assert code == 1
    assert [(d["table"], d["column"]) for d in found(report, "migration_drift")] == [
        ("profiles", "current_rank")
    ]
    project.edit("schemas/sqlite.py", '"(1 - 1)"', '"(1 + 1)"')
    code, report = project.check("--layer", "migrations")
    assert code == 1
    [drift] = found(report, "migration_drift")
    assert (drift["table"], drift["column"]) == ("profiles", "current_rank")
    assert "by evaluation" in drift["message"], drift["message"]


# ---------------------------------------------------------------------------------------------
# A chain's scratch run is kept while nothing it depends on changes (migrations_cache)

# Each time Alembic runs the SQLite chain, its env.py adds a line to ran.log at the project root.
ENV_LOG = "\n(ROOT / 'ran.log').open('a', encoding='utf-8').write('ran\\n')\n"


def _runs(project: Project) -> int:
    log = project.root / "ran.log"
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def test_a_kept_run_is_reused_until_a_file_it_depends_on_changes(project: Project) -> None:
    """The round trip runs once; the next check reuses it (the same report, the chain not run),
    until a revision, the metadata module or domain.yaml changes: then it runs again, and an
    edited downgrade that now leaves a table behind is found."""
    project.write(
        "migrations_sqlite/env.py",
        (project.root / "migrations_sqlite/env.py").read_text(encoding="utf-8") + ENV_LOG,
    )
    project.migrate("local")
    project.migrate("remote")
    before = _runs(project)
    code, first = project.check("--layer", "migrations")
    assert code == 0, first
    assert _runs(project) == before + 3  # upgrade, downgrade, upgrade
    code, again = project.check("--layer", "migrations")
    assert (code, again) == (0, first)
    assert _runs(project) == before + 3  # kept: not run again
    assert sorted(p.name.split("-")[0] for p in (project.root / "var/cache/migrations").iterdir())
    assert {p.name.split("-")[0] for p in (project.root / "var/cache/migrations").iterdir()} == {
        "sqlite",
        "postgresql",
    }

    project.edit(
        "schemas/sqlite.py",
        '"""',
        '"""An edit. ',
    )
    code, _ = project.check("--layer", "migrations")
    assert code == 0
    assert _runs(project) == before + 6  # a metadata module the chain imports changed

    project.edit("domain.yaml", "version: 1\n", "version: 1  # an edit\n")
    project.check("--layer", "migrations")
    assert _runs(project) == before + 9

    project.edit(
        "migrations_sqlite/versions/0001_initial_sqlite.py", '    op.drop_table("badges")\n', ""
    )
    code, report = project.check("--layer", "migrations")
    assert _runs(project) == before + 11  # the second upgrade fails on the table left behind
    assert code == 1
    messages = [d["message"] for d in found(report, "migration_roundtrip")]
    assert "after downgrading to base, table badges is left behind" in messages
    # A run with a failure is not kept: the next check runs the chain again.
    project.check("--layer", "migrations")
    assert _runs(project) == before + 13


def test_no_cache_runs_the_chain_every_time(project: Project) -> None:
    """TWINSCHEMA_NO_CACHE=1: every check runs the round trip, and keeps nothing."""
    project.write(
        "migrations_sqlite/env.py",
        (project.root / "migrations_sqlite/env.py").read_text(encoding="utf-8") + ENV_LOG,
    )
    project.migrate("local")
    project.migrate("remote")
    project.env[NO_CACHE_ENV] = "1"
    before = _runs(project)
    for _ in range(2):
        code, report = project.check("--layer", "migrations")
        assert code == 0, report
    assert _runs(project) == before + 6
    assert not (project.root / "var/cache").exists()


def test_a_downgrade_that_leaves_an_index_is_blamed_alone(project: Project) -> None:
    """Three revisions, the third's downgrade() forgetting its index: that index is still there
    after the second revision's (right) downgrade too, but only the third is blamed (a new
    user's round 22 found the earlier, right revisions blamed as well)."""
    project.edit("domain.yaml", "version: 1\n", "version: 3\n")
    indexes = {
        "0002": ("ix_profiles_tier", "tier"),
        "0003": ("ix_profiles_joined_at", "joined_at"),
    }
    for module in ("schemas/postgres.py", "schemas/sqlite.py"):
        project.edit(
            module,
            "    sa.Index(None, p.community_id),\n",
            "    sa.Index(None, p.community_id),\n"
            '    sa.Index("ix_profiles_tier", p.tier),\n'
            '    sa.Index("ix_profiles_joined_at", p.joined_at),\n',
        )
    for dialect, label in (("sqlite", "sqlite"), ("postgres", "postgresql")):
        below = f"0001_initial_{label}"
        for number, (name, column) in indexes.items():
            downgrade = f'op.drop_index("{name}", table_name="profiles")'
            if number == "0003" and dialect == "postgres":
                downgrade = "pass"
            project.write(
                f"migrations_{dialect}/versions/{number}_{column}_{label}.py",
                revision_text(
                    f"{number}_{column}_{label}",
                    below,
                    int(number),
                    f'op.create_index("{name}", "profiles", ["{column}"])',
                    downgrade,
                ),
            )
            below = f"{number}_{column}_{label}"
    project.migrate("local")
    project.migrate("remote")
    code, report = project.check("--layer", "migrations")
    assert code == 1
    roundtrip = found(report, "migration_roundtrip")
    assert [(d["left_source"], d["name"]) for d in roundtrip] == [
        ("migrations_postgres", "ix_profiles_joined_at")
    ], [d["message"] for d in roundtrip]
    assert "0003_joined_at_postgresql" in roundtrip[0]["message"]
