"""``twinschema revision`` judges server defaults as the migrations layer does: an enum column's
default, which PostgreSQL reads back cast to the enum type (``'free'::subscription_tier``), is
the metadata's ``'free'``, not a change to put in every revision.
"""

from __future__ import annotations

from pathlib import Path

from test_migrate_safety import CHAIN, scratch_project
from test_revision import add_nickname, edit, revision_cli


def test_an_enum_default_read_back_with_its_cast_is_no_change(
    tmp_path: Path, pg_server: str
) -> None:
    project = scratch_project(tmp_path)
    add_nickname(project)
    result = revision_cli(project, pg_server, "-m", "add nickname")
    assert result.returncode == 0, result.stderr
    text = (
        project / CHAIN["postgresql"] / "versions" / "0002_add_nickname_postgresql.py"
    ).read_text()
    assert "nickname" in text
    assert "subscription_tier" not in text, text


def test_an_enum_default_changed_is_in_the_revision(tmp_path: Path, pg_server: str) -> None:
    project = scratch_project(tmp_path)
    edit(
        project / "schemas" / "postgres.py",
        'name=SUBSCRIPTION_TIER_TYPE),\n        server_default="free",',
        'name=SUBSCRIPTION_TIER_TYPE),\n        server_default="pro",',
    )
    edit(
        project / "schemas" / "sqlite.py",
        'c.subscription_tier,\n        sa.Text,\n        server_default="free",',
        'c.subscription_tier,\n        sa.Text,\n        server_default="pro",',
    )
    result = revision_cli(project, pg_server, "-m", "tier pro")
    assert result.returncode == 0, result.stderr
    for dialect in ("postgresql", "sqlite"):
        path = project / CHAIN[dialect] / "versions" / f"0002_tier_pro_{dialect}.py"
        text = path.read_text().replace('"', "'")
        assert "'subscription_tier'" in text and "server_default='pro'" in text, text


def test_a_computed_column_in_both_chains_is_no_change(tmp_path: Path, pg_server: str) -> None:
    """A generated column (``sa.Computed``), read back as one: no exit 4 (Alembic's default
    hook read ``.arg`` of it), no change in either revision but the new column."""
    project = scratch_project(tmp_path)
    edit(
        project / "domain.yaml",
        "      conviction_score: {kind: integer}\n",
        "      conviction_score: {kind: integer}\n      total_score: {kind: integer}\n",
    )
    # PostgreSQL's is STORED, said so (before PostgreSQL 18 the only kind; SQLAlchemy warns
    # when it is left to the version); SQLite's is VIRTUAL, its default.
    stored = {"sqlite": "", "postgresql": ", persisted=True"}
    for module, dialect in (("sqlite", "sqlite"), ("postgres", "postgresql")):
        edit(
            project / "schemas" / f"{module}.py",
            '    sa.Column(p.conviction_score, sa.Integer, nullable=False, server_default=sa.text("0")),\n',
            '    sa.Column(p.conviction_score, sa.Integer, nullable=False, server_default=sa.text("0")),\n'
            "    sa.Column(p.total_score, sa.Integer, "
            f'sa.Computed("coalesce(activity_score, conviction_score)"{stored[dialect]})),\n',
        )
    for dialect in ("sqlite", "postgresql"):
        edit(
            project / CHAIN[dialect] / "versions" / f"0001_initial_{dialect}.py",
            'sa.Column("conviction_score", sa.Integer(), server_default=sa.text("0"), nullable=False),\n',
            'sa.Column("conviction_score", sa.Integer(), server_default=sa.text("0"), nullable=False),\n'
            '        sa.Column("total_score", sa.Integer(), '
            f'sa.Computed("coalesce(activity_score, conviction_score)"{stored[dialect]})),\n',
        )
    add_nickname(project)
    result = revision_cli(project, pg_server, "-m", "add nickname")
    assert result.returncode == 0, result.stderr
    for dialect in ("sqlite", "postgresql"):
        path = project / CHAIN[dialect] / "versions" / f"0002_add_nickname_{dialect}.py"
        text = path.read_text()
        assert "nickname" in text and "total_score" not in text, text
