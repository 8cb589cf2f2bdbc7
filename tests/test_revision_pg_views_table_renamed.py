"""A revision that renames a table beside a type change of a column a view reads: the views are
dropped before and made again after, over the table's new name, and the revision runs up, down
and up again on both dialects with the row kept (s83migs; the column-rename case is
``test_revision_pg_views_renamed.py``).

``item(id, qty integer, code code_t)`` with ``item_v`` and ``item_vv`` over it (as in
``test_revision_pg_views_retyped.py``); domain.yaml renames the table to ``stock`` (and, in the
second case, its column ``code`` to ``code2`` too) and schemas/postgres.py makes ``qty`` bigint,
in one revision on both chains. The upgrade renames the table first and makes the views again
``FROM stock``; the downgrade makes them again over ``stock`` before renaming it back (PostgreSQL
and SQLite both carry a view over a renamed table). With the column renamed too, the views part
as README says of any column renamed under a view (SQLite's view column follows the rename,
PostgreSQL's keeps ``code``): ``revision`` says so at once (``migration_parity``) and ``check``
reports it; the revision still runs both ways on both dialects, rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_init_project import check, migrate_both, project_in_sync, replace_in, rows_of, written
from test_revision_pg_views_retyped import POSTGRES, SQLITE

ANSWERS = "SELECT v.id, v.qty, w.{code} FROM item_vv v JOIN item_v w USING (id)"


@pytest.mark.parametrize("column", [False, True], ids=["table", "table-and-column"])
def test_a_view_over_a_renamed_table_is_made_again_around_the_retype(
    tmp_path: Path, pg_url: str, column: bool
) -> None:
    project, sqlite_url, shell = project_in_sync(tmp_path, pg_url, SQLITE, POSTGRES)
    replace_in(
        project / "schemas" / "postgres.py",
        "sa.Column(t.qty, sa.INTEGER()",
        "sa.Column(t.qty, sa.BIGINT()",
    )
    domain = project / "domain.yaml"
    replace_in(domain, "  item:\n    columns:", "  item:\n    name: stock\n    columns:")
    replace_in(domain, "      qty: {kind: integer}", "      qty: {kind: bigint}")
    if column:
        replace_in(
            domain, "      code: {kind: integer}", "      code: {kind: integer, name: code2}"
        )
    result = shell("revision", "-m", "stock, qty bigint")
    assert result.exit_code == 0, result.output
    assert "fails" not in result.output, result.output
    upgrade, downgrade = written(project, "postgresql")
    assert upgrade.index("op.rename_table('item', 'stock')") < upgrade.index("DROP VIEW item_vv")
    assert "FROM stock" in upgrade and "FROM item'" not in upgrade, upgrade
    assert downgrade.index("CREATE VIEW item_vv") < downgrade.index("op.rename_table('stock'")
    (made,) = (project / "migrations_postgres" / "versions").glob("0002_*.py")
    made.write_text(  # the person's word: the row fits integer (the lint reads no data)
        made.read_text("utf-8")
        + 'allow_destructive_downgrade = {"narrow_type:stock.qty": "fits integer"}\n',
        "utf-8",
    )
    parted = "the columns of view item_v differ" in result.output
    assert parted == column, result.output
    answers = ANSWERS.format(code="code")  # PostgreSQL's views keep their column names
    sqlite_answers = ANSWERS.format(code="code2" if column else "code")
    migrate_both(shell)
    code, report = check(shell)
    found = {(d["kind"], d["table"]) for d in report["differences"]}
    parts = {("view", "item_v"), ("migration_parity", "item_v")}
    assert found == (parts if column else set()), report["differences"]
    assert code == (1 if column else 0)
    assert rows_of(pg_url, answers) == rows_of(sqlite_url, sqlite_answers) == [(1, 5, 7)]
    code2 = "code2" if column else "code"
    assert rows_of(pg_url, f"SELECT qty, {code2} FROM stock") == [(5, 7)]
    assert rows_of(sqlite_url, f"SELECT qty, {code2} FROM stock") == [(5, 7)]
    for side in ("local", "remote"):  # and back: the views again, over item
        result = shell("migrate", side, "--to", "-1", "--yes-downgrade")
        assert result.exit_code == 0, result.output
    for url in (pg_url, sqlite_url):
        assert rows_of(url, answers) == [(1, 5, 7)]
        assert rows_of(url, "SELECT qty, code FROM item") == [(5, 7)]
    migrate_both(shell)  # and up again
    assert rows_of(pg_url, answers) == rows_of(sqlite_url, sqlite_answers) == [(1, 5, 7)]
    assert check(shell)[0] == (1 if column else 0)
