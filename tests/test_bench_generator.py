"""The benchmark's schema generator (bench/generate.py): on real databases, a generated schema is
what it claims to be, so the benchmark times a comparison of equal things that hold every object
kind it is meant to exercise. No timing here: speed is the benchmark's job.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from twinschema.compare import Side, compare  # noqa: E402
from twinschema.dialects import ReflectOptions  # noqa: E402
from twinschema.model import NO_ACTION, Schema  # noqa: E402
from twinschema.sources import make_canonical, reflect_url  # noqa: E402
from twinschema.sources.metadata import from_metadata  # noqa: E402

N = 6
OPTIONS = ReflectOptions()


def _build(dialect: str, url: str, tmp_path: Path) -> None:
    metadata = generate.metadata_for(dialect, generate.describe(N))
    if dialect == "sqlite":
        generate.create_sqlite(tmp_path / "test.db", metadata)
    else:
        generate.create_postgresql(url, metadata)


def test_the_description_is_seeded() -> None:
    assert generate.describe(50) == generate.describe(50)
    assert generate.describe(50) != generate.describe(50, seed=1)
    assert [spec.name for spec in generate.describe(3)] == ["t00000", "t00001", "t00002"]


def test_the_live_database_equals_its_metadata(dialect: str, db_url: str, tmp_path: Path) -> None:
    """The benchmark asserts the same: the live layer finds no difference."""
    _build(dialect, db_url, tmp_path)
    metadata = generate.metadata_for(dialect, generate.describe(N))
    live = make_canonical(reflect_url(db_url, OPTIONS), None)
    model = make_canonical(from_metadata(metadata, dialect, "generated", OPTIONS), None)
    result = compare(Side(model, "metadata", "m"), Side(live, "live", "l"), layer="live")
    assert result.differences == []
    assert sorted(live.tables) == [spec.name for spec in generate.describe(N)]


def test_the_two_live_databases_agree(pg_url: str, sqlite_url: str, tmp_path: Path) -> None:
    """SQLite and PostgreSQL hold the same design in their native types."""
    _build("sqlite", sqlite_url, tmp_path)
    _build("postgresql", pg_url, tmp_path)
    left = make_canonical(reflect_url(sqlite_url, OPTIONS), None)
    right = make_canonical(reflect_url(pg_url, OPTIONS), None)
    result = compare(Side(left, "sqlite", "s"), Side(right, "postgresql", "p"), layer="live")
    assert result.differences == []
    assert {e.rule for e in result.equivalences} >= {"uuid", "timestamptz", "json", "boolean"}


def _kinds(schema: Schema) -> None:
    for table in schema.tables.values():
        assert 12 <= len(table.columns) <= 13, table.name
        assert 1 <= len(table.foreign_keys) <= 2, table.name
        assert any(len(index.expressions) > 1 for index in table.indexes), table.name
        assert any(index.where for index in table.indexes), table.name
        assert any(len(unique.columns) > 1 for unique in table.uniques), table.name
        assert any("quantity" in check.expression for check in table.checks), table.name
    actions = {fk.on_delete for t in schema.tables.values() for fk in t.foreign_keys}
    assert actions - {NO_ACTION}, "no foreign key with an ON DELETE action"


def test_each_object_kind_is_there(dialect: str, db_url: str, tmp_path: Path) -> None:
    """FKs with ON DELETE actions, composite and partial indexes, unique and check, reflected."""
    _build(dialect, db_url, tmp_path)
    _kinds(reflect_url(db_url, OPTIONS))


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_native_types_on_each_side(dialect_name: str) -> None:
    metadata = generate.metadata_for(dialect_name, generate.describe(N))
    schema = from_metadata(metadata, dialect_name)
    names = {c.name: c.type.name for c in schema.tables["t00001"].columns}
    if dialect_name == "postgresql":
        assert names["id"] == "uuid"
        assert names["created_at"] == "timestamp with time zone"
        assert names["payload"] == "jsonb"
        assert names["is_active"] == "boolean"
        assert names["counter"] == "bigint"
    else:
        assert names["id"] == names["created_at"] == names["payload"] == "text"
        assert names["is_active"] == names["counter"] == "integer"
        checks = [c.expression for c in schema.tables["t00001"].checks]
        assert "is_active IN (0, 1)" in checks
    assert names["amount"] == "numeric"


# What ``create_all`` built, one row per object, as each database prints it back.
_SQLITE_CATALOG = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
_PG_CATALOG = """
SELECT 'column', c.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
       || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
ORDER BY 1, 2
"""


def _catalog(dialect: str, url: str) -> list[tuple[object, ...]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            query = _SQLITE_CATALOG if dialect == "sqlite" else _PG_CATALOG
            return [tuple(row) for row in conn.exec_driver_sql(query)]
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_the_scripted_build_is_what_create_all_builds(
    dialect_name: str, pg_server: str, tmp_path: Path
) -> None:
    """``create_sqlite`` and ``create_postgresql`` send ``generate.ddl``'s statements as scripts
    (``create_all`` sent one round trip per statement, three per table): the databases they build
    hold exactly what ``create_all`` builds, object by object as the catalog prints it back. The
    near miss: another seed's schema (other CHECK bounds, lengths, actions) prints otherwise."""
    import sqlalchemy as sa

    from twinschema import testing

    def built(seed: int, scripted: bool, name: str) -> list[tuple[object, ...]]:
        metadata = generate.metadata_for(dialect_name, generate.describe(N, seed))

        def create_all(url: str) -> None:
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.begin() as conn:
                metadata.create_all(conn, checkfirst=False)
            engine.dispose()

        if dialect_name == "sqlite":
            url = testing.sqlite_url(tmp_path / f"{name}.db")
            if scripted:
                generate.create_sqlite(tmp_path / f"{name}.db", metadata)
            else:
                create_all(url)
            return _catalog(dialect_name, url)
        with testing.scratch_database(pg_server, f"gen_{name}") as url:
            if scripted:
                generate.create_postgresql(url, metadata)
            else:
                create_all(url)
            return _catalog(dialect_name, url)

    by_create_all = built(generate.SEED, False, "create_all")
    assert len(by_create_all) >= 5 * N  # at least each table, its keys and its two indexes
    assert built(generate.SEED, True, "scripted") == by_create_all
    assert built(1, True, "other_seed") != by_create_all
