"""An index or CHECK renamed by hand whose predicate PostgreSQL stores with a cast the module does
not write (stranger78 008), on real PostgreSQL.

The module says ``WHERE level >= 4`` on a column of a DOMAIN over integer; PostgreSQL keeps
``(level)::integer >= 4`` (an enum's literal as ``'open'::mood``, a timestamptz's as
``'...'::timestamp with time zone``). The two canonical forms differ; only the evaluation stage
makes them one ("equal on N probes"). The ``renamed`` warning paired a renamed object by the
comparer's equality alone, so the database was in sync with no warning, and a revision dropping
the index by the module's name failed there. Now the pairs the evaluation made one count too.
Near misses, each under another name and each a real difference: another bound, another column,
UNIQUE against plain, the columns in another order, another CHECK bound: no rename.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from support.testing import compared_evaluated, execute
from test_init_project import adopt_in_sync, check, migrated_in_sync, replace_in, revised

from twinschema import testing
from twinschema.dialects import ReflectOptions
from twinschema.layers.renamed import renamed_warnings
from twinschema.records import Difference, Side
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata


def _module(index: str) -> sa.MetaData:
    """The module: table ``logs`` with a column of each type PostgreSQL casts in a predicate,
    a CHECK on the domain column, and the index ``index`` names."""
    md = sa.MetaData()
    level = pg.DOMAIN("level_d", sa.Integer(), check="VALUE >= 0")
    t = sa.Table(
        "logs",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", level),
        sa.Column("note", sa.String(20)),
        sa.Column("status", pg.ENUM("open", "closed", name="mood")),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("level <= 9", name="ck_logs_level"),
        sa.UniqueConstraint("level", "status", name="uq_logs"),
    )
    # The predicates on the DOMAIN column are text: SQLAlchemy 2.1 warns (SADeprecationWarning,
    # no operator_classes on DOMAIN) of ``t.c.level >= 4``, an expression of this test's own.
    level_at_least_4 = sa.text("level >= 4")
    indexes: dict[str, Any] = {
        "domain": lambda: sa.Index("ix_logs", t.c.level, postgresql_where=level_at_least_4),
        "varchar": lambda: sa.Index("ix_logs", t.c.note, postgresql_where=t.c.note != "x"),
        "enum": lambda: sa.Index("ix_logs", t.c.id, postgresql_where=sa.text("status = 'open'")),
        "timestamptz": lambda: sa.Index(
            "ix_logs", t.c.id, postgresql_where=sa.text("at >= '2020-01-01 00:00:00+00'")
        ),
        "unique": lambda: sa.Index(
            "ix_logs", t.c.note, unique=True, postgresql_where=level_at_least_4
        ),
        "two": lambda: sa.Index("ix_logs", t.c.level, t.c.note, postgresql_where=level_at_least_4),
    }
    indexes[index]()
    return md


def _checked(pg_url: str, index: str, *by_hand: str) -> tuple[list[Difference], list[Difference]]:
    """The differences and the ``renamed`` warnings of the module against its database,
    created from it and then changed ``by_hand``, compared and evaluated as ``check`` does."""
    md = _module(index)
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    md.create_all(engine)
    engine.dispose()
    execute(pg_url, *by_hand)
    raw = reflect_url(pg_url, ReflectOptions())
    model = Side(make_canonical(from_metadata(md, "postgresql", "m.py"), None), "m.py", "m.py")
    live = Side(make_canonical(raw, None), "db", "db")
    found = compared_evaluated(model, live, pg_url)
    return found.differences, renamed_warnings(model, live, "postgresql", raw, found.equivalences)


def _warnings(pg_url: str, index: str, *by_hand: str) -> list[tuple[str, str, str]]:
    """The ``renamed`` warnings (what, module's name, database's) of a database in sync."""
    differences, warnings = _checked(pg_url, index, *by_hand)
    assert not differences, differences  # matched by what it does: in sync
    return [(w.message.split(" on ")[0], str(w.left), str(w.right)) for w in warnings]


RENAME = "ALTER INDEX ix_logs RENAME TO logs_idx"


@pytest.mark.parametrize("index", ["domain", "varchar", "enum", "timestamptz", "unique", "two"])
def test_an_index_whose_predicate_is_stored_with_a_cast_is_warned_of_when_renamed(
    pg_url: str, index: str
) -> None:
    assert _warnings(pg_url, index, RENAME) == [("index ix_logs", "ix_logs", "logs_idx")]
    # A revision dropping it by the module's name fails there; after the hint's statement
    # (renaming it back) it runs.
    with pytest.raises(sa.exc.ProgrammingError, match='index "ix_logs" does not exist'):
        execute(pg_url, "DROP INDEX ix_logs")
    execute(pg_url, "ALTER INDEX logs_idx RENAME TO ix_logs", "DROP INDEX ix_logs")


def test_a_check_stored_with_a_cast_is_warned_of_when_renamed(pg_url: str) -> None:
    found = _warnings(pg_url, "domain", "ALTER TABLE logs RENAME CONSTRAINT ck_logs_level TO c9")
    assert found == [("CHECK ck_logs_level", "ck_logs_level", "c9")]


def test_a_unique_constraint_on_a_domain_and_an_enum_is_warned_of_when_renamed(pg_url: str) -> None:
    found = _warnings(pg_url, "domain", "ALTER TABLE logs RENAME CONSTRAINT uq_logs TO logs_uq")
    assert found == [("UNIQUE uq_logs", "uq_logs", "logs_uq")]


@pytest.mark.parametrize(
    ("index", "made"),
    [
        ("domain", "CREATE INDEX logs_idx ON logs (level) WHERE level >= 5"),
        ("domain", "CREATE INDEX logs_idx ON logs (note) WHERE level >= 4"),
        ("domain", "CREATE UNIQUE INDEX logs_idx ON logs (level) WHERE level >= 4"),
        ("two", "CREATE INDEX logs_idx ON logs (note, level) WHERE level >= 4"),
        ("enum", "CREATE INDEX logs_idx ON logs (id) WHERE status = 'closed'"),
    ],
    ids=["another bound", "another column", "unique", "columns reordered", "another label"],
)
def test_another_index_under_another_name_is_no_rename(pg_url: str, index: str, made: str) -> None:
    differences, warnings = _checked(pg_url, index, "DROP INDEX ix_logs", made)
    assert warnings == []
    # Each a real difference: one index on each side only, or the two as one that differs,
    # shown by a witness row where the predicates part.
    assert differences and {d.kind for d in differences} == {"index"}, differences
    if len(differences) == 1:
        assert differences[0].witness is not None, differences


def test_another_check_under_another_name_is_no_rename(pg_url: str) -> None:
    differences, warnings = _checked(
        pg_url,
        "domain",
        "ALTER TABLE logs DROP CONSTRAINT ck_logs_level",
        "ALTER TABLE logs ADD CONSTRAINT c9 CHECK (level <= 8)",
    )
    assert warnings == []
    (check,) = differences
    assert check.kind == "check" and check.witness is not None, check


@pytest.mark.parametrize(
    ("unique", "module", "by_hand", "warned"),
    [
        (False, "lower(note) = 'x'", "upper(note) = 'X'", True),
        (True, "lower(note)", "upper(note)", True),
        (False, "lower(note) = 'x'", "upper(note) = 'Y'", False),
    ],
    ids=["predicate", "unique key", "another predicate (near miss)"],
)
def test_an_index_made_again_on_sqlite_written_otherwise_is_a_rename_where_it_does_the_same(
    pg_url: str, tmp_path: Path, unique: bool, module: str, by_hand: str, warned: bool
) -> None:
    """SQLite renames no index: made again under another name, written otherwise. SQLite's
    lower() and upper() fold ASCII letters only, so ``lower(note) = 'x'`` keeps the rows
    ``upper(note) = 'X'`` keeps (equal on probe rows): the same index, renamed. Near miss:
    ``upper(note) = 'Y'`` keeps other rows (a witness), no rename."""
    md = sa.MetaData()
    t = sa.Table(
        "logs",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", sa.Integer),
        sa.Column("note", sa.Text),
    )
    if unique:
        sa.Index("ix_logs", sa.text(module), unique=True, _table=t)
        made = f"CREATE UNIQUE INDEX logs_idx ON logs ({by_hand})"
    else:
        sa.Index("ix_logs", t.c.level, sqlite_where=sa.text(module))
        made = f"CREATE INDEX logs_idx ON logs (level) WHERE {by_hand}"
    path = tmp_path / "log.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            f"CREATE TABLE logs (id INTEGER PRIMARY KEY, level INTEGER, note TEXT); {made};"
        )
    conn.close()
    raw = reflect_url(testing.sqlite_url(path), ReflectOptions())
    model = Side(make_canonical(from_metadata(md, "sqlite", "m.py"), None), "m.py", "m.py")
    live = Side(make_canonical(raw, None), "db", "db")
    found = compared_evaluated(model, live, pg_url)
    warnings = renamed_warnings(model, live, "sqlite", raw, found.equivalences)
    if warned:
        assert found.differences == []
        assert [(w.left, w.right) for w in warnings] == [("ix_logs", "logs_idx")]
        assert "DROP INDEX logs_idx`, then create it again as ix_logs" in str(warnings[0].hint)
    else:
        assert warnings == []
        (index,) = found.differences
        assert index.kind == "index" and index.witness is not None, index


ADOPTED = {
    "sqlite": [
        "CREATE TABLE logs (id INTEGER PRIMARY KEY, level INTEGER)",
        "CREATE INDEX ix_logs_level ON logs (level) WHERE level >= 4",
    ],
    "postgresql": [
        "CREATE DOMAIN level_d AS integer",
        "CREATE TABLE logs (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "level level_d)",
        "CREATE INDEX ix_logs_level ON logs (level) WHERE level >= 4",
    ],
}
WRITTEN = {"sqlite": "sqlite_where=sa.text", "postgresql": "postgresql_where=sa.text"}


def test_the_renamed_warning_leads_to_a_revision_that_runs(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The whole way, in a project: the module written ``level >= 4`` (adopt wrote what
    PostgreSQL stores), the index renamed by hand: a warning with the statement renaming it
    back; a revision dropping the index by its name then fails on that database, the check
    names the rename first, and done as it says, the revision runs and all is in sync."""
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, ADOPTED["sqlite"], ADOPTED["postgresql"])
    module = {
        d: project / "schemas" / f"{f}.py"
        for d, f in (("sqlite", "sqlite"), ("postgresql", "postgres"))
    }
    replace_in(module["postgresql"], "sa.text('((level)::integer >= 4)')", "sa.text('level >= 4')")
    assert check(shell)[0] == 0
    execute(pg_url, "ALTER INDEX ix_logs_level RENAME TO logs_level_idx")
    code, report = check(shell)
    back = "ALTER INDEX logs_level_idx RENAME TO ix_logs_level"
    assert (code, report["differences"]) == (0, [])
    assert [
        (w["left"], w["right"], w["hint"]) for w in report["warnings"] if w["kind"] == "renamed"
    ] == [
        (
            "ix_logs_level",
            "logs_level_idx",
            f"rename it back: `{back}`; or name it logs_level_idx in schemas/postgres.py",
        )
    ]
    for dialect, path in module.items():
        replace_in(
            path, f"    sa.Index('ix_logs_level', t.level, {WRITTEN[dialect]}('level >= 4')),\n", ""
        )
    revised(shell, "drop the level index")
    assert shell("migrate", "local").exit_code == 0
    failed = shell("migrate", "remote")
    assert failed.exit_code == 3 and 'index "ix_logs_level" does not exist' in failed.output
    code, report = check(shell)
    (state,) = [d for d in report["differences"] if d["kind"] == "migration_state"]
    assert (
        f"first rename it back (index ix_logs_level on logs is logs_level_idx there: `{back}`)"
        in state["hint"]
    )
    execute(pg_url, back)
    migrated_in_sync(shell)
