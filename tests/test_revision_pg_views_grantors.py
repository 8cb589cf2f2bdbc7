"""Who granted what on a view a PostgreSQL revision makes again around a type change, and who
owns it (s83migs): the access list after ``migrate remote`` (up, down, up) is the one before,
grantors included, on PostgreSQL 16 with other roles than the migrating one.

``item_v`` is owned by ``owner``, which granted ``SELECT`` to ``mid`` WITH GRANT OPTION, and
``mid`` granted it on to ``reader``: ``relacl`` reads ``{owner=arwdDxt/owner, mid=r*/owner,
reader=r/mid}``. Before s83migs the re-grant ran as the migrating role, so
``reader``'s grant came from ``owner`` after the view was handed back (``reader=r/owner``): a
``REVOKE GRANT OPTION FOR SELECT ... FROM mid CASCADE`` then no longer took ``reader``'s away.
With the owner having revoked its own INSERT and TRUNCATE, a view made again gave them back to
it (revoked again now). The revision keeps and gives back by two calls it imports from
``twinschema.alembic_views`` (until s83migs some 30 lines of SQL in each upgrade and
downgrade)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_init_project import migrate_both, project_in_sync, replace_in, revised, rows_of
from test_revision_pg_views_retyped import POSTGRES, SQLITE


def _run(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _acl(url: str, tag: str) -> list[tuple[str, str, str, bool]]:
    """(grantor, grantee, privilege, grantable) of item_v's access list, the tag cut off."""
    rows = rows_of(
        url,
        "SELECT pg_get_userbyid(a.grantor), pg_get_userbyid(a.grantee), a.privilege_type, "
        "a.is_grantable FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "WHERE c.oid = 'item_v'::regclass ORDER BY 2, 3, 1",
    )
    return [
        (str(g).replace(tag, ""), str(e).replace(tag, ""), str(p), bool(o)) for g, e, p, o in rows
    ]


@pytest.mark.parametrize("extra", ["", "REVOKE INSERT, TRUNCATE ON item_v FROM {owner}"])
def test_a_remade_view_keeps_who_granted_and_who_owns(
    tmp_path: Path, pg_url: str, extra: str
) -> None:
    project, _, shell = project_in_sync(tmp_path, pg_url, SQLITE, POSTGRES)
    tag = "_" + uuid.uuid4().hex[:8]
    owner, mid, reader = (f"{name}{tag}" for name in ("owner", "mid", "reader"))
    _run(
        pg_url,
        *(f"CREATE ROLE {r}" for r in (owner, mid, reader)),
        f"GRANT {owner}, {mid} TO current_user",
        f"GRANT CREATE, USAGE ON SCHEMA public TO {owner}",
        f"ALTER VIEW item_v OWNER TO {owner}",
        f"SET ROLE {owner}",
        f"GRANT SELECT ON item_v TO {mid} WITH GRANT OPTION",
        "RESET ROLE",
        f"SET ROLE {mid}",
        f"GRANT SELECT ON item_v TO {reader}",
        "RESET ROLE",
        *([extra.format(owner=owner)] if extra else []),
    )
    try:
        before = _acl(pg_url, tag)
        assert ("mid", "reader", "SELECT", False) in before, before
        assert ("owner", "mid", "SELECT", True) in before, before
        replace_in(
            project / "schemas" / "postgres.py",
            "sa.Column(t.qty, sa.INTEGER()",
            "sa.Column(t.qty, sa.BIGINT()",
        )
        kind = "      qty: {kind: integer}"
        replace_in(project / "domain.yaml", kind, kind.replace("integer", "bigint"))
        revised(shell, "qty bigint", quiet=True)
        (made,) = (project / "migrations_postgres" / "versions").glob("0002_*.py")
        text = made.read_text("utf-8")  # one call before the drops, one after the makes
        assert "from twinschema.alembic_views import give_views_back, keep_views" in text
        for body in text.split("def upgrade")[1].split("def downgrade"):
            assert body.index("keep_views('item_v', 'item_vv')") < body.index("DROP VIEW")
            assert body.index("CREATE VIEW item_vv") < body.index("give_views_back()")
        assert "set_config" not in text, text
        made.write_text(
            made.read_text("utf-8")
            + 'allow_destructive_downgrade = {"narrow_type:item.qty": "qty fits integer"}\n',
            "utf-8",
        )
        migrate_both(shell)
        assert _acl(pg_url, tag) == before
        result = shell("migrate", "remote", "--to", "-1", "--yes-downgrade")
        assert result.exit_code == 0, result.output
        assert _acl(pg_url, tag) == before
        result = shell("migrate", "remote")
        assert result.exit_code == 0, result.output
        assert _acl(pg_url, tag) == before
    finally:
        _run(
            pg_url,
            f"REASSIGN OWNED BY {owner} TO current_user",
            f"DROP OWNED BY {reader}, {mid}, {owner}",
            *(f"DROP ROLE {r}" for r in (reader, mid, owner)),
        )
