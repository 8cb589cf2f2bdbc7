"""When a foreign key is checked, across dialects and within one (stranger round 26, item 6).

SQLite checks every key at each statement unless it is DEFERRABLE INITIALLY DEFERRED, and defers
every key (declared so or not) after ``PRAGMA defer_foreign_keys = ON``; PostgreSQL checks a key
at each statement unless INITIALLY DEFERRED, and defers the DEFERRABLE ones after ``SET
CONSTRAINTS ALL DEFERRED``. Across dialects only INITIALLY DEFERRED counts (no transaction issues
both statements); between two PostgreSQL sources DEFERRABLE against NOT DEFERRABLE counts too.
The cases are golden probe cases (``tests/fixtures/probes``); here their messages, and what the
real databases do with a transaction that inserts a row before the row it references, with and
without the statement that defers keys on demand.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
from probes import Loader, case_named, compare_expected

from twinschema.records.dialects import KEYS_DEFERRED_ON_DEMAND


@pytest.mark.parametrize(
    ("name", "said", "unsaid"),
    [
        # A bare SQLite DEFERRABLE is INITIALLY IMMEDIATE, never shown as NOT DEFERRABLE.
        ("sl-pg.fk-deferrable-vs-initially-deferred-near-miss",
         "INITIALLY IMMEDIATE vs DEFERRABLE INITIALLY DEFERRED: an INITIALLY DEFERRED key is "
         "checked at COMMIT", "NOT DEFERRABLE"),
        ("sl-pg.fk-not-deferrable-initially-deferred-near-miss",
         "INITIALLY IMMEDIATE vs DEFERRABLE INITIALLY DEFERRED", "NOT DEFERRABLE"),
        ("sl-pg.fk-initially-deferred",
         "DEFERRABLE INITIALLY DEFERRED vs INITIALLY IMMEDIATE", "NOT DEFERRABLE"),
        # Within PostgreSQL: the statement that parts them is named.
        ("pg-pg.fk-deferrable-immediate",
         "DEFERRABLE vs NOT DEFERRABLE: after SET CONSTRAINTS ALL DEFERRED a transaction may "
         "break the DEFERRABLE key until COMMIT", "checked at COMMIT"),
        ("pg-pg.fk-initially-deferred",
         "checked at COMMIT", "after SET CONSTRAINTS"),
    ],
)  # fmt: skip
def test_what_parts_two_keys_is_said(loader: Loader, name: str, said: str, unsaid: str) -> None:
    found = compare_expected(loader, name)
    (fk,) = [d for d in found.differences if d.kind == "foreign_key"]
    assert said in fk.message, fk.message
    assert unsaid not in fk.message, fk.message


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.fk-deferrable-immediate",
        "sl-pg.fk-deferrable-initially-immediate-vs-plain",
        "sl-pg.fk-plain-vs-deferrable-initially-immediate",
        "sl-sl.fk-deferrable-immediate-same",
        "pg-pg.fk-not-deferrable-spelled",
    ],
)
def test_keys_checked_at_each_statement_are_equal(loader: Loader, name: str) -> None:
    assert compare_expected(loader, name).differences == []


def _child_first(loader: Loader, dialect: str, handle: Any, on_demand: bool) -> str:
    """``commit`` or ``reject``: a transaction that inserts a child row (c) before its parent
    (p), after the dialect's statement that defers keys on demand when ``on_demand``."""
    statements = [KEYS_DEFERRED_ON_DEMAND[dialect][0]] if on_demand else []
    statements += ["INSERT INTO c (id, pid) VALUES (1, 7)", "INSERT INTO p (id) VALUES (7)"]
    if dialect == "sqlite":
        assert isinstance(handle, sqlite3.Connection)
        handle.execute("BEGIN")
        try:
            for statement in statements:
                handle.execute(statement)
            handle.execute("COMMIT")
        except sqlite3.Error:
            return "reject"
        finally:
            if handle.in_transaction:
                handle.execute("ROLLBACK")
        handle.execute("PRAGMA defer_foreign_keys = OFF")
        handle.execute("DELETE FROM c")
        handle.execute("DELETE FROM p")
        return "commit"
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        for statement in [*statements, "SET CONSTRAINTS ALL IMMEDIATE"]:  # the COMMIT's check
            conn.execute(statement.encode())
    except psycopg.Error:
        return "reject"
    finally:
        conn.rollback()
    return "commit"


@pytest.mark.parametrize(
    ("name", "plain", "on_demand"),
    [
        # Equal across: both reject without a statement; each defers by its own statement.
        ("sl-pg.fk-deferrable-immediate", ("reject", "reject"), ("commit", "commit")),
        ("sl-pg.fk-deferrable-initially-immediate-vs-plain", ("reject", "reject"),
         ("commit", "reject")),
        ("sl-pg.fk-plain-vs-deferrable-initially-immediate", ("reject", "reject"),
         ("commit", "commit")),
        # Near misses: INITIALLY DEFERRED on one side parts them without any statement.
        ("sl-pg.fk-deferrable-vs-initially-deferred-near-miss", ("reject", "commit"),
         ("commit", "commit")),
        ("sl-pg.fk-not-deferrable-initially-deferred-near-miss", ("reject", "commit"),
         ("commit", "commit")),
        # Within PostgreSQL, SET CONSTRAINTS parts DEFERRABLE from NOT DEFERRABLE.
        ("pg-pg.fk-deferrable-immediate", ("reject", "reject"), ("commit", "reject")),
        ("pg-pg.fk-not-deferrable-spelled", ("reject", "reject"), ("reject", "reject")),
    ],
)  # fmt: skip
def test_child_first_transactions_on_real_databases(
    loader: Loader, name: str, plain: tuple[str, str], on_demand: tuple[str, str]
) -> None:
    """What each real database does with a transaction that inserts the child row first,
    without and with its own statement that defers keys on demand: the verdicts above rest on
    these (a difference only where the plain transaction parts them, or, within one dialect,
    where the one statement does)."""
    case = case_named(name)
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        got_plain = (_child_first(loader, da, ha, False), _child_first(loader, db, hb, False))
        got_on_demand = (_child_first(loader, da, ha, True), _child_first(loader, db, hb, True))
    assert (got_plain, got_on_demand) == (plain, on_demand)
    claimed = bool(case.expect)
    parted = got_plain[0] != got_plain[1] or (da == db and got_on_demand[0] != got_on_demand[1])
    assert parted == claimed
