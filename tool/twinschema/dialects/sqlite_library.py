"""Facts of the SQLite library this process links, asked of an in-memory database: what an
expression means can depend on the library's version (``json_valid(NULL)`` is 0 on 3.40, a
number's text rendering), and the library itself is the one authority on it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import cache
from typing import Any


@cache
def answer(select: str) -> Any:
    """The one value ``select`` returns on an in-memory SQLite database (asked once)."""
    with closing(sqlite3.connect(":memory:")) as conn:
        return conn.execute(select).fetchone()[0]


def json_valid_passes_null() -> bool:
    """Whether ``CHECK (json_valid(c))`` lets a NULL through: 3.40's ``json_valid(NULL)`` is 0
    (the CHECK rejects NULL), where a NULL result would pass."""
    return bool(answer("SELECT json_valid(NULL) IS NULL"))


def text_of_number(literal: str) -> str | None:
    """What SQLite renders a plain number literal as (``CAST(007 AS TEXT)`` is '7')."""
    found = answer(f"SELECT CAST({literal} AS TEXT)")
    return None if found is None else str(found)


@cache
def stores_as_number(text: str) -> bool:
    """Whether a column of NUMERIC affinity stores the text ``text`` as a number: SQLite's own
    rule ('12', ' 1.5e3' yes; '1_000', '٣', '0x10' no, though Python's int() takes the first
    two)."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE n (v NUMERIC)")
        conn.execute("INSERT INTO n VALUES (?)", (text,))
        return bool(conn.execute("SELECT typeof(v) <> 'text' FROM n").fetchone()[0])
