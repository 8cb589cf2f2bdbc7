"""SQL files as users have them (issue 13): each file's dialect is told on its own or given per
side; ``sqlite3 .schema`` output loads; ``pg_dump --schema-only`` output of PostgreSQL 13 to 17
loads, ``\\restrict`` lines, preamble settings and OWNER/GRANT lines included; a dump from a
newer major than the scratch server is refused, naming both versions. Run through the real CLI,
on the session's PostgreSQL server (the scratch server of every load here)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from twinschema.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
DUMPS = FIXTURES / "pg_dump"
DOT_SCHEMA = FIXTURES / "sqlite3" / "dot-schema.sql"
# DDL valid in both dialects: nothing in it says which.
PLAIN = (
    "CREATE TABLE account (id integer PRIMARY KEY, email varchar(255) NOT NULL, "
    "mood text NOT NULL, created_at timestamp NOT NULL);\n"
    "CREATE TABLE note (id bigint PRIMARY KEY, account_id integer NOT NULL "
    "REFERENCES account(id), body text);\n"
)


def _server_version(pg_server: str) -> int:
    """The server's ``server_version_num`` (160002 for 16.2)."""
    engine = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()


def _server_major(pg_server: str) -> int:
    return _server_version(pg_server) // 10000


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _inspect(path: Path) -> tuple[Result, dict[str, Any]]:
    result = _run("inspect", str(path))
    document = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result, document


def _dumped_major(path: Path) -> int:
    found = re.search(r"Dumped from database version (\d+)", path.read_text())
    assert found
    return int(found.group(1))


@pytest.mark.parametrize("version", [13, 14, 15, 16, 17])
def test_pg_dump_schema_only_of_each_major_loads_or_is_refused(
    version: int, pg_server: str
) -> None:
    """What pg_dump 13.22 ... 17.6 write (``\\restrict KEY`` first, ``\\unrestrict KEY`` last,
    their preamble's SETs, OWNER TO, GRANT/REVOKE to roles the scratch server lacks) loads when
    the dump's major is at most the scratch server's, and is refused naming both otherwise."""
    path = DUMPS / f"pg{version}.sql"
    result, document = _inspect(path)
    server = _server_major(pg_server)
    if version <= server:
        assert result.exit_code == 0, result.output
        assert document["dialect"] == "postgresql"
        assert sorted(document["tables"]) == ["account", "note"]
        columns = {c["name"]: c for c in document["tables"]["account"]["columns"]}
        assert list(columns) == ["id", "email", "mood", "created_at"]
        assert columns["mood"]["type"]["values"] == ["happy", "sad"]
        assert "restrict" not in result.stderr
    else:
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert f"{path}:7: dumped from PostgreSQL {version}." in lines[0]
        assert f"scratch server's PostgreSQL {server}." in lines[0]


def test_a_newer_pg_dump_of_an_older_database_loads_skipping_settings_the_server_lacks(
    pg_server: str,
) -> None:
    """pg_dump 17 writes ``SET transaction_timeout = 0`` whatever it dumps: on a server that has
    no such setting it is skipped with a notice naming the file and line, and the rest loads."""
    path = DUMPS / "pg_dump17-of-pg13.sql"
    result, document = _inspect(path)
    assert result.exit_code == 0, result.output
    assert sorted(document["tables"]) == ["account", "note"]
    notice = f"twinschema: {path}:13: skipped the setting transaction_timeout"
    if _server_major(pg_server) < 17:
        assert notice in result.stderr, result.stderr
    else:
        assert "skipped the setting" not in result.stderr


def test_a_dump_from_a_newer_major_is_refused_naming_both_versions(
    pg_server: str, tmp_path: Path
) -> None:
    server = _server_major(pg_server)
    text = (DUMPS / "pg16.sql").read_text().replace("version 16.10", f"version {server + 1}.3")
    path = tmp_path / "newer.sql"
    path.write_text(text)
    result, _ = _inspect(path)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"twinschema: error: {path}:7: dumped from PostgreSQL {server + 1}.3"
    )
    assert f"newer than the scratch server's PostgreSQL {server}." in lines[0]
    assert "Traceback" not in result.output


def test_an_unknown_setting_anywhere_is_skipped_with_a_notice(
    pg_server: str, tmp_path: Path
) -> None:
    path = tmp_path / "settings.sql"
    path.write_text(
        "SET statement_timeout = 0;\n"
        "SET no_such_setting_here = 0;\n"
        "SELECT pg_catalog.set_config('another_missing_one', '', false);\n"
        "SET myext.custom = 'kept';\n"
        "CREATE TABLE t (id serial PRIMARY KEY);\n"
    )
    result, document = _inspect(path)
    assert result.exit_code == 0, result.output
    assert list(document["tables"]) == ["t"]
    notices = [line for line in result.stderr.splitlines() if "skipped the setting" in line]
    assert notices == [
        f"twinschema: {path}:2: skipped the setting no_such_setting_here: the scratch server "
        f"(PostgreSQL {_server_major(pg_server)}.{_minor(pg_server)}) has no such setting",
        f"twinschema: {path}:3: skipped the setting another_missing_one: the scratch server "
        f"(PostgreSQL {_server_major(pg_server)}.{_minor(pg_server)}) has no such setting",
    ]


def test_a_setting_named_in_mixed_case_runs(tmp_path: Path) -> None:
    """pg_settings names ``TimeZone`` and ``DateStyle`` in mixed case, as ``SET`` folds them: a
    file's ``SET TimeZone`` is the server's setting, not one it lacks (stranger57 030: it was
    skipped, and a CHECK whose literal the file's zone reads was "in sync" with UTC's)."""
    zoned = tmp_path / "a.sql"
    utc = tmp_path / "b.sql"
    table = "CREATE TABLE ev (ts timestamptz NOT NULL CHECK (ts >= '2020-01-01'));\n"
    zoned.write_text("SET TimeZone = 'America/New_York';\nSET DateStyle = 'ISO, MDY';\n" + table)
    utc.write_text("SET TimeZone = 'UTC';\n" + table)
    result = _run(
        "diff", "--dialect-a", "postgresql", "--dialect-b", "postgresql", str(zoned), str(utc)
    )
    assert "skipped the setting" not in result.stderr, result.stderr
    assert result.exit_code == 1, result.output
    assert "witness (ts) = ('2020-01-01 00:00:00+00'): " in result.stdout, result.stdout


def _minor(pg_server: str) -> int:
    return _server_version(pg_server) % 10000


def test_sqlite3_dot_schema_output_loads() -> None:
    """``sqlite3 app.db .schema`` prints ``CREATE TABLE sqlite_sequence(name,seq)`` (and
    ``sqlite_stat1`` after ANALYZE), which SQLite refuses to have created: they are skipped."""
    assert "CREATE TABLE sqlite_sequence(name,seq);" in DOT_SCHEMA.read_text()
    result, document = _inspect(DOT_SCHEMA)
    assert result.exit_code == 0, result.output
    assert document["dialect"] == "sqlite"
    assert sorted(document["tables"]) == ["account", "note"]
    assert document["tables"]["note"]["indexes"], "the index after the skipped table loaded"


def test_an_error_after_a_skipped_internal_table_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.sql"
    path.write_text(DOT_SCHEMA.read_text() + "\nCREATE TABLE broken (id INTEGER PRIMARY KEY,);\n")
    result = _run("inspect", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"twinschema: error: {path}:7: SQLite error")


def test_plain_sqlite_ddl_is_given_its_dialect_per_side(pg_server: str, tmp_path: Path) -> None:
    """Plain DDL says nothing of its dialect: ``diff`` names the file and the per-side flags;
    with ``--dialect-a sqlite`` it is compared with a pg_dump file detected on its own."""
    plain = tmp_path / "plain.sql"
    plain.write_text(PLAIN)
    dump = DUMPS / "pg_dump17-of-pg13.sql"
    refused = _run("diff", str(plain), str(dump))
    assert refused.exit_code == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"twinschema: error: {plain}: cannot tell")
    assert "--dialect-a/--dialect-b" in lines[0]

    result = _run("diff", str(plain), str(dump), "--dialect-a", "sqlite", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert [layer["left"] for layer in report["layers"]] == [str(plain)]
    # The PostgreSQL side was read as PostgreSQL (its enum), the plain file as SQLite (text).
    moods = [d for d in report["differences"] if d.get("column") == "mood"]
    assert moods, report["differences"]


def test_dialect_for_both_sides_still_applies_to_both(tmp_path: Path) -> None:
    left, right = tmp_path / "left.sql", tmp_path / "right.sql"
    left.write_text(PLAIN)
    right.write_text(PLAIN.replace("body text", "body text, extra integer"))
    result = _run("diff", str(left), str(right), "--dialect", "sqlite", "--format", "json")
    assert result.exit_code == 1, result.output
    kinds = [d["kind"] for d in json.loads(result.stdout)["differences"]]
    assert kinds == ["column_missing"]


def test_plain_sqlite_ddl_with_a_typeless_column_is_told_apart(tmp_path: Path) -> None:
    """A column without a type (``CREATE TABLE t(a, b)``) is SQLite's alone: the file loads as
    SQLite with no --dialect."""
    path = tmp_path / "plain.sql"
    path.write_text(
        "CREATE TABLE tags(name, weight);\nCREATE TABLE items (id integer PRIMARY KEY, tag text);\n"
    )
    result, document = _inspect(path)
    assert result.exit_code == 0, result.output
    assert document["dialect"] == "sqlite"
    assert sorted(document["tables"]) == ["items", "tags"]


def _pg_dump_for(server_major: int) -> str:
    """A real ``pg_dump`` that can dump this server: the embedded server's own, or the system's
    (a pg_dump dumps servers of its major and older)."""
    import pgserver._commands as pgserver_commands

    candidates = [Path(pgserver_commands.POSTGRES_BIN_PATH) / "pg_dump"]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    candidates.append(Path("/usr/bin/pg_dump"))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        version = subprocess.run(
            [str(candidate), "--version"], capture_output=True, text=True, check=True
        ).stdout
        found = re.search(r"(\d+)\.\d+", version)
        if found and int(found.group(1)) >= server_major:
            return str(candidate)
    raise AssertionError(f"no pg_dump of major {server_major} or later among {candidates}")


def test_a_real_pg_dump_schema_only_loads_and_equals_its_database(
    pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    """pg_dump --schema-only of a database (enum, identity, serial, foreign key, index, view,
    OWNER TO and GRANT lines): ``diff`` of the dump file with the database finds nothing."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for statement in (
            "CREATE TYPE mood AS ENUM ('happy', 'sad')",
            "CREATE TABLE account (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, "
            "mood mood NOT NULL DEFAULT 'happy', created_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE note (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE, body text)",
            "CREATE INDEX ix_note_account ON note (account_id)",
            "CREATE VIEW recent AS SELECT id, email FROM account WHERE created_at > now() - "
            "interval '1 day'",
            "GRANT SELECT ON account TO PUBLIC",
        ):
            conn.execute(sa.text(statement))
    engine.dispose()
    libpq = sa.engine.make_url(pg_url).set(drivername="postgresql")
    dump = tmp_path / "dump.sql"
    done = subprocess.run(
        [
            _pg_dump_for(_server_major(pg_server)),
            "--schema-only",
            "--file",
            str(dump),
            libpq.render_as_string(hide_password=False),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = dump.read_text()
    assert "OWNER TO" in text and "GRANT SELECT" in text and "Dumped from database version" in text
    result = _run("diff", str(dump), pg_url, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["differences"] == []
    assert report["in_sync"] is True
