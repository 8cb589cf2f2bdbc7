"""``twinschema revision`` on a PostgreSQL identity column (``GENERATED ... AS IDENTITY``):
Alembic 1.20 read ``.arg`` of the reflected ``Identity`` before calling twinschema's server
default comparison, so ``revision`` exited 4 on any project with one. An identity the chain
already has is no change; one added or changed is a revision that alters it (caught, never
exit 4). Alembic renders that alteration as ``ADD GENERATED`` without the column's existing
default, so such a revision needs a hand edit before it applies (see the wp-fix report).
"""

from __future__ import annotations

from pathlib import Path

from test_migrate_safety import CHAIN, scratch_project
from test_revision import add_nickname, edit, revision_cli

PG_MODULE_RANK = (
    'sa.Column(p.current_rank, sa.Integer, nullable=False, server_default=sa.text("0")),'
)
PG_CHAIN_RANK = (
    'sa.Column("current_rank", sa.Integer(), server_default=sa.text("0"), nullable=False),'
)
IDENTITY_MODULE = "sa.Column(p.current_rank, sa.Integer, sa.Identity({}), nullable=False),"
IDENTITY_CHAIN = 'sa.Column("current_rank", sa.Integer(), sa.Identity({}), nullable=False),'


ALLOWANCE = """      - kind: column_default
        column: current_rank
        reason: a rank handed out by the server's identity; devices take it from the server.
"""


def identity_module(project: Path, options: str = "") -> None:
    """profiles.current_rank an identity column in the PostgreSQL metadata module (SQLite's
    keeps its default 0; domain.yaml allows the difference)."""
    edit(project / "schemas" / "postgres.py", PG_MODULE_RANK, IDENTITY_MODULE.format(options))
    edit(
        project / "domain.yaml",
        "      - kind: index\n        dialect: postgresql\n        name: ix_profiles_metadata_gin",
        ALLOWANCE + "      - kind: index\n        dialect: postgresql\n"
        "        name: ix_profiles_metadata_gin",
    )


def identity_project(tmp_path: Path, options: str = "") -> Path:
    """The scratch project with profiles.current_rank an identity column on PostgreSQL, in the
    metadata module and in the chain's first revision (the chain at head has it)."""
    project = scratch_project(tmp_path)
    identity_module(project, options)
    edit(
        project / CHAIN["postgresql"] / "versions" / "0001_initial_postgresql.py",
        PG_CHAIN_RANK,
        IDENTITY_CHAIN.format(options),
    )
    return project


def pg_revision_text(project: Path, stem: str) -> str:
    return (project / CHAIN["postgresql"] / "versions" / f"{stem}_postgresql.py").read_text()


def test_an_identity_the_chain_has_is_no_default_change(tmp_path: Path, pg_server: str) -> None:
    project = identity_project(tmp_path)
    add_nickname(project)
    result = revision_cli(project, pg_server, "-m", "add nickname")
    assert result.returncode == 0, result.stderr
    text = pg_revision_text(project, "0002_add_nickname")
    assert "nickname" in text
    assert "current_rank" not in text, text


def test_an_identity_added_to_a_column_is_a_revision_that_adds_it(
    tmp_path: Path, pg_server: str
) -> None:
    project = scratch_project(tmp_path)
    identity_module(project)
    result = revision_cli(project, pg_server, "-m", "rank identity")
    assert result.returncode == 0, result.stderr
    text = pg_revision_text(project, "0002_rank_identity")
    assert "'current_rank'" in text.replace('"', "'"), text
    assert "sa.Identity(" in text, text


def test_an_identity_changed_is_a_revision_that_alters_it(tmp_path: Path, pg_server: str) -> None:
    project = identity_project(tmp_path)
    edit(
        project / "schemas" / "postgres.py",
        IDENTITY_MODULE.format(""),
        IDENTITY_MODULE.format("start=100"),
    )
    result = revision_cli(project, pg_server, "-m", "rank from 100")
    assert result.returncode == 0, result.stderr
    text = pg_revision_text(project, "0002_rank_from_100")
    assert "'current_rank'" in text.replace('"', "'"), text
    assert "start=100" in text, text
