"""What SQLite compiles a statement to (``EXPLAIN``: opcodes and operands, nothing run): the one
test every SQLite rewrite pass shares (parentheses and double-quoted tokens in ``sqlite_views``
and ``sqlite_quoted``, NULL tests in ``sqlite_view_nulls``, trigger bodies in
``sqlite_trigger_quotes``). A rewritten text is taken only when it compiles to the program the
text as written compiles to; one that fails to compile is never the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Program = list[tuple[Any, ...]]
Edit = TypeVar("Edit")


def program(conn: sqlite3.Connection, statement: str) -> Program:
    """What SQLite compiles ``statement`` to (raises ``sqlite3.Error`` when it does not)."""
    return [tuple(row) for row in conn.execute("EXPLAIN " + statement).fetchall()]


def try_program(conn: sqlite3.Connection, statement: str) -> Program | None:
    """What SQLite compiles ``statement`` to, or None when it does not compile."""
    try:
        return program(conn, statement)
    except sqlite3.Error:
        return None


def same(conn: sqlite3.Connection, statement: str, expected: Program) -> bool:
    """Whether ``statement`` compiles to ``expected`` (False when it does not compile)."""
    return try_program(conn, statement) == expected


def kept_edits(
    text: str,
    edits: Sequence[Edit],
    made: Callable[[str, Sequence[Edit]], str],
    holds: Callable[[str], bool],
    budget: int,
) -> tuple[str, int]:
    """``text`` with all ``edits`` made (``made``) when ``holds`` says so of the result (most
    often: one compilation), else with each edit it says so of, tried one at a time in the order
    given on the text so far; and how many times ``holds`` was asked (at most ``budget``: the
    edits left then are not made)."""
    tries = 1
    candidate = made(text, edits)
    if holds(candidate):
        return candidate, tries
    for one in edits:
        if tries >= budget:
            break
        tries += 1
        candidate = made(text, [one])
        if holds(candidate):
            text = candidate
    return text, tries
