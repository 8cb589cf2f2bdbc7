"""A view SQLite's ``RENAME COLUMN`` rewrote is no view its twin redefined (stranger78 002).

SQLite's ``ALTER TABLE .. RENAME COLUMN`` rewrites the column's name inside the views (CHECKs,
indexes, triggers) that read it: the view's stored SQL changes though no one redefined it
(checked on SQLite 3.40: ``WHERE telegram_chat_id IS NOT NULL`` becomes ``WHERE chat_id IS NOT
NULL``). A twin pair where both rename the column and the PostgreSQL twin alone re-creates the
view (PostgreSQL keeps a view's output names: it re-creates it to take the new one) was told as
"view ... is redefined by both twins". Compared once the rename is applied to the view's SQL
before the pair, the SQLite side is the same view: the message says the PostgreSQL twin
re-created it alone and the SQLite twin's rename rewrote it. Near misses: the same pair where
the SQLite twin re-creates the view too (with its own filter) is still "redefined by both
twins" (re-created with the very SQL the rename leaves, it is the same view, told as the
rename's); and the PostgreSQL twin re-creating it with the same filter is in sync.

Runs on a scratch copy of the project (``test_migrations_layer.Project``), its chains upgraded on
a real SQLite file and a real PostgreSQL database.
"""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from test_migrations_layer import Project, found, project
from test_twin_views import _check, _twins

from twinschema.records.dialects import RENAME_REWRITES_VIEWS

__all__ = ["project"]  # the fixture, used by name

DIALECTS = ("sqlite", "postgresql")
OLD, NEW = "telegram_chat_id", "chat_id"
RENAME = f"ALTER TABLE communities RENAME COLUMN {OLD} TO {NEW}"
BACK = f"ALTER TABLE communities RENAME COLUMN {NEW} TO {OLD}"
DROP = "DROP VIEW chatty"


def _view(column: str, where: bool, also: str = "") -> str:
    """The view of communities with a chat, by ``column`` (filtered on it where ``where``,
    and by ``also`` after it)."""
    filtered = f" WHERE {column} IS NOT NULL{also}" if where else ""
    return f"CREATE VIEW chatty AS SELECT id, {column} FROM communities{filtered}"


def _pair(project: Project, sqlite_remakes: bool, pg_filter: bool) -> None:
    """0002: the view on both chains, filtered. 0003: both rename the column; PostgreSQL
    re-creates the view over the new name (``pg_filter``: with the filter, else without);
    SQLite re-creates it too where ``sqlite_remakes`` (with the filter), else its rename
    alone rewrites it. SQLite's own view says ``AND 1 = 1`` more (the same rows, another
    definition than the rewrite's)."""
    made = _view(OLD, True)
    _twins(project, 2, {d: (made, DROP) for d in DIALECTS})
    remade_sqlite = f"\n{DROP}\n{_view(NEW, True, ' AND 1 = 1')}" if sqlite_remakes else ""
    back_sqlite = f"{DROP}\n{BACK}\n{made}" if sqlite_remakes else BACK
    _twins(
        project,
        3,
        {
            "sqlite": (f"{RENAME}{remade_sqlite}", back_sqlite),
            "postgresql": (f"{RENAME}\n{DROP}\n{_view(NEW, pg_filter)}", f"{DROP}\n{BACK}\n{made}"),
        },
    )


def test_a_view_sqlite_rewrote_on_a_rename_is_not_redefined_by_both_twins(
    project: Project,
) -> None:
    """The SQLite twin renames the column only (SQLite rewrites the view), the PostgreSQL twin
    re-creates the view without its filter: one ``migration_parity`` difference saying the
    PostgreSQL twin re-created it alone and the SQLite twin's rename rewrote it, never
    "redefined by both twins"."""
    _pair(project, sqlite_remakes=False, pg_filter=False)
    code, report = _check(project)
    with sqlite3.connect(project.root / "var" / "local.db") as db:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'chatty'").fetchone()
    assert sql == _view(NEW, True), sql  # the rewrite, on the real SQLite file
    assert code == 1, report
    parity = [d for d in found(report, "migration_parity") if d["name"] == "chatty"]
    assert len(parity) == 1, parity
    message = parity[0]["message"]
    assert "redefined by both twins" not in message, message
    assert "view chatty is re-created by revision 0003_v3_postgresql of" in message, message
    assert (
        f"revision 0003_v3_sqlite of migrations_sqlite renames column communities.{OLD} to "
        f"{NEW}, and the view there is what that rename makes of it" in message
    ), message
    assert "0003_v3_postgresql.py" in parity[0]["fix"]["file"], parity[0]


def test_both_twins_re_creating_a_view_after_a_rename_are_redefined_by_both(
    project: Project,
) -> None:
    """Near miss: the SQLite twin re-creates the view too (its filter kept), the PostgreSQL
    one without the filter: both redefine it, and the message says so."""
    _pair(project, sqlite_remakes=True, pg_filter=False)
    code, report = _check(project)
    assert code == 1, report
    parity = [d for d in found(report, "migration_parity") if d["name"] == "chatty"]
    assert len(parity) == 1, parity
    assert "view chatty is redefined by both twins" in parity[0]["message"], parity[0]


@pytest.mark.parametrize("sqlite_remakes", [False, True], ids=["rewritten", "re_created"])
def test_a_view_answering_alike_after_a_rename_is_in_sync(
    project: Project, sqlite_remakes: bool
) -> None:
    """Near miss: the PostgreSQL twin re-creates the view with the same filter: no
    ``migration_parity`` difference of the view, whether SQLite's rename rewrote it or its
    twin re-created it."""
    _pair(project, sqlite_remakes=sqlite_remakes, pg_filter=True)
    _code, report = _check(project)
    parity = [d for d in found(report, "migration_parity") if d["name"] == "chatty"]
    assert parity == [], [(d["message"], d["left"], d["right"]) for d in parity]
    # A warning where its probe rows were too thin to run it names the twins as above.
    for warning in (w["message"] for w in report["warnings"] if w.get("name") == "chatty"):
        assert ("redefined by both twins" in warning) == sqlite_remakes, warning


def test_only_sqlite_rewrites_a_view_on_a_column_rename(db_url: str, dialect: str) -> None:
    """The dialect fact the message rests on (``records.dialects.RENAME_REWRITES_VIEWS``), on
    each real database: SQLite stores the view with the new name (its output column renamed
    too); PostgreSQL keeps the view's output name and prints ``new AS old``, so its text is
    never the rewrite's."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE TABLE communities (id integer PRIMARY KEY, {OLD} text)"))
            conn.execute(sa.text(_view(OLD, True)))
            conn.execute(sa.text(RENAME))
            columns = list(conn.execute(sa.text("SELECT * FROM chatty")).keys())
            if dialect == "sqlite":
                text = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'chatty'"))
            else:
                text = conn.execute(sa.text("SELECT pg_get_viewdef('chatty'::regclass)"))
            sql = " ".join(str(text.scalar()).split())
    finally:
        engine.dispose()
    assert (dialect in RENAME_REWRITES_VIEWS) == (dialect == "sqlite")
    if dialect == "sqlite":
        assert (sql, columns) == (_view(NEW, True), ["id", NEW]), sql
    else:
        assert f"{NEW} AS {OLD}" in sql and columns == ["id", OLD], (sql, columns)
