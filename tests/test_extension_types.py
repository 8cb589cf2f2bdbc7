"""Extension types on real extensions (issue 15): pgvector on the embedded server, PostGIS on the
system's PostgreSQL 15 (``scripts/ensure-system-postgres.sh`` installs ``postgresql-15-postgis-3``).

Between two PostgreSQL databases an extension type is compared with its modifiers:
``vector(3)`` is not ``vector(2)``, ``geometry(Point,4326)`` is not ``geometry(Polygon,4326)``.
Across dialects, ``domain.yaml`` declares how the device stores one (``kind: vector`` with its
``dimensions``, ``kind: geometry`` with its ``geometry`` type and ``srid``, each with its accepted
``sqlite`` spellings), and the pair is compared against that declaration, not merely allowed.
Each verdict between servers is shown by a row that one side accepts and the other rejects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from support import systempg, testing
from support.testing import execute

from twinschema.compare import Side
from twinschema.dialects import ReflectOptions
from twinschema.domain_load import load_domain, parse_domain
from twinschema.errors import DomainError
from twinschema.layers.domaincheck import compare_domain
from twinschema.sources import make_canonical, reflect_url

# One worker runs every test on the system PostgreSQL (conftest's system_pg), started once.
pytestmark = pytest.mark.xdist_group("system-postgresql")

VECTOR = "CREATE EXTENSION IF NOT EXISTS vector;"
POSTGIS = "CREATE EXTENSION IF NOT EXISTS postgis;"


def run_diff(left: str, right: str, *options: str) -> tuple[int, dict[str, Any]]:
    """``twinschema diff LEFT RIGHT OPTIONS --format json``: exit code and report."""
    from twinschema.cli import cli

    result = CliRunner().invoke(
        cli, ["diff", left, right, *options, "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, report


def kinds(report: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(kind, column) of every difference, sorted."""
    return sorted((d["kind"], d["column"]) for d in report["differences"])


def outcome(url: str, statement: str) -> str:
    """``accept`` or ``reject``: what a real database does with ``statement`` (rolled back)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            try:
                conn.execute(sa.text(statement))
                return "accept"
            except sa.exc.DBAPIError:
                return "reject"
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def domain_file(tmp_path: Path, column: str) -> str:
    """A ``domain.yaml`` with table t (id, and ``column``, a YAML flow mapping for ``e``)."""
    path = tmp_path / "domain.yaml"
    path.write_text(
        f"version: 1\ntables:\n  t:\n    columns:\n      id: {{kind: integer}}\n      e: {column}\n",
        encoding="utf-8",
    )
    return str(path)


# ---------------------------------------------------------------------------------------------
# pgvector, on the embedded server


@pytest.fixture
def two_pg(pg_server: str) -> Iterator[tuple[str, str]]:
    """Two new databases on the embedded server, each with pgvector created."""
    with (
        testing.scratch_database(pg_server, prefix="vec") as a,
        testing.scratch_database(pg_server, prefix="vec") as b,
    ):
        execute(a, VECTOR)
        execute(b, VECTOR)
        yield a, b


def test_pgvector_is_available_on_the_embedded_server(two_pg: tuple[str, str]) -> None:
    """The input of the tests below: a real vector column that checks its dimensions."""
    a, _ = two_pg
    execute(a, "CREATE TABLE v (e vector(3))")
    assert outcome(a, "INSERT INTO v VALUES ('[1,2,3]')") == "accept"
    assert outcome(a, "INSERT INTO v VALUES ('[1,2]')") == "reject"


@pytest.mark.parametrize(
    ("a_type", "b_type", "expect"),
    [
        ("vector(3)", "vector(3)", []),
        ("vector(3)", "vector(2)", [("column_type", "e")]),
        ("vector(1536)", "vector(768)", [("column_type", "e")]),
        ("vector(3)", "vector", [("column_type", "e")]),
    ],
)
def test_pgvector_dimensions_between_postgresql_sources(
    two_pg: tuple[str, str], a_type: str, b_type: str, expect: list[tuple[str, str]]
) -> None:
    """Same dialect: the dimensions are part of the type, compared exactly."""
    a, b = two_pg
    execute(a, f"CREATE TABLE t (id integer PRIMARY KEY, e {a_type})")
    execute(b, f"CREATE TABLE t (id integer PRIMARY KEY, e {b_type})")
    code, report = run_diff(a, b, "--no-domain")
    assert kinds(report) == expect, report["differences"]
    assert code == (1 if expect else 0)
    for difference in report["differences"]:  # dimensions, never a length in characters
        assert "dimensions of t.e differ" in difference["message"], difference
        assert "characters" not in difference["message"], difference


def test_pgvector_dimensions_witness(two_pg: tuple[str, str]) -> None:
    """vector(3) rejects a 2-dimensional vector that vector(2) stores, and the other way round."""
    a, b = two_pg
    execute(a, "CREATE TABLE t (id integer PRIMARY KEY, e vector(3))")
    execute(b, "CREATE TABLE t (id integer PRIMARY KEY, e vector(2))")
    two = "INSERT INTO t VALUES (1, '[1,2]')"
    three = "INSERT INTO t VALUES (1, '[1,2,3]')"
    assert (outcome(a, two), outcome(b, two)) == ("reject", "accept")
    assert (outcome(a, three), outcome(b, three)) == ("accept", "reject")


@pytest.mark.parametrize(
    ("sqlite_type", "pg_type", "declared", "expect"),
    [
        ("BLOB", "vector(3)", "{kind: vector, dimensions: 3}", []),
        ("TEXT", "vector(3)", "{kind: vector, dimensions: 3, sqlite: [blob, text]}", []),
        ("BLOB", "vector(2)", "{kind: vector, dimensions: 3}", ["column_type"]),
        ("BLOB", "vector", "{kind: vector, dimensions: 3}", ["column_type"]),
        ("TEXT", "vector(3)", "{kind: vector, dimensions: 3}", ["column_type"]),
        ("BLOB", "vector(3)", "{kind: bytes}", ["column_type"]),
        ("BLOB", "vector(3)", None, ["column_type"]),
    ],
)
def test_pgvector_across_dialects_is_compared_with_its_declaration(
    tmp_path: Path,
    two_pg: tuple[str, str],
    sqlite_type: str,
    pg_type: str,
    declared: str | None,
    expect: list[str],
) -> None:
    """SQLite stores a vector as domain.yaml says; the server's dimensions must be the declared
    ones, and SQLite's spelling one of the accepted ones. Undeclared, the pair is a difference."""
    pg, _ = two_pg
    execute(
        pg, f"CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, e {pg_type})"
    )
    lite = testing.sqlite_file(
        tmp_path / "t.db", f"CREATE TABLE t (id INTEGER PRIMARY KEY, e {sqlite_type});"
    )
    options = ["--domain", domain_file(tmp_path, declared)] if declared else ["--no-domain"]
    code, report = run_diff(lite, pg, *options)
    assert [k for k, _ in kinds(report)] == expect, report["differences"]
    assert code == (1 if expect else 0)
    if not expect:
        rules = [e["rule"] for e in report["equivalences"]]
        assert "vector" in rules, report["equivalences"]


def test_pgvector_domain_layer_checks_the_declared_dimensions(
    tmp_path: Path, two_pg: tuple[str, str]
) -> None:
    """The domain layer alone (one database against domain.yaml) sees the wrong dimensions."""
    pg, _ = two_pg
    execute(pg, "CREATE TABLE t (id integer PRIMARY KEY, e vector(2))")
    domain = load_domain(domain_file(tmp_path, "{kind: vector, dimensions: 3}"))
    schema = make_canonical(reflect_url(pg, ReflectOptions()), domain)
    found = compare_domain(domain, Side(schema, "pg", "the database"))
    assert [(d.kind, d.column) for d in found.differences] == [("column_type", "e")]
    assert "vector(3)" in found.differences[0].message


# ---------------------------------------------------------------------------------------------
# PostGIS, on the system's PostgreSQL 15


@pytest.fixture(scope="module")
def postgis_server(system_pg: systempg.SystemServer) -> str:
    """The system PostgreSQL (not the embedded one), which has PostGIS installed."""
    control = Path(f"/usr/share/postgresql/{system_pg.major}/extension/postgis.control")
    if not control.exists():
        pytest.fail(
            f"PostGIS is not installed for PostgreSQL {system_pg.major}: run "
            "scripts/ensure-system-postgres.sh (Debian: postgresql-15-postgis-3)",
            pytrace=False,
        )
    return system_pg.url()


@pytest.fixture
def two_gis(postgis_server: str) -> Iterator[tuple[str, str]]:
    with (
        testing.scratch_database(postgis_server, prefix="gis") as a,
        testing.scratch_database(postgis_server, prefix="gis") as b,
    ):
        execute(a, POSTGIS)
        execute(b, POSTGIS)
        yield a, b


POINT = "INSERT INTO t VALUES (1, ST_GeomFromText('POINT(1 2)', 4326))"
SQUARE = "INSERT INTO t VALUES (1, ST_GeomFromText('POLYGON((0 0,0 1,1 1,1 0,0 0))', 4326))"
POINT_3857 = "INSERT INTO t VALUES (1, ST_GeomFromText('POINT(1 2)', 3857))"


@pytest.mark.parametrize(
    ("a_type", "b_type", "expect", "row", "witness"),
    [
        ("geometry(Point,4326)", "geometry(Point,4326)", [], POINT, ("accept", "accept")),
        (
            "geometry(Point,4326)",
            "geometry(Polygon,4326)",
            [("column_type", "e")],
            SQUARE,
            ("reject", "accept"),
        ),
        (
            "geometry(Point,4326)",
            "geometry(Point,3857)",
            [("column_type", "e")],
            POINT_3857,
            ("reject", "accept"),
        ),
        ("geometry(Point,4326)", "geometry", [("column_type", "e")], SQUARE, ("reject", "accept")),
    ],
)
def test_postgis_geometry_between_postgresql_sources(
    two_gis: tuple[str, str],
    a_type: str,
    b_type: str,
    expect: list[tuple[str, str]],
    row: str,
    witness: tuple[str, str],
) -> None:
    """Same dialect: a geometry's type and SRID are part of its type; a row shows each verdict."""
    a, b = two_gis
    execute(a, f"CREATE TABLE t (id integer PRIMARY KEY, e {a_type})")
    execute(b, f"CREATE TABLE t (id integer PRIMARY KEY, e {b_type})")
    code, report = run_diff(a, b, "--no-domain")
    assert kinds(report) == expect, report["differences"]
    assert code == (1 if expect else 0)
    assert (outcome(a, row), outcome(b, row)) == witness


@pytest.mark.parametrize(
    ("sqlite_type", "pg_type", "declared", "expect"),
    [
        ("TEXT", "geometry(Point,4326)", "{kind: geometry, geometry: Point, srid: 4326}", []),
        ("BLOB", "geometry(Point,4326)", "{kind: geometry, geometry: point, srid: 4326}", []),
        ("BLOB", "geometry", "{kind: geometry}", []),
        (
            "TEXT",
            "geometry(Polygon,4326)",
            "{kind: geometry, geometry: Point, srid: 4326}",
            ["column_type"],
        ),
        (
            "TEXT",
            "geometry(Point,3857)",
            "{kind: geometry, geometry: Point, srid: 4326}",
            ["column_type"],
        ),
        (
            "TEXT",
            "geometry(Point,4326)",
            "{kind: geometry, geometry: Point, srid: 4326, sqlite: blob}",
            ["column_type"],
        ),
        ("TEXT", "geometry(Point,4326)", None, ["column_type"]),
    ],
)
def test_postgis_geometry_across_dialects_is_compared_with_its_declaration(
    tmp_path: Path,
    two_gis: tuple[str, str],
    sqlite_type: str,
    pg_type: str,
    declared: str | None,
    expect: list[str],
) -> None:
    """SQLite stores a geometry as domain.yaml says (WKT text or a WKB blob); the server's
    geometry type and SRID must be the declared ones."""
    pg, _ = two_gis
    execute(
        pg, f"CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, e {pg_type})"
    )
    lite = testing.sqlite_file(
        tmp_path / "t.db", f"CREATE TABLE t (id INTEGER PRIMARY KEY, e {sqlite_type});"
    )
    options = ["--domain", domain_file(tmp_path, declared)] if declared else ["--no-domain"]
    code, report = run_diff(lite, pg, *options)
    assert [k for k, _ in kinds(report)] == expect, report["differences"]
    assert code == (1 if expect else 0)
    if expect and declared and "srid" in declared and "sqlite" not in declared:
        (difference,) = report["differences"]
        assert "geometry type or SRID of t.e differs" in difference["message"], difference


# ---------------------------------------------------------------------------------------------
# domain.yaml: the declaration itself (loader and JSON schema agree)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "tool" / "twinschema" / "domain.schema.json"


def _domain_text(column: str) -> str:
    return f"version: 1\ntables:\n  t:\n    columns:\n      e: {column}\n"


@pytest.mark.parametrize(
    ("column", "storage"),
    [
        ("{kind: vector, dimensions: 1536}", ("vector", ("blob",), 1536, None, None)),
        (
            "{kind: vector, dimensions: 3, sqlite: [BLOB, text]}",
            ("vector", ("blob", "text"), 3, None, None),
        ),
        (
            "{kind: geometry, geometry: Point, srid: 4326}",
            ("geometry", ("blob", "text"), None, "point", 4326),
        ),
        ("{kind: geometry, sqlite: TEXT}", ("geometry", ("text",), None, None, None)),
    ],
)
def test_extension_declarations_load(column: str, storage: tuple[Any, ...]) -> None:
    """Each accepted declaration, as the loader reads it and as the JSON schema accepts it."""
    import jsonschema
    import yaml

    declared = parse_domain(_domain_text(column)).tables["t"].columns["e"].storage
    assert declared is not None
    got = (declared.kind, declared.sqlite, declared.dimensions, declared.geometry, declared.srid)
    assert got == storage
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(_domain_text(column)), schema)


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("{kind: text, dimensions: 3}", "'dimensions' needs kind vector"),
        ("{kind: vector, srid: 4326}", "'srid' needs kind geometry"),
        ("{kind: bytes, sqlite: [blob]}", "'sqlite' needs kind vector or geometry"),
        ("{kind: vector, dimensions: many}", "must be a whole number"),
        ("{kind: geometry, geometry: 'Point; DROP'}", "must be a PostGIS type name"),
        ("{kind: geometry, sqlite: []}", "must name a SQLite type"),
    ],
)
def test_bad_extension_declarations_name_their_line(column: str, message: str) -> None:
    """A wrong declaration is one DomainError naming the file and line, never a traceback."""
    with pytest.raises(DomainError) as raised:
        parse_domain(_domain_text(column), "d.yaml")
    assert message in str(raised.value)
    assert str(raised.value).startswith("d.yaml:5")
