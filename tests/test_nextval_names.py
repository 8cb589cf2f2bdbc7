"""The one parser of a ``nextval()`` default (``dialects.postgresql_nextval``), held against what
PostgreSQL itself stores: each default is written on a real server, read back from pg_attrdef
(``pg_get_expr``), and the sequence the parser names in the stored text, and in the text as
written, is the one the server's dependency records (or, for a name given as text, the one the
name finds when called)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from support.dbpool import DatabasePool

from twinschema.dialects.postgresql_nextval import Nextval, nextval_of

# (as written, as PostgreSQL 16 stores it, the sequence's (schema, name), late-bound)
_CASES = [
    ("""nextval('"My Seq"')""", """nextval('"My Seq"'::regclass)""", ("public", "My Seq"), False),
    ("nextval('public.s')", "nextval('s'::regclass)", ("public", "s"), False),
    ("nextval('s'::regclass)", "nextval('s'::regclass)", ("public", "s"), False),
    ("nextval('s')", "nextval('s'::regclass)", ("public", "s"), False),
    ("nextval('S')", "nextval('s'::regclass)", ("public", "s"), False),
    ("nextval('other.s2')", "nextval('other.s2'::regclass)", ("other", "s2"), False),
    ("""nextval('"it''s"')""", """nextval('"it''s"'::regclass)""", ("public", "it's"), False),
    (
        """nextval('other."Mixed"')""",
        """nextval('other."Mixed"'::regclass)""",
        ("other", "Mixed"),
        False,
    ),
    ("nextval('s'::text)", "nextval(('s'::text)::regclass)", ("public", "s"), True),
    ("nextval('other.s2'::text)", "nextval(('other.s2'::text)::regclass)", ("other", "s2"), True),
]


def _resolved(found: Nextval) -> tuple[str, str]:
    """(schema, name) the parsed name finds, public being the search path's only schema."""
    parts = found.parts
    assert parts is not None, found
    return ("public", parts[0]) if len(parts) == 1 else (parts[-2], parts[-1])


@pytest.fixture(scope="module")
def stored(pg_databases: DatabasePool) -> Iterator[dict[str, tuple[str, tuple[str, str] | None]]]:
    """Each written default as the server stores it, and the sequence its dependency names."""
    with pg_databases.database() as url:
        yield _stored(url)


def _stored(url: str) -> dict[str, tuple[str, tuple[str, str] | None]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    columns = ", ".join(f"c{n} bigint DEFAULT {w}" for n, (w, *_) in enumerate(_CASES))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                'CREATE SCHEMA other; CREATE SEQUENCE "My Seq"; CREATE SEQUENCE s; '
                'CREATE SEQUENCE other.s2; CREATE SEQUENCE "it\'s"; CREATE SEQUENCE other."Mixed";'
                f"CREATE TABLE t ({columns})"
            )
            rows = conn.exec_driver_sql(
                "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid), n.nspname, c.relname "
                "FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid "
                "AND a.attnum = d.adnum LEFT JOIN (pg_depend p JOIN pg_class c ON c.oid = "
                "p.refobjid AND c.relkind = 'S' JOIN pg_namespace n ON n.oid = c.relnamespace) "
                "ON p.classid = 'pg_attrdef'::regclass AND p.objid = d.oid "
                "AND p.refclassid = 'pg_class'::regclass "
                "WHERE d.adrelid = 't'::regclass"
            ).all()
    finally:
        engine.dispose()
    return {name: (text, None if rel is None else (nsp, rel)) for name, text, nsp, rel in rows}


@pytest.mark.parametrize(("n", "case"), list(enumerate(_CASES)), ids=[c[0] for c in _CASES])
def test_the_parser_names_the_sequence_postgresql_stores(
    stored: dict[str, tuple[str, tuple[str, str] | None]],
    n: int,
    case: tuple[str, str, tuple[str, str], bool],
) -> None:
    written, expected_text, sequence, late = case
    text, depends_on = stored[f"c{n}"]
    assert text == expected_text  # what the catalog reader reads
    # A name bound at creation records its sequence; one given as text records none.
    assert depends_on == (None if late else sequence)
    for spelling in (written, text):
        found = nextval_of(spelling)
        assert found is not None and found.late == late, spelling
        assert _resolved(found) == sequence, spelling


@pytest.mark.parametrize(
    "default",
    ["nextval('s') + 1", "1", "now()", "nextval('a.b.c.d')", "currval('s')", "nextval(s)"],
)
def test_what_is_no_nextval_of_a_named_sequence(default: str) -> None:
    found = nextval_of(default)
    assert found is None or found.parts is None, found


def test_the_name_keeps_the_spelling_the_catalog_prints() -> None:
    """``Column.sequence`` is the name as printed (quotes kept), compared between sources."""
    assert nextval_of("""nextval('"My Seq"'::regclass)""") == Nextval('"My Seq"')
    assert nextval_of("nextval(('other.s2'::text)::regclass)") == Nextval("other.s2", late=True)
