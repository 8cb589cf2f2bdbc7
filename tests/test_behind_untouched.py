"""A hand edit on a live database behind its chain that no pending revision changes
(stranger89 006), on both dialects, on real databases.

The database's index ``ix_badges_awarded_by`` is dropped by hand; the one pending revision
creates an index on another table (profiles). The hand edit used to be told "the database is
behind its chain: migrating it may fix this", yet migrating left it as it was. Now its hint
says no pending revision changes it: a hand edit to revert. The near miss, in the same run on
the same database: the index the pending revision creates, which the database lacks, keeps
"migrating it may fix this"; migrating then fixes it and leaves the hand edit, as each hint said.
And stranger89's own shape on PostgreSQL, a default changed by hand: told to revert it where the
pending revision works elsewhere, "migrating it may fix this" where it changes that default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pg_helpers import check_afresh
from support.testing import execute
from test_made_by_hand import INDEX, MODULE, add_the_index
from test_migrate_safety import at_heads, migrate_afresh, write_revision

DROPPED = "ix_badges_awarded_by"
MAY_FIX = "migrating it may fix this"
UNTOUCHED = "no revision it has not applied yet changes this, so migrating it will not fix it"


def _live_hints(report: dict[str, Any], dialect: str) -> dict[str, str]:
    """The hint of each difference of ``dialect``'s module against its database, by the
    object's name."""
    return {
        d["column"] or d["name"] or "": d["hint"]
        for d in report["differences"]
        if d["left_source"] == MODULE[dialect] and d["kind"] != "migration_state"
    }


def test_a_hand_edit_no_pending_revision_changes_is_not_told_migrating_may_fix_it(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], f"DROP INDEX {DROPPED}")
    add_the_index(project)
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    assert migrate_afresh(project, other, urls[other]).exit_code == 0

    code, report = check_afresh(project, urls, "live")
    assert code == 1, report
    hints = _live_hints(report, dialect)
    assert set(hints) == {DROPPED, INDEX}, report["differences"]
    assert UNTOUCHED in hints[DROPPED] and MAY_FIX not in hints[DROPPED], hints[DROPPED]
    assert "revert the hand edit" in hints[DROPPED], hints[DROPPED]
    # The near miss: the pending revision creates this one.
    assert MAY_FIX in hints[INDEX] and UNTOUCHED not in hints[INDEX], hints[INDEX]

    # As each hint said: migrating fixes the one and leaves the other.
    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 0
    code, report = check_afresh(project, urls, "live")
    assert code == 1, report
    assert set(_live_hints(report, dialect)) == {DROPPED}, report["differences"]


THEME = '    sa.Column(c.theme_id, sa.Text, server_default="basic"),\n'


@pytest.mark.parametrize("pending", ["elsewhere", "this default"])
def test_a_default_changed_by_hand_behind_the_chain(
    pending: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger89 006's own shape, on PostgreSQL (SQLite cannot alter a default in place): the
    server's communities.theme_id DEFAULT changed by hand to 'gold'. Where the pending revision
    adds an index elsewhere, the hint says to revert the hand edit and names the database
    without the command that migrates it; where the pending revision changes that default (to
    'silver', as the module now says), migrating may fix it, and does."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(pg_url, "ALTER TABLE communities ALTER COLUMN theme_id SET DEFAULT 'gold'")
    if pending == "elsewhere":
        add_the_index(project)
        assert migrate_afresh(project, "sqlite", sqlite_url).exit_code == 0
    else:
        body = "op.alter_column('communities', 'theme_id', server_default='silver')"
        write_revision(project, "postgresql", body)
        module = project / MODULE["postgresql"]
        text = module.read_text()
        assert text.count(THEME) == 1
        module.write_text(text.replace(THEME, THEME.replace('"basic"', '"silver"')))

    _, report = check_afresh(project, urls, "live")
    hint = _live_hints(report, "postgresql")["theme_id"]
    if pending == "elsewhere":
        assert UNTOUCHED in hint and MAY_FIX not in hint, hint
        assert "run:" not in hint and "migrate remote" not in hint, hint
    else:
        assert MAY_FIX in hint and UNTOUCHED not in hint, hint
        assert "(run: twinschema migrate remote" in hint, hint

    assert migrate_afresh(project, "postgresql", pg_url).exit_code == 0
    _, report = check_afresh(project, urls, "live")
    after = set(_live_hints(report, "postgresql"))
    assert ("theme_id" in after) == (pending == "elsewhere"), report["differences"]
