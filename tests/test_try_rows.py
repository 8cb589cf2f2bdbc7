"""PostgreSQL's ``try_rows`` tries all its rows in one transaction after one savepoint, rolled
back to after each failing row or chunk of rows (``pg_chunks``, ``pg_backend._tried``; the
long sequences are ``test_try_rows_chunks``'s): each row's verdict is the one it gets
tried alone, whatever rows come before it (stored, refused by the CHECK, failing in its
expression, or out of the column's range). The CHECK is read back (``RETURNING``) from a plain
table's insert: false refuses, NULL passes, as the CHECK table itself does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.statements import probe_column
from twinschema.model import Column, ColumnType


@pytest.fixture(scope="module")
def backend(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    with scratch_backend(pg_server, "tryrows") as backend:
        yield backend


COLUMNS = [probe_column(Column("x", ColumnType("postgresql", "integer", raw="integer")))]
CHECK = "10 / x < 6"
# 5 is stored; 0 fails in the expression (division by zero), a row the column stores; 1 is
# refused by the CHECK; NULL passes it; 2^40 is refused by the column itself.
ROWS = [(5,), (0,), (1,), (2,), (None,), (2**40,), (3,), (1,), (0,), (4,)]


@pytest.mark.parametrize("errors_reject", [True, False])
def test_each_row_gets_its_verdict_alone(backend: PostgreSQLBackend, errors_reject: bool) -> None:
    together = backend.try_rows(COLUMNS, CHECK, ROWS, errors_reject)
    alone = [backend.try_rows(COLUMNS, CHECK, [row], errors_reject)[0] for row in ROWS]
    assert together == alone
    failed = False if errors_reject else None  # 0: the expression's error
    assert together == [True, failed, False, True, True, None, True, False, failed, True]


TEXT_COLUMNS = [probe_column(Column("s", ColumnType("postgresql", "varchar", raw="varchar(3)")))]
# '%' and '_' in the CHECK's own text are LIKE's, not placeholders; NULL passes the CHECK; 'abcd'
# is refused by varchar(3) itself.
TEXT_CHECK = "s LIKE '%b' OR s = '_'"
TEXT_ROWS = [("ab",), ("a",), ("_",), (None,), ("abcd",), ("%b",), ("b",), ("x",)]


@pytest.mark.parametrize("errors_reject", [True, False])
def test_the_check_read_back_is_the_check_tables_verdict(
    backend: PostgreSQLBackend, errors_reject: bool
) -> None:
    found = backend.try_rows(TEXT_COLUMNS, TEXT_CHECK, TEXT_ROWS, errors_reject)
    assert found == [True, False, True, True, None, True, True, False]
    assert backend.try_rows(TEXT_COLUMNS, "s >", TEXT_ROWS[:2], errors_reject) == [None, None]
    # A CHECK of a bare literal is read as a boolean, as the CHECK table reads it.
    assert backend.try_rows(TEXT_COLUMNS, "'f'", TEXT_ROWS[:2], errors_reject) == [False, False]
    assert backend.try_rows(TEXT_COLUMNS, "'t'", TEXT_ROWS[:2], errors_reject) == [True, True]
