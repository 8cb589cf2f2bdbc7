"""When a UNIQUE rule or a primary key is checked (stranger36 F15).

PostgreSQL checks a NOT DEFERRABLE rule row by row, a DEFERRABLE one (even INITIALLY IMMEDIATE)
at the end of each statement, an INITIALLY DEFERRED one at COMMIT; SQLite checks every rule row by
row and cannot declare a deferrable one. So ``UPDATE ... SET pos = pos + 1`` over pos 1 and 2
(the first row takes the second's key before the second moves on) parts DEFERRABLE from NOT
DEFERRABLE, though no single row does. The cases are golden probe cases
(``tests/fixtures/probes``); here their messages, what the real databases do with that UPDATE,
and the same rules declared in a SQLAlchemy metadata module.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from probes import Loader, case_named, compare_expected
from sqlalchemy.dialects import postgresql

from twinschema.compare import Side, compare
from twinschema.sources import make_canonical
from twinschema.sources.metadata import from_metadata


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("pg-pg.unique-deferrable-vs-plain", "unique",
         "UNIQUE (list_id, pos) on list_items is DEFERRABLE in a.sql, NOT DEFERRABLE in b.sql: "
         "b.sql checks it row by row, a.sql at the end of the statement, so renumbering rows in "
         "one statement (UPDATE list_items SET pos = pos + 1 over rows with pos 1 and 2"),
        ("sl-pg.unique-plain-vs-deferrable", "unique",
         "fails in a.sql only"),
        ("pg-pg.unique-deferrable-vs-unique-index", "unique",
         "UPDATE list_items SET pos = pos + 1"),
        ("pg-pg.primary-key-deferrable-vs-plain", "primary_key",
         "PRIMARY KEY (deck_id, pos) on slides is DEFERRABLE in a.sql, NOT DEFERRABLE in b.sql"),
        ("pg-pg.unique-initially-deferred-vs-deferrable", "unique",
         "a.sql checks it at COMMIT, so a transaction may hold two rows with one (list_id, pos) "
         "until then, which b.sql rejects at once"),
        ("pg-pg.unique-repeats-deferrable-key", "unique",
         "it repeats the primary key but is checked row by row, before the key"),
        ("pg-pg.unique-deferred-settled-by-lower-index", "unique",
         "UNIQUE (x) on p is DEFERRABLE INITIALLY DEFERRED in a.sql, NOT DEFERRABLE in b.sql: an "
         "upsert of a new key naming them as its target (INSERT INTO p ... ON CONFLICT (x) DO NOTHING) "
         "fails "
         "in a.sql only"),
        ("pg-pg.unique-deferred-beside-partial-lower-index-near-miss", "unique",
         "swapping two rows' values in one statement"),
        ("pg-pg.unique-deferrable-beside-plain-index", "unique",
         "UNIQUE (x) on p is DEFERRABLE beside a NOT DEFERRABLE rule or unique index on its "
         "columns in a.sql, NOT DEFERRABLE in b.sql: an upsert of a new key naming them as its "
         "target (INSERT "
         "INTO p ... ON CONFLICT (x) DO NOTHING) fails in a.sql only"),
        ("pg-pg.unique-deferrable-beside-plain-vs-plain", "unique",
         "ON CONFLICT (x) DO NOTHING) fails in a.sql only"),
        ("pg-pg.unique-plain-beside-deferrable-vs-deferrable", "unique",
         "a.sql checks it row by row, b.sql at the end of the statement, so swapping"),
        ("pg-pg.unique-deferrable-beside-plain-index-vs-deferrable", "unique",
         "a.sql checks it row by row, b.sql at the end of the statement, so swapping"),
    ],
)  # fmt: skip
def test_what_parts_two_rules_is_said(loader: Loader, name: str, kind: str, said: str) -> None:
    (found,) = compare_expected(loader, name).differences
    assert found.kind == kind
    assert said in found.message, found.message


def _renumbered(loader: Loader, dialect: str, handle: Any, table: str, key: str) -> str:
    """``ok`` or ``reject``: rows with ``key`` 1 and 2 (the other key column 1), then
    ``UPDATE table SET key = key + 1`` in the same transaction (rolled back)."""
    other = {"list_items": "list_id", "slides": "deck_id", "t": None}[table]
    extra = {"slides": ", title", "t": ""}.get(table, "")
    values = {"slides": ", 'x'"}.get(table, "")
    columns = f"{other}, {key}" if other else key
    statements = [
        f"INSERT INTO {table} ({columns}{extra}) VALUES ({'1, ' if other else ''}{n}{values})"
        for n in (1, 2)
    ] + [f"UPDATE {table} SET {key} = {key} + 1"]
    if dialect == "sqlite":
        assert isinstance(handle, sqlite3.Connection)
        handle.execute("BEGIN")
        try:
            for statement in statements:
                handle.execute(statement)
        except sqlite3.Error:
            return "reject"
        finally:
            handle.execute("ROLLBACK")
        return "ok"
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        for statement in statements:
            conn.execute(statement.encode())
    except psycopg.Error:
        return "reject"
    finally:
        conn.rollback()
    return "ok"


@pytest.mark.parametrize(
    ("name", "table", "key", "outcomes"),
    [
        ("pg-pg.unique-deferrable-vs-plain", "list_items", "pos", ("ok", "reject")),
        ("sl-pg.unique-plain-vs-deferrable", "list_items", "pos", ("reject", "ok")),
        ("pg-pg.unique-deferrable-vs-unique-index", "list_items", "pos", ("ok", "reject")),
        ("pg-pg.primary-key-deferrable-vs-plain", "slides", "pos", ("ok", "reject")),
        # The UPDATE alone does not part these: COMMIT does (the witness rows show it).
        ("pg-pg.unique-initially-deferred-vs-deferrable", "list_items", "pos", ("ok", "ok")),
        # Near misses: checked at the same time on both sides.
        ("pg-pg.unique-deferrable-both-near-miss", "list_items", "pos", ("ok", "ok")),
        ("sl-pg.unique-plain-vs-plain-near-miss", "list_items", "pos", ("reject", "reject")),
        ("pg-pg.primary-key-deferrable-both-near-miss", "slides", "pos", ("ok", "ok")),
        ("pg-pg.unique-repeats-deferrable-key", "t", "id", ("reject", "ok")),
        ("pg-pg.unique-deferrable-repeats-key-near-miss", "t", "id", ("reject", "reject")),
    ],
)  # fmt: skip
def test_renumbering_update_on_real_databases(
    loader: Loader, name: str, table: str, key: str, outcomes: tuple[str, str]
) -> None:
    """What each real database does with the renumbering UPDATE: the verdicts rest on it (a
    difference wherever it parts the sides; the near misses are in sync and it does not)."""
    case = case_named(name)
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        got = (_renumbered(loader, da, ha, table, key), _renumbered(loader, db, hb, table, key))
    assert got == outcomes
    if got[0] != got[1]:
        assert case.expect, f"{name}: the UPDATE parts the sides, the case expects no difference"


_SWAP = "UPDATE p SET x = CASE x WHEN 'a' THEN 'b' ELSE 'a' END"
_UPSERT = "INSERT INTO p VALUES (3, 'a') ON CONFLICT (x) DO NOTHING"
# PostgreSQL tries the arbiters in the order they were made: one repeating a key runs where a
# NOT DEFERRABLE rule made before the DEFERRABLE one finds it first; one of a new key never does.
_UPSERT_NEW = "INSERT INTO p VALUES (3, 'c') ON CONFLICT (x) DO NOTHING"


@pytest.mark.parametrize(
    ("name", "statement", "outcomes"),
    [
        # A unique index on lower(x) settles every duplicate of x at once on both sides: only
        # the upsert, whose arbiter a DEFERRABLE rule cannot be, parts them (fuzz42 009b).
        ("pg-pg.unique-deferred-settled-by-lower-index", _SWAP, ("reject", "reject")),
        ("pg-pg.unique-deferred-settled-by-lower-index", _UPSERT, ("reject", "ok")),
        # Near miss: the index is partial and leaves rows 1 and 2 to the deferred rule.
        ("pg-pg.unique-deferred-beside-partial-lower-index-near-miss", _SWAP, ("ok", "reject")),
        # A plain unique index beside a DEFERRABLE UNIQUE on the same column: the swap fails at
        # once on both; the upsert still meets the DEFERRABLE rule (stranger50 017).
        ("pg-pg.unique-deferrable-beside-plain-index", _SWAP, ("reject", "reject")),
        ("pg-pg.unique-deferrable-beside-plain-index", _UPSERT, ("reject", "ok")),
        # Two rules on one column set, one DEFERRABLE: each part played where it parts the
        # sides, and the near miss (a rule or an index beside it) parts nothing.
        ("pg-pg.unique-deferrable-beside-plain-vs-plain", _SWAP, ("reject", "reject")),
        ("pg-pg.unique-deferrable-beside-plain-vs-plain", _UPSERT_NEW, ("reject", "ok")),
        ("pg-pg.unique-deferrable-beside-plain-vs-plain", _UPSERT, ("ok", "ok")),
        ("pg-pg.unique-plain-beside-deferrable-vs-deferrable", _SWAP, ("reject", "ok")),
        ("pg-pg.unique-plain-beside-deferrable-vs-deferrable", _UPSERT_NEW, ("reject", "reject")),
        ("pg-pg.unique-deferrable-beside-plain-index-vs-deferrable", _SWAP, ("reject", "ok")),
        ("pg-pg.unique-plain-beside-deferrable-vs-index-near-miss", _SWAP, ("reject", "reject")),
        ("pg-pg.unique-plain-beside-deferrable-vs-index-near-miss", _UPSERT, ("reject", "reject")),
        ("pg-pg.unique-plain-beside-deferrable-vs-index-near-miss", _UPSERT_NEW, ("reject", "reject")),
    ],
)  # fmt: skip
def test_statements_the_messages_name_on_real_databases(
    loader: Loader, name: str, statement: str, outcomes: tuple[str, str]
) -> None:
    """The swap and the upsert the messages name, over rows (1, 'a') and (2, 'b'), on each real
    database: they part the sides exactly where the message says."""
    case = case_named(name)
    conn = loader.held("rows")
    got = []
    for side in ("a", "b"):
        with loader.load("postgresql", case.sql(side)) as handle:
            try:  # SET LOCAL: the held connection keeps no search_path past COMMIT
                conn.execute(f"SET LOCAL search_path TO {handle}, public")
                conn.execute("INSERT INTO p VALUES (1, 'a'), (2, 'b')")
                conn.execute(statement.encode())
                conn.commit()
                got.append("ok")
            except psycopg.Error:
                got.append("reject")
            finally:
                conn.rollback()
    assert tuple(got) == outcomes


def _metadata(deferrable: bool) -> sa.MetaData:
    """A metadata module's tables: a UNIQUE and a primary key, DEFERRABLE (INITIALLY DEFERRED
    for the UNIQUE) or not."""
    metadata = sa.MetaData()
    options: dict[str, Any] = {"deferrable": True} if deferrable else {}
    sa.Table(
        "list_items",
        metadata,
        sa.Column("list_id", sa.Integer, nullable=False),
        sa.Column("pos", sa.Integer, nullable=False),
        sa.Column("tag", sa.Text),
        sa.PrimaryKeyConstraint("list_id", "pos", name="list_items_pkey", **options),
        sa.UniqueConstraint(
            "tag", name="list_items_tag", **({"initially": "DEFERRED"} if deferrable else {})
        ),
    )
    return metadata


def test_metadata_module_reads_deferral() -> None:
    """``UniqueConstraint(..., initially="DEFERRED")`` is DEFERRABLE INITIALLY DEFERRED (as
    PostgreSQL reads it), ``PrimaryKeyConstraint(..., deferrable=True)`` a DEFERRABLE key."""
    table = from_metadata(_metadata(True), "postgresql").tables["list_items"]
    assert (table.primary_key_deferrable, table.primary_key_initially_deferred) == (True, False)
    (rule,) = table.uniques
    assert (rule.deferrable, rule.initially_deferred) == (True, True)
    plain = from_metadata(_metadata(False), "postgresql").tables["list_items"]
    assert not plain.primary_key_deferrable and not plain.uniques[0].deferrable


def test_a_sqlite_module_s_deferral_is_read_as_sqlite_checks_it() -> None:
    """SQLite checks every UNIQUE and primary key row by row and refuses DEFERRABLE in their
    DDL: a SQLite module that declares one is read as SQLite has it, so it differs from a
    PostgreSQL module's deferred rule instead of matching it (stranger39)."""
    sqlite_side = make_canonical(from_metadata(_metadata(True), "sqlite"), None)
    table = sqlite_side.tables["list_items"]
    assert not table.primary_key_deferrable and not table.uniques[0].deferrable
    pg_side = make_canonical(from_metadata(_metadata(True), "postgresql"), None)
    found = compare(Side(sqlite_side, "sl", "sl"), Side(pg_side, "pg", "pg"), layer="models")
    assert {"unique", "primary_key"} <= {d.kind for d in found.differences}, found.differences


@pytest.mark.parametrize("deferrable", [True, False])
def test_metadata_module_against_the_database_it_creates(loader: Loader, deferrable: bool) -> None:
    """A module compared with the PostgreSQL database its DDL creates is in sync; against the
    database of the other module (deferrable or not) it differs in both rules."""
    module = make_canonical(from_metadata(_metadata(deferrable), "postgresql"), None)
    for ddl_deferrable, expected in (
        (deferrable, set()),
        (not deferrable, {"unique", "primary_key"}),
    ):
        ddl = ";\n".join(
            str(sa.schema.CreateTable(t).compile(dialect=postgresql.dialect()))
            for t in _metadata(ddl_deferrable).sorted_tables
        )
        with loader.load("postgresql", ddl) as handle:
            live = make_canonical(loader.schema("postgresql", handle, "live"), None)
        found = compare(Side(module, "models", "models"), Side(live, "live", "live"), layer="diff")
        assert {d.kind for d in found.differences} == expected, found.differences


def test_a_revision_writes_a_deferrable_primary_key() -> None:
    """Alembic renders a primary key's name only: a revision that creates the table would build
    a NOT DEFERRABLE key, a difference from its own module at once. ``render_item`` writes it
    with its deferral (a plain key is left to Alembic)."""
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops

    from twinschema.alembic_env import render_item

    code = {
        deferrable: render_python_code(
            ops.UpgradeOps(
                ops=[ops.CreateTableOp.from_table(_metadata(deferrable).tables["list_items"])]
            ),
            render_item=render_item,
        )
        for deferrable in (True, False)
    }
    assert (
        "sa.PrimaryKeyConstraint('list_id', 'pos', name='list_items_pkey', deferrable=True)"
        in code[True]
    ), code[True]
    assert "initially='DEFERRED'" in code[True]  # the UNIQUE: Alembic's own rendering
    assert "sa.PrimaryKeyConstraint('list_id', 'pos', name='list_items_pkey')" in code[False]
