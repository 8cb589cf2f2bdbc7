"""PostgreSQL rules and SQLite virtual tables (stranger54 002, 003, 005).

Each changes what a statement does to rows (a rule's DO INSTEAD NOTHING keeps the row a DELETE
removes; an FTS table takes INSERTs a database without it refuses), so neither may be only
counted: two sources of one dialect are compared object by object (a rule by name on its table
and definition, a virtual table by name and statement); across dialects a rule is a difference
domain.yaml may allow; ``init`` writes both into the baselines, so a database built from the
chain has them, and the migrations layer reports one a hand edit made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pg_helpers import clean_env, invoke_cli
from probes import Loader, compare_texts
from support import testing
from support.dbpool import DatabasePool
from support.testing import execute
from test_init_project import ENV, adopt, adopt_in_sync, check, details, revision_made

from twinschema.dialects import ReflectOptions
from twinschema.sources import reflect_url
from twinschema.urls import redact

GENRE_SQLITE = "CREATE TABLE genre (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
GENRE_PG = "CREATE TABLE genre (id integer PRIMARY KEY, name text NOT NULL)"
NO_DELETE = "CREATE RULE no_delete_genre AS ON DELETE TO genre DO INSTEAD NOTHING"
FTS = "CREATE VIRTUAL TABLE event_search USING fts4 (event_id, value)"


def diff(cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = invoke_cli(["diff", *args, "--format", "json"], cwd, clean_env())
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def found(report: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [(d["kind"], d["table"], d["name"]) for d in report["differences"]]


def objects(url: str, kind: str) -> list[str]:
    return [o.name for o in reflect_url(url, ReflectOptions()).objects if o.kind == kind]


def rows(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements`` in one transaction; the rows of the last."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements[:-1]:
                conn.execute(sa.text(statement))
            return [tuple(r) for r in conn.execute(sa.text(statements[-1]))]
    finally:
        engine.dispose()


def test_a_virtual_table_one_sqlite_file_lacks_is_a_difference(tmp_path: Path) -> None:
    """Two SQLite files, one with an FTS table: a ``virtual_table`` difference (before: in
    sync, "not compared: 1 virtual_tables"); two with it made alike are in sync, and two whose
    statements differ (another column) differ."""
    with_it = testing.sqlite_file(tmp_path / "a.db", f"{GENRE_SQLITE};\n{FTS};")
    without = testing.sqlite_file(tmp_path / "b.db", f"{GENRE_SQLITE};")
    code, report = diff(tmp_path, with_it, without, "--no-domain")
    assert code == 1
    assert found(report) == [("virtual_table", "event_search", "event_search")]
    assert "exists only in" in report["differences"][0]["message"]
    assert report["not_compared"] == {}

    alike = testing.sqlite_file(
        tmp_path / "c.db",
        f"{GENRE_SQLITE};\ncreate virtual table event_search using FTS4(event_id,  value);",
    )
    assert diff(tmp_path, with_it, alike, "--no-domain")[0] == 0
    other = testing.sqlite_file(
        tmp_path / "d.db", f"{GENRE_SQLITE};\n{FTS.replace('value', 'body')};"
    )
    code, report = diff(tmp_path, with_it, other, "--no-domain")
    assert (code, found(report)) == (1, [("virtual_table", "event_search", "event_search")])
    assert "differs" in report["differences"][0]["message"]


def test_a_rule_one_postgresql_database_lacks_is_a_difference(
    pg_databases: DatabasePool, tmp_path: Path
) -> None:
    """Two PostgreSQL databases, one with a rule (stranger54 002): a ``rule`` difference on its
    table (before: in sync, "not compared: 1 rules"); the same rule with another action
    differs too."""
    with pg_databases.database() as left, pg_databases.database() as right:
        execute(left, GENRE_PG, NO_DELETE)
        execute(right, GENRE_PG)
        code, report = diff(tmp_path, left, right, "--no-domain")
        assert code == 1
        assert found(report) == [("rule", "genre", "no_delete_genre")]
        assert report["not_compared"] == {}
        # Near miss of the cross-dialect drop: here the other database may have the rule too,
        # and the fix names the one that lacks it, as its hint's first words do.
        assert report["differences"][0]["fix"]["side"] == "right", report["differences"]
        assert report["differences"][0]["hint"].startswith(f"add it to {redact(right)}")
        execute(
            right,
            "CREATE RULE no_delete_genre AS ON DELETE TO genre "
            "DO INSTEAD UPDATE genre SET name = 'gone' WHERE id = old.id",
        )
        code, report = diff(tmp_path, left, right, "--no-domain")
        assert (code, found(report)) == (1, [("rule", "genre", "no_delete_genre")])
        assert "differs" in report["differences"][0]["message"]


def test_across_dialects_a_rule_is_a_difference_domain_yaml_may_allow(
    tmp_path: Path, pg_url: str
) -> None:
    """SQLite against PostgreSQL with a rule on genre (stranger54 005: a DELETE removes the
    row on SQLite, keeps it on PostgreSQL): a one-sided ``rule`` difference, in sync once
    domain.yaml allows it (kind rule, dialect postgresql)."""
    sqlite = testing.sqlite_file(tmp_path / "local.db", f"{GENRE_SQLITE};")
    execute(
        pg_url, GENRE_PG.replace("PRIMARY", "GENERATED BY DEFAULT AS IDENTITY PRIMARY"), NO_DELETE
    )
    domain = tmp_path / "domain.yaml"
    table = (
        "version: 1\ntables:\n  genre:\n    columns:\n      id: {kind: integer}\n      name: {}\n"
    )
    domain.write_text(table, "utf-8")
    code, report = diff(tmp_path, sqlite, pg_url, "--domain", str(domain))
    assert code == 1
    [rule] = report["differences"]
    assert (rule["kind"], rule["table"], rule["name"], rule["left"]) == (
        "rule",
        "genre",
        "no_delete_genre",
        None,
    )
    assert "DO INSTEAD NOTHING" in rule["right"]
    assert f"exists only in {redact(pg_url)}" in rule["message"]
    assert "kind: rule, dialect: postgresql, name: no_delete_genre" in rule["hint"]
    # The fix is a drop on the side that has the rule, as the hint says (fix-adopt3: it named
    # the SQLite side, which lacks it and can never have one); either order of the two.
    assert rule["hint"].startswith(f"drop the rule from {redact(pg_url)}"), rule["hint"]
    assert rule["fix"] == {"side": "right", "file": None, "line": None}, rule["fix"]
    code, report = diff(tmp_path, pg_url, sqlite, "--domain", str(domain))
    [rule] = report["differences"]
    assert (code, rule["kind"], rule["fix"]["side"]) == (1, "rule", "left"), rule
    assert rule["hint"].startswith(f"drop the rule from {redact(pg_url)}"), rule["hint"]
    domain.write_text(
        table + "    allow:\n      - {kind: rule, dialect: postgresql, name: no_delete_genre, "
        "reason: deletes are kept on the server}\n",
        "utf-8",
    )
    code, report = diff(tmp_path, sqlite, pg_url, "--domain", str(domain))
    assert (code, report["differences"]) == (0, [])


def test_init_writes_rules_and_virtual_tables_and_the_chain_layer_sees_new_ones(
    tmp_path: Path, sqlite_url: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """``init --stamp`` on a SQLite database with an FTS table and a PostgreSQL one with a rule
    and an INHERITS child (stranger54 002, 003): init names the virtual table as such, both
    baselines make what the database has (a database built from each chain stores an FTS row,
    keeps a deleted genre, has the child inherit),
    and a hand-made rule or virtual table on a live database at head is reported against its
    chain by the migrations layer."""
    shell = adopt(
        tmp_path / "app",
        sqlite_url,
        pg_url,
        [GENRE_SQLITE, FTS],
        [
            GENRE_PG,
            "CREATE TABLE event_search (event_id text, value text)",
            NO_DELETE,
            "CREATE TABLE genre_archive (gone date) INHERITS (genre)",
        ],
    )
    assert shell.init is not None
    assert (
        "postgresql only: table event_search (sqlite has event_search as a virtual table"
        in shell.init.output
    ), shell.init.output
    versions = tmp_path / "app"
    sqlite_baseline = (versions / "migrations_sqlite/versions/0001_baseline_sqlite.py").read_text()
    pg_baseline = (
        versions / "migrations_postgres/versions/0001_baseline_postgresql.py"
    ).read_text()
    assert "CREATE VIRTUAL TABLE event_search USING fts4" in sqlite_baseline
    assert "event_search_content" not in sqlite_baseline  # its shadow tables are its own
    assert "CREATE RULE no_delete_genre" in pg_baseline
    # README: init writes INHERITS (stranger54 002), into the baseline.
    assert "postgresql_inherits=('genre',)" in pg_baseline, pg_baseline

    code, report = check(shell)
    # stranger58: the domain, models and live layers hinted "add table event_search to
    # schemas/sqlite.py", which a metadata module cannot follow: each now says the SQLite
    # database has it as a virtual table, and to declare it for postgresql in domain.yaml.
    hints = {
        d["layer"]: (d["message"], d["hint"])
        for d in report["differences"]
        if d["table"] == "event_search" and d["kind"] == "table_missing"
    }
    assert sorted(hints) == ["domain", "live", "models"], details(report)
    declare = (
        "declare table event_search for postgresql only in domain.yaml (dialects: [postgresql])"
    )
    for layer, (message, hint) in hints.items():
        assert "the SQLite database has event_search as a virtual table" in message, layer
        assert declare in hint and "add table" not in hint and "add it to" not in hint, hint
    assert "no revision" in hints["live"][1] and "write a revision" not in hints["live"][1]
    # Near miss: a PostgreSQL-only table SQLite has no virtual table of keeps its hints.
    [near] = [
        d["hint"]
        for d in report["differences"]
        if (d["layer"], d["table"], d["kind"]) == ("domain", "genre_archive", "table_missing")
    ]
    assert near.startswith("add table genre_archive to schemas/sqlite.py"), near
    # Following the hint: the three go, and genre_archive's stay.
    domain = tmp_path / "app" / "domain.yaml"
    text = domain.read_text("utf-8")
    marker = "  event_search:\n    # dialects: [postgresql]"
    assert marker in text, text
    domain.write_text(text.replace(marker, "  event_search:\n    dialects: [postgresql]"), "utf-8")
    _, followed = check(shell)
    assert [d for d in followed["differences"] if d["table"] == "event_search"] == []
    assert any(d["table"] == "genre_archive" for d in followed["differences"])
    # Across dialects the rule is the one difference besides the PostgreSQL-only table.
    assert [d for d in report["differences"] if d["layer"] == "migrations"] == [], details(report)
    assert ("rule", "genre", "no_delete_genre") in found(report), details(report)

    fresh_sqlite = f"sqlite:///{tmp_path / 'fresh.db'}"
    with pg_databases.database() as fresh_pg:
        shell.env.update({ENV["sqlite"]: fresh_sqlite, ENV["postgresql"]: fresh_pg})
        for side in ("local", "remote"):
            result = shell("migrate", side)
            assert result.exit_code == 0, result.output
        assert objects(fresh_sqlite, "virtual_table") == ["event_search"]
        assert rows(
            fresh_sqlite,
            "INSERT INTO event_search (event_id, value) VALUES ('$e1', 'hello world')",
            "SELECT event_id FROM event_search WHERE value MATCH 'hello'",
        ) == [("$e1",)]
        assert objects(fresh_pg, "rule") == ["no_delete_genre"]
        assert rows(
            fresh_pg,
            "INSERT INTO genre VALUES (999, 'x')",
            "DELETE FROM genre WHERE id = 999",
            "SELECT count(*) FROM genre",
        ) == [(1,)]
        assert rows(
            fresh_pg,
            "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent",
        ) == [("genre_archive", "genre")]
        for live, fresh in ((sqlite_url, fresh_sqlite), (pg_url, fresh_pg)):
            code, report = diff(tmp_path, live, fresh, "--no-domain")
            assert (code, report["differences"]) == (0, []), details(report)

    shell.env.update({ENV["sqlite"]: sqlite_url, ENV["postgresql"]: pg_url})
    execute(pg_url, "CREATE RULE no_update_genre AS ON UPDATE TO genre DO INSTEAD NOTHING")
    execute(sqlite_url, "CREATE VIRTUAL TABLE extra_search USING fts4 (body)")
    code, report = check(shell)
    assert code == 1
    against_chain = {
        (d["kind"], d["name"]) for d in report["differences"] if d["layer"] == "migrations"
    }
    assert against_chain == {("rule", "no_update_genre"), ("virtual_table", "extra_search")}, (
        details(report)
    )


def test_a_revision_after_init_keeps_the_virtual_table(
    tmp_path: Path, sqlite_url: str, pg_url: str
) -> None:
    """The SQLite baseline makes an FTS table (and so its shadow tables), which no metadata
    module declares: ``revision`` autogenerates against the chain's head without dropping
    them, and the adopted pair is in sync (a virtual table across dialects is counted)."""
    project = tmp_path / "app"
    shell = adopt_in_sync(
        project,
        sqlite_url,
        pg_url,
        [GENRE_SQLITE, FTS],
        [GENRE_PG.replace("PRIMARY", "GENERATED BY DEFAULT AS IDENTITY PRIMARY")],
    )
    made = revision_made(shell, project, "nothing new")
    body = made.split("def upgrade", 1)[1]
    assert "op." not in body and "event_search" not in body, body


def test_a_table_the_other_side_has_as_a_virtual_table_says_so(loader: Loader) -> None:
    """stranger58 014: against an FTS table of that name, the table was "only in b.sql" with no
    word of the virtual table a.sql has. Near miss: without the virtual table, no such words."""
    pg = "CREATE TABLE event_search (event_id integer, value text)"
    [d] = compare_texts(loader, ("sqlite", "postgresql"), FTS, pg).differences
    assert (d.kind, d.table) == ("table_missing", "event_search")
    assert "a.sql has event_search as a virtual table, which is not compared with a table" in (
        d.message
    )
    assert d.hint.startswith("declare table event_search for postgresql only in domain.yaml")
    assert d.fix is not None and d.fix.side == "right"  # not "add it to a.sql": it clashes
    found = compare_texts(loader, ("sqlite", "postgresql"), GENRE_SQLITE, pg).differences
    [near] = [d for d in found if d.table == "event_search"]
    assert near.kind == "table_missing" and "virtual" not in near.message
    assert near.hint.startswith("add it to a.sql")


def test_readme_lists_every_difference_kind() -> None:
    """stranger59 009: README's list of JSON ``kind`` values lacked ``virtual_table`` (and
    ``rule``), though ``--explain virtual_table`` knows it."""
    from twinschema.records.differences import DIFFERENCE_KINDS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("`kind` is one of")
    listed = readme[start : readme.index("`table` and `column` are logical", start)]
    assert [k for k in DIFFERENCE_KINDS if f"`{k}`" not in listed] == []
