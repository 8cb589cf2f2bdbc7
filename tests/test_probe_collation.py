"""Probe rows judged against a CHECK run with the column's collation (stranger round 5, item
W): a SQLite column declared COLLATE NOCASE makes ``s IN ('a','b')`` and ``s <> 'x'`` compare
without ASCII case, so a witness printed for such a CHECK is one real SQLite gives. The verdicts
and their rows on both real databases are the golden cases ``sl-pg.check-nocase-column-*``;
this file checks the witness the message prints, and the probe table on each dialect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from probes import Loader, case_named, compare_case

from twinschema.evaluate.backends import Backend
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.sqlite_backend import SQLiteBackend
from twinschema.evaluate.statements import probe_column
from twinschema.model import Collation, Column, ColumnType


@pytest.fixture(scope="module")
def pg_url(pg_server: str) -> Iterator[str]:
    from support.testing import scratch_database

    with scratch_database(pg_server, prefix="collation") as url:
        yield url


@pytest.fixture(scope="module")
def loader(pg_url: str) -> Iterator[Loader]:
    found = Loader(pg_url)
    try:
        yield found
    finally:
        found.close()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sl-pg.check-nocase-column-not-equal", "X"),
        ("sl-pg.check-nocase-column-in-vs-lower-near-miss", "A"),
    ],
)
def test_the_witness_printed_is_what_the_real_databases_do(
    loader: Loader, name: str, value: str
) -> None:
    """The witness of the CHECK difference is the row the case's rows show on real SQLite and
    PostgreSQL (``test_probes.test_witness``), not one judged without the column's NOCASE."""
    case = case_named(name)
    (found,) = [d for d in compare_case(loader, case).differences if d.kind == "check"]
    witness = f"witness (s) = ('{value}'): SQLite rejects, PostgreSQL accepts"
    assert witness in found.message, found.message
    assert case.witness is not None
    rows = [r for r in case.witness["rows"] if r["row"]["s"] == value]
    assert [(r["a"], r["b"]) for r in rows] == [("reject", "accept")]


def _column(dialect: str, collation: str | None) -> Column:
    text = ColumnType(dialect, "text", raw="TEXT" if dialect == "sqlite" else "text")
    return Column("s", text, collation=None if collation is None else Collation(collation))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, pg_url: str) -> Iterator[tuple[str, Backend]]:
    dialect: str = request.param
    made: Any = SQLiteBackend() if dialect == "sqlite" else PostgreSQLBackend(pg_url, "test")
    try:
        yield dialect, made
    finally:
        made.close()


# A collation each scratch database has, and a row it judges unlike the default collation
# where it can (PostgreSQL's built-in collations all tell every two values apart: "C" is
# only shown to be declared and used).
_OWN = {
    "sqlite": ("NOCASE", "s = 'a'", ("A",), [True]),
    "postgresql": ("C", "s < 'b'", ("B",), [True]),
}


def test_the_probe_table_declares_the_columns_collation(backend: tuple[str, Backend]) -> None:
    dialect, found = backend
    collation, check, row, accepted = _OWN[dialect]
    assert found.try_rows([probe_column(_column(dialect, collation))], check, [row]) == accepted
    if dialect == "sqlite":  # without NOCASE, SQLite's own default rejects 'A'
        assert found.try_rows([probe_column(_column(dialect, None))], check, [row]) == [False]


def test_a_collation_the_scratch_database_lacks_is_not_judged(
    backend: tuple[str, Backend],
) -> None:
    """A collation of the user's that the scratch database lacks: no verdict on any row (the
    pair is not evaluated), never one judged as if the column had no collation."""
    dialect, found = backend
    column = _column(dialect, "app_folding")
    assert found.try_rows([probe_column(column)], "s <> 'x'", [("X",), ("x",)]) == [None, None]
