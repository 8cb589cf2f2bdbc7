"""The rows of PostgreSQL's ``try_rows`` (``pg_backend``) in few statements instead of one or
more per row (about two thirds of the golden corpus's round trips were these).

A row the plain table refuses is refused for a value one of its columns refuses: the table has
no constraint across columns, and each value is cast to its column's type on its own. So each
distinct value is first inserted alone into a table of its column's type only (``refused``),
and the rows holding a refused value get their outcome from it without a statement of their
own. The other rows go in chunks, one multi-row INSERT each, which PostgreSQL casts row by row
to the columns' types as a one-row INSERT; its RETURNING gives each row's CHECK in the order of
the rows. Every chunk is sent in one pipeline (``pg_pipeline``); the rows of a chunk that fails
(a CHECK's expression failing on a row) are each tried alone, again in one pipeline. Each value,
chunk and row is undone after it (``pg_pipeline.alone``): its verdict is all that is read, no
row meets another in these tables, and a failure then costs no round trip of its own (the two
slowest golden cases took about 10,600 round trips each, one per row failing alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.evaluate.pg_pipeline import Pipe, Statement, Tried
from twinschema.evaluate.statements import check_insert_sql, type_sql
from twinschema.model import ColumnType

Row = tuple[Any, ...]
Columns = Sequence[tuple[str, ColumnType]]
# A chunk has this many rows first, twice as many as the one before, up to the most (and to a
# bound on psycopg's 65,535 parameters): a chunk that fails sends its rows again one by one.
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


def refused(
    pipe: Pipe,
    columns: Columns,
    rows: Sequence[Row],
    known: Known | None = None,
    head: Sequence[bytes] = (),
) -> dict[tuple[int, tuple[str, str]], str]:
    """Each distinct value of ``rows`` its column's table refuses alone: (column, value) ->
    the SQLSTATE of the refusal. A NULL is tried too (a domain may be NOT NULL). With
    ``known``, a value a column of pg_catalog's type already met is not tried again. ``head``
    (the savepoint) is sent with the first statement. Each value is inserted as its own
    statement, undone after it, all in one round trip (``pg_pipeline.Pipe.alone``)."""
    inserts = [
        check_insert_sql(columns[i : i + 1], "%s", f"twinschema_value_{i}").encode()
        for i in range(len(columns))
    ]
    fixed = [False] * len(columns)
    if known is not None:  # whether each column's type, as the session resolves it now, is
        # pg_catalog's (an enum made for the run in the temporary schema, searched first, is not)
        names = [type_sql(ctype) for _, ctype in columns]
        (got,) = pipe.attempts([[(_CATALOG_TYPES, (names,))]], head)
        if got.failed is None and got.rows[0] is not None:
            fixed = [row[0] is True for row in got.rows[0]]
        head = ()
    shared = [type_sql(ctype) if fixed[i] else None for i, (_, ctype) in enumerate(columns)]
    codes: dict[tuple[int, tuple[str, str]], str | None] = {}
    asked: dict[Any, int] = {}  # what each unit asks: (column, value), or (type, value) shared
    units: list[list[Statement]] = []
    later: dict[tuple[int, tuple[str, str]], Any] = {}  # answered by the unit asking this
    for row in rows:
        for i, value in enumerate(row):
            key = (i, _key(value))
            if key in codes or key in later:
                continue
            typed = shared[i]
            if typed is not None and known is not None and (typed, key[1]) in known:
                codes[key] = known[(typed, key[1])]
                continue
            ask = (typed, key[1]) if typed is not None else key
            if ask not in asked:
                asked[ask] = len(units)
                units.append([(inserts[i], (value,))])
            later[key] = ask
    tried = pipe.alone(units, head)
    for key, ask in later.items():
        got = tried[asked[ask]]
        code = None if got.failed is None else (got.sqlstate or "")
        codes[key] = code
        if known is not None and isinstance(ask[0], str):
            known[ask] = code
    return {key: code for key, code in codes.items() if code is not None}


def try_all(
    pipe: Pipe,
    sql: tuple[Columns, str, str],
    rows: Sequence[Row],
    errors_reject: bool,
    outcome: dict[int, bool | None],
    known: Known | None = None,
    head: Sequence[bytes] = (),
) -> None:
    """The outcome of each of ``rows`` (by its index into ``outcome``): ``sql`` is the
    columns, the plain table's one-row INSERT and its RETURNING clause (the CHECK). True
    where the plain table stores it and its CHECK is not false, False where that is false, or
    a domain's CHECK refuses it (or, with ``errors_reject``, the CHECK fails on a row the
    plain table stores), else None. A row with a value its column refuses is settled by that
    value (``refused``); the others go in chunks, all in one pipeline, and the rows of a
    chunk that fails are each tried alone (``_alone``). ``known``, ``head``: see ``refused``."""
    columns, plain, returning = sql
    bad = refused(pipe, columns, rows, known, head)
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
    marks = plain[plain.rindex(" VALUES ") + 8 :]
    parts, size, done = [], min(FIRST, most), 0
    while done < len(kept):
        parts.append(kept[done : done + size])
        done += len(parts[-1])
        size = min(size * 2, most)
    units = [
        [((plain + f", {marks}" * (len(part) - 1) + returning).encode(), chunk_params(part, rows))]
        for part in parts
    ]
    alone: list[int] = []
    tried: dict[int, Tried] = {}
    for part, got in zip(parts, pipe.alone(units), strict=True):
        checks = got.rows[0] if got.failed is None else None
        if checks is not None and len(checks) == len(part):
            outcome.update((n, c[0] is not False) for n, c in zip(part, checks, strict=True))
            continue
        if len(part) == 1:  # a chunk of one row is that row's INSERT alone
            tried[part[0]] = got
        alone += part
    _alone(pipe, (plain, returning), rows, (alone, errors_reject), outcome, tried)


def _alone(
    pipe: Pipe,
    sql: tuple[str, str],
    rows: Sequence[Row],
    which: tuple[list[int], bool],
    outcome: dict[int, bool | None],
    tried: dict[int, Tried],
) -> None:
    """The rows ``which`` names (indexes into ``rows``, and ``errors_reject``) each alone,
    as ``try_all`` has them (``tried`` holds those already tried): its INSERT into the plain
    table with the CHECK returned, and, where the CHECK fails on a row and ``errors_reject``
    asks, the INSERT without it, to tell a CHECK failing (False) from a row the columns
    refuse (None); each set in one round trip (``pg_pipeline.Pipe.alone``)."""
    alone, errors_reject = which
    plain, returning = sql
    checked = (plain + returning).encode()
    asked = [n for n in alone if n not in tried]
    tried.update(zip(asked, pipe.alone([[(checked, rows[n])] for n in asked]), strict=True))
    follow = []
    for n in alone:
        got = tried[n]
        if got.failed is None:
            first = got.rows[0][0] if got.rows[0] else None
            outcome[n] = first is None or first[0] is not False
        elif got.sqlstate == _DOMAIN_CHECK or not errors_reject:
            outcome[n] = False if got.sqlstate == _DOMAIN_CHECK else None
        else:  # the CHECK's expression failed on a row the columns may store
            follow.append(n)
    stored = pipe.alone([[(plain.encode(), rows[n])] for n in follow])
    for n, got in zip(follow, stored, strict=True):
        outcome[n] = False if got.failed is None else None


def chunk_params(part: Sequence[int], rows: Sequence[Row]) -> list[Any]:
    """The parameters of one multi-row INSERT of the rows ``part`` (indexes into ``rows``)."""
    return [v for n in part for v in rows[n]]
