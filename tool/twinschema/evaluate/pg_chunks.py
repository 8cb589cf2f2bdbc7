"""The rows of PostgreSQL's ``try_rows`` (``pg_backend``) in few statements instead of one or
more per row (about two thirds of the golden corpus's round trips were these).

A row the plain table refuses is refused for a value one of its columns refuses: the table has
no constraint across columns, and each value is cast to its column's type on its own. So each
distinct value is first inserted alone into a table of its column's type only (``refused``),
and the rows holding a refused value get their outcome from it without a statement of their
own. The other rows go in chunks, one multi-row INSERT each, which PostgreSQL casts row by row
to the columns' types as a one-row INSERT; its RETURNING gives each row's CHECK in the order of
the rows. A chunk that fails (a CHECK's expression failing on a row) is tried again in two
halves, down to the row, which the caller's one-row path (``tried``) settles. A failure rolls
back to the savepoint, rows stored before it too: no row meets another in these tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from twinschema.evaluate.statements import check_insert_sql, type_sql
from twinschema.model import ColumnType

Row = tuple[Any, ...]
Columns = Sequence[tuple[str, ColumnType]]
# A chunk has this many rows first, twice as many after one that went in whole, up to the most
# (and to a bound on psycopg's 65,535 parameters); a quarter after one that failed.
FIRST, _MOST, _PARAMETERS = 8, 256, 30_000
_DOMAIN_CHECK = "23514"  # check_violation: a domain's CHECK refused the value


def _key(value: Any) -> tuple[str, str]:
    return type(value).__name__, repr(value)


def holds(bad: dict[tuple[int, tuple[str, str]], str], row: Row) -> bool:
    """Whether ``row`` holds a value ``refused`` found its column refuses."""
    return any((i, _key(v)) in bad for i, v in enumerate(row))


def most_rows(width: int) -> int:
    """The most rows of ``width`` values a chunk has."""
    return max(1, min(_MOST, _PARAMETERS // max(1, width)))


def value_tables_sql(columns: Columns) -> list[bytes]:
    """One temporary table per column, of its type alone (made before the savepoint)."""
    return [
        f'CREATE TEMP TABLE twinschema_value_{i} ("{name}" {type_sql(ctype)})'.encode()
        for i, (name, ctype) in enumerate(columns)
    ]


# What values the columns of a type PostgreSQL ships (pg_catalog's: their input and casts are
# fixed, where a domain's CHECK or an enum's labels can change) refused alone, kept by the
# backend over its runs at one TimeZone: (the type as written, the value) -> the SQLSTATE of
# the refusal, None where it was stored.
Known = dict[tuple[str, tuple[str, str]], str | None]
_CATALOG_TYPES = (
    b"SELECT t.typnamespace = 'pg_catalog'::regnamespace FROM unnest(%s::text[])"
    b" WITH ORDINALITY AS n (name, k) LEFT JOIN pg_type t ON t.oid = to_regtype(n.name)"
    b" ORDER BY n.k"
)


def _catalog_types(conn: Any, cursor: Any, undo: bytes, columns: Columns) -> list[bool]:
    """Whether each column's type, as the session resolves it now, is pg_catalog's (an enum
    made for the run in the temporary schema, searched first, is not)."""
    import psycopg

    names = [type_sql(ctype) for _, ctype in columns]
    try:
        found = cursor.execute(_CATALOG_TYPES, (names,), prepare=False).fetchall()
    except psycopg.Error:
        conn.execute(undo)
        return [False] * len(columns)
    return [row[0] is True for row in found]


def refused(
    conn: Any,
    cursor: Any,
    undo: bytes,
    columns: Columns,
    rows: Sequence[Row],
    known: Known | None = None,
) -> dict[tuple[int, tuple[str, str]], str]:
    """Each distinct value of ``rows`` its column's table refuses alone: (column, value) ->
    the SQLSTATE of the refusal. A NULL is tried too (a domain may be NOT NULL). With
    ``known``, a value a column of pg_catalog's type already met is not tried again."""
    import psycopg

    found: dict[tuple[int, tuple[str, str]], str] = {}
    seen: set[tuple[int, tuple[str, str]]] = set()
    inserts = [
        check_insert_sql(columns[i : i + 1], "%s", f"twinschema_value_{i}").encode()
        for i in range(len(columns))
    ]
    fixed = _catalog_types(conn, cursor, undo, columns) if known is not None else []
    shared = [
        type_sql(ctype) if fixed and fixed[i] else None for i, (_, ctype) in enumerate(columns)
    ]
    for row in rows:
        for i, value in enumerate(row):
            key = (i, _key(value))
            if key in seen:
                continue
            seen.add(key)
            typed = shared[i]
            if typed is not None and known is not None and (typed, key[1]) in known:
                code = known[(typed, key[1])]
            else:
                code = None
                try:
                    cursor.execute(inserts[i], (value,), prepare=False)
                except psycopg.Error as exc:
                    code = getattr(exc, "sqlstate", None) or ""
                    conn.execute(undo)
                if known is not None and typed is not None:
                    known[(typed, key[1])] = code
            if code is not None:
                found[key] = code
    return found


def try_all(
    conn: Any,
    cursor: Any,
    undo: bytes,
    sql: tuple[Columns, str, str],
    rows: Sequence[Row],
    tried: Callable[[Row], bool | None],
    outcome: dict[int, bool | None],
    known: Known | None = None,
) -> None:
    """The outcome of each of ``rows`` (by its index into ``outcome``) as ``tried`` (the
    one-row path) gives it: ``sql`` is the columns, the plain table's one-row INSERT and its
    RETURNING clause (the CHECK). A row with a value its column refuses is False where a
    domain's CHECK refused it, else None, as ``tried`` has it. ``known``: see ``refused``."""
    columns, plain, returning = sql
    bad = refused(conn, cursor, undo, columns, rows, known)
    kept = []
    for n, row in enumerate(rows):
        codes = (bad.get((i, _key(v))) for i, v in enumerate(row))
        code = next((c for c in codes if c is not None), None)
        if code is None:
            kept.append(n)
        else:  # the first column refusing it, as the row's INSERT casts them in order
            outcome[n] = False if code == _DOMAIN_CHECK else None
    # statement_timestamp() is a statement's own time: one row a statement, as before.
    most = 1 if "statement_timestamp" in returning.lower() else _MOST
    most = min(most, most_rows(len(columns)))
    size, marks = min(FIRST, most), plain[plain.rindex(" VALUES ") + 8 :]
    done = 0
    while done < len(kept):
        part = kept[done : done + size]
        whole = _halved(conn, cursor, undo, (plain, marks, returning), part, rows, tried, outcome)
        done += len(part)
        size = min(size * 2, most) if whole else max(size // 4, 1)


def _halved(
    conn: Any,
    cursor: Any,
    undo: bytes,
    sql: tuple[str, str, str],
    part: list[int],
    rows: Sequence[Row],
    tried: Callable[[Row], bool | None],
    outcome: dict[int, bool | None],
) -> bool:
    """The rows ``part`` (indexes into ``rows``) in one INSERT ... RETURNING, or, that failing,
    in two halves, down to one row (``tried``); True when they went in at once."""
    import psycopg

    if len(part) == 1:
        outcome[part[0]] = tried(rows[part[0]])
        return False
    plain, marks, returning = sql
    text = plain + f", {marks}" * (len(part) - 1) + returning
    try:
        got = cursor.execute(text.encode(), [v for n in part for v in rows[n]], prepare=False)
        checks = got.fetchall()
    except psycopg.Error:
        conn.execute(undo)
    else:
        if len(checks) == len(part):
            outcome.update((n, c[0] is not False) for n, c in zip(part, checks, strict=True))
            return True
    half = len(part) // 2
    _halved(conn, cursor, undo, sql, part[:half], rows, tried, outcome)
    _halved(conn, cursor, undo, sql, part[half:], rows, tried, outcome)
    return False
