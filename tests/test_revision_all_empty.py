"""``revision`` says what to do with twins that are both empty (stranger50 052).

A change autogenerate cannot write (a generated column's expression changed; it was a CHECK
changed under its name until stranger68 014, which ``revision`` now writes) gave two empty
revisions and a bumped ``domain.yaml`` version, said only as ``warning: not written: ...`` and
"(empty: autogenerate found no change ...; the twin keeps the chains in step)", with no way
back. The twins
stay written (they are where the change is written by hand, as ``check``'s hint after migrating
says, and where a data migration goes), and the last line says both are empty and how to take
them back (delete both files, set the version back). A revision with no change at all says so
too. On a pair ``init`` adopts."""

from __future__ import annotations

from pathlib import Path

from support import testing
from test_init_project import adopt_in_sync
from test_revision_library_warnings import POSTGRESQL, PRINTED, SQLITE, WRITTEN


def test_twins_both_empty_are_said_with_the_way_back(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, [SQLITE], [POSTGRESQL])
    postgres = project / "schemas" / "postgres.py"  # as a person writes it, as in sync
    postgres.write_text(postgres.read_text("utf-8").replace(PRINTED, WRITTEN), "utf-8")
    result = shell("revision", "-m", "nothing yet")
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("note: both new revisions are empty (autogenerate found no change"), (
        result.output
    )
    assert "set `version: 1` again in domain.yaml" in last, last
    for name in ("sqlite.py", "postgres.py"):
        module = project / "schemas" / name
        text = module.read_text("utf-8")
        assert "unit_price * 100, 0" in text, text
        module.write_text(text.replace("unit_price * 100, 0", "unit_price * 1000, 0"), "utf-8")
    result = shell("revision", "-m", "mills")
    assert result.exit_code == 0, result.output
    assert "warning: not written: products.price_cents: " in result.output, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("warning: the new revisions leave 2 difference(s)"), result.output
    assert last.endswith(
        "; both are empty: to take them back, delete both files and set `version: 2` again in "
        "domain.yaml"
    ), last
    assert "version: 3" in (project / "domain.yaml").read_text("utf-8")
