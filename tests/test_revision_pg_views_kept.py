"""A view a PostgreSQL revision drops and makes again around a type change keeps what the
database gave it: its grants (the view's and a column's), its comments (the view's and a
column's) and its owner (s82mig).

Before s82mig, on PostgreSQL 16: ``item_v`` granted ``SELECT`` to a read-only role, commented,
and ``item_vv`` owned by another role lost all of it after ``migrate remote`` of a revision
changing ``qty`` from integer to bigint (``has_table_privilege(reader, 'item_v', 'SELECT')``
false, no comment, ``item_vv`` owned by the migrating role): the revision made the views again
from their definitions only. The chain knows none of these (``init`` writes no grant), so they
are read from the database being migrated when the revision runs, before the views are dropped,
and written back after they are made again. Near misses: the reader, never granted ``SELECT``
on the whole of ``item_vv`` (only its ``id``), is not given it; ``item_v``'s owner, the
migrating role, is left as it is; a database with no grant and no comment gets none (the
``check`` in sync)."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa
from test_init_project import check, migrate_both, project_in_sync, replace_in, revised, rows_of
from test_revision_pg_views_retyped import POSTGRES, SQLITE


def _run(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _kept(url: str, reader: str) -> tuple[object, ...]:
    (row,) = rows_of(
        url,
        f"SELECT has_table_privilege('{reader}', 'item_v', 'SELECT'), "
        f"has_table_privilege('{reader}', 'item_vv', 'SELECT'), "
        f"has_column_privilege('{reader}', 'item_vv', 'id', 'SELECT'), "
        f"has_column_privilege('{reader}', 'item_vv', 'qty', 'SELECT'), "
        "obj_description('item_v'::regclass, 'pg_class'), col_description('item_v'::regclass, 2), "
        "pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = 'item_v'::regclass)) "
        "= current_user, "
        "pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = 'item_vv'::regclass))",
    )
    return tuple(row)


def test_a_remade_view_keeps_its_grants_comments_and_owner(tmp_path: Path, pg_url: str) -> None:
    project, _, shell = project_in_sync(tmp_path, pg_url, SQLITE, POSTGRES)
    tag = uuid.uuid4().hex[:8]
    reader, owner = f"reader_{tag}", f"owner_{tag}"
    _run(
        pg_url,
        f"CREATE ROLE {reader}",
        f"CREATE ROLE {owner}",
        f"GRANT {owner} TO current_user",
        f"GRANT CREATE, USAGE ON SCHEMA public TO {owner}",
        f"GRANT SELECT ON item_v TO {reader}",
        f"GRANT SELECT (id) ON item_vv TO {reader}",
        "COMMENT ON VIEW item_v IS 'the items'",
        "COMMENT ON COLUMN item_v.qty IS 'how many'",
        f"ALTER VIEW item_vv OWNER TO {owner}",
    )
    try:
        before = (True, False, True, False, "the items", "how many", True, owner)
        assert _kept(pg_url, reader) == before
        replace_in(
            project / "schemas" / "postgres.py",
            "sa.Column(t.qty, sa.INTEGER()",
            "sa.Column(t.qty, sa.BIGINT()",
        )
        kind = "      qty: {kind: integer}"
        replace_in(project / "domain.yaml", kind, kind.replace("integer", "bigint"))
        revised(shell, "qty bigint", quiet=True)
        (made,) = (project / "migrations_postgres" / "versions").glob("0002_*.py")
        made.write_text(  # the person's word: the rows fit integer (the lint reads no data)
            made.read_text("utf-8")
            + 'allow_destructive_downgrade = {"narrow_type:item.qty": "qty fits integer"}\n',
            "utf-8",
        )
        migrate_both(shell)
        assert rows_of(
            pg_url,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'item_v'::regclass AND attname = 'qty'",
        ) == [("bigint",)]
        assert _kept(pg_url, reader) == before
        code, report = check(shell)
        assert (code, report["differences"]) == (0, []), report["differences"]
        result = shell("migrate", "remote", "--to", "-1", "--yes-downgrade")
        assert result.exit_code == 0, result.output
        assert _kept(pg_url, reader) == before
        result = shell("migrate", "remote")
        assert result.exit_code == 0, result.output
        assert _kept(pg_url, reader) == before
    finally:
        _run(
            pg_url,
            f"DROP OWNED BY {reader}, {owner}",
            f"DROP ROLE {reader}",
            f"DROP ROLE {owner}",
        )
