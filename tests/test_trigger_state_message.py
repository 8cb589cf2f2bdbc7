"""A trigger disabled by hand, and a function body changed by hand, said readably (s71live,
stranger71 008): the message showed two identical CREATE TRIGGER texts with a bare "disabled"
token, and a function's lower-cased, space-separated tokens (``new . price_cents``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pg_helpers import clean_env, invoke_cli
from support.dbpool import DatabasePool
from support.testing import execute

TABLE = "CREATE TABLE tickets (id integer PRIMARY KEY, price_cents integer NOT NULL, holder text)"
FUNCTION = """CREATE OR REPLACE FUNCTION tickets_no_free() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.price_cents = 0 AND NEW.holder IS NULL{extra} THEN
    RAISE EXCEPTION 'a free ticket needs a holder';
  END IF;
  RETURN NEW;
END $$"""
TRIGGER = (
    "CREATE TRIGGER tickets_no_free BEFORE INSERT ON tickets FOR EACH ROW "
    "EXECUTE FUNCTION tickets_no_free()"
)
FREE = "INSERT INTO tickets VALUES (1, 0, NULL)"


def diff(cwd: Path, left: str, right: str) -> tuple[int, list[dict[str, Any]]]:
    done = invoke_cli(["diff", left, right, "--no-domain", "--format", "json"], cwd, clean_env())
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)["differences"]


def stores_free_ticket(url: str) -> bool:
    """Whether the database stores a free ticket without a holder (rolled back)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                conn.execute(sa.text(FREE))
                return True
            except sa.exc.DBAPIError:
                return False
            finally:
                trans.rollback()
    finally:
        engine.dispose()


def test_a_disabled_trigger_is_said_in_a_sentence(
    pg_databases: DatabasePool, tmp_path: Path
) -> None:
    """One database's trigger disabled by hand: the ``trigger`` difference says it is disabled
    there (it never fires), enabled in the other, and the statement that enables it (the real
    difference: a free ticket without a holder stored there, refused by the other). Near
    misses: both disabled is in sync; a trigger that differs in its definition too is told
    apart by its text, not by the sentence."""
    with pg_databases.database() as left, pg_databases.database() as right:
        for url in (left, right):
            execute(url, TABLE, FUNCTION.format(extra=""), TRIGGER)
        execute(right, "ALTER TABLE tickets DISABLE TRIGGER tickets_no_free")
        assert (stores_free_ticket(left), stores_free_ticket(right)) == (False, True)
        code, found = diff(tmp_path, left, right)
        assert code == 1
        [d] = found
        assert d["kind"] == "trigger" and d["left"] == d["right"], d
        assert "enabled (it fires as usual) in" in d["message"], d["message"]
        assert "disabled (it never fires) in" in d["message"], d["message"]
        assert "ALTER TABLE tickets ENABLE TRIGGER tickets_no_free" in d["message"]
        assert " ( ) disabled" not in d["message"]

        execute(left, "ALTER TABLE tickets DISABLE TRIGGER tickets_no_free")
        assert diff(tmp_path, left, right) == (0, [])

        execute(
            left,
            "DROP TRIGGER tickets_no_free ON tickets",
            TRIGGER.replace("BEFORE INSERT", "BEFORE INSERT OR UPDATE"),
        )
        code, found = diff(tmp_path, left, right)
        [d] = found
        assert "fires as usual" not in d["message"] and "insert or update" in d["message"], d[
            "message"
        ]


def test_a_function_body_changed_by_hand_is_shown_as_written(
    pg_databases: DatabasePool, tmp_path: Path
) -> None:
    """A function whose body a hand edit changed: the message quotes where the bodies part as
    the catalog prints them (``NEW.holder IS NULL AND NEW.id > 100``), not as canonical tokens
    (``new . holder is null``). Near miss: the same body re-created alike is in sync."""
    with pg_databases.database() as left, pg_databases.database() as right:
        for url in (left, right):
            execute(url, TABLE, FUNCTION.format(extra=""))
        execute(right, FUNCTION.format(extra=""))
        assert diff(tmp_path, left, right) == (0, [])
        execute(right, FUNCTION.format(extra=" AND NEW.id > 100"))
        code, found = diff(tmp_path, left, right)
        [d] = found
        assert (code, d["kind"]) == (1, "function")
        assert "NEW.holder IS NULL AND NEW.id > 100 THEN" in d["message"], d["message"]
        assert "new . holder" not in d["message"]
