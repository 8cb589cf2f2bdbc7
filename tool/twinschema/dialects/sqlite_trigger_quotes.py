"""A SQLite trigger's double-quoted tokens, each settled by SQLite itself as a name or as text.

As in a view (``sqlite_quoted``), SQLite reads ``"x"`` in a trigger as the column x where one is
in scope and as the text 'x' where none is, so ``SET s = "x"`` is ``SET s = 'x'`` when the
updated table has no column x, and ``SET s = "X"`` is another trigger. A trigger's body compiles
only inside a statement that fires it, so SQLite is asked on an in-memory copy of the database's
tables and views (their CREATE statements, no rows; the checked file is never written): the
trigger is created there alone and the statement that fires it (``INSERT INTO t DEFAULT
VALUES``, ``UPDATE t SET c = c, ...`` over every column, ``DELETE FROM t``) is EXPLAINed, its
program holding the trigger's; then each rewrite of the tokens likewise, taken when the programs
are the same (``sqlite_quoted.settled``: backticks for a name, single quotes for text). The
programs are compared without the schema cookie the ``Transaction`` opcode checks (each CREATE
TRIGGER changes it) and without the comments SQLite's tracing prints (the trigger's text as
written).

A trigger that does not compile there (one naming a virtual table, which is not copied), one
whose firing statement's program does not hold it (``UPDATE OF`` a column no UPDATE sets: every
rewrite would compile alike), of a shape not read, or past ``_MAX_TRIES`` compilations keeps its
remaining tokens as written, compared with their case kept: never a false "in sync". Double
quotes in the head alone (name, table, ``UPDATE OF`` columns) are names: no copy is needed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from twinschema.definitions import spans
from twinschema.dialects.sqlite_explain import Program, try_program
from twinschema.dialects.sqlite_quoted import settled
from twinschema.sql_names import quoted

# Past this many compilations a trigger keeps its remaining double-quoted tokens as written.
_MAX_TRIES = 64
# Operands that name no value: the schema cookie a Transaction checks, tracing comments.
_COOKIE_OPCODES = frozenset({"Transaction"})
_COMMENT_OPCODES = frozenset({"Init", "Trace"})


def trigger_texts(master: Sequence[Sequence[Any]]) -> dict[str, str]:
    """Each trigger of ``master`` (``sqlite_master`` rows) holding a double-quote, by name: its
    statement with each double-quoted token SQLite reads as a name in backticks and each it reads
    as text in single quotes (the others as written). A trigger SQLite cannot compile on the
    copy is left out (compared as written)."""
    triggers = [
        (str(name), str(table), str(sql))
        for kind, name, table, sql in master
        if kind == "trigger" and sql and '"' in str(sql)
    ]
    if not triggers:
        return {}
    # No statement cache: each candidate changes the schema, and a cached EXPLAIN is not
    # prepared again (it would show the trigger compiled first).
    conn = sqlite3.connect(":memory:", cached_statements=0)
    copied: list[bool] = []

    def copy() -> sqlite3.Connection:  # the schema is copied once, when a body needs it
        if not copied:
            _copy_schema(conn, master)
            copied.append(True)
        return conn

    try:
        texts: dict[str, str] = {}
        for name, table, sql in triggers:
            try:
                text = _settled(copy, name, table, sql)
            except (sqlite3.Error, RecursionError):
                continue
            if text is not None:
                texts[name] = text
        return texts
    finally:
        conn.close()


def _copy_schema(conn: sqlite3.Connection, master: Sequence[Sequence[Any]]) -> None:
    """The ordinary tables and the views of ``master`` created on ``conn`` (what fails is left
    out: a trigger naming it then does not compile)."""
    for kind, name, _table, sql in master:
        text = str(sql or "")
        own = str(name).lower().startswith("sqlite_")  # sqlite_sequence: SQLite makes it
        if kind == "table" and text and not own and text[:21].upper() != "CREATE VIRTUAL TABLE ":
            _create(conn, text)
    pending = [str(sql) for kind, _name, _table, sql in master if kind == "view" and sql]
    while pending:  # a view may name one stored after it
        left = [sql for sql in pending if not _create(conn, sql)]
        if len(left) == len(pending):
            break
        pending = left


def _create(conn: sqlite3.Connection, sql: str) -> bool:
    try:
        conn.execute(sql)
    except sqlite3.Error:
        return False
    return True


def _settled(copy: Callable[[], sqlite3.Connection], name: str, table: str, sql: str) -> str | None:
    shape = _shape(sql)
    if shape is None:
        return None
    event, start = shape
    if '"' not in sql[start:]:  # names in the head only (``UPDATE OF "S"``): nothing to compile
        return settled(sql, start, [], lambda _body, _program: False)
    conn = copy()
    fire = _firing(conn, event, table)
    written = _program(conn, name, sql, fire)
    if written is None:
        return None
    tries = 0

    def same(body: str, expected: Program) -> bool:
        nonlocal tries
        tries += 1
        return tries <= _MAX_TRIES and _program(conn, name, sql[:start] + body, fire) == expected

    return settled(sql, start, written, same)


def _program(conn: sqlite3.Connection, name: str, sql: str, fire: str) -> Program | None:
    """The program of ``fire`` with the trigger ``sql`` alone on its table, without the operands
    that change with no meaning; None when either fails to compile or the program does not hold
    the trigger's (an ``UPDATE OF`` a column no UPDATE sets: every rewrite would compile alike)."""
    drop = "DROP TRIGGER IF EXISTS " + quoted(name)
    try:
        conn.execute(drop)
        conn.execute(sql)
    except sqlite3.Error:
        return None
    try:
        found = try_program(conn, fire)
    finally:
        conn.execute(drop)
    if found is None or not any(
        row[1] == "Init" and row[5] == f"-- TRIGGER {name}" for row in found
    ):
        return None
    return [_plain(row) for row in found]


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An EXPLAIN row (addr, opcode, p1, p2, p3, p4, p5, comment) without its cookie or
    tracing comment."""
    if row[1] in _COOKIE_OPCODES:
        return (*row[:4], None, *row[5:])
    if row[1] in _COMMENT_OPCODES:
        return (*row[:5], None, *row[6:])
    return row


def _firing(conn: sqlite3.Connection, event: str, table: str) -> str:
    """A statement on ``table`` that fires its ``event`` triggers (an UPDATE sets every column,
    so any ``UPDATE OF`` list fires)."""
    target = quoted(table)
    if event == "insert":
        return f"INSERT INTO {target} DEFAULT VALUES"
    if event == "delete":
        return f"DELETE FROM {target}"
    names = [str(row[0]) for row in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]
    sets = ", ".join(f"{quoted(n)} = {quoted(n)}" for n in names)
    return f"UPDATE {target} SET {sets}"


def _shape(sql: str) -> tuple[str, int] | None:
    """The event of ``CREATE [TEMP] TRIGGER [IF NOT EXISTS] name [BEFORE | AFTER | INSTEAD OF]
    event ... ON table`` and where its WHEN or BEGIN starts (all before is names and keywords),
    or None when the statement is not of that shape."""
    tokens = spans(sql, True)
    words = [sql[a:b].lower() if g == "word" else sql[a:b] for g, a, b in tokens]
    words += [""] * 12  # past the end: no index below reaches further

    i = 2 if words[1] in ("temp", "temporary") else 1
    if words[0] != "create" or words[i] != "trigger":
        return None
    i += 4 if words[i + 1 : i + 4] == ["if", "not", "exists"] else 1
    i += 3 if words[i + 1] == "." else 1  # past the name, schema-qualified or not
    if words[i] in ("before", "after"):
        i += 1
    elif words[i : i + 2] == ["instead", "of"]:
        i += 2
    event = words[i]
    if event not in ("insert", "update", "delete"):
        return None
    for (group, at, _end), word in zip(tokens[i + 1 :], words[i + 1 :], strict=False):
        if group == "word" and word in ("when", "begin"):
            return event, at
    return None
