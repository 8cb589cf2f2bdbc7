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
from pg_helpers import check_afresh, notes_of
from support.testing import execute
from test_made_by_hand import ANCHOR, INDEX, MODULE, add_the_index
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


# An index the module gains with no revision written (fix94a: the module ahead of its chain).
UNWRITTEN = "ix_profiles_wallet_joined"
WRITE_IT = "no revision makes what schemas/{} says here, so migrating it will not fix it"


def _module_gains_unwritten(project: Path, dialect: str) -> None:
    path = project / MODULE[dialect]
    text = path.read_text()
    assert text.count(ANCHOR) == 1
    line = f'    sa.Index("{UNWRITTEN}", p.wallet_address, p.joined_at),\n'
    path.write_text(text.replace(ANCHOR, ANCHOR + line))


def test_a_module_ahead_of_its_chain_is_told_to_write_the_revision(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """fix92's loose end: "migrating it may fix this" was kept wherever the module and the
    chain's build at the database's revision differed, and a module ahead of its chain (an
    index added to it, no revision written) differs there as a pending revision would. With the
    database behind its chain (revision 0002 creates INDEX on the same table), that index was
    told to migrate, which no migration does; now it is told to write the revision. The near
    miss, in the same run: INDEX, which the pending revision creates, keeps "migrating it may fix
    this"; migrating then fixes it and leaves the unwritten one, as each hint said. At the
    chain's head the unwritten index is told no migration either: the note says to write one."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    add_the_index(project)
    _module_gains_unwritten(project, dialect)
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    assert migrate_afresh(project, other, urls[other]).exit_code == 0

    code, report = check_afresh(project, urls, "live")
    assert code == 1, report
    hints = _live_hints(report, dialect)
    assert set(hints) == {UNWRITTEN, INDEX}, report["differences"]
    module = MODULE[dialect].split("/")[1]
    assert WRITE_IT.format(module) in hints[UNWRITTEN], hints[UNWRITTEN]
    assert 'run: twinschema revision -m "..."' in hints[UNWRITTEN], hints[UNWRITTEN]
    assert MAY_FIX not in hints[UNWRITTEN] and "migrate " not in hints[UNWRITTEN], hints
    assert MAY_FIX in hints[INDEX] and "no revision" not in hints[INDEX], hints[INDEX]

    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 0
    code, report = check_afresh(project, urls, "live")
    assert code == 1, report
    [left] = [d for d in report["differences"] if d["left_source"] == MODULE[dialect]]
    assert left["name"] == UNWRITTEN and "migrat" not in left["hint"], left
    assert "twinschema revision" in notes_of(report, left), notes_of(report, left)


def test_a_module_behind_its_chain_is_not_told_to_migrate(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The other way: revision 0002 creates INDEX, the module does not have it. Behind its
    chain, the database lacks it as the module does (no live difference; the migrations layer
    says the module is not what the chain builds, and to add it there); migrated, the database
    has it and the module does not: told to add it to the module, never to migrate."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    add_the_index(project)
    path = project / MODULE[dialect]
    path.write_text(path.read_text().replace(f'    sa.Index("{INDEX}", p.joined_at),\n', ""))
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    assert migrate_afresh(project, other, urls[other]).exit_code == 0

    _, report = check_afresh(project, urls, "live", "migrations")
    assert _live_hints(report, dialect) == {}, report["differences"]
    [drift] = [d for d in report["differences"] if d["kind"] == "migration_drift"]
    assert drift["name"] == INDEX and f"add it to {MODULE[dialect]}" in drift["hint"], drift

    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 0
    _, report = check_afresh(project, urls, "live")
    hints = _live_hints(report, dialect)
    assert set(hints) == {INDEX}, report["differences"]
    assert hints[INDEX].startswith(f"add it to {MODULE[dialect]}"), hints[INDEX]
    assert "migrat" not in hints[INDEX], hints[INDEX]


def test_a_default_the_module_is_behind_on_is_told_to_write_the_revision(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """PostgreSQL (SQLite cannot alter a default in place): the pending revision makes
    communities.theme_id's DEFAULT 'silver', the module still says 'basic', and the server's was
    changed by hand to 'gold'. The hint said "no revision ... changes this ... revert the hand
    edit" (read against the module, which agrees with the build before that revision); a
    revision does change it, to what the module does not say: migrating will not fix it, and
    the hint says to write the revision or make the module what the chain builds. Migrated, it
    still differs ('silver' against 'basic'), as that hint said."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(pg_url, "ALTER TABLE communities ALTER COLUMN theme_id SET DEFAULT 'gold'")
    body = "op.alter_column('communities', 'theme_id', server_default='silver')"
    write_revision(project, "postgresql", body)

    _, report = check_afresh(project, urls, "live")
    hint = _live_hints(report, "postgresql")["theme_id"]
    assert WRITE_IT.format("postgres.py") in hint and MAY_FIX not in hint, hint
    assert UNTOUCHED not in hint and "run: twinschema migrate" not in hint, hint

    assert migrate_afresh(project, "postgresql", pg_url).exit_code == 0
    _, report = check_afresh(project, urls, "live")
    assert "theme_id" in _live_hints(report, "postgresql"), report["differences"]
