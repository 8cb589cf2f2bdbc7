"""Acceptance tests of the sync checker on schemas written by others (issue 3, "Must hold").

Each real-world pair is loaded for real, the SQLite script into a file with ``executescript``
and the PostgreSQL script into a scratch database on the session's server
(``sqlfile.load_postgresql``), and the two databases are compared through the command line
and its JSON contract:
``twinschema diff SQLITE_URL POSTGRES_URL [--domain FILE] --format json``.

* Chinook: the same schema generated for both dialects, PascalCase in SQLite and snake_case in
  PostgreSQL. With ``chinook/domain.yaml`` mapping the names, it is in sync: exit 0, no difference.
  One injected drift on either side is then reported as exactly one record.
* Sakila: two ports made separately, which drift a lot. ``sakila/expected.json`` lists the genuine
  inconsistencies of ``sakila/DIFFERENCES.md`` as (kind, table, column); the diff must report
  that multiset, nothing more and nothing less. ``column`` is set for column-level differences and
  for single-column foreign keys and indexes, null for table-level objects such as a CHECK.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from support import testing
from support.testing import execute

from twinschema.errors import UsageError
from twinschema.sources import sqlfile

# One worker runs this module: Sakila's report and Synapse's databases (module fixtures) are
# made once, not once per worker that runs one of their tests.
pytestmark = pytest.mark.xdist_group("test_realworld")

REALWORLD = Path(__file__).parent / "fixtures" / "realworld"
CHINOOK = REALWORLD / "chinook"
SAKILA = REALWORLD / "sakila"

Record = tuple[str, str, str | None]


def run_diff(left: str, right: str, *options: str) -> tuple[int, dict[str, Any]]:
    """``twinschema diff LEFT RIGHT OPTIONS --format json``: its exit code and parsed report."""
    from twinschema.cli import cli  # late: a missing command fails the test

    result = CliRunner().invoke(
        cli, ["diff", left, right, *options, "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), (
        f"exit code {result.exit_code}, expected 0 or 1\n{result.output}"
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"stdout is not JSON ({exc}):\n{result.stdout}") from None
    return result.exit_code, report


def records(report: dict[str, Any]) -> list[Record]:
    """The (kind, table, column) of every difference, sorted (a multiset, as a list)."""
    return sorted(((d["kind"], d["table"], d["column"]) for d in report["differences"]), key=_order)


def _order(record: Record) -> tuple[str, str, str]:
    return record[0], record[1], record[2] or ""


def assert_same_records(
    actual: list[Record], expected: list[Record], report: dict[str, Any]
) -> None:
    """Equal multisets, or a failure that lists what is missing and what is extra."""
    missing = Counter(expected) - Counter(actual)
    extra = Counter(actual) - Counter(expected)
    if missing or extra:
        details = [
            f"{d['kind']} {d['table']}.{d['column']} {d.get('name')}: {d.get('message')}"
            for d in report["differences"]
            if (d["kind"], d["table"], d["column"]) in extra
        ]
        raise AssertionError(
            "the diff does not report exactly the expected differences\n"
            f"expected, not reported ({sum(missing.values())}): {_listed(missing)}\n"
            f"reported, not expected ({sum(extra.values())}): {_listed(extra)}\n"
            + "\n".join(details)
        )


def _listed(records: Counter[Record]) -> list[Record]:
    return sorted(records.elements(), key=str)


def side_counts(not_compared: Any) -> list[dict[str, int]]:
    """One ``{"views": n, "triggers": m, ...}`` per side, from ``not_compared``.

    The contract writes ``"not_compared": {...}``; both natural shapes are read: per side
    (``{"left": {"views": 5}, "right": {...}}``, keyed by any label) and per object kind
    (``{"views": {"left": 5, "right": 7}}``).
    """
    assert isinstance(not_compared, dict) and not_compared, f"not_compared: {not_compared!r}"
    if isinstance(not_compared.get("views"), dict):  # per object kind
        per_kind = {k: v for k, v in not_compared.items() if isinstance(v, dict)}
        sides = sorted({side for counts in per_kind.values() for side in counts})
        return [{kind: counts.get(side, 0) for kind, counts in per_kind.items()} for side in sides]
    found: list[dict[str, int]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "views" in node or "triggers" in node:
                found.append(node)
            else:
                for value in node.values():
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(not_compared)
    return found


# ---------------------------------------------------------------------------------------------
# Chinook: in sync but for its generated keys


@pytest.fixture
def chinook_pg(pg_server: str) -> Iterator[str]:
    """Chinook on PostgreSQL as its file has it, its keys without a default (``CHINOOK_KEYS``
    below): not conftest's ``chinook_pg``, which generates them."""
    with sqlfile.load_postgresql(CHINOOK / "Chinook_PostgreSql.sql", pg_server) as url:
        yield url


def test_chinook_loaders_build_the_two_databases(chinook_sqlite: str, chinook_pg: str) -> None:
    """The inputs of the tests below: 11 tables and 3503 tracks on each side."""
    for url, track in ((chinook_sqlite, "Track"), (chinook_pg, "track")):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                assert len(sa.inspect(conn).get_table_names()) == 11
                assert conn.execute(sa.text(f"SELECT count(*) FROM {track}")).scalar() == 3503
        finally:
            engine.dispose()


# The one-column integer keys: rowid aliases in SQLite (an insert that omits the id gets one),
# plain integer keys with no default in PostgreSQL (such an insert fails there).
CHINOOK_KEYS: list[Record] = [
    ("column_default", table, f"{table}_id")
    for table in (
        "album", "artist", "customer", "employee", "genre", "invoice", "invoice_line",
        "media_type", "playlist", "track",
    )
]  # fmt: skip


@pytest.mark.parametrize("order", ["sqlite-first", "postgresql-first"])
def test_chinook_differs_only_in_its_generated_keys(
    chinook_sqlite: str, chinook_pg: str, order: str
) -> None:
    """Same model generated for both dialects: names differ only by convention (mapped in the
    domain), types only by spelling (INTEGER/INT, NVARCHAR/VARCHAR, DATETIME/TIMESTAMP). The
    one-column ids are rowid aliases in SQLite against integer keys with no default in
    PostgreSQL: an insert that omits the id works on SQLite only, each a column_default."""
    left, right = (chinook_sqlite, chinook_pg)
    if order == "postgresql-first":
        left, right = right, left
    code, report = run_diff(left, right, "--domain", str(CHINOOK / "domain.yaml"))
    assert_same_records(records(report), CHINOOK_KEYS, report)
    for difference in report["differences"]:
        assert "an insert that omits" in difference["message"], difference
    assert code == 1
    # The witness on the real databases: an album without an id.
    conn = sqlite3.connect(chinook_sqlite.removeprefix("sqlite:///"))
    try:
        conn.execute("INSERT INTO Album (Title, ArtistId) VALUES ('x', 1)")
    finally:
        conn.rollback()
        conn.close()
    with pytest.raises(sa.exc.IntegrityError):
        execute(chinook_pg, "INSERT INTO album (title, artist_id) VALUES ('x', 1)")


def test_chinook_drift_dropped_column_in_postgresql(chinook_sqlite: str, chinook_pg: str) -> None:
    execute(chinook_pg, "ALTER TABLE track DROP COLUMN composer")
    code, report = run_diff(chinook_sqlite, chinook_pg, "--domain", str(CHINOOK / "domain.yaml"))
    expected = sorted([*CHINOOK_KEYS, ("column_missing", "track", "composer")], key=_order)
    assert records(report) == expected, report["differences"]
    assert report["in_sync"] is False
    assert code == 1


def test_chinook_drift_foreign_key_action_in_sqlite(tmp_path: Path, chinook_pg: str) -> None:
    script = (CHINOOK / "Chinook_Sqlite.sql").read_text(encoding="utf-8")
    drifted, count = re.subn(
        r"(FOREIGN KEY \(\[InvoiceId\]\) REFERENCES \[Invoice\] \(\[InvoiceId\]\)\s*)"
        r"ON DELETE NO ACTION",
        r"\1ON DELETE CASCADE",
        script,
    )
    assert count == 1
    left = testing.sqlite_file(tmp_path / "chinook-drift.db", drifted)
    code, report = run_diff(left, chinook_pg, "--domain", str(CHINOOK / "domain.yaml"))
    expected = sorted([*CHINOOK_KEYS, ("foreign_key", "invoice_line", None)], key=_order)
    assert records(report) == expected, report["differences"]
    (difference,) = [d for d in report["differences"] if d["kind"] == "foreign_key"]
    assert "CASCADE" in json.dumps(difference["left"]) + json.dumps(difference["right"])
    assert code == 1


# ---------------------------------------------------------------------------------------------
# Sakila: many genuine differences, and only those


@pytest.fixture(scope="module")
def sakila_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAKILA / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def sakila_report(
    tmp_path_factory: pytest.TempPathFactory, pg_server: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The diff of Sakila's two databases, made once for the module: its tests only read it."""
    left = testing.sqlite_file(
        tmp_path_factory.mktemp("sakila") / "sakila.db",
        (SAKILA / "sqlite-sakila-schema.sql").read_text(encoding="utf-8"),
    )
    with sqlfile.load_postgresql(SAKILA / "postgres-sakila-schema.sql", pg_server) as right:
        yield run_diff(left, right)


def test_sakila_expected_findings_are_well_formed(sakila_expected: dict[str, Any]) -> None:
    """The fixture itself: 81 records, every kind one of the contract's."""
    kinds = {
        "table_missing", "column_missing", "column_type", "column_nullable", "column_default",
        "primary_key", "foreign_key", "unique", "index", "check", "enum", "rule", "view",
    }  # fmt: skip
    differences = sakila_expected["differences"]
    assert len(differences) == 81
    assert {d["kind"] for d in differences} <= kinds
    assert Counter(d["kind"] for d in differences) == {
        "table_missing": 7, "column_missing": 3, "column_nullable": 4, "column_type": 6,
        "column_default": 16, "foreign_key": 21, "index": 11, "unique": 1, "check": 2,
        "rule": 6, "view": 4,
    }  # fmt: skip


def test_sakila_reports_exactly_its_genuine_inconsistencies(
    sakila_report: tuple[int, dict[str, Any]], sakila_expected: dict[str, Any]
) -> None:
    """Everything DIFFERENCES.md calls genuine is reported, and nothing else: no noise from type
    spelling, DEFAULT NULL, rowid ids against sequences, or the rating CHECK against its enum."""
    code, report = sakila_report
    expected = sorted(
        ((d["kind"], d["table"], d["column"]) for d in sakila_expected["differences"]),
        key=lambda r: (r[0], r[1], r[2] or ""),
    )
    # SQLite names the lock column Lock, PostgreSQL lock: each order reports the left's spelling.
    found = [(k, t, c.lower() if c == "Lock" else c) for k, t, c in records(report)]
    assert_same_records(sorted(found, key=lambda r: (r[0], r[1], r[2] or "")), expected, report)
    assert report["in_sync"] is False
    assert code == 1


def test_sakila_counts_views_and_triggers_as_not_compared(
    sakila_report: tuple[int, dict[str, Any]], sakila_expected: dict[str, Any]
) -> None:
    """Views and triggers are not compared yet: the report counts them per side, so that nobody
    mistakes silence for sameness."""
    _, report = sakila_report
    sides = side_counts(report["not_compared"])
    seen = sorted((side.get("views"), side.get("triggers")) for side in sides)
    wanted = sorted(
        (counts["views"], counts["triggers"]) for counts in sakila_expected["not_compared"].values()
    )
    assert seen == wanted, report["not_compared"]


# ---------------------------------------------------------------------------------------------
# Synapse: one application model written twice by hand, in sync except its genuine differences

SYNAPSE = REALWORLD / "synapse"
SYNAPSE_MODULES = ("common", "main", "state")  # the order Synapse creates them in


def synapse_script(suffix: str) -> str:
    """The three modules' dumps of one dialect (``sqlite`` or ``postgres``), as one script."""
    return "\n".join(
        (SYNAPSE / module / f"full.sql.{suffix}").read_text(encoding="utf-8")
        for module in SYNAPSE_MODULES
    )


@pytest.fixture(scope="module")
def synapse_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SYNAPSE / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def synapse_dbs(
    tmp_path_factory: pytest.TempPathFactory, pg_server: str
) -> Iterator[tuple[str, str]]:
    """Synapse's two databases, loaded once for the module (the largest schemas of the suite):
    its tests diff them or try a witness row, which they roll back."""
    tmp_path = tmp_path_factory.mktemp("synapse")
    left = testing.sqlite_file(tmp_path / "synapse.db", synapse_script("sqlite"))
    script = tmp_path / "synapse.sql"
    script.write_text(synapse_script("postgres"), encoding="utf-8")
    with sqlfile.load_postgresql(script, pg_server) as right:
        yield left, right


def test_synapse_expected_findings_are_well_formed(synapse_expected: dict[str, Any]) -> None:
    """The fixture itself: 39 records, each explained in DIFFERENCES.md (the 5 lock CHECKs
    beside their type since stranger75 014)."""
    differences = synapse_expected["differences"]
    assert Counter(d["kind"] for d in differences) == {
        "column_nullable": 21, "table_missing": 4, "column_missing": 1, "column_default": 1,
        "primary_key": 1, "unique": 1, "column_type": 5, "check": 5,
    }  # fmt: skip
    explained = (SYNAPSE / "DIFFERENCES.md").read_text(encoding="utf-8")
    for d in differences:
        named = f"{d['table']}.{d['column']}" if d["column"] else d["table"]
        assert f"`{named}`" in explained or named in explained, f"{named} is not explained"


@pytest.mark.parametrize("order", ["sqlite-first", "postgresql-first"])
def test_synapse_reports_exactly_its_genuine_differences(
    synapse_dbs: tuple[str, str], synapse_expected: dict[str, Any], order: str
) -> None:
    """In sync except DIFFERENCES.md's genuine differences (``--no-domain``: Synapse has a
    ``profiles`` table, which this project's own domain.yaml also names): no noise from Lock vs lock, the
    bpchar literal of its CHECKs, bytea declared in SQLite, BIGINT vs bigint, BOOL vs boolean."""
    left, right = synapse_dbs
    if order == "postgresql-first":
        left, right = right, left
    code, report = run_diff(left, right, "--no-domain")
    expected = sorted(
        ((d["kind"], d["table"], d["column"]) for d in synapse_expected["differences"]),
        key=lambda r: (r[0], r[1], r[2] or ""),
    )
    # SQLite names the lock column Lock, PostgreSQL lock: each order reports the left's spelling.
    found = [(k, t, c.lower() if c == "Lock" else c) for k, t, c in records(report)]
    assert_same_records(sorted(found, key=lambda r: (r[0], r[1], r[2] or "")), expected, report)
    assert report["in_sync"] is False
    assert code == 1


def test_synapse_counts_what_it_does_not_compare(
    synapse_dbs: tuple[str, str], synapse_expected: dict[str, Any]
) -> None:
    """The FTS4 virtual tables, triggers, functions and sequences are counted per side."""
    code, report = run_diff(*synapse_dbs, "--no-domain")
    assert code == 1
    counted = sorted(sorted(side.items()) for side in report["not_compared"].values())
    wanted = sorted(sorted(side.items()) for side in synapse_expected["not_compared"].values())
    assert counted == wanted, report["not_compared"]


def test_synapse_null_key_witness(synapse_dbs: tuple[str, str]) -> None:
    """The reason for the nullable primary keys, shown on the real databases: SQLite stores an
    access token with a NULL id, PostgreSQL rejects it."""
    left, right = synapse_dbs
    row = "INSERT INTO access_tokens (id, user_id, token) VALUES (NULL, '@a:b', 't1')"
    outcomes = []
    for url in (left, right):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                try:
                    conn.execute(sa.text(row))
                    outcomes.append("accept")
                except sa.exc.IntegrityError:
                    outcomes.append("reject")
                conn.rollback()
        finally:
            engine.dispose()
    assert outcomes == ["accept", "reject"]


def test_synapse_bytea_witness(synapse_dbs: tuple[str, str]) -> None:
    """SQLite's ``bytea`` (NUMERIC affinity) keeps a blob as PostgreSQL's bytea does: the same
    bytes come back from both, which is why the pair is bytes, not a type difference."""
    blob = b"\x00\xff{}12"
    stored = []
    for url in synapse_dbs:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO user_filters (user_id, filter_id, filter_json) "
                        "VALUES ('u', 1, :b)"
                    ),
                    {"b": blob},
                )
                value = conn.execute(sa.text("SELECT filter_json FROM user_filters")).scalar()
                stored.append(bytes(value))
                conn.rollback()
        finally:
            engine.dispose()
    assert stored == [blob, blob]


@pytest.mark.parametrize(
    ("module", "expected"),
    [("state", [("column_nullable", "state_groups", "id")]), ("common", [])],
)
def test_synapse_files_diff_by_their_names_dialects(
    module: str, expected: list[Record], pg_server: str
) -> None:
    """Synapse's upstream layout, ``full.sql.sqlite`` beside ``full.sql.postgres``: the SQLite
    files hold no syntax only SQLite takes, so their names' last suffix tells the dialect
    (stranger65 006) and they diff with no ``--dialect`` flag: ``state`` with its one true
    difference (``state_groups.id BIGINT PRIMARY KEY`` takes NULL on SQLite), ``common`` in
    sync. The near miss, the same text named ``.sql``, is still "cannot tell"."""
    left, right = SYNAPSE / module / "full.sql.sqlite", SYNAPSE / module / "full.sql.postgres"
    code, report = run_diff(str(left), str(right), "--no-domain")
    assert (code, records(report)) == (1 if expected else 0, expected)
    with pytest.raises(UsageError, match="cannot tell whether this SQL"):
        sqlfile.detect_dialect(left.read_text(encoding="utf-8"), "full.sql")
