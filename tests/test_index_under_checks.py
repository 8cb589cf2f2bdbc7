"""A partial index whose WHERE was edited, within one dialect, into a predicate equal only under
the table's CHECKs: in sync, with a warning that names it (stranger89 005).

The server's ``booking_active_seat`` made again by hand ``WHERE status <> 'cancelled'`` where the
module says ``WHERE status = 'active'``: under ``CHECK (status IN ('active', 'cancelled'))`` both
hold the same rows (in sync, rightly), and the check was silent until a revision added a status.
The equivalence stays and a warning (the exit code ignores it) names the index, both texts and
a row the CHECKs keep out that parts them (``evaluate.index_under_checks``). Near miss: a
predicate equal on every row (``(status = 'active') IS TRUE``) gives none. On real databases:
with a third status the two indexes part on two rows of it; with two statuses the CHECK refuses it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg.errors
import pytest
from probes import Loader, compare_texts
from support.stored import stored_on_postgresql, stored_on_sqlite

DIALECTS = ("sqlite", "postgresql")
TWO = "'active', 'cancelled'"
THREE = "'active', 'cancelled', 'waitlisted'"
TABLE = (
    "CREATE TABLE booking (id {integer} PRIMARY KEY, sailing_id {integer} NOT NULL, seat_no text, "
    "status text NOT NULL DEFAULT 'active' CHECK (status IN ({labels})));\n"
    "CREATE UNIQUE INDEX booking_active_seat ON booking (sailing_id, seat_no) WHERE {where};\n"
)
MODULE = "status = 'active'"
EDITED = "status <> 'cancelled'"
# Equal to MODULE on every row, whatever the CHECKs (SQLite spells IS TRUE as IS 1).
ALWAYS = {"sqlite": "(status = 'active') IS 1", "postgresql": "(status = 'active') IS TRUE"}


def _sql(dialect: str, labels: str, where: str) -> str:
    integer = "INTEGER" if dialect == "sqlite" else "integer"
    return TABLE.format(integer=integer, labels=labels, where=where)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_edit_equal_under_the_checks_is_a_warning(dialect: str, loader: Loader) -> None:
    """Two sides of one dialect: no difference, one warning naming the index, both predicates
    and that only the CHECKs make them equal; the equivalence is still listed. Near miss: a
    predicate equal on every row, no warning. With a third status, a difference (as before)."""
    pair = (dialect, dialect)
    found = compare_texts(loader, pair, _sql(dialect, TWO, MODULE), _sql(dialect, TWO, EDITED))
    assert found.differences == [], [d.message for d in found.differences]
    warned = [w for w in found.warnings if w.kind == "index"]
    assert len(warned) == 1, [w.message for w in found.warnings]
    said = warned[0].message
    assert said.startswith("index booking_active_seat on booking: its WHERE differs as written")
    assert "status = 'active'" in said and "status <> 'cancelled'" in said, said
    assert "equal only under the table's CHECKs today" in said and "witness (status)" in said
    assert warned[0].hint.startswith("make a.sql and b.sql agree on the WHERE now")
    assert any(e.rule.startswith("equal on") for e in found.equivalences)
    same = compare_texts(
        loader, pair, _sql(dialect, TWO, MODULE), _sql(dialect, TWO, ALWAYS[dialect])
    )
    assert same.differences == [] and same.warnings == [], same.warnings
    apart = compare_texts(loader, pair, _sql(dialect, THREE, MODULE), _sql(dialect, THREE, EDITED))
    assert [d.kind for d in apart.differences] == ["index"], apart.differences
    assert "'waitlisted'" in apart.differences[0].message
    assert [w for w in apart.warnings if w.kind == "index"] == []


def test_across_dialects_no_warning(loader: Loader) -> None:
    """SQLite against PostgreSQL, the same two predicates: each dialect's own text, no warning."""
    found = compare_texts(
        loader, DIALECTS, _sql("sqlite", TWO, MODULE), _sql("postgresql", TWO, EDITED)
    )
    assert [w for w in found.warnings if w.kind == "index"] == []


# What refuses a booking on PostgreSQL: the status CHECK or the partial unique index.
REFUSALS = (psycopg.errors.CheckViolation, psycopg.errors.UniqueViolation)


def _two_waitlisted(dialect: str, labels: str, where: str, loader: Loader) -> str:
    """Two 'waitlisted' bookings of one seat on a real database: 'stored', or what refused the
    second ('unique at 1') or the first ('check')."""
    rows = [
        "INSERT INTO booking VALUES (1, 7, 'A1', 'waitlisted')",
        "INSERT INTO booking VALUES (2, 7, 'A1', 'waitlisted')",
    ]
    sql = _sql(dialect, labels, where)
    for n in range(len(rows)):
        if dialect == "sqlite":
            got = stored_on_sqlite(":memory:", rows[n], before=rows[:n], ddl=sql)
        else:
            with loader.load("postgresql", sql) as schema:
                got = stored_on_postgresql(
                    loader.held("rows"), rows[n], before=rows[:n], refusals=REFUSALS,
                    search_path=schema,
                )  # fmt: skip
        if got.error is not None:
            checked = "CHECK constraint" in got.error or got.error.startswith("CheckViolation")
            return "check" if checked else f"unique at {n}"
    return "stored"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_witness_on_real_databases(dialect: str, loader: Loader) -> None:
    """With a third status, two waitlisted bookings of one seat: the module's index stores
    both, the edited one refuses the second; with two statuses the CHECK refuses the row on
    both (what makes them equal today)."""
    assert _two_waitlisted(dialect, THREE, MODULE, loader) == "stored"
    assert _two_waitlisted(dialect, THREE, EDITED, loader) == "unique at 1"
    assert _two_waitlisted(dialect, TWO, MODULE, loader) == "check"
    assert _two_waitlisted(dialect, TWO, EDITED, loader) == "check"


CHECKED = (
    '    sa.CheckConstraint(_in(s.status, VALUES.shadow_states.status), name="status_values"),\n'
)
HELD = "ix_shadow_states_live"


def test_a_module_and_its_database_are_told_to_revert_the_hand_edit(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """A module against its database at head (recheck89): the warning's hint said "(run: make
    migrate-remote)", which does nothing there; it names the database, the module's WHERE to
    make again, and the module and a revision for the other way. The module's index WHERE
    status IN ('applied', 'pending'), the database's made by hand WHERE status <> 'failed':
    equal under CHECK (status IN ('applied', 'pending', 'failed')) only."""
    from pg_helpers import check_afresh
    from support.testing import execute
    from test_made_by_hand import MODULE
    from test_migrate_safety import at_heads

    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    path = project / MODULE[dialect]
    text = path.read_text()
    assert text.count(CHECKED) == 1
    where = f"{dialect}_where=sa.text(\"status IN ('applied', 'pending')\")"
    index = f'    sa.Index("{HELD}", s.community_id, {where}),\n'
    path.write_text(text.replace(CHECKED, CHECKED + index))
    made = f"CREATE INDEX {HELD} ON shadow_states (community_id) WHERE status <> 'failed'"
    execute(urls[dialect], made)
    _, report = check_afresh(project, urls, "live")
    # The pair of the two databases sees the index on one of them only; the module and its
    # database are in sync on it.
    ours = [d for d in report["differences"] if d["left_source"] == MODULE[dialect]]
    assert ours == [], ours
    warned = [w for w in report["warnings"] if w["kind"] == "index" and w["name"] == HELD]
    assert len(warned) == 1, report["warnings"]
    hint = warned[0]["hint"]
    database = "the SQLite database" if dialect == "sqlite" else "the PostgreSQL database"
    assert hint.startswith(f"revert the hand edit on {database}: drop the index there"), hint
    assert "status IN ('applied', 'pending')" in hint and MODULE[dialect] in hint, hint
    assert "migrate" not in hint, hint
