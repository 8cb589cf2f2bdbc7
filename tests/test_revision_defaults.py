"""``twinschema revision`` judges server defaults as the migrations layer does: an enum column's
default, which PostgreSQL reads back cast to the enum type (``'free'::subscription_tier``), is
the metadata's ``'free'``, not a change to put in every revision.
"""

from __future__ import annotations

from pathlib import Path

from test_migrate_safety import CHAIN, scratch_project
from test_revision import add_nickname, revision_cli


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
