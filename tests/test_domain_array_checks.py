"""stranger67 009: a PostgreSQL domain over an array has its CHECKs compared by meaning, as the
same CHECKs written on a column are, and every message prints PostgreSQL's own text for them
(1-based subscripts, ANY / ALL on the right as PostgreSQL reads them).

Each pair of SQL files is compared as ``twinschema diff a.sql b.sql`` does, in process; the text a
message prints is made a domain on a real PostgreSQL database and takes and refuses the user's
rows as the domain it was printed from does."""

from __future__ import annotations

import json
from contextlib import chdir
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from twinschema.canonical.domains import domain_parts
from twinschema.canonical.expressions import canonical
from twinschema.cli import cli

GRID_A = "array_ndims(VALUE) = 3 AND cardinality(VALUE) <= 8"
GRID_B = (
    "array_ndims(VALUE) = 3 AND "
    "array_length(VALUE,1)*array_length(VALUE,2)*array_length(VALUE,3) <= 8"
)
# The user's rows (cases/009/repro.sh): 2x2x2, 2x2x3, empty, lower bound 0 with -1, {{{-1}}}.
ROWS = (
    "{{{1,2},{3,4}},{{5,6},{7,8}}}",
    "{{{1,2,3},{3,4,5}},{{5,6,7},{7,8,9}}}",
    "{}",
    "[0:1][0:1][0:1]={{{-1,2},{3,4}},{{5,6},{7,8}}}",
    "{{{-1}}}",
    "{{{1,NULL}}}",
    "{{{0,-1}}}",
)


def _diff(tmp_path: Path, a: str, b: str, *more: str) -> Result:
    (tmp_path / "a.sql").write_text(a)
    (tmp_path / "b.sql").write_text(b)
    args = ["diff", "--no-color", "--no-domain", "--dialect-a", "postgresql"]
    with chdir(tmp_path):
        return CliRunner().invoke(
            cli, [*args, "--dialect-b", "postgresql", "a.sql", "b.sql", *more]
        )


def _pg(pg_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True)


def _domains(check_a: str, check_b: str) -> tuple[str, str]:
    table = "CREATE TABLE scans (id int PRIMARY KEY, g d);"
    return (
        f"CREATE DOMAIN d AS float8[] CHECK ({check_a});\n{table}",
        f"CREATE DOMAIN d AS float8[] CHECK ({check_b});\n{table}",
    )


def _stored(conn: psycopg.Connection[Any], domain: str, row: str) -> bool:
    """True when real PostgreSQL stores ``row`` as a value of ``domain``."""
    try:
        with conn.transaction():
            conn.execute(f"SELECT %s::{domain}", (row,))
    except psycopg.errors.CheckViolation:
        return False
    return True


@pytest.mark.parametrize(
    ("check_a", "check_b"),
    [(GRID_A, GRID_B), ("VALUE[1][1][1] >= 0", "VALUE[1][1][1] >= 0 AND true")],
)
def test_domain_array_checks_alike_are_in_sync(
    tmp_path: Path, pg_url: str, check_a: str, check_b: str
) -> None:
    """The pairs of stranger67 009, a column_type difference, are evaluated and in sync; real
    PostgreSQL takes and refuses the user's rows alike through both domains."""
    result = _diff(tmp_path, *_domains(check_a, check_b))
    assert result.exit_code == 0, result.output
    assert "evaluated 1 pair(s)" in result.output, result.output
    with _pg(pg_url) as conn:
        conn.execute(f"CREATE DOMAIN da AS float8[] CHECK ({check_a})")
        conn.execute(f"CREATE DOMAIN db AS float8[] CHECK ({check_b})")
        for row in ROWS:
            assert _stored(conn, "da", row) == _stored(conn, "db", row), row


@pytest.mark.parametrize(
    ("check_a", "check_b"),
    [
        ("VALUE[1][1][1] >= 0", "VALUE[1][1][2] >= 0"),
        (GRID_A, GRID_A.replace("<= 8", "<= 9")),
        ("NOT (1 = ANY (VALUE))", "1 <> ANY (VALUE)"),
    ],
)
def test_domain_array_checks_near_misses_differ_by_a_witness(
    tmp_path: Path, pg_url: str, check_a: str, check_b: str
) -> None:
    """Near misses: another element, another bound, NOT pushed into ANY (1 <> ALL, not 1 <> ANY)
    differ as a CHECK difference whose witness real PostgreSQL takes through one domain only."""
    result = _diff(tmp_path, *_domains(check_a, check_b), "--format", "json")
    assert result.exit_code == 1, result.output
    (difference,) = json.loads(result.stdout)["differences"]
    assert difference["kind"] == "check", difference
    witness = difference["witness"]
    assert witness is not None, difference
    (value,) = witness["values"]
    with _pg(pg_url) as conn:
        conn.execute(f"CREATE DOMAIN da AS float8[] CHECK ({check_a})")
        conn.execute(f"CREATE DOMAIN db AS float8[] CHECK ({check_b})")
        stored = (_stored(conn, "da", str(value)), _stored(conn, "db", str(value)))
        assert stored == (witness["accepts"] == "left", witness["accepts"] == "right"), witness


# coalesce(...) = 3 refuses NULL and is not known to pass it: the domain stays in its type (a
# plain VALUE IS NOT NULL is the domain's NOT NULL, stranger68 016).
FOLDED = (
    "coalesce(array_ndims(VALUE), 0) = 3 AND NOT (NULL = ANY (VALUE)) AND VALUE[1][1][1] >= 0",
    "coalesce(array_ndims(VALUE), 0) = 3 AND 0 <= ALL (VALUE) AND 1 < SOME (VALUE)",
)


def test_a_folded_domain_prints_postgresql_text(tmp_path: Path, pg_url: str) -> None:
    """A domain kept in its type (a CHECK refusing NULL) prints its CHECKs as PostgreSQL text:
    never ``value[-1]``, ``(ANY value)`` or ``all(value) >= 0``. Each side's printed definition,
    made a domain on real PostgreSQL, takes and refuses the user's rows as the original does."""
    result = _diff(tmp_path, *_domains(*FOLDED), "--format", "json")
    assert result.exit_code == 1, result.output
    (difference,) = json.loads(result.stdout)["differences"]
    assert difference["kind"] == "column_type", difference
    for bad in ("[-1]", "[0]", "(ANY value)", "all(value)"):
        assert bad not in result.stdout, result.stdout
    with _pg(pg_url) as conn:
        for at, (side, original) in enumerate(zip(("left", "right"), FOLDED, strict=True)):
            spelled = str(difference[side])
            parts = domain_parts(spelled[spelled.index("(") + 1 : -1])
            assert parts is not None and parts.checks, spelled
            printed = " ".join(f"CHECK ({c})" for c in parts.checks)
            conn.execute(f"CREATE DOMAIN printed{at} AS {parts.base} {printed}")
            conn.execute(f"CREATE DOMAIN original{at} AS float8[] CHECK ({original})")
            for row in ROWS:
                same = _stored(conn, f"printed{at}", row) == _stored(conn, f"original{at}", row)
                assert same, (spelled, row)


@pytest.mark.parametrize(
    "check",
    [
        "VALUE[1][1][1] >= 0",
        "VALUE[0] > 0",
        "NOT (NULL = ANY (VALUE))",
        "1 < ANY (VALUE)",
        "0 <= ALL (VALUE)",
        "x <> ALL (SELECT y FROM t)",
    ],
)
def test_canonical_text_is_postgresql_text_read_again_alike(check: str) -> None:
    """The canonical text of a PostgreSQL CHECK is read back by PostgreSQL's parser as itself
    (the domain's CHECKs are canonical text read again: ``VALUE[1]`` was ``value[-1]``)."""
    text = canonical("postgresql", check).text
    assert canonical("postgresql", text).text == text
    assert "[-" not in text and "(ANY value)" not in text and "all(" not in text, text
