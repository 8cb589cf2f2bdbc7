"""The enum types a PostgreSQL run makes (``pg_backend._enum_types``) are that run's alone: they
go with its rollback even where making them is the run's first statement, so a later run with an
enum of the same name but other labels, or the same labels in another order, meets its own
labels (the two sides of a PostgreSQL-to-PostgreSQL check share one evaluator)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.model import ColumnType


@pytest.fixture(scope="module")
def backend(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    with scratch_backend(pg_server, "enumscratch") as backend:
        yield backend


def _mood(raw: str, *labels: str) -> list[tuple[str, ColumnType]]:
    return [("x", ColumnType("postgresql", raw.split(".")[-1], values=labels, raw=raw))]


@pytest.mark.parametrize("raw", ["mood", "app.mood"])
def test_each_run_meets_its_own_labels(backend: PostgreSQLBackend, raw: str) -> None:
    rows = [("c",), ("a",)]
    # 'c' is a label of the first and third runs' enum, not of the second's: refused there.
    assert backend.try_rows(_mood(raw, "a", "c"), "x IS NOT NULL", rows) == [True, True]
    assert backend.try_rows(_mood(raw, "a", "b"), "x IS NOT NULL", rows) == [None, True]
    assert backend.try_rows(_mood(raw, "a", "c"), "x IS NOT NULL", rows) == [True, True]


def test_each_run_meets_its_own_label_order(backend: PostgreSQLBackend) -> None:
    check, rows = "x < 'b'", [("a",), ("b",)]
    assert backend.try_rows(_mood("mood", "b", "a"), check, rows) == [False, False]
    assert backend.try_rows(_mood("mood", "a", "b"), check, rows) == [True, False]
    assert backend.try_rows(_mood("mood", "b", "a"), check, rows) == [False, False]


def test_no_type_or_schema_outlives_its_run(backend: PostgreSQLBackend) -> None:
    backend.try_rows(_mood("mood", "a"), "x IS NOT NULL", [("a",)])
    backend.try_rows(_mood("app.mood", "a"), "x IS NOT NULL", [("a",)])
    assert backend.read(b"SELECT 1 FROM pg_type WHERE typname = 'mood'") == []
    assert backend.read(b"SELECT 1 FROM pg_namespace WHERE nspname = 'app'") == []
