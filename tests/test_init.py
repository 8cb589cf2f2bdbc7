"""``twinschema init`` (issue 7): a domain.yaml from two existing databases, on real databases.

* Pairing by name is table-driven: exact, case, PascalCase/camelCase against snake_case, singular
  against plural; a name with more than one candidate stays unpaired.
* Chinook's two versions (PascalCase SQLite, snake_case PostgreSQL): ``init`` then
  ``diff --domain`` is in sync, with no hand edit, and the file says what the hand-written
  ``chinook/domain.yaml`` says.
* What cannot be paired is written as comments; a one-sided table is written for both dialects
  with its ``dialects: [...]`` commented out, so the next diff reports it until a person decides.
* An existing file is never overwritten without ``--force``.
* ``--stamp`` on a scratch copy of a project: empty chains get a baseline revision and both
  databases are stamped there; chains with revisions are stamped at head only when the database
  has the head's schema, and otherwise nothing is written.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from support import testing
from support.testing import execute

from twinschema import adopt
from twinschema.cli import cli
from twinschema.config import load_config
from twinschema.domain_load import load_domain
from twinschema.migrations import migrate_chain, migrate_connect
from twinschema.sources import sqlfile
from twinschema.urls import parse_url

ROOT = Path(__file__).resolve().parent.parent
CHINOOK = Path(__file__).parent / "fixtures" / "realworld" / "chinook"
PACKAGE = ROOT / "tool" / "twinschema"
VERSION_TABLE = "alembic_version"


@pytest.fixture(autouse=True)
def _in_a_new_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """init writes a whole project where it runs: each test runs it in a folder of its own."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_init(sqlite_url: str, pg_url: str, output: Path, *options: str) -> Result:
    return invoke(
        "init", "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--output", str(output),
        *options,
    )  # fmt: skip


def run_diff(left: str, right: str, domain: Path) -> tuple[int, dict[str, Any]]:
    result = invoke("diff", left, right, "--domain", str(domain), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def revisions(url: str) -> list[str]:
    """The rows of ``alembic_version`` ([] when the table does not exist)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(VERSION_TABLE):
                return []
            rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return sorted(rows.scalars())
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# Pairing by name, no database


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        ("album", "album"),
        ("Album", "album"),
        ("AlbumId", "album_id"),
        ("InvoiceLine", "invoice_line"),
        ("invoiceLine", "invoice_line"),
        ("invoice_line", "invoice_line"),
        ("HTTPRequest", "http_request"),
        ("AddressLine2", "address_line2"),
        ("MEDIA_TYPE", "media_type"),
    ],
)
def test_snake_case(name: str, snake: str) -> None:
    assert adopt.snake_case(name) == snake


PAIRING_CASES = [
    # (sqlite names, postgresql names, expected pairs with their stage, sqlite only, pg only)
    pytest.param(["album"], ["album"], [("album", "album", "exact")], [], [], id="exact"),
    pytest.param(["ALBUM"], ["album"], [("ALBUM", "album", "case")], [], [], id="case"),
    pytest.param(["album"], ["Album"], [("album", "Album", "case")], [], [], id="quoted"),
    pytest.param(["InvoiceLine"], ["invoice_line"], [("InvoiceLine", "invoice_line", "convention")],
                 [], [], id="pascal-snake"),
    pytest.param(["AlbumId"], ["album_id"], [("AlbumId", "album_id", "convention")], [], [],
                 id="pascal-snake-column"),
    pytest.param(["invoiceLine"], ["invoice_line"],
                 [("invoiceLine", "invoice_line", "convention")], [], [], id="camel-snake"),
    pytest.param(["Album"], ["albums"], [("Album", "albums", "plural")], [], [], id="plural-s"),
    pytest.param(["category"], ["categories"], [("category", "categories", "plural")], [], [],
                 id="plural-ies"),
    pytest.param(["box"], ["boxes"], [("box", "boxes", "plural")], [], [], id="plural-es"),
    pytest.param(["Statuses"], ["status"], [("Statuses", "status", "plural")], [], [],
                 id="plural-on-the-sqlite-side"),
    pytest.param(["Person"], ["people"], [("Person", "people", "plural")], [], [],
                 id="plural-irregular"),
    pytest.param(["InvoiceLine"], ["invoice_lines"],
                 [("InvoiceLine", "invoice_lines", "plural")], [], [], id="plural-last-word"),
    pytest.param(["category"], ["categories", "categorys"], [], ["category"],
                 ["categories", "categorys"], id="ambiguous-plural"),
    pytest.param(["ALBUM"], ["Album", "album"], [], ["ALBUM"], ["Album", "album"],
                 id="ambiguous-case"),
    pytest.param(["Album", "Albums"], ["album"], [("Album", "album", "case")], ["Albums"], [],
                 id="stricter-stage-first"),
    pytest.param(["album", "albums"], ["albums", "album"],
                 [("album", "album", "exact"), ("albums", "albums", "exact")], [], [],
                 id="both-forms-on-both-sides"),
    pytest.param(["address"], ["addres"], [], ["address"], ["addres"], id="ss-is-not-a-plural"),
    pytest.param(["status"], ["statu"], [], ["status"], ["statu"], id="us-is-not-a-plural"),
    pytest.param(["artist"], ["album"], [], ["artist"], ["album"], id="unrelated"),
    pytest.param(["AlbumTrack"], ["album"], [], ["AlbumTrack"], ["album"], id="prefix-only"),
]  # fmt: skip


@pytest.mark.parametrize(("left", "right", "pairs", "left_only", "right_only"), PAIRING_CASES)
def test_pair_names(
    left: list[str],
    right: list[str],
    pairs: list[tuple[str, str, str]],
    left_only: list[str],
    right_only: list[str],
) -> None:
    found = adopt.pair_names(left, right)
    assert sorted(found.pairs) == sorted(pairs)
    assert sorted(found.left_only) == sorted(left_only)
    assert sorted(found.right_only) == sorted(right_only)


# ---------------------------------------------------------------------------------------------
# Chinook: init, then diff, with no hand edit

# The tests that only read Chinook (init writes its file elsewhere; the --stamp tests write to
# their databases and take conftest's pair of their own) share one pair, built once on the one
# worker their group runs on: a pair took 3.6-4.5 s of each test's setup.
READS_CHINOOK = pytest.mark.xdist_group("test_init_chinook")


@pytest.fixture(scope="module")
def chinook(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Iterator[tuple[str, str]]:
    """Chinook on a SQLite file and on PostgreSQL, built as conftest's ``chinook_sqlite`` and
    ``chinook_pg`` build them, shared by the tests that only read it: (SQLite URL, PostgreSQL
    URL). Still as built when the last of them is done (the file's bytes, no ``alembic_version``
    on either side), or the sharing is an error."""
    from pg_helpers import generate_chinook_keys

    script = (CHINOOK / "Chinook_Sqlite.sql").read_text(encoding="utf-8")
    sqlite_url = testing.sqlite_file(tmp_path_factory.mktemp("chinook") / "chinook.db", script)
    built = Path(parse_url(sqlite_url).database or "").read_bytes()
    with sqlfile.load_postgresql(CHINOOK / "Chinook_PostgreSql.sql", pg_server) as pg_url:
        generate_chinook_keys(pg_url)
        yield sqlite_url, pg_url
        assert revisions(sqlite_url) == revisions(pg_url) == []
    assert Path(parse_url(sqlite_url).database or "").read_bytes() == built


@READS_CHINOOK
def test_chinook_init_then_diff_is_in_sync(chinook: tuple[str, str], tmp_path: Path) -> None:
    chinook_sqlite, chinook_pg = chinook
    output = tmp_path / "domain.yaml"
    before = Path(parse_url(chinook_sqlite).database or "").read_bytes()
    result = run_init(chinook_sqlite, chinook_pg, output)
    assert result.exit_code == 0, result.output
    assert Path(parse_url(chinook_sqlite).database or "").read_bytes() == before  # read-only
    assert "11 tables and 64 columns paired" in result.stdout
    assert "could not pair" not in result.stdout

    code, report = run_diff(chinook_sqlite, chinook_pg, output)
    assert report["differences"] == [], json.dumps(report["differences"], indent=2)
    assert report["in_sync"] is True
    assert code == 0
    # The other way round too: the domain is not written for one order.
    code, report = run_diff(chinook_pg, chinook_sqlite, output)
    assert (code, report["differences"]) == (0, [])
    # init only reads: no bookkeeping table appeared.
    assert revisions(chinook_sqlite) == revisions(chinook_pg) == []


@READS_CHINOOK
def test_chinook_init_writes_what_a_person_wrote(chinook: tuple[str, str], tmp_path: Path) -> None:
    """Every table and column of the hand-written chinook/domain.yaml, with the same names in
    both dialects and the same kinds and parameters."""
    chinook_sqlite, chinook_pg = chinook
    output = tmp_path / "domain.yaml"
    assert run_init(chinook_sqlite, chinook_pg, output).exit_code == 0
    written, by_hand = load_domain(output), load_domain(CHINOOK / "domain.yaml")

    def summary(domain: Any) -> dict[str, Any]:
        return {
            table.name: (
                dict(table.names),
                table.dialects,
                {
                    c.name: (dict(c.names), c.kind, c.length, c.precision, c.scale, c.values)
                    for c in table.columns.values()
                },
            )
            for table in domain.tables.values()
        }

    assert summary(written) == summary(by_hand)


@READS_CHINOOK
def test_the_file_points_at_the_packaged_json_schema(
    chinook: tuple[str, str], tmp_path: Path
) -> None:
    chinook_sqlite, chinook_pg = chinook
    output = tmp_path / "nested" / "domain.yaml"
    output.parent.mkdir()
    assert run_init(chinook_sqlite, chinook_pg, output).exit_code == 0
    first = output.read_text("utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    reference = (output.parent / first[len(prefix) :]).resolve()
    assert reference == (PACKAGE / "domain.schema.json").resolve()


@READS_CHINOOK
def test_what_init_writes_validates_against_the_json_schema(
    chinook: tuple[str, str], shop: tuple[str, str], tmp_path: Path
) -> None:
    """Editors validate the file with the packaged schema: what init writes must pass it, with
    kinds, parameters, enum values, per-dialect names and one-sided tables."""
    import jsonschema
    import yaml

    schema = json.loads((PACKAGE / "domain.schema.json").read_text("utf-8"))
    for name, urls in (("chinook", chinook), ("shop", shop)):
        output = tmp_path / f"{name}.yaml"
        assert run_init(*urls, output, "--force").exit_code == 0
        jsonschema.validate(yaml.safe_load(output.read_text("utf-8")), schema)


# ---------------------------------------------------------------------------------------------
# What cannot be paired, kinds both sides agree on


SQLITE_SHOP = """
CREATE TABLE Customer (
    CustomerId INTEGER PRIMARY KEY,
    Email TEXT NOT NULL,
    IsActive INTEGER NOT NULL DEFAULT 1 CHECK (IsActive IN (0, 1)),
    Tier TEXT CHECK (Tier IN ('free', 'pro')),
    ExternalId TEXT,
    CreatedAt DATETIME,
    Fax TEXT
);
CREATE TABLE Categories (CategoryId INTEGER PRIMARY KEY, Name VARCHAR(40));
CREATE TABLE LocalCache (Key TEXT PRIMARY KEY, Value BLOB);
"""

PG_SHOP = [
    "CREATE TYPE tier AS ENUM ('free', 'pro')",
    """CREATE TABLE customers (
        customer_id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        email text NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        tier tier,
        external_id uuid,
        created_at timestamptz,
        loyalty_points integer
    )""",
    "CREATE TABLE category (category_id serial PRIMARY KEY, name varchar(40))",
    "CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
]


@pytest.fixture
def shop(tmp_path: Path, pg_url: str) -> tuple[str, str]:
    execute(pg_url, *PG_SHOP)
    return testing.sqlite_file(tmp_path / "shop.db", SQLITE_SHOP), pg_url


def test_unpaired_tables_and_columns_are_comments(shop: tuple[str, str], tmp_path: Path) -> None:
    output = tmp_path / "domain.yaml"
    result = run_init(*shop, output)
    assert result.exit_code == 0, result.output
    text = output.read_text("utf-8")
    for line in (
        "# sqlite only: table LocalCache",
        "# postgresql only: table audit_log",
        "# sqlite only: column customers.Fax",
        "# postgresql only: column customers.loyalty_points",
    ):
        assert line in text, text
        assert line[2:] in result.stdout
    # One-sided tables: the declaration is a comment for a person to uncomment, not a decision.
    assert "    # dialects: [sqlite]  # found on sqlite only" in text
    assert "    # dialects: [postgresql]  # found on postgresql only" in text
    domain = load_domain(output)
    assert domain.tables["local_cache"].dialects == ("sqlite", "postgresql")
    assert domain.tables["audit_log"].dialects == ("sqlite", "postgresql")
    customers = domain.tables["customers"]
    assert dict(customers.names) == {"sqlite": "Customer", "postgresql": "customers"}
    assert "fax" not in customers.columns and "loyalty_points" not in customers.columns
    category = domain.tables["category"]
    assert dict(category.names) == {"sqlite": "Categories", "postgresql": "category"}

    # The diff names the unpaired columns and the one-sided tables, and only them: init never
    # declares a table one-sided by itself (that would make the diff say "in sync").
    code, report = run_diff(*shop, output)
    found = sorted((d["kind"], d["table"], d["column"]) for d in report["differences"])
    assert found == [
        ("column_missing", "customers", "Fax"),
        ("column_missing", "customers", "loyalty_points"),
        ("table_missing", "audit_log", None),
        ("table_missing", "local_cache", None),
    ], report["differences"]
    assert code == 1
    assert revisions(shop[0]) == revisions(shop[1]) == []

    # Once a person uncomments the declarations, the tables are one-sided on purpose.
    output.write_text(text.replace("    # dialects: [", "    dialects: ["), "utf-8")
    code, report = run_diff(*shop, output)
    found = sorted((d["kind"], d["table"], d["column"]) for d in report["differences"])
    assert [f[0] for f in found] == ["column_missing", "column_missing"], found


def test_kinds_are_those_both_sides_agree_on(shop: tuple[str, str], tmp_path: Path) -> None:
    """A CHECK ... IN list stands for a boolean or an enum, as the comparer reads it; a kind only
    one side has (LocalCache) or none shared is left out."""
    output = tmp_path / "domain.yaml"
    assert run_init(*shop, output).exit_code == 0
    domain = load_domain(output)
    kinds = {
        (t.name, c.name): (c.kind, c.length, c.values)
        for t in domain.tables.values()
        for c in t.columns.values()
    }
    assert kinds == {
        ("customers", "customer_id"): ("integer", None, None),
        ("customers", "email"): ("text", None, None),
        ("customers", "is_active"): ("boolean", None, None),
        ("customers", "tier"): ("enum", None, ("free", "pro")),
        ("customers", "external_id"): ("uuid", None, None),
        ("customers", "created_at"): ("timestamptz", None, None),
        ("category", "category_id"): ("integer", None, None),
        ("category", "name"): ("varchar", 40, None),
        ("local_cache", "key"): (None, None, None),
        ("local_cache", "value"): (None, None, None),
        ("audit_log", "id"): (None, None, None),
        ("audit_log", "at"): (None, None, None),
    }


def test_names_the_domain_cannot_hold_or_that_collide(tmp_path: Path, pg_url: str) -> None:
    """A name with a quote character stays a comment; one with a space or a hyphen (legal
    quoted identifiers, as Roundcube's reply-to) is written under `names`; "Album" and "album"
    (both quoted in PostgreSQL) against SQLite's ALBUM are ambiguous, so all three are kept
    one-sided under distinct logical names; the file still loads."""
    execute(
        pg_url,
        'CREATE TABLE "Album" (id integer PRIMARY KEY)',
        "CREATE TABLE album (id integer PRIMARY KEY)",
        'CREATE TABLE "order items" '
        '(id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "reply-to" text)',
        'CREATE TABLE "it\'s" (id integer PRIMARY KEY)',
    )
    sqlite_url = testing.sqlite_file(
        tmp_path / "odd.db",
        "CREATE TABLE ALBUM (Id INTEGER PRIMARY KEY); "
        'CREATE TABLE "order items" (id INTEGER PRIMARY KEY, "reply-to" TEXT); '
        'CREATE TABLE "it\'s" (id INTEGER);',
    )
    output = tmp_path / "domain.yaml"
    result = run_init(sqlite_url, pg_url, output)
    assert result.exit_code == 0, result.output
    text = output.read_text("utf-8")
    assert '# sqlite table "it\'s": not a name domain.yaml can hold' in text
    assert '# postgresql table "it\'s": not a name domain.yaml can hold' in text
    assert "order items" in text and "not a name" not in text.split("order items")[1][:40]
    assert text.count("    # dialects: [") == 3  # each one-sided, for a person to decide
    domain = load_domain(output)
    assert sorted(domain.tables) == ["album", "album_2", "album_3", "order_items"]
    assert sorted(
        (dialect, name)
        for t in domain.tables.values()
        for dialect, name in t.names.items()
        if name != t.name
    ) == [
        ("postgresql", "Album"),  # PostgreSQL's album keeps its own name as its logical one
        ("postgresql", "order items"),
        ("sqlite", "ALBUM"),
        ("sqlite", "album_2"),  # PostgreSQL's album where SQLite lacks it: not "album"
        ("sqlite", "order items"),
    ]
    order_items = domain.tables["order_items"]
    assert {c: col.names for c, col in order_items.columns.items()}["reply_to"] == {
        "sqlite": "reply-to",
        "postgresql": "reply-to",
    }
    _, report = run_diff(sqlite_url, pg_url, output)
    assert [d for d in report["differences"] if d["table"] == "order_items"] == []
    assert "reply-to" not in json.dumps(report)  # no domain_name finding: the name is held


# ---------------------------------------------------------------------------------------------
# A library's warning is one line of the tool's, or none


CYCLE_SQLITE = """
CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, store_id INTEGER NOT NULL REFERENCES store);
CREATE TABLE store (store_id INTEGER PRIMARY KEY, manager_staff_id INTEGER REFERENCES staff);
"""
CYCLE_PG = [
    "CREATE TABLE staff (staff_id integer PRIMARY KEY, store_id integer NOT NULL)",
    "CREATE TABLE store (store_id integer PRIMARY KEY, manager_staff_id integer REFERENCES staff)",
    "ALTER TABLE staff ADD FOREIGN KEY (store_id) REFERENCES store",
]


def test_tables_whose_keys_form_a_cycle_give_no_warning(tmp_path: Path, pg_url: str) -> None:
    """Sakila's staff and store reference each other on both sides: SQLAlchemy's sorted_tables
    warned in several lines (its message, then a source line of models.py). Nothing is asked of
    the user (the module names references by string, the baseline adds the keys after both
    tables), so nothing is said; the modules still load with both keys."""
    execute(pg_url, *CYCLE_PG)
    sqlite_url = testing.sqlite_file(tmp_path / "cycle.db", CYCLE_SQLITE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_init(sqlite_url, pg_url, tmp_path / "domain.yaml")
    assert result.exit_code == 0, result.output
    assert [str(w.message) for w in caught] == []
    assert result.stderr == "", result.stderr
    for module in ("sqlite", "postgres"):
        text = Path("schemas", f"{module}.py").read_text("utf-8")
        assert text.count("sa.ForeignKeyConstraint(") == 2, text


def test_a_library_warning_is_one_line_of_the_tools(tmp_path: Path, pg_url: str) -> None:
    """A column of a type SQLAlchemy does not know (a composite type): its SAWarning is one
    stderr line in the tool's words, without Python's source line."""
    execute(
        pg_url,
        "CREATE TYPE pair AS (a integer, b integer)",
        "CREATE TABLE t (id integer PRIMARY KEY, p pair)",
    )
    sqlite_url = testing.sqlite_file(
        tmp_path / "t.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, p TEXT);"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_init(sqlite_url, pg_url, tmp_path / "domain.yaml")
    assert result.exit_code == 0, result.output
    assert caught == []
    assert result.stderr.splitlines() == [
        "twinschema: note: SQLAlchemy: Did not recognize type 'pair' of column 'p'"
    ], result.stderr


# ---------------------------------------------------------------------------------------------
# Never overwrite without --force


@READS_CHINOOK
def test_refuses_to_overwrite_without_force(chinook: tuple[str, str], tmp_path: Path) -> None:
    chinook_sqlite, chinook_pg = chinook
    output = tmp_path / "domain.yaml"
    output.write_text("# mine\n", encoding="utf-8")
    result = run_init(chinook_sqlite, chinook_pg, output)
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert output.read_text("utf-8") == "# mine\n"

    result = run_init(chinook_sqlite, chinook_pg, output, "--force")
    assert result.exit_code == 0, result.output
    assert load_domain(output).tables.keys() >= {"album", "invoice_line"}


# ---------------------------------------------------------------------------------------------
# --stamp, on a scratch copy of a project


def scratch_project(root: Path, *, with_revisions: bool) -> Path:
    """A project in ``root``: pyproject.toml with [tool.twinschema] and the two chains' env.py and
    script.py.mako copied from this project (with its revisions, or with none)."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.twinschema]\ndomain = "domain.yaml"\n\n'
        '[tool.twinschema.sqlite]\nmigrations = "migrations_sqlite"\n\n'
        '[tool.twinschema.postgresql]\nmigrations = "migrations_postgres"\n',
        encoding="utf-8",
    )
    for chain in ("migrations_sqlite", "migrations_postgres"):
        (root / chain / "versions").mkdir(parents=True)
        for name in ("env.py", "script.py.mako"):
            shutil.copy(ROOT / chain / name, root / chain / name)
        if with_revisions:
            for revision in (ROOT / chain / "versions").glob("*.py"):
                shutil.copy(revision, root / chain / "versions" / revision.name)
    return root


def test_stamp_starts_empty_chains_from_what_exists(
    chinook_sqlite: str, chinook_pg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scratch_project(tmp_path / "app", with_revisions=False)
    monkeypatch.chdir(project)
    result = invoke("init", "--sqlite-url", chinook_sqlite, "--postgres-url", chinook_pg, "--stamp")
    assert result.exit_code == 0, result.output
    assert (project / "domain.yaml").is_file()  # the configured domain file

    baselines = {"sqlite": "0001_baseline_sqlite", "postgresql": "0001_baseline_postgresql"}
    for dialect, chain in (("sqlite", "migrations_sqlite"), ("postgresql", "migrations_postgres")):
        path = project / chain / "versions" / f"{baselines[dialect]}.py"
        text = path.read_text("utf-8")
        assert "domain_version = 1" in text
        assert "down_revision: str | Sequence[str] | None = None" in text
        assert f"stamped the {dialect} database at {baselines[dialect]}" in result.stdout
    assert revisions(chinook_sqlite) == [baselines["sqlite"]]
    assert revisions(chinook_pg) == [baselines["postgresql"]]

    # Alembic itself sees each database at its chain's head.
    config = load_config(project / "pyproject.toml")
    for dialect, url in (("sqlite", chinook_sqlite), ("postgresql", chinook_pg)):
        target = migrate_chain.Target(dialect, parse_url(url))
        with migrate_connect.connect(target, create=False) as connection:
            cfg = migrate_chain.alembic_config(config, dialect, connection=connection)
            assert migrate_chain.head_revision(cfg) == baselines[dialect]
            assert migrate_chain.current_revisions(connection) == (baselines[dialect],)

    if importlib.util.find_spec("twinschema.migrations.migrations_layer") is not None:
        check = invoke(
            "check", "--layer", "migrations", "--sqlite-url", chinook_sqlite,
            "--postgres-url", chinook_pg, "--format", "json",
        )  # fmt: skip
        report = json.loads(check.stdout)
        assert report["differences"] == [], json.dumps(report["differences"], indent=2)
        assert check.exit_code == 0, check.output

    # Again: the databases are already at head, nothing new is created.
    again = invoke(
        "init", "--sqlite-url", chinook_sqlite, "--postgres-url", chinook_pg, "--stamp", "--force"
    )
    assert again.exit_code == 0, again.output
    assert "created baseline" not in again.stdout
    assert sorted(p.name for p in (project / "migrations_sqlite" / "versions").glob("*.py")) == [
        "0001_baseline_sqlite.py"
    ]


@pytest.fixture
def project_at_head(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str, str]:
    """A scratch project with this project's chains, and two databases built by them whose
    ``alembic_version`` was then dropped: the schema of head, not recorded as such."""
    project = scratch_project(tmp_path / "app", with_revisions=True)
    monkeypatch.chdir(project)
    sqlite_url = testing.sqlite_url(tmp_path / "local.db")
    config = load_config(project / "pyproject.toml")
    for dialect, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
        with migrate_connect.connect(migrate_chain.Target(dialect, parse_url(url))) as connection:
            migrate_chain.upgrade(
                migrate_chain.alembic_config(config, dialect, connection=connection)
            )
        execute(url, f"DROP TABLE {VERSION_TABLE}")
    return project, sqlite_url, pg_url


def test_stamp_at_head_when_the_database_has_the_head_schema(
    project_at_head: tuple[Path, str, str],
) -> None:
    project, sqlite_url, pg_url = project_at_head
    result = invoke("init", "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--stamp")
    assert result.exit_code == 0, result.output
    assert revisions(sqlite_url) == ["0001_initial_sqlite"]
    assert revisions(pg_url) == ["0001_initial_postgresql"]
    assert "created baseline" not in result.stdout
    assert sorted(p.name for p in (project / "migrations_postgres" / "versions").glob("*.py")) == [
        "0001_initial_postgresql.py"
    ]


def test_stamp_refuses_a_database_unlike_the_head(
    project_at_head: tuple[Path, str, str], chinook_pg: str
) -> None:
    """Chinook is not what the chain builds: nothing is stamped, and no file is written."""
    project, sqlite_url, _ = project_at_head
    result = invoke("init", "--sqlite-url", sqlite_url, "--postgres-url", chinook_pg, "--stamp")
    assert result.exit_code == 2, result.output
    assert "does not have the schema that the head 0001_initial_postgresql" in result.stderr
    assert revisions(sqlite_url) == revisions(chinook_pg) == []
    assert not (project / "domain.yaml").exists()


def test_stamp_refuses_when_only_one_chain_is_empty(
    chinook_sqlite: str, chinook_pg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scratch_project(tmp_path / "app", with_revisions=True)
    for revision in (project / "migrations_sqlite" / "versions").glob("*.py"):
        revision.unlink()
    monkeypatch.chdir(project)
    result = invoke("init", "--sqlite-url", chinook_sqlite, "--postgres-url", chinook_pg, "--stamp")
    assert result.exit_code == 2, result.output
    assert "the sqlite chain" in result.stderr and "has no revision" in result.stderr
    assert revisions(chinook_sqlite) == revisions(chinook_pg) == []


def test_init_help_says_stamp_writes() -> None:
    result = invoke("init", "--help")
    assert result.exit_code == 0
    assert "WRITE" in result.stdout and "alembic_version" in result.stdout


DOMAIN_AFTER_HEADER = """\
# Written by `twinschema init` from
#   sqlite: the SQLite database given to `twinschema init`
#   postgresql: the PostgreSQL database given to `twinschema init`
# Logical names are the PostgreSQL names in snake_case; `names` gives a dialect's own
# spelling where it differs. Kinds are those both databases agree on.
# Review, then commit.
# Could not pair (decide by hand: rename, pair in `names`, or drop):
# postgresql only: table audit_log
version: 1
tables:
  album:
    names: {sqlite: Album}
    columns:
      # sqlite only: column album.Foo
      # foo_bar: {names: {sqlite: FooBar}, dialects: [sqlite]}  # uncomment to declare \
album.foo_bar (sqlite: FooBar) sqlite-only
      album_id: {kind: integer, names: {sqlite: AlbumId}}
      price: {kind: numeric, precision: 10, scale: 2}
      status: {kind: enum, values: ["yes", "a:b", "x#y", '1e3', ok]}
      "yes": {names: {sqlite: "Yes"}}
  audit_log:
    # dialects: [postgresql]  # found on postgresql only, so it is reported missing on sqlite: \
uncomment to declare it postgresql-only, or add it to sqlite
    columns:
      id: {kind: varchar, length: 36}
"""


def test_domain_file_is_a_round_trip_yaml_document(tmp_path: Path) -> None:
    """``domain.yaml`` is written through ruamel.yaml (issue 16): the header, the one-sided
    table's and columns' declarations commented out, and the unpaired lines are comments where a
    person expects them; a string YAML 1.1 or 1.2 would read as something else (``yes``, ``1e3``)
    is quoted; reading the file with ruamel.yaml and writing it back changes no byte, so a later
    edit by a round-trip tool (``revision`` bumping ``version``) keeps every comment; and each
    commented-out declaration, uncommented, is a valid one."""
    from io import StringIO

    import yaml
    from ruamel.yaml import YAML

    from twinschema.adopt.domain_file import render
    from twinschema.adopt.kinds import Kind
    from twinschema.adopt.proposal import InitColumn, InitTable, Proposal
    from twinschema.domain_load import parse_domain

    both = ("sqlite", "postgresql")
    album = InitTable("album", {"sqlite": "Album", "postgresql": "album"}, both)
    album.columns = [
        InitColumn("album_id", {"sqlite": "AlbumId", "postgresql": "album_id"}, Kind("integer")),
        InitColumn("price", {}, Kind("numeric", precision=10, scale=2)),
        InitColumn("status", {}, Kind("enum", values=("yes", "a:b", "x#y", "1e3", "ok"))),
        InitColumn("yes", {"sqlite": "Yes", "postgresql": "yes"}),
    ]
    album.unpaired = ["sqlite only: column album.Foo"]
    album.one_sided = [("sqlite", "FooBar")]
    audit = InitTable("audit_log", {"postgresql": "audit_log"}, ("postgresql",))
    audit.columns = [InitColumn("id", {"postgresql": "id"}, Kind("varchar", length=36))]
    proposal = Proposal([album, audit], ["postgresql only: table audit_log"])
    sources = {
        "sqlite": "the SQLite database given to `twinschema init`",
        "postgresql": "the PostgreSQL database given to `twinschema init`",
    }
    output = tmp_path / "domain.yaml"
    text = render(proposal, output, sources)
    first, rest = text.split("\n", 1)
    assert first.startswith("# yaml-language-server: $schema=")
    assert rest == DOMAIN_AFTER_HEADER

    round_trip = YAML()
    round_trip.indent(mapping=2, sequence=4, offset=2)
    round_trip.width = 1 << 16
    round_trip.preserve_quotes = True
    again = StringIO()
    round_trip.dump(round_trip.load(text), again)
    assert again.getvalue() == text

    data = round_trip.load(text)  # YAML 1.2: 1e3 unquoted would be a float
    assert list(data["tables"]["album"]["columns"]["status"]["values"]) == [
        "yes", "a:b", "x#y", "1e3", "ok",
    ]  # fmt: skip
    assert yaml.safe_load(text)["tables"]["album"]["columns"]["yes"] == {"names": {"sqlite": "Yes"}}
    uncommented = (
        text.replace("    # dialects: [postgresql]", "    dialects: [postgresql]")
        .replace("      # foo_bar:", "      foo_bar:")
    )  # fmt: skip
    domain = parse_domain(uncommented, str(output))
    assert domain.tables["audit_log"].dialects == ("postgresql",)
    foo_bar = domain.tables["album"].columns["foo_bar"]
    assert (foo_bar.dialects, foo_bar.physical("sqlite")) == (("sqlite",), "FooBar")

    # An `allow:` added to the table as `init --allow-existing` adds it (round trip, appended
    # after `columns:`) leaves the commented column among the columns: uncommented, it loads
    # (stranger94b 006: written below the last column, it came out after the allow list).
    data["tables"]["album"]["allow"] = round_trip.load("[{kind: index, reason: r}]")
    allowed = StringIO()
    round_trip.dump(data, allowed)
    domain = parse_domain(allowed.getvalue().replace("      # foo_bar:", "      foo_bar:"))
    assert domain.tables["album"].columns["foo_bar"].dialects == ("sqlite",)


@pytest.mark.parametrize("configured", [True, False])
def test_stamp_refuses_a_database_stamped_by_a_chain_the_project_lacks(
    chinook_sqlite: str,
    chinook_pg: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    configured: bool,
) -> None:
    """A database already stamped (a copy of one adopted before) and no revision here: refused,
    naming the chain when the project configures one, else saying there is none yet (it said
    "but None has no revision", stranger round 7), and what to do."""
    execute(
        chinook_sqlite,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0001_baseline_sqlite')",
    )
    if configured:
        monkeypatch.chdir(scratch_project(tmp_path / "app", with_revisions=False))
    result = invoke("init", "--sqlite-url", chinook_sqlite, "--postgres-url", chinook_pg, "--stamp")
    assert result.exit_code == 2, result.output
    where = (
        "the sqlite chain migrations_sqlite has no revision"
        if configured
        else "this project has no sqlite chain yet (init would start one)"
    )
    assert result.output.strip().endswith(
        f"is already stamped at 0001_baseline_sqlite, but {where}: restore the chain it was "
        "stamped from instead of starting a new one, or drop its alembic_version table to start "
        "afresh"
    ), result.output
    assert "None" not in result.output
    assert revisions(chinook_pg) == []


def test_a_key_naming_its_table_in_another_case_keeps_its_action(tmp_path: Path) -> None:
    """SQLite finds a table by a case-blind name, and so does the completion of a reflected key
    (``reflected.complete_key``, init's and a batch copy's): a key written ``REFERENCES Users
    (ID) ON DELETE CASCADE`` on a table ``users`` was not matched by init, and the module it
    wrote had no CASCADE (SQLAlchemy reads none from a column's own REFERENCES)."""
    from twinschema.adopt import reflection
    from twinschema.dialects import ReflectOptions, sqlite

    url = testing.sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, "
        "user_id INTEGER REFERENCES Users (ID) ON DELETE CASCADE);",
    )
    options = ReflectOptions()
    metadata = reflection.reflect_tables(url, options, ["users", "posts"])
    reflection.complete(metadata, sqlite.reflect(sa.make_url(url), options))
    assert [fk.ondelete for fk in metadata.tables["posts"].foreign_key_constraints] == ["CASCADE"]


def test_two_empty_databases_are_refused_in_one_line(tmp_path: Path, pg_url: str) -> None:
    """An empty SQLite file and an empty PostgreSQL database (a team starting fresh) have nothing
    to adopt: one line, exit 2 (a usage problem, not exit 4's bug), and no file written; a table
    on one side only is adopted as before (stranger61 004)."""
    sqlite_url = testing.sqlite_file(tmp_path / "app.db", "PRAGMA user_version = 0;")
    (tmp_path / "p").mkdir()
    output = tmp_path / "p" / "domain.yaml"
    result = run_init(sqlite_url, pg_url, output, "--stamp")
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "both databases are empty" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert not any((tmp_path / "p").iterdir())

    execute(pg_url, "CREATE TABLE notes (id integer PRIMARY KEY)")
    result = run_init(sqlite_url, pg_url, output)
    assert result.exit_code == 0, result.output
    assert "postgresql only: table notes" in result.stdout


def test_a_database_whose_only_table_domain_yaml_cannot_hold_is_refused(
    tmp_path: Path, pg_url: str
) -> None:
    """Tables exist, but none can be written (a name with a quote): the refusal says why."""
    execute(pg_url, 'CREATE TABLE "it\'s" (id integer PRIMARY KEY)')
    sqlite_url = testing.sqlite_file(tmp_path / "app.db", "PRAGMA user_version = 0;")
    result = run_init(sqlite_url, pg_url, tmp_path / "domain.yaml")
    assert result.exit_code == 2, result.output
    assert "no table of either database can be written" in result.stderr
    assert "not a name domain.yaml can hold" in result.stderr
