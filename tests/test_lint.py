"""The destructive-change lint: ``twinschema lint`` over both chains, and ``migrate`` refusing a
destructive revision unless its allow marker gives a reason (issue 4).

Revisions are added to scratch copies of the project; ``migrate`` runs on real SQLite and
PostgreSQL databases from the fixtures.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.dialects import postgresql
from test_migrate_safety import (
    HEADS,
    ROWS,
    engine,  # noqa: F401  (a fixture)
    fill_every_table,
    run_migrate,
    scratch_project,
    upgrade_to,
    write_revision,
)

from twinschema.cli import cli
from twinschema.migrations import migrate_chain
from twinschema.migrations.lint_narrowing import narrowing
from twinschema.report import FORMATS

# ---------------------------------------------------------------------------------------------
# Narrowing, as a truth table: (before, after, narrows)

NARROWING = [
    (sa.String(50), sa.String(20), True),
    (sa.String(20), sa.String(50), False),
    (sa.String(20), sa.Text(), False),
    (sa.Text(), sa.String(200), True),
    (sa.BigInteger(), sa.Integer(), True),
    (sa.Integer(), sa.SmallInteger(), True),
    (sa.Integer(), sa.BigInteger(), False),
    (sa.SmallInteger(), sa.Integer(), False),
    (sa.Numeric(10, 2), sa.Numeric(8, 2), True),
    (sa.Numeric(10, 2), sa.Numeric(10, 1), True),
    (sa.Numeric(10, 2), sa.Numeric(12, 2), False),
    (sa.Numeric(10, 2), sa.Numeric(), False),
    (sa.Numeric(), sa.Numeric(10, 2), True),
    (sa.Integer(), sa.Numeric(12, 0), False),
    (sa.BigInteger(), sa.Numeric(12, 0), True),
    (sa.Numeric(10, 2), sa.Integer(), True),
    (sa.Boolean(), sa.Integer(), False),
    (sa.Integer(), sa.Boolean(), True),
    (sa.Integer(), sa.Text(), False),
    (sa.Text(), sa.Integer(), True),
    (sa.Enum("a", "b", name="e"), sa.Enum("a", name="e"), True),
    (sa.Enum("a", name="e"), sa.Enum("a", "b", name="e"), False),
    (sa.Enum("long", name="e"), sa.String(2), True),
    (sa.DateTime(timezone=True), sa.DateTime(), True),
    (sa.DateTime(), sa.DateTime(timezone=True), False),
    (sa.Date(), sa.DateTime(), False),
    (sa.DateTime(), sa.Date(), True),
    (postgresql.JSONB(), postgresql.JSONB(), False),
]


@pytest.mark.parametrize(("before", "after", "narrows"), NARROWING, ids=repr)
def test_narrowing_truth_table(before: Any, after: Any, narrows: bool) -> None:
    assert (narrowing(before, after) is not None) == narrows


# ---------------------------------------------------------------------------------------------
# What the recording finds


DESTRUCTIVE = {
    "sqlite": """
        op.drop_table("shadow_states")
        with op.batch_alter_table("profiles") as batch:
            batch.drop_column("tier")
            batch.alter_column(
                "wallet_address", existing_type=sa.String(64), type_=sa.String(42)
            )
            batch.add_column(sa.Column("rank_floor", sa.Integer(), nullable=False))
        op.add_column("badges", sa.Column("n", sa.Integer(), nullable=False, server_default="0"))
        op.create_table("fresh", sa.Column("id", sa.Integer(), primary_key=True))
        op.add_column("fresh", sa.Column("must", sa.Text(), nullable=False))
        op.execute("ALTER TABLE manifests DROP COLUMN checksum")
    """,
    "postgresql": """
        op.drop_table("shadow_states")
        op.drop_column("profiles", "tier")
        op.alter_column(
            "profiles", "wallet_address", existing_type=sa.Text(), type_=sa.String(42)
        )
        op.alter_column("communities", "version", existing_type=sa.BigInteger(), type_=sa.Integer())
        op.add_column("profiles", sa.Column("rank_floor", sa.Integer(), nullable=False))
        op.add_column("badges", sa.Column("n", sa.Integer(), nullable=False, server_default="0"))
        op.execute("ALTER TABLE manifests DROP COLUMN checksum; DROP TABLE IF EXISTS old_things")
        op.execute("CREATE POLICY p ON badges USING (true)")
    """,
}
# SQLite enforces no length: String(64) to String(42) loses nothing there (stranger54 W7).
REFUSED = {
    "sqlite": [
        "drop_table:shadow_states",
        "drop_column:profiles.tier",
        "add_not_null:profiles.rank_floor",
        "drop_column:manifests.checksum",
    ],
    "postgresql": [
        "drop_table:shadow_states",
        "drop_column:profiles.tier",
        "narrow_type:profiles.wallet_address",
        "narrow_type:communities.version",
        "add_not_null:profiles.rank_floor",
        "drop_column:manifests.checksum",
        "drop_table:old_things",
    ],
}


def lint_cli(project: Path, *args: str) -> Any:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


def test_the_project_s_own_chains_pass_the_lint() -> None:
    result = lint_cli(Path(__file__).resolve().parent.parent)
    assert result.exit_code == 0, result.output
    assert "in_sync  lint       migrations_sqlite <> any database  (1 revision(s))" in result.output


def test_lint_finds_every_destructive_operation_in_both_chains(tmp_path: Path) -> None:
    """Drops (op, batch and raw SQL), narrowing type changes and NOT NULL columns without a
    default, each under its marker key; a NOT NULL column with a default, or on a table made in
    the same revision, and SQL that drops nothing, are not findings."""
    project = scratch_project(tmp_path)
    for dialect, body in DESTRUCTIVE.items():
        write_revision(project, dialect, body)
    result = lint_cli(project, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    found: dict[str, list[str]] = {"sqlite": [], "postgresql": []}
    for d in report["differences"]:
        assert d["layer"] == "lint" and d["kind"] == "destructive_change"
        found["sqlite" if "sqlite" in d["left_source"] else "postgresql"].append(d["name"])
    assert found == REFUSED
    by_key = {d["name"]: d for d in report["differences"]}
    narrow = by_key["narrow_type:profiles.wallet_address"]
    assert (narrow["table"], narrow["column"]) == ("profiles", "wallet_address")
    assert "allow_destructive" in narrow["hint"]
    add = by_key["add_not_null:profiles.rank_floor"]
    assert "may have rows" in add["message"]
    assert [layer["status"] for layer in report["layers"]] == ["drift", "drift"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_speaks_every_format_of_check(tmp_path: Path, fmt: str) -> None:
    project = scratch_project(tmp_path)
    body = """
        op.drop_column("profiles", "tier")
        raise ValueError("a revision that fails half way")
    """
    write_revision(project, "sqlite", body)
    result = lint_cli(project, "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "profiles" in result.output and "tier" in result.output


def test_allow_markers_let_changes_through_with_their_reasons(tmp_path: Path) -> None:
    project = scratch_project(tmp_path)
    write_revision(
        project,
        "sqlite",
        'op.drop_column("profiles", "tier")',
        header="""
        allow_destructive = {"drop_column:profiles.tier": "tiers moved to a table of their own"}
        """,
    )
    result = lint_cli(project, "--verbose")
    assert result.exit_code == 0, result.output
    assert "allowed by migrations_sqlite/versions/0002_test_sqlite.py:" in result.output
    assert "tiers moved to a table of their own" in result.output


def test_a_stale_marker_is_reported(tmp_path: Path) -> None:
    """A marker that matches no operation (here a typo) is a difference of its own."""
    project = scratch_project(tmp_path)
    write_revision(
        project,
        "sqlite",
        'op.drop_column("profiles", "tier")',
        header='allow_destructive = {"drop_column:profile.tier": "typo in the table name"}',
    )
    report = json.loads(lint_cli(project, "--format", "json").output)
    kinds = sorted((d["kind"], d["name"]) for d in report["differences"])
    assert kinds == [
        ("destructive_change", "drop_column:profiles.tier"),
        ("stale_allowance", "drop_column:profile.tier"),
    ]


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ('["drop_table:x"]', "must be a dict"),
        ('{"drop_table:x": ""}', "needs a reason"),
        ('{"drop_table:x": None}', "needs a reason"),
        ('{"delete_everything": "why not"}', "is not one of drop_table:T"),
        ('{"drop_column:profiles": "no column"}', "is not one of drop_table:T"),
    ],
)
def test_a_malformed_marker_is_a_usage_error(tmp_path: Path, marker: str, expected: str) -> None:
    project = scratch_project(tmp_path)
    write_revision(project, "sqlite", "pass", header=f"allow_destructive = {marker}")
    result = lint_cli(project)
    assert result.exit_code == 2, result.output
    assert "migrations_sqlite/versions/0002_test_sqlite.py: allow_destructive" in result.output
    assert expected in result.output


def test_an_upgrade_that_reads_the_database_is_unlinted(tmp_path: Path) -> None:
    """``op.get_bind()`` reads nothing in recording mode: what comes before is still linted,
    and the revision needs the ``unlinted`` marker."""
    project = scratch_project(tmp_path)
    body = """
        op.drop_column("profiles", "tier")
        count = op.get_bind().execute(sa.text("SELECT count(*) FROM profiles")).scalar()
    """
    write_revision(project, "sqlite", body)
    report = json.loads(lint_cli(project, "--format", "json").output)
    assert [d["name"] for d in report["differences"]] == ["drop_column:profiles.tier", "unlinted"]
    assert "cannot run in recording mode" in report["differences"][1]["message"]
    write_revision(
        project,
        "sqlite",
        body,
        header="""
        allow_destructive = {
            "drop_column:profiles.tier": "moved to profile_tiers",
            "unlinted": "reads only; reviewed by hand",
        }
        """,
    )
    assert lint_cli(project).exit_code == 0


def test_a_revision_whose_python_fails_is_broken_not_destructive(
    dialect: str, db_url: str, tmp_path: Path
) -> None:
    """A revision naming a module it does not import (stranger60 001: ``sqlite.JSON()`` with no
    ``from sqlalchemy.dialects import sqlite``) fails on every database: the lint and migrate say
    it cannot run, with its file, line and Python error, and ask for a fix, not for a marker
    (none lets it through: the ``unlinted`` one would only let it fail later)."""
    project = scratch_project(tmp_path)
    body = 'op.add_column("profiles", sa.Column("payload", sqlite.JSON(), nullable=True))'
    header = 'allow_destructive = {"unlinted": "reviewed by hand"}'
    write_revision(project, dialect, body, header=header)
    report = json.loads(lint_cli(project, "--format", "json").output)
    broken = [d for d in report["differences"] if d["kind"] == "destructive_change"]
    assert [d["name"] for d in broken] == ["broken"], report["differences"]
    assert "NameError: name 'sqlite' is not defined" in broken[0]["message"]
    assert "fix the revision" in broken[0]["hint"] and "allow_destructive" not in broken[0]["hint"]
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 1, result.output
    last = result.output.strip().splitlines()[-1]
    assert "cannot run (migrations_" in last and "_test_" in last, last
    assert "NameError: name 'sqlite' is not defined); fix the revision" in last, last
    assert "destructive" not in result.output.replace("allow_destructive", ""), result.output


def test_recording_leaves_no_alembic_op_proxy_behind(tmp_path: Path) -> None:
    """The lint binds ``alembic.op`` only while a revision runs (Alembic's public
    ``Operations.context``), even when the revision raises: afterwards ``op`` is unbound, as
    Alembic leaves it outside a migration (a call fails)."""
    from alembic import op

    project = scratch_project(tmp_path)
    body = """
        op.drop_column("profiles", "tier")
        raise ValueError("a revision that fails half way")
    """
    write_revision(project, "sqlite", body)
    report = json.loads(lint_cli(project, "--format", "json").output)
    assert [d["name"] for d in report["differences"]] == ["drop_column:profiles.tier", "unlinted"]
    with pytest.raises((NameError, AttributeError)):  # a leaked proxy would record it silently
        op.drop_column("profiles", "tier")


# ---------------------------------------------------------------------------------------------
# migrate runs the lint first


def test_migrate_refuses_a_destructive_revision_and_applies_nothing(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    write_revision(project, dialect, 'op.drop_column("profiles", "tier")')
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:  # an empty table would lose nothing
        fill_every_table(connection)
    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(
        f"refused: migrations_{'postgres' if dialect == 'postgresql' else 'sqlite'}/versions/"
    )
    assert "drops column profiles.tier" in lines[0]
    assert 'allow_destructive = {"drop_column:profiles.tier": "<why>"}' in lines[0]
    assert "refused 1 change(s) (listed above); nothing was applied" in lines[-1]
    with engine(db_url).connect() as connection:
        assert migrate_chain.current_revisions(connection) == (HEADS[dialect],)
        assert "tier" in {c["name"] for c in sa.inspect(connection).get_columns("profiles")}


def test_migrate_applies_an_allowed_revision_and_says_why(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    body = (
        'op.drop_index("ix_profiles_community_id_tier", table_name="profiles")\n'
        'with op.batch_alter_table("profiles") as batch:\n    batch.drop_column("tier")'
        if dialect == "sqlite"
        else 'op.drop_column("profiles", "tier")'
    )
    new = write_revision(
        project,
        dialect,
        body,
        header='allow_destructive = {"drop_column:profiles.tier": "tiers are computed now"}',
    )
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:  # an empty table would lose nothing
        fill_every_table(connection)
    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 0, result.output
    assert "(reason: tiers are computed now)" in result.output
    assert f"to {new} (head)" in result.output
    with engine(db_url).connect() as connection:
        assert "tier" not in {c["name"] for c in sa.inspect(connection).get_columns("profiles")}


def test_migrate_refuses_a_not_null_column_without_default_only_when_the_table_has_rows(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    """The live database decides: an empty table takes the column, one with rows does not."""
    project = scratch_project(tmp_path)
    new = write_revision(
        project, dialect, 'op.add_column("manifests", sa.Column("kind", sa.Text(), nullable=False))'
    )
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    refused = run_migrate(project, dialect, db_url)
    assert refused.exit_code == 1, refused.output
    assert (
        "adds NOT NULL column manifests.kind without a server default, and manifests has rows"
        in (refused.output)
    )
    with engine(db_url).begin() as connection:
        connection.execute(sa.text("DELETE FROM manifests"))
    applied = run_migrate(project, dialect, db_url)
    assert applied.exit_code == 0, applied.output
    assert f"to {new} (head)" in applied.output
    assert len(ROWS["manifests"]) == 1


def test_a_sqlite_length_narrowing_is_not_refused_and_its_marker_not_stale(tmp_path: Path) -> None:
    """SQLite enforces no length: String(64) to String(42) is no finding there, and a marker
    written for it before (when the lint refused it) is not reported stale (stranger54 W7)."""
    project = scratch_project(tmp_path)
    write_revision(
        project,
        "sqlite",
        """
        with op.batch_alter_table("profiles") as batch:
            batch.alter_column("wallet_address", existing_type=sa.String(64), type_=sa.String(42))
        """,
        header='allow_destructive = {"narrow_type:profiles.wallet_address": "42 characters"}',
    )
    result = lint_cli(project, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["differences"] == []
