"""PostgreSQL exclusion constraints (s71live, stranger71 001).

``ALTER TABLE screenings ADD CONSTRAINT no_overlap EXCLUDE USING gist (tstzrange(starts_at,
ends_at) WITH &&)`` made by hand on the live database was "in sync" (only counted in the
footer): a second overlapping screening is refused there and stored by SQLite and by a
database the chain builds. Now an exclusion constraint is compared as a rule is: by table and
name (and definition) between a database and its chain or another PostgreSQL database, by
presence between a metadata module (``postgresql.ExcludeConstraint``) and its database, and
across dialects it is a difference of its own, which domain.yaml may allow. ``init`` writes it
into the module and the baseline, so an adopted project starts in sync.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import clean_env, invoke_cli
from support import testing
from support.dbpool import DatabasePool
from support.testing import execute
from test_init_project import ENV, adopt, check, details, within_a_dialect

SQLITE = (
    "CREATE TABLE screenings (id INTEGER PRIMARY KEY, room TEXT NOT NULL, "
    "starts_at TEXT NOT NULL, ends_at TEXT NOT NULL)"
)
PG = (
    "CREATE TABLE screenings (id integer PRIMARY KEY, room text NOT NULL, "
    "starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL)"
)
NO_OVERLAP = (
    "ALTER TABLE screenings ADD CONSTRAINT no_overlap "
    "EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&)"
)
FIRST = "INSERT INTO screenings VALUES (1, 'BARN', '2026-06-01 18:00+00', '2026-06-01 19:35+00')"
OVERLAPPING = (
    "INSERT INTO screenings VALUES (2, 'BARN', '2026-06-01 18:30+00', '2026-06-01 20:00+00')"
)


def stores_both(url: str) -> bool:
    """Whether the database stores the two overlapping screenings (rolled back either way)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                conn.execute(sa.text(FIRST))
                conn.execute(sa.text(OVERLAPPING))
                return True
            except sa.exc.IntegrityError:
                return False
            finally:
                trans.rollback()
    finally:
        engine.dispose()


def exclusions(report: dict[str, object]) -> list[tuple[str, str, str]]:
    found = report["differences"]
    assert isinstance(found, list)
    return sorted(
        (d["layer"], d["left_source"], d["name"]) for d in found if d["kind"] == "exclusion"
    )


def test_the_witness_holds_on_the_real_databases(tmp_path: Path, pg_url: str) -> None:
    """The difference reported across dialects is real: PostgreSQL with the constraint refuses
    the second overlapping row, SQLite stores both; without it PostgreSQL stores both too."""
    sqlite = testing.sqlite_file(tmp_path / "a.db", f"{SQLITE};")
    execute(pg_url, PG)
    assert stores_both(pg_url)
    execute(pg_url, NO_OVERLAP)
    assert not stores_both(pg_url)
    assert stores_both(sqlite)


def test_adopted_with_an_exclusion_in_sync_then_a_hand_edit_is_reported(
    tmp_path: Path, sqlite_url: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """``init --stamp`` on a PostgreSQL database with an exclusion constraint: its module and
    baseline have it (no difference within a dialect; a database the chain builds refuses the
    overlap too); across dialects it is an ``exclusion`` difference naming the operator, in
    sync once domain.yaml allows it. Then a second exclusion constraint added by hand is
    reported by the live layer (module <> database) and the migrations layer (database <>
    chain); before, "in sync"."""
    shell = adopt(tmp_path / "p", sqlite_url, pg_url, [SQLITE], [PG, NO_OVERLAP])
    module = (tmp_path / "p" / "schemas" / "postgres.py").read_text()
    assert "postgresql.ExcludeConstraint((sa.text('tstzrange(starts_at, ends_at)'), '&&')" in (
        module
    )
    code, report = check(shell)
    assert within_a_dialect(report) == [], details(report)
    across = [d for d in report["differences"] if d["kind"] == "exclusion"]
    assert {d["layer"] for d in across} == {"models", "live"}, details(report)
    assert all("WITH &&" in d["message"] and "stores both" in d["message"] for d in across)
    assert "{kind: exclusion, dialect: postgresql, name: no_overlap" in across[0]["hint"]

    with pg_databases.database() as fresh:
        shell.env[ENV["postgresql"]] = fresh
        assert shell("migrate", "remote").exit_code == 0
        assert not stores_both(fresh)
    shell.env[ENV["postgresql"]] = pg_url

    domain = tmp_path / "p" / "domain.yaml"
    domain.write_text(
        domain.read_text()
        + "    allow:\n      - {kind: exclusion, dialect: postgresql, name: no_overlap, "
        "reason: the server alone refuses overlapping screenings}\n"
    )
    code, report = check(shell)
    assert [d for d in report["differences"] if d["kind"] == "exclusion"] == [], details(report)

    execute(
        pg_url,
        "ALTER TABLE screenings ADD CONSTRAINT one_room_at_a_time "
        "EXCLUDE USING gist (tstzrange(starts_at, ends_at, '[]') WITH &&) "
        "WHERE (room <> 'OPEN')",
    )
    code, report = check(shell)
    assert code == 1
    found = {(d["layer"], d["name"]) for d in within_a_dialect(report)}
    assert found == {("live", "one_room_at_a_time"), ("migrations", "one_room_at_a_time")}, details(
        report
    )


@pytest.mark.parametrize("named", [True, False])
def test_a_module_exclusion_pairs_with_the_database_one(
    tmp_path: Path, pg_url: str, named: bool
) -> None:
    """A metadata module with ``postgresql.ExcludeConstraint`` against a database that has it
    is in sync (an unnamed one pairs with the database's, which PostgreSQL named); near miss:
    the module without it against the same database is an ``exclusion`` difference."""
    execute(pg_url, PG, NO_OVERLAP)
    name = ", name='no_overlap'" if named else ""
    body = (
        "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n"
        "metadata = sa.MetaData()\n"
        "sa.Table('screenings', metadata, sa.Column('id', sa.Integer, primary_key=True, "
        "autoincrement=False), sa.Column('room', sa.Text, nullable=False), "
        "sa.Column('starts_at', postgresql.TIMESTAMP(timezone=True), nullable=False), "
        "sa.Column('ends_at', postgresql.TIMESTAMP(timezone=True), nullable=False){extra})\n"
    )
    extra = (
        ", postgresql.ExcludeConstraint((sa.text('tstzrange(starts_at, ends_at)'), '&&'), "
        f"using='gist'{name})"
    )
    with_it = tmp_path / "with_it.py"
    with_it.write_text(body.format(extra=extra))
    without = tmp_path / "without.py"
    without.write_text(body.format(extra=""))

    def diff(module: Path) -> tuple[int, str]:
        done = invoke_cli(
            ["diff", f"{module.stem}:metadata", pg_url, "--no-domain", "--dialect", "postgresql"],
            tmp_path,
            clean_env(),
        )
        return done.returncode, done.stdout + done.stderr

    code, out = diff(with_it)
    assert (code, "exclusion" in out) == (0, False), out
    code, out = diff(without)
    assert code == 1 and "exclusion: exclusion constraint no_overlap on screenings" in out, out
