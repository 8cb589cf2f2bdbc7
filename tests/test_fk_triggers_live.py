"""A PostgreSQL foreign key is enforced by triggers (stranger49 130): where they do not fire in
a session of the database (``ALTER TABLE c DISABLE TRIGGER ALL``, a trigger enabled for
replica sessions only, the database's ``session_replication_role = replica``), the key takes
orphan rows, and its twin that fires refuses them. Each verdict is decided by rows first, on
the same real databases the comparison reads: an orphan insert into the child, a delete of a
referenced parent row."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url
from support.dbpool import DatabasePool

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url

SCHEMA = """
CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer NOT NULL REFERENCES p (id));
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1);
"""

# Each RI trigger of table {rel} set to a state (ALTER TABLE ... ENABLE ALWAYS TRIGGER "...").
_EACH = """DO $$ DECLARE t text; BEGIN
  FOR t IN SELECT tgname FROM pg_trigger WHERE tgrelid = '{rel}'::regclass AND tgisinternal LOOP
    EXECUTE format('ALTER TABLE {rel} {state} TRIGGER %I', t);
  END LOOP; END $$"""

# (what is done to the second database, the orphan insert's verdict there, the parent delete's,
# the text the difference must hold; None: in sync)
CASES = {
    "child disabled": (["ALTER TABLE c DISABLE TRIGGER ALL"], "accept", "reject",
                       "a row of c whose (p_id) matches no row of p(id) is stored (its triggers "
                       "on c are disabled)"),
    "parent disabled": (["ALTER TABLE p DISABLE TRIGGER ALL"], "reject", "accept",
                        "a row of p that a row of c references is deleted without ON DELETE NO "
                        "ACTION (its triggers on p are disabled)"),
    "replica only": ([_EACH.format(rel="c", state="ENABLE REPLICA")], "accept", "reject",
                     "(its triggers on c fire in replica sessions only)"),
    "always (near miss)": ([_EACH.format(rel="c", state="ENABLE ALWAYS")], "reject", "reject",
                           None),
    "database replica": (["ALTER DATABASE {db} SET session_replication_role = replica"],
                         "accept", "accept",
                         "is stored, and a row of p that a row of c references is deleted "
                         "without ON DELETE NO ACTION (the database's session_replication_role "
                         "is replica: its triggers do not fire)"),
}  # fmt: skip


@pytest.fixture
def two_databases(pg_databases: DatabasePool) -> Iterator[tuple[str, str]]:
    """Two new databases holding SCHEMA, dropped afterwards (a database-level setting must not
    go back to the pool)."""
    names = [f"fkt_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = psycopg.connect(_libpq(pg_databases.server_url), autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
            with psycopg.connect(_libpq(pg_databases.url(name)), autocommit=True) as conn:
                conn.execute(SCHEMA)
        yield pg_databases.url(names[0]), pg_databases.url(names[1])
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _verdict(url: str, statement: str) -> str:
    """Whether a new session of the database takes ``statement`` (rolled back)."""
    with psycopg.connect(_libpq(url)) as conn:
        try:
            conn.execute(statement)
            return "accept"
        except psycopg.errors.ForeignKeyViolation:
            return "reject"
        finally:
            conn.rollback()


def _differences(a: str, b: str) -> list[str]:
    options = ReflectOptions()
    left = Side(make_canonical(reflect_url(a, options), None), "a", "a")
    right = Side(make_canonical(reflect_url(b, options), None), "b", "b")
    return [d.message for d in compare(left, right, layer="live").differences]


@pytest.mark.parametrize("case", CASES)
def test_a_key_whose_triggers_do_not_fire_is_told(
    two_databases: tuple[str, str], case: str
) -> None:
    steps, orphan, delete, told = CASES[case]
    a, b = two_databases
    with psycopg.connect(_libpq(b), autocommit=True) as conn:
        for step in steps:
            conn.execute(step.format(db=make_url(b).database).encode())
    # The rows first: the first database refuses both; the second as the case says.
    insert, remove = "INSERT INTO c VALUES (2, 12345)", "DELETE FROM p WHERE id = 1"
    assert (_verdict(a, insert), _verdict(a, remove)) == ("reject", "reject")
    assert (_verdict(b, insert), _verdict(b, remove)) == (orphan, delete)
    found = _differences(a, b)
    if told is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert found[0].startswith("foreign key c(p_id) -> p is not checked on one side: in b, ")
        assert told in found[0]
        assert _differences(b, b) == []  # the same state on both sides behaves alike


_GUARD = """
CREATE FUNCTION guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.id < 0 THEN RAISE EXCEPTION 'negative'; END IF; RETURN NEW; END $$;
CREATE TRIGGER guard BEFORE INSERT ON p FOR EACH ROW EXECUTE FUNCTION guard();
"""


def test_a_database_of_replica_sessions_fires_no_origin_trigger(
    two_databases: tuple[str, str],
) -> None:
    """``ALTER DATABASE ... SET session_replication_role = replica``: a user trigger in its
    default state does not fire in the database's sessions (the row it refuses elsewhere is
    stored), so it differs from its twin; a trigger enabled REPLICA fires there as the default
    one does elsewhere (near miss: no difference for it)."""
    a, b = two_databases
    with psycopg.connect(_libpq(a), autocommit=True) as conn:
        conn.execute(_GUARD.encode())
        conn.execute(_GUARD.replace("guard", "other").encode())
    with psycopg.connect(_libpq(b), autocommit=True) as conn:
        conn.execute(_GUARD.encode())
        conn.execute(_GUARD.replace("guard", "other").encode())
        conn.execute("ALTER TABLE p ENABLE REPLICA TRIGGER other")
        conn.execute(
            f'ALTER DATABASE "{make_url(b).database}" SET session_replication_role = replica'
        )
    insert = "INSERT INTO p VALUES (-1)"
    with psycopg.connect(_libpq(b)) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute(insert)  # the REPLICA trigger refuses it there
    with psycopg.connect(_libpq(b)) as conn:  # with it off, the default one lets it in
        conn.execute("ALTER TABLE p DISABLE TRIGGER other")
        conn.execute(insert)
        conn.rollback()
    found = [m for m in _differences(a, b) if m.startswith("trigger")]
    assert len(found) == 1, found
    assert found[0].startswith("trigger guard on p differs")
    assert "not fired (the database's session_replication_role is replica)" in found[0]
