"""An applied revision edited in place (stranger60 011).

Revision 0002 adds profiles.nickname varchar(20) to both chains and both databases are migrated;
then the PostgreSQL revision and module are edited in place to varchar(30). ``check`` finds the
database at its chain's head differing from its module: its hint named a missing revision, a
hand edit or a stamp, never the edited revision. It now names it among the causes, and with the
migrations layer, which builds the chain and finds it agrees with the module, it says so: no
revision is missing. Near miss: the module edited alone (no revision edited) keeps "a revision
is missing" (the chain does not build what the module says). Real SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from pg_helpers import check_afresh, notes_of
from test_migrate_safety import migrate_afresh, scratch_project, write_revision
from test_revision import edit

ADD = 'op.add_column("profiles", sa.Column("nickname", sa.String({n}), nullable=True))'
TIER = "    sa.Column(p.tier, sa.Text),\n"
EDITED = "a revision it already applied was edited afterwards"
MISSING = "a revision is missing"
# What the hint says in place of the causes, which its comparison's note says once for the
# database (stranger80 005: each hint repeated them)
SEE_NOTE = "(the database is at its chain's head: see this comparison's note)"


def _live_hint(report: dict[str, object]) -> tuple[str, str]:
    """The hint of the live difference of profiles.nickname, and its comparison's note."""
    differences = report["differences"]
    assert isinstance(differences, list)
    (found,) = [d for d in differences if d["layer"] == "live" and d["column"] == "nickname"]
    assert found["kind"] == "column_type", found
    assert found["left_source"] == "schemas/postgres.py", found
    return str(found["hint"]), notes_of(report, found)


def test_an_applied_revision_edited_in_place_is_named_as_the_cause(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = scratch_project(tmp_path)
    domain = project / "domain.yaml"
    edit(domain, "      tier: {kind: text}\n", "      tier: {kind: text}\n      nickname: {}\n")
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))
    for module in ("sqlite", "postgres"):
        nickname = TIER + "    sa.Column(p.nickname, sa.String(20)),\n"
        edit(project / "schemas" / f"{module}.py", TIER, nickname)
    for dialect, url in urls.items():
        assert migrate_afresh(project, dialect, url).exit_code == 0
        write_revision(project, dialect, ADD.format(n=20))
        assert migrate_afresh(project, dialect, url).exit_code == 0
    code, report = check_afresh(project, urls, "live")
    assert (code, report["differences"]) == (0, []), report["differences"]

    # The near miss first: the module edited alone, no revision for it.
    module = project / "schemas" / "postgres.py"
    edit(module, "sa.String(20)", "sa.String(30)")
    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1
    hint, note = _live_hint(report)
    assert hint.endswith(
        "(the database is at its chain's head, and migrations_postgres builds something else "
        "here too: a revision is likely missing; see this comparison's note)"
    ), hint
    assert f"{MISSING} (write one with" in note and EDITED in note, note
    assert "says, except where a difference says otherwise, so no revision is missing" in note
    chain = [
        d
        for d in report["differences"]
        if d["layer"] == "migrations"
        and d["column"] == "nickname"
        and d["kind"] == "migration_drift"
    ]
    assert chain, report["differences"]  # the chain builds varchar(20), the module says 30

    # The applied revision edited in place to match: the chain now builds what the module says.
    (revision,) = (project / "migrations_postgres" / "versions").glob("0002_test_postgresql.py")
    edit(revision, "sa.String(20)", "sa.String(30)")
    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1
    hint, note = _live_hint(report)
    assert hint.endswith(SEE_NOTE) and MISSING not in hint, hint
    assert (
        "migrations_postgres builds what schemas/postgres.py says, so no revision is missing: "
        "the cause is one of the other three."
    ) in note, note
    assert f"{EDITED} (put that revision back as it was and write the edit as a new revision)" in (
        note
    )
    chain = [d for d in report["differences"] if d["layer"] == "migrations"]
    assert not [d for d in chain if d["kind"] == "migration_drift"], chain
    # Without the migrations layer the check cannot tell: every cause, the edit among them.
    code, report = check_afresh(project, urls, "live")
    assert code == 1
    hint, note = _live_hint(report)
    assert hint.endswith(SEE_NOTE) and "builds what" not in note, note
    assert f"{MISSING} (write one with" in note and EDITED in note, note
