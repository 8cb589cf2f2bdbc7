"""A foreign key over TEXT uuids on SQLite against uuid on PostgreSQL (stranger73 005): on the
real databases SQLite refuses a child row that spells its parent's key in upper case and
PostgreSQL stores it, and ``twinschema diff`` of the two live databases warns on the key's
column (the near miss, text on both sides, refuses the row on both and gives no such warning)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from pg_helpers import invoke_afresh
from sqlalchemy.engine import make_url

PARENT = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
SQLITE_DDL = (
    "CREATE TABLE costume (cid TEXT NOT NULL PRIMARY KEY);"
    "CREATE TABLE alteration (costume_id TEXT NOT NULL REFERENCES costume(cid));"
)


def _pg_ddl(kind: str) -> str:
    return (
        f"CREATE TABLE costume (cid {kind} NOT NULL PRIMARY KEY);"
        f"CREATE TABLE alteration (costume_id {kind} NOT NULL REFERENCES costume(cid));"
    )


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _stores_upper_child_sqlite(path: Path) -> bool:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.executescript(SQLITE_DDL)
        con.execute("INSERT INTO costume VALUES (?)", (PARENT,))
        con.commit()
        try:
            con.execute("INSERT INTO alteration VALUES (?)", (PARENT.upper(),))
        except sqlite3.IntegrityError:
            return False
        return True
    finally:
        con.rollback()
        con.close()


def _stores_upper_child_pg(url: str, kind: str) -> bool:
    with psycopg.connect(_libpq(url), autocommit=True) as con:
        con.execute(_pg_ddl(kind))  # type: ignore[arg-type]
        con.execute("INSERT INTO costume VALUES (%s)", (PARENT,))
        try:
            with con.transaction():
                con.execute("INSERT INTO alteration VALUES (%s)", (PARENT.upper(),))
                raise _Undo
        except _Undo:
            return True
        except psycopg.errors.ForeignKeyViolation:
            return False


class _Undo(Exception):
    """Rolls back the witness row once it is stored."""


@pytest.mark.parametrize(("kind", "warned"), [("uuid", True), ("text", False)])
def test_key_over_text_uuid_warns_as_the_real_databases_part(
    tmp_path: Path, pg_url: str, kind: str, warned: bool
) -> None:
    db = tmp_path / "a.db"
    assert _stores_upper_child_sqlite(db) is False
    assert _stores_upper_child_pg(pg_url, kind) is warned  # uuid: found by value
    scratch = make_url(pg_url).set(drivername="postgresql", database="postgres")
    env = dict(os.environ, TWINSCHEMA_SCRATCH_URL=scratch.render_as_string(hide_password=False))
    result = invoke_afresh(
        ["diff", f"sqlite:///{db}", pg_url, "--no-domain", "--format", "json"], tmp_path, env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    texts = [w["message"] for w in report["warnings"] if "its foreign key to" in w["message"]]
    assert len(texts) == warned, texts
