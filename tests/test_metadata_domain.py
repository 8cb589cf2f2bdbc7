"""A PostgreSQL DOMAIN declared in a metadata module reads as the PostgreSQL reader reads the
same domain from a database: base type, NOT NULL, DEFAULT and CHECKs (issue V3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import clean_env, invoke_cli

MODULE = """\
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
sa.Table(
    "film",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("release_year", postgresql.DOMAIN({args}, create_type=False)),
)
"""

YEAR = "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155)"
TABLE = "CREATE TABLE film (id integer PRIMARY KEY, release_year year)"


def diff(tmp_path: Path, pg_url: str, domain_args: str, *ddl: str) -> dict[str, object]:
    """``twinschema diff dmod:metadata <pg_url> --no-domain`` after ``ddl`` on ``pg_url``."""
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for statement in ddl:
            conn.exec_driver_sql(statement)
    engine.dispose()
    (tmp_path / "dmod.py").write_text(MODULE.format(args=domain_args), encoding="utf-8")
    args = ["diff", "dmod:metadata", pg_url, "--no-domain", "--format", "json"]
    result = invoke_cli(args, tmp_path, clean_env())
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    report["exit_code"] = result.returncode
    return report


@pytest.mark.parametrize(
    ("domain_args", "ddl"),
    [
        (
            '"year", sa.INTEGER(), constraint_name="year_check",'
            ' check="VALUE >= 1901 AND VALUE <= 2155"',
            YEAR,
        ),
        (
            '"code", sa.SmallInteger(), not_null=True, default="1", check="0 < VALUE"',
            "CREATE DOMAIN code AS smallint NOT NULL DEFAULT 1 CHECK (VALUE > 0)",
        ),
        ('"price", sa.Numeric(5, 2)', "CREATE DOMAIN price AS numeric(5,2)"),
        ('"label", sa.String(10), not_null=True', "CREATE DOMAIN label AS varchar(10) NOT NULL"),
    ],
    ids=["year", "not-null-default", "numeric", "varchar"],
)
def test_a_domain_declared_as_the_database_holds_it_is_no_difference(
    tmp_path: Path, pg_url: str, domain_args: str, ddl: str
) -> None:
    name = domain_args.split('"')[1]
    table = f"CREATE TABLE film (id integer PRIMARY KEY, release_year {name})"
    report = diff(tmp_path, pg_url, domain_args, ddl, table)
    assert report["exit_code"] == 0, json.dumps(report["differences"])
    assert report["differences"] == [], report


@pytest.mark.parametrize(
    "domain_args",
    [
        '"year", sa.INTEGER(), check="VALUE >= 1901 AND VALUE <= 2156"',
        '"year", sa.BIGINT(), check="VALUE >= 1901 AND VALUE <= 2155"',
        '"year", sa.INTEGER(), not_null=True, check="VALUE >= 1901 AND VALUE <= 2155"',
        '"year", sa.INTEGER()',
    ],
    ids=["check-bound", "base-type", "not-null", "no-check"],
)
def test_a_near_miss_domain_still_differs(tmp_path: Path, pg_url: str, domain_args: str) -> None:
    report = diff(tmp_path, pg_url, domain_args, YEAR, TABLE)
    assert report["exit_code"] == 1, report
    differences = report["differences"]
    # A domain that is not NOT NULL is compared as its base type with its CHECKs as the
    # table's (canonical/domains.py): the near miss is the column's type or a CHECK of film.
    assert isinstance(differences, list) and differences, differences
    assert all(d["table"] == "film" for d in differences), differences
    assert all(d["column"] in ("release_year", None) for d in differences), differences


def test_the_reader_keeps_a_domains_check_as_written_and_normalize_makes_it_canonical() -> None:
    """The metadata reader (a source) gives the CHECK as the DDL compiler writes it; normalize,
    where every expression is made canonical, rewrites it: ``0 < VALUE`` is ``c > 0``."""
    from sqlalchemy.dialects import postgresql

    from twinschema.canonical.normalize import canonicalize
    from twinschema.dialects import ReflectOptions
    from twinschema.sources.metadata import from_metadata

    metadata = sa.MetaData()
    code = postgresql.DOMAIN(
        "code", sa.SmallInteger(), not_null=True, default="1", check="0 < VALUE", create_type=False
    )
    sa.Table("film", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", code))
    raw = from_metadata(metadata, "postgresql", "dmod.py", ReflectOptions())
    assert raw.tables["film"].columns[1].type.definition == (
        "smallint NOT NULL DEFAULT 1 CHECK (0 < VALUE)"
    )
    # A NOT NULL domain is read as its base type, its NOT NULL kept apart (a subquery's NULL
    # passes it), its DEFAULT the column's and its CHECK the table's, canonical.
    made = canonicalize(raw).tables["film"]
    column = made.columns[1]
    assert (column.type.spelling(), column.not_null_domain, column.default) == (
        "smallint",
        "code",
        "1",
    )
    assert [c.expression for c in made.checks] == ["c > 0"]


# stranger66 005: a DOMAIN over a DOMAIN, as a module declares it and a database holds it.
AISLE = (
    "CREATE DOMAIN aisle_t AS integer NOT NULL DEFAULT 5 CHECK (VALUE > 0)",
    "CREATE DOMAIN aisle_t2 AS aisle_t CHECK (VALUE < 100)",
    "CREATE TABLE film (id integer PRIMARY KEY, release_year aisle_t2)",
)
NESTED = (
    '"aisle_t2", postgresql.DOMAIN("aisle_t", sa.INTEGER(), not_null=True, default="5",'
    ' check="VALUE > 0"), check="VALUE < 100"{outer}'
)


def test_a_domain_over_a_domain_declared_as_the_database_holds_it_is_no_difference(
    tmp_path: Path, pg_url: str
) -> None:
    """Each level's NOT NULL, DEFAULT and CHECK, read through both levels on both sides (the
    database's aisle_t2 took aisle_t's DEFAULT when it was made)."""
    report = diff(tmp_path, pg_url, NESTED.format(outer=""), *AISLE)
    assert report["exit_code"] == 0, json.dumps(report["differences"])


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        # the upper level's own DEFAULT is the column's, not the lower level's 5
        (NESTED.format(outer=', default="6"'), "column_default"),
        # the lower level's CHECK is compared: a bound one off differs
        (NESTED.format(outer="").replace("VALUE > 0", "VALUE > 1"), "check"),
        # the lower level's NOT NULL is read: without it the module's column takes NULL
        (NESTED.format(outer="").replace("not_null=True, ", ""), "column_nullable"),
    ],
    ids=["upper-default", "lower-check", "lower-not-null"],
)
def test_a_near_miss_domain_over_a_domain_still_differs(
    tmp_path: Path, pg_url: str, args: str, kind: str
) -> None:
    report = diff(tmp_path, pg_url, args, *AISLE)
    assert report["exit_code"] == 1, report
    differences = report["differences"]
    assert isinstance(differences, list)
    assert [d["kind"] for d in differences] == [kind], differences


def test_the_reader_reads_a_domain_over_a_domain_through_its_levels() -> None:
    """The base type below every level, NOT NULL of any level, the nearest level's DEFAULT and
    COLLATE, the CHECKs of every level: as the catalog query reads a database's."""
    from sqlalchemy.dialects import postgresql

    from twinschema.dialects import ReflectOptions
    from twinschema.sources.metadata import from_metadata

    metadata = sa.MetaData()
    low = postgresql.DOMAIN(
        "low", sa.String(8), collation="C", not_null=True, default="'a'", check="VALUE <> ''"
    )
    mid = postgresql.DOMAIN("mid", low, default="'b'", check="VALUE <> 'x'")
    top = postgresql.DOMAIN("top", mid, check="VALUE <> 'y'", create_type=False)
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", top))
    raw = from_metadata(metadata, "postgresql", "dmod.py", ReflectOptions())
    assert raw.tables["t"].columns[1].type.definition == (
        """character varying(8) COLLATE "C" NOT NULL DEFAULT 'b' """
        """CHECK (VALUE <> 'y') CHECK (VALUE <> 'x') CHECK (VALUE <> '')"""
    )
