"""The witness a difference names is run, as the message writes it, on the real databases of
each side, and does there what the message says (fuzz41 R9, fuzz42 items 2 and 7, stranger40 020).

The cases are golden probe cases (``tests/fixtures/probes``), whose own rows ``test_probes``
tries; here the statement text is taken from the message itself: bytes are spelled per side
(X'..' on SQLite, '\\x..'::bytea on PostgreSQL, where X'..' is a bit string a bytea column
refuses), a pair of rows never repeats a primary key both sides hold, and the statement named
for a rule's timing runs on the column's type. Near misses: two SQLite sources keep X'..'; an
integer column keeps its renumbering ``x + 1``; a reordered unique index is judged as the
same-order one, a reordered plain index stays a difference.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import psycopg
import pytest
from probes import Loader, case_named, case_warnings, compare_case, compare_expected

from twinschema.records import Comparison


def _run(loader: Loader, dialect: str, handle: Any, statements: list[str]) -> list[bool]:
    """Whether each of ``statements`` succeeds on a loaded side, run in order in one
    transaction (each in a savepoint of its own), rolled back at the end."""
    outcomes = []
    if dialect == "sqlite":
        conn: sqlite3.Connection = handle
        conn.execute("BEGIN")
        try:
            for statement in statements:
                conn.execute("SAVEPOINT s")
                try:
                    conn.execute(statement)
                    outcomes.append(True)
                except sqlite3.Error:
                    outcomes.append(False)
                    conn.execute("ROLLBACK TO s")
                conn.execute("RELEASE s")
        finally:
            conn.execute("ROLLBACK")
        return outcomes
    pg = loader.held("rows")
    pg.execute(f"SET search_path TO {handle}, public")
    try:
        for statement in statements:
            pg.execute("SAVEPOINT s")
            try:
                pg.execute(statement.encode())
                outcomes.append(True)
            except psycopg.Error:
                outcomes.append(False)
                pg.execute("ROLLBACK TO SAVEPOINT s")
    finally:
        pg.rollback()
    return outcomes


def _on_both(loader: Loader, name: str, statements: tuple[list[str], list[str]]) -> tuple[
    list[bool], list[bool]
]:  # fmt: skip
    """``statements`` (a's, b's) run on the real databases of the case's two sides."""
    case = case_named(name)
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        return _run(loader, da, ha, statements[0]), _run(loader, db, hb, statements[1])


def _message(found: Comparison, kind: str) -> str:
    (message,) = [d.message for d in found.differences if d.kind == kind]
    return message


def _per_side(values: str) -> tuple[str, str]:
    """The values of a witness for each side: ``(X'') on SQLite, ('\\x'::bytea) on PostgreSQL``
    names each, else both sides read the one text (``(X'')``)."""
    each = re.fullmatch(r"\((.*)\) on SQLite, \((.*)\) on PostgreSQL", values)
    if each is not None:
        return each.group(1), each.group(2)
    whole = re.fullmatch(r"\((.*)\)", values)
    assert whole is not None, values
    return whole.group(1), whole.group(1)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("pg-pg.check-one-sided-bytea-empty", "('\\x'::bytea)"),
        # Near miss: between two SQLite sources a blob is X'..'.
        ("sl-sl.eval-check-blob-length-lt-vs-le", "(X'78787878')"),
    ],
)
def test_a_check_witness_with_bytes_runs_as_written(loader: Loader, name: str, shown: str) -> None:
    """fuzz41 005: the witness ``(c) = (X'')`` was a bit string on PostgreSQL, refused by both
    tables; ``'\\x'::bytea`` is accepted by the side without the CHECK only."""
    message = _message(compare_expected(loader, name), "check")
    said = re.search(r"witness \((\w+)\) = (\(.*?\)): (a\.sql|b\.sql) (accepts|rejects)", message)
    assert said is not None, message
    column, values = said.group(1), said.group(2)
    assert values == shown, message
    a, b = _per_side(values)
    table = case_named(name).witness["table"]  # type: ignore[index]
    got = _on_both(
        loader,
        name,
        ([f"INSERT INTO {table} (id, {column}) VALUES (1, {a})"],
         [f"INSERT INTO {table} (id, {column}) VALUES (1, {b})"]),
    )  # fmt: skip
    claimed = re.search(r"a\.sql (accepts|rejects), b\.sql (accepts|rejects)", message)
    assert claimed is not None, message
    assert got == ([claimed.group(1) == "accepts"], [claimed.group(2) == "accepts"]), message


def test_a_unique_witness_with_bytes_is_written_per_side(loader: Loader) -> None:
    """fuzz41 024: two rows of empty bytes, X'' on SQLite and '\\x'::bytea on PostgreSQL:
    SQLite stores both, PostgreSQL refuses the second (not the first, as X'' was)."""
    name = "sl-pg.unique-one-sided-bytea"
    message = _message(compare_expected(loader, name), "unique")
    said = re.search(r"two rows with \(c\) = (.*?) and every other column apart", message)
    assert said is not None, message
    assert said.group(1) == "(X'') on SQLite, ('\\x'::bytea) on PostgreSQL", message
    a, b = _per_side(said.group(1))
    rows = "INSERT INTO t (id, c) VALUES ({}, {})"
    got = _on_both(
        loader,
        name,
        ([rows.format(1, a), rows.format(2, a)], [rows.format(1, b), rows.format(2, b)]),
    )
    assert got == ([True, True], [True, False]), message
    assert "SQLite stores both, PostgreSQL rejects the second as a duplicate" in message


@pytest.mark.parametrize(
    "name", ["pg-pg.unique-over-key-vs-coalesce-index", "sl-sl.unique-over-key-vs-coalesce-index"]
)
def test_no_witness_pair_repeats_the_primary_key(loader: Loader, name: str) -> None:
    """fuzz42 002: both rules hold the key; the pair (0, NULL) twice was named, which the key
    refuses on both sides. No pair the key lets in parts them: in sync, found on probes."""
    found = compare_expected(loader, name)
    assert not found.differences
    assert any(e.rule.startswith("equal on") for e in found.equivalences)


def test_a_witness_pair_over_other_columns_runs_as_written(loader: Loader) -> None:
    """Near miss of the above: over (y, x), x not the key, the pair is named, apart in its key,
    and b.sql refuses its second row only."""
    name = "pg-pg.unique-over-key-vs-coalesce-index-near-miss"
    message = _message(compare_expected(loader, name), "unique")
    said = re.search(
        r"witness \(([\w, ]+)\) = \((.*?)\) then \((.*?)\): a\.sql stores both", message
    )
    assert said is not None, message
    columns, first, second = said.groups()
    insert = f"INSERT INTO p (id, {columns}) VALUES ({{}}, {{}})"
    statements = [insert.format(1, first), insert.format(2, second)]
    got = _on_both(loader, name, (statements, statements))
    assert got == ([True, True], [True, False]), message


def test_a_deferral_the_key_settles_names_the_upsert(loader: Loader) -> None:
    """fuzz42 009: UNIQUE (y, id) DEFERRABLE beside the NOT DEFERRABLE key (id): the named
    renumbering failed on both sides (the key refuses it at once); the upsert that names (y, id)
    as its target fails on the DEFERRABLE side only, as the message says."""
    name = "sl-pg.unique-over-key-deferrable"
    message = _message(compare_expected(loader, name), "unique")
    assert "renumbering" not in message and "COMMIT" not in message, message
    said = re.search(
        r"\(INSERT INTO p \.\.\. (ON CONFLICT \(y, id\) DO NOTHING)\) fails in b\.sql", message
    )
    assert said is not None, message
    upsert = f"INSERT INTO p (id, y) VALUES (1, 1) {said.group(1)}"
    got = _on_both(loader, name, ([upsert, upsert], [upsert, upsert]))
    assert got == ([True, True], [False, False]), message


def test_a_deferral_nothing_parts_is_no_difference(loader: Loader) -> None:
    """Near miss: both rules DEFERRABLE beside the NOT DEFERRABLE key (id); what each statement
    the timing would name does, it does on both sides."""
    name = "pg-pg.unique-over-key-deferrable-vs-deferred-near-miss"
    compare_expected(loader, name)
    rows = ["INSERT INTO p VALUES (1, 1)", "INSERT INTO p VALUES (2, 1)"]
    statements = [
        *rows,
        "UPDATE p SET id = id + 1",
        "INSERT INTO p VALUES (3, 1) ON CONFLICT (y, id) DO NOTHING",
        "INSERT INTO p VALUES (1, 1)",
    ]
    a, b = _on_both(loader, name, (statements, statements))
    assert a == b == [True, True, False, False, False]


@pytest.mark.parametrize(
    ("name", "rows", "early"),
    [
        # fuzz42 010: x + 1 does not run on text; a swap of two rows' values does.
        ("pg-pg.unique-deferrable-text-column",
         ["INSERT INTO p VALUES (1, 'a')", "INSERT INTO p VALUES (2, 'b')"], "a.sql"),
        # Near miss: an integer column keeps the renumbering x + 1.
        ("pg-pg.unique-deferrable-vs-plain",
         ["INSERT INTO list_items (list_id, pos) VALUES (1, 1)",
          "INSERT INTO list_items (list_id, pos) VALUES (1, 2)"], "b.sql"),
    ],
)  # fmt: skip
def test_the_statement_named_for_a_timing_runs_on_the_column(
    loader: Loader, name: str, rows: list[str], early: str
) -> None:
    message = _message(compare_expected(loader, name), "unique")
    said = re.search(r"\((UPDATE .*?) over .*?\) fails in (a\.sql|b\.sql) only", message)
    assert said is not None, message
    update, failing = said.groups()
    assert failing == early
    a, b = _on_both(loader, name, ([*rows, update], [*rows, update]))
    assert (a[-1], b[-1]) == ((False, True) if early == "a.sql" else (True, False)), message
    if "text" in name:
        assert "+ 1" not in update, message


def test_a_reordered_unique_index_is_judged_as_the_same_order_one(loader: Loader) -> None:
    """stranger40 020: (customer_id, title) against (title, customer_id) was a difference whose
    witness, a uuid spelled in two letter cases, parts the same-order pair too (in sync there,
    a value_compatibility warning). Now both pairs are in sync with the same warnings."""
    reordered = compare_expected(loader, "sl-pg.unique-index-reordered-uuid")
    same = compare_expected(loader, "sl-pg.unique-index-same-order-uuid")
    assert not reordered.differences and not same.differences
    assert [e.rule for e in reordered.equivalences if e.table == "jobs" and e.column is None] == [
        "unique index elements in another order"
    ]

    def warned(name: str) -> list[str]:
        return sorted(w.message for w in case_warnings(loader, case_named(name)))

    assert warned("sl-pg.unique-index-reordered-uuid") == warned(
        "sl-pg.unique-index-same-order-uuid"
    )


def test_a_reordered_plain_index_stays_a_difference(loader: Loader) -> None:
    """Near miss: a plain index in another order serves other queries."""
    found = compare_case(loader, case_named("pg-pg.index-reordered-non-unique-near-miss"))
    (index,) = found.differences
    assert "its elements are (a, b) in a.sql, (b, a) in b.sql" in index.message


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("sl-pg.check-witness-timestamp-without-offset", "('2023-12-31 23:59:59.5')"),
        # Near miss: a timestamptz keeps the offset, which names the instant there.
        ("sl-pg.check-witness-timestamp-without-offset-near-miss", "('2023-12-31 23:59:59.5+00')"),
    ],
)
def test_a_timestamp_witness_has_no_offset_the_column_drops(
    loader: Loader, name: str, shown: str
) -> None:
    """stranger56 060/061: a witness of a timestamp column was written with the offset of the
    CHECK's literal ('2023-12-31 23:59:59.5+00'), which PostgreSQL's timestamp drops; it is
    written as the column stores it, and pasted into an INSERT on each side it does what the
    message says."""
    message = _message(compare_expected(loader, name), "check")
    said = re.search(r"witness \(at\) = (\(.*?\)): SQLite (\w+), PostgreSQL (\w+)", message)
    assert said is not None, message
    values, a, b = said.groups()
    assert values == shown, message
    insert = [f"INSERT INTO ev (id, at) VALUES (1, {values[1:-1]})"]
    got = _on_both(loader, name, (insert, insert))
    assert got == ([a == "accepts"], [b == "accepts"]), message
