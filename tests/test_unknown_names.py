"""A metadata module's expression that names a column its table does not have (stranger60 017,
032, 033): ``unknown_column``, where ``create_all`` of the module fails on the real database.

Each case of ``CASES`` is one table of a metadata module: the names the checker finds unknown
(``canonical.unknown_names``) must be exactly those that make ``create_all`` fail on the real
database of that dialect (SQLite in memory, the suite's PostgreSQL), and none where it works: a
quoted name that exists, a name in another letter case where the dialect folds it, SQL's value
functions (``CURRENT_DATE``, ``user``), a SQLite double-quoted string, a literal 'qty'.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from twinschema.canonical.unknown_names import without_unknown
from twinschema.records.domain import IDENTITY
from twinschema.sources.metadata import from_metadata

# (dialect, columns, what, text, unknown names the checker reports): ``what`` is ``check``,
# ``index`` (an expression), ``where`` (a partial index's predicate, on column a) or
# ``generated`` (a column g generated from ``text``) or ``default`` (g's server default).
CASES: list[tuple[str, tuple[str, ...], str, str, list[str]]] = [
    ("sqlite", ("a",), "check", "b > 0", ["b"]),
    ("sqlite", ("a",), "check", '"b" > 0', []),  # a string to SQLite
    ("sqlite", ("a",), "check", "A > 0", []),
    ("sqlite", ("totalCents",), "check", "totalcents >= 0", []),
    ("sqlite", ("totalCents",), "check", "total_cents >= 0", ["total_cents"]),
    ("sqlite", ("a",), "check", "t.a > 0", []),
    ("sqlite", ("a",), "check", "rowid > 0 AND oid > 0 AND _rowid_ > 0", []),
    ("sqlite", ("a",), "check", "a > 0 OR CURRENT_DATE > '2000-01-01' OR a = true", []),
    ("sqlite", ("a",), "check", "length(a) > 0 AND a <> 'qty' AND typeof(a) = 'integer'", []),
    # ASCII letters only are folded (stranger60 028's rule): Éa is not éa.
    ("sqlite", ("Éa",), "check", "ÉA > 0", []),
    ("sqlite", ("Éa",), "check", "éa > 0", ["éa"]),
    ("sqlite", ("a",), "index", "lower(b)", ["b"]),
    ("sqlite", ("a",), "index", "lower(A)", []),
    ("sqlite", ("a",), "where", "b > 0", ["b"]),
    ("sqlite", ("a",), "where", "a > 0", []),
    ("sqlite", ("a",), "generated", "b + 1", ["b"]),
    ("sqlite", ("a",), "generated", "A + 1", []),
    ("sqlite", ("a",), "default", "(b + 1)", ["b"]),
    ("sqlite", ("a",), "default", "b", []),  # DEFAULT b: the string 'b' to SQLite
    ("sqlite", ("a",), "default", "(length(CURRENT_TIMESTAMP))", []),
    ("postgresql", ("a",), "check", "b > 0", ["b"]),
    ("postgresql", ("a",), "check", '"b" > 0', ['"b"']),
    ("postgresql", ("a",), "check", "A > 0", []),
    ("postgresql", ("a",), "check", '"A" > 0', ['"A"']),
    ("postgresql", ("totalCents",), "check", "totalCents >= 0", ["totalCents"]),
    ("postgresql", ("totalCents",), "check", '"totalCents" >= 0', []),
    ("postgresql", ("a",), "check", "t.a > 0", []),
    ("postgresql", ("a",), "check", "tableoid > 0", []),
    ("postgresql", ("a",), "check", "oid > 0", ["oid"]),  # no such system column since 12
    (
        "postgresql",
        ("a",),
        "check",
        "a > 0 OR current_user <> 'x' OR user <> 'x' OR current_role <> 'x' "
        "OR session_user <> 'x' OR CURRENT_DATE > '2000-01-01' OR LOCALTIMESTAMP IS NULL",
        [],
    ),
    ("postgresql", ("a",), "check", "a::text <> 'qty' AND length(a::text) > 0 AND true", []),
    ("postgresql", ("Éa",), "check", "ÉA > 0", []),  # unquoted: stored as Éa (UTF8)
    ("postgresql", ("éa",), "check", "Éa > 0", ["Éa"]),
    ("postgresql", ("a",), "index", "lower(b)", ["b"]),
    ("postgresql", ("a",), "index", "(a + 1)", []),
    ("postgresql", ("a",), "where", "b > 0", ["b"]),
    ("postgresql", ("a",), "where", "a > 0", []),
    ("postgresql", ("a",), "generated", "b + 1", ["b"]),
    ("postgresql", ("a",), "generated", "a + 1", []),
    ("postgresql", ("a",), "default", "b + 1", ["b"]),
    ("postgresql", ("a",), "default", "length(current_user) + length(user)", []),
]


def _metadata(dialect: str, columns: tuple[str, ...], what: str, text: str) -> sa.MetaData:
    metadata = sa.MetaData()
    parts: list[Any] = [sa.Column(c, sa.Integer) for c in columns]
    if what == "check":
        parts.append(sa.CheckConstraint(text, name="ck"))
    elif what == "index":
        parts.append(sa.Index("ix", sa.text(text)))
    elif what == "where":
        where = {f"{dialect}_where": sa.text(text)}
        parts.append(sa.Index("ix", columns[0], **where))
    elif what == "default":
        parts.append(sa.Column("g", sa.Integer, server_default=sa.text(text)))
    else:
        parts.append(sa.Column("g", sa.Integer, sa.Computed(text, persisted=True)))
    sa.Table("t", metadata, *parts)
    return metadata


def _created(metadata: sa.MetaData, url: str) -> str | None:
    """``create_all`` of ``metadata`` on the real database at ``url``, rolled back: None where
    it worked, else the database's error."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                metadata.create_all(conn)
            except sa.exc.DBAPIError as exc:
                return str(exc.orig).splitlines()[0]
            finally:
                transaction.rollback()
        return None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("dialect", "columns", "what", "text", "unknown"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_unknown_names_are_those_the_real_database_refuses(
    pg_url: str,
    dialect: str,
    columns: tuple[str, ...],
    what: str,
    text: str,
    unknown: list[str],
) -> None:
    metadata = _metadata(dialect, columns, what, text)
    raw = from_metadata(metadata, dialect).tables["t"]
    found = without_unknown(dialect, raw, IDENTITY).unknown_names
    assert [u.column for u in found] == unknown
    error = _created(metadata, pg_url if dialect == "postgresql" else "sqlite://")
    if unknown:
        assert error is not None, f"{text}: {dialect} created the table"
        if what == "default":  # a default may name no column at all
            assert "not constant" in error or "column reference in DEFAULT" in error, error
        else:
            assert "no such column" in error or "does not exist" in error, error
            assert unknown[0].strip('"').lower() in error.lower(), error
    else:
        assert error is None, f"{text}: {error}"
