"""stranger79 011: Sakila's 42 ``ON DELETE NO ACTION vs RESTRICT`` foreign_key differences did
not say when the two actions part, so a team could not judge whether 42 allowances were needed.
The message now says it (``keys.DELETE_RESTRICT_WHEN``): a plain DELETE of a referenced row fails
under both; they part only where the same statement removes the referencing rows after it (an
AFTER DELETE trigger, another key's cascade) or, deferred, the same transaction does. Each claim
is run here on real databases of both dialects, each action in turn: with such a trigger,
SQLite's NO ACTION deletes and PostgreSQL's RESTRICT refuses (the witness statement)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from probes import Loader, compare_texts
from support.stored import stored_on_postgresql, stored_on_sqlite

from twinschema.compare.keys import DELETE_RESTRICT_WHEN

PARENT = "CREATE TABLE p (id integer PRIMARY KEY)"
CHILD = "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p(id) ON DELETE {a})"
TRIGGER = {
    "sqlite": "CREATE TRIGGER p_gone AFTER DELETE ON p BEGIN DELETE FROM c WHERE p_id = OLD.id; "
    "END",
    "postgresql": "CREATE FUNCTION p_gone() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
    "DELETE FROM c WHERE p_id = OLD.id; RETURN OLD; END$$; CREATE TRIGGER p_gone AFTER DELETE "
    "ON p FOR EACH ROW EXECUTE FUNCTION p_gone()",
}


def _deletes(dialect: str, action: str, trigger: bool, pg_url: str) -> bool:
    """Whether ``DELETE FROM p`` of a row a row of c references succeeds on a real database of
    ``dialect`` under ``action`` (with the AFTER DELETE trigger that deletes those rows)."""
    ddl = ";\n".join([PARENT, CHILD.format(a=action), *([TRIGGER[dialect]] if trigger else [])])
    rows = ["INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (1, 1)"]
    witness = "DELETE FROM p WHERE id = 1"
    if dialect == "sqlite":
        db = sqlite3.connect(":memory:")
        try:
            db.execute("PRAGMA foreign_keys = ON")  # before the witness's transaction, or a no-op
            return stored_on_sqlite(db, witness, before=rows, ddl=ddl).accepted
        finally:
            db.close()
    refusals = (psycopg.errors.ForeignKeyViolation,)
    return stored_on_postgresql(pg_url, witness, before=rows, ddl=ddl, refusals=refusals).accepted


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_restrict_and_no_action_part_only_where_the_statement_removes_the_children(
    dialect: str, pg_url: str
) -> None:
    """Plain DELETE: refused under both. With the children removed after the parent in the
    same statement (an AFTER DELETE trigger): RESTRICT still refuses; NO ACTION deletes on
    SQLite, whose check runs at the statement's end, after that trigger; PostgreSQL runs its
    key checks (triggers named RI_ConstraintTrigger_...) before p_gone, and refuses under
    both. So SQLite's NO ACTION against PostgreSQL's RESTRICT part on that statement."""
    plain = {a: _deletes(dialect, a, False, pg_url) for a in ("NO ACTION", "RESTRICT")}
    assert plain == {"NO ACTION": False, "RESTRICT": False}
    after = {a: _deletes(dialect, a, True, pg_url) for a in ("NO ACTION", "RESTRICT")}
    assert after["RESTRICT"] is False
    assert after["NO ACTION"] is (dialect == "sqlite")


def test_the_difference_says_when_they_part(loader: Loader) -> None:
    """The foreign_key difference of NO ACTION (SQLite) against RESTRICT (PostgreSQL) says it."""
    sql = [f"{PARENT};\n{CHILD.format(a=a)};" for a in ("NO ACTION", "RESTRICT")]
    found = compare_texts(loader, ("sqlite", "postgresql"), *sql)
    [fk] = [d for d in found.differences if d.kind == "foreign_key"]
    assert "ON DELETE NO ACTION vs RESTRICT: " + DELETE_RESTRICT_WHEN in fk.message, fk.message
