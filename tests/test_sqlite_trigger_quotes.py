"""A SQLite trigger's double-quoted tokens, settled by SQLite as names or text (``"x"`` is the
text 'x' where no column x is in scope), by EXPLAIN of a statement that fires the trigger on an
in-memory copy of the tables and views: never on the checked file. The probe corpus
(``tests/fixtures/probes/sl-sl.trigger-double-quoted-*``) pins the verdicts with rows; these
tests pin the pieces.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection
from twinschema.dialects.sqlite_trigger_quotes import trigger_texts
from twinschema.sources import reflect_url

_TABLES = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, x TEXT);"
    "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT);"
    "CREATE VIEW v AS SELECT id, s FROM u;"
)


def _texts(ddl: str) -> dict[str, str]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(_TABLES + ddl)
    master = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    conn.close()
    return trigger_texts(master)


@pytest.mark.parametrize(
    ("trigger", "settled"),
    [
        # No column x in u: the text 'x'; its case kept.
        ('AFTER INSERT ON u BEGIN UPDATE u SET s = "x" WHERE id = new.id; END',
         "AFTER INSERT ON u BEGIN UPDATE u SET s = 'x' WHERE id = new.id; END"),
        ('AFTER INSERT ON "U" BEGIN UPDATE u SET s = "X" WHERE id = new.id; END',
         "AFTER INSERT ON `U` BEGIN UPDATE u SET s = 'X' WHERE id = new.id; END"),
        # t has a column x: the name, folded.
        ('AFTER INSERT ON u BEGIN UPDATE t SET s = "X" WHERE id = new.id; END',
         "AFTER INSERT ON u BEGIN UPDATE t SET s = `x` WHERE id = new.id; END"),
        # WHEN, UPDATE OF, and a RAISE message, which is text where a name may stand.
        ('BEFORE UPDATE OF "S" ON u WHEN new.s = "x" BEGIN SELECT RAISE(ABORT, "No"); END',
         "BEFORE UPDATE OF `S` ON u WHEN new.s = 'x' BEGIN SELECT RAISE(ABORT, 'No'); END"),
        # DELETE, INSERT on a view (INSTEAD OF).
        ('INSTEAD OF DELETE ON v BEGIN DELETE FROM u WHERE s = "ID" OR id = old."ID"; END',
         "INSTEAD OF DELETE ON v BEGIN DELETE FROM u WHERE s = `id` OR id = old.`id`; END"),
        ('INSTEAD OF INSERT ON v FOR EACH ROW BEGIN INSERT INTO u(s) VALUES ("q"); END',
         "INSTEAD OF INSERT ON v FOR EACH ROW BEGIN INSERT INTO u(s) VALUES ('q'); END"),
    ],
)  # fmt: skip
def test_each_double_quoted_token_is_what_sqlite_compiles(trigger: str, settled: str) -> None:
    """A name goes in backticks (ASCII lower case), text in single quotes: the trigger compiles,
    when fired, to the program the trigger as written does."""
    assert _texts(f"CREATE TRIGGER tr {trigger};") == {"tr": f"CREATE TRIGGER tr {settled}"}


def test_a_trigger_sqlite_cannot_compile_or_without_double_quotes_is_left_out() -> None:
    """A trigger naming a table that does not exist has no program to compare: it is compared
    as written (its ``"q"`` with case kept). One without a double quote needs no copy."""
    assert (
        _texts('CREATE TRIGGER gone AFTER INSERT ON u BEGIN INSERT INTO g VALUES ("q"); END;') == {}
    )
    assert _texts("CREATE TRIGGER plain AFTER INSERT ON u BEGIN SELECT 'q'; END;") == {}


@pytest.mark.parametrize("column", ["nope", "g"])
def test_a_trigger_no_statement_fires_is_left_out(column: str) -> None:
    """``UPDATE OF`` a column that does not exist, or a generated one, which no UPDATE sets:
    the UPDATE's program holds no trigger, so it would be the same whatever the body says
    (``"x"`` would pass for a name); the trigger is compared as written."""
    found = _texts(
        "CREATE TABLE w (id INTEGER PRIMARY KEY, s TEXT, g TEXT AS (s || 'a'));"
        f'CREATE TRIGGER tr AFTER UPDATE OF {column} ON w BEGIN UPDATE w SET s = "x"; END;'
    )
    assert found == {}


def test_names_in_the_head_alone_need_no_compilation() -> None:
    """The trigger's name, table and ``UPDATE OF`` columns are names wherever they stand: in
    backticks (folded by the canonical text), with no program asked for."""
    found = _texts('CREATE TRIGGER "Tr" AFTER UPDATE OF "S" ON "U" BEGIN SELECT 1; END;')
    assert found == {"Tr": "CREATE TRIGGER `Tr` AFTER UPDATE OF `S` ON `U` BEGIN SELECT 1; END"}


def test_past_the_compilations_a_trigger_may_spend_its_tokens_stay() -> None:
    """Each token costs up to two compilations: past 64 the rest stay as written."""
    values = ", ".join(f'"v{n}"' for n in range(40))
    found = _texts(f"CREATE TRIGGER tr AFTER INSERT ON u BEGIN SELECT {values}; END;")["tr"]
    assert "'v0'" in found and "'v30'" in found
    assert '"v39"' in found and "'v39'" not in found


def test_a_trigger_name_that_needs_quotes_is_found_in_the_program() -> None:
    """The trigger's program is told by its name, as SQLite prints it (``-- TRIGGER we"ird``)."""
    found = _texts('CREATE TRIGGER "we""ird" AFTER INSERT ON u BEGIN UPDATE u SET s = "x"; END;')
    assert found == {
        'we"ird': 'CREATE TRIGGER "we""ird" AFTER INSERT ON u BEGIN UPDATE u SET s = \'x\'; END'
    }


def test_the_canonical_definition_uses_the_settled_text() -> None:
    """Reflected, ``SET s = "x"`` with no column x is the trigger ``SET s = 'x'``; with a
    column x in scope it is the column."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        _TABLES + 'CREATE TRIGGER a AFTER INSERT ON u BEGIN UPDATE u SET s = "x"; END;'
        "CREATE TRIGGER b AFTER INSERT ON u BEGIN UPDATE u SET s = 'x'; END;"
        'CREATE TRIGGER c AFTER INSERT ON u BEGIN UPDATE t SET s = "x"; END;'
        "CREATE TRIGGER d AFTER INSERT ON u BEGIN UPDATE t SET s = 'x'; END;"
    )
    schema = reflect_connection(conn, ReflectOptions(), ":memory:")
    conn.close()
    found = {
        o.name: o.definition.split(" begin ")[1] for o in schema.objects if o.kind == "trigger"
    }
    assert found == {
        "a": "update u set s = 'x' ; end",
        "b": "update u set s = 'x' ; end",
        "c": "update t set s = x ; end",
        "d": "update t set s = 'x' ; end",
    }


def test_the_checked_file_is_not_written(tmp_path: Path) -> None:
    """The candidates are created on an in-memory copy: the file's bytes stay as they were."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        _TABLES + 'CREATE TRIGGER a AFTER INSERT ON u BEGIN UPDATE u SET s = "x"; END;'
    )
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    schema = reflect_url(f"sqlite:///{path}", ReflectOptions())
    assert [o.definition.split(" begin ")[1] for o in schema.objects if o.kind == "trigger"] == [
        "update u set s = 'x' ; end"
    ]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]
