"""A PostgreSQL revision that renames a column a view reads, beside a type change under the same
view, makes the view again as it reads after the rename (s82mig).

``item(id, qty, code code_t)`` with ``item_v AS SELECT id, qty, code FROM item`` and ``item_vv``
over it; ``qty`` made bigint and ``code`` renamed ``code2`` in one revision. Before s82mig the
views were dropped first and made again last from their definitions at the chain's head
(``SELECT id, qty, code FROM item``), after the rename: ``revision``'s scratch run failed on
PostgreSQL 16, ``column "code" does not exist`` (exit 3). Now the upgrade makes them again as
PostgreSQL reads them once the column is renamed (``code2 AS code``, read in a savepoint rolled
back), the downgrade (which renames back before) from the head's definitions: upgrade,
downgrade and upgrade again run on a database holding a row, ``item_v`` answering it under its
own column names each time. Near miss: with no rename beside the type change the upgrade's
definitions are the head's (``test_revision_pg_views_retyped.py``)."""

from __future__ import annotations

from pathlib import Path

from test_init_project import project_in_sync, replace_in, rows_of, written
from test_revision_pg_views_retyped import POSTGRES, SQLITE


def test_a_view_over_a_renamed_column_is_made_again_after_the_rename(
    tmp_path: Path, pg_url: str
) -> None:
    project, _, shell = project_in_sync(tmp_path, pg_url, SQLITE, POSTGRES)
    replace_in(
        project / "schemas" / "postgres.py",
        "sa.Column(t.qty, sa.INTEGER()",
        "sa.Column(t.qty, sa.BIGINT()",
    )
    domain = project / "domain.yaml"
    replace_in(domain, "      qty: {kind: integer}", "      qty: {kind: bigint}")
    replace_in(domain, "      code: {kind: integer}", "      code: {kind: integer, name: code2}")
    result = shell("revision", "-m", "qty bigint and code2")
    assert result.exit_code == 0, result.output
    assert "fails" not in result.output, result.output
    upgrade, downgrade = written(project, "postgresql")
    assert "code2 AS code" in upgrade, upgrade
    assert "code2 AS code" not in downgrade, downgrade
    (made,) = (project / "migrations_postgres" / "versions").glob("0002_*.py")
    made.write_text(  # the person's word: the row fits integer (the lint reads no data)
        made.read_text("utf-8")
        + 'allow_destructive_downgrade = {"narrow_type:item.qty": "fits integer"}\n',
        "utf-8",
    )
    view = "SELECT id, qty, code FROM item_v"
    for step in ((), ("--to", "-1", "--yes-downgrade"), ()):
        result = shell("migrate", "remote", *step)
        assert result.exit_code == 0, result.output
        assert rows_of(pg_url, view) == [(1, 5, 7)]
        assert rows_of(pg_url, "SELECT id, qty FROM item_vv") == [(1, 5)]
    assert rows_of(pg_url, "SELECT code2 FROM item") == [(7,)]
