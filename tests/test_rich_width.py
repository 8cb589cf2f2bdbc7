"""The terminal report (rich) at 80 columns, through the real command on a real terminal (a
pseudo-terminal, COLUMNS=80) (issue 13): no line is wider than the terminal, nothing is cut
short with an ellipsis, every source name is there in full, the count of each layer equals the
details listed under it, and each layer and its details name the same left and right."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pg_helpers import TWINSCHEMA, clean_env

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SPACE = re.compile(r"\s+")
ROW = re.compile(r"^ ?(in sync|drift|error|skipped)\s+(\w+)\s+(\d+|-)\s+(.*)$")


def on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What ``twinschema ARGS`` writes to a terminal 80 columns wide (ANSI styles removed)."""
    master, slave = os.openpty()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [TWINSCHEMA, *args],
            cwd=cwd,
            env={**env, "COLUMNS": "80", "LINES": "50", "TERM": "xterm-256color"},
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=err,
        )
        os.close(slave)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the command closed the terminal (it ended)
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        proc.wait(timeout=300)
        err.seek(0)
        stderr = err.read().decode()
    assert proc.returncode == 1, stderr
    return ANSI.sub("", b"".join(chunks).decode().replace("\r", ""))


def squeeze(text: str) -> str:
    """``text`` without whitespace: wrapped and folded lines compare equal to the whole."""
    return SPACE.sub("", text)


@dataclass
class Rendered:
    rows: list[tuple[str, int, str]]  # layer, count, left <> right (and note), squeezed
    tables: list[tuple[str, int, int]]  # title's pair (squeezed), title's count, rows listed
    summary: int


def parse(text: str) -> Rendered:
    lines = text.splitlines()
    rows: list[tuple[str, int, str]] = []
    tables: list[tuple[str, int, int]] = []
    i = 0
    while i < len(lines) and not lines[i].startswith("["):
        found = ROW.match(lines[i])
        if found:
            compared = found.group(4)
            i += 1
            while i < len(lines) and lines[i].startswith("   ") and lines[i].strip():
                compared += lines[i]
                i += 1
            count = int(found.group(3)) if found.group(3) != "-" else 0
            rows.append((found.group(2), count, squeeze(compared)))
            continue
        i += 1
    while i < len(lines):
        if not lines[i].startswith("["):
            i += 1
            continue
        title = ""
        while not lines[i].startswith("╭"):
            title += lines[i]
            i += 1
        head = re.fullmatch(r"\[(\w+)\](.*):(\d+)difference\(s\)", squeeze(title))
        assert head, title
        listed = 0
        i += 3  # top border, header, header rule
        while not lines[i].startswith("╰"):
            cells = lines[i].split("│")
            if len(cells) > 3 and cells[2].strip() and not lines[i].startswith("├"):
                listed += 1
            i += 1
        tables.append((head.group(2), int(head.group(3)), listed))
    summary = re.search(r"(\d+) difference\(s\) found", text)
    assert summary, text
    return Rendered(rows, tables, int(summary.group(1)))


def assert_fits_and_adds_up(text: str, sources: list[str]) -> Rendered:
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert not wide, "\n".join(wide)
    assert "…" not in text, text
    for source in sources:
        assert squeeze(source) in squeeze(text.replace("│", "")), source
    rendered = parse(text)
    assert rendered.tables, text
    for pair, count, listed in rendered.tables:
        assert count == listed, (pair, count, listed)
    for layer, count, compared in rendered.rows:
        if count == 0:
            continue
        matching = [t for t in rendered.tables if t[0] in compared]
        assert len(matching) == 1, (layer, compared)
        assert matching[0][1] == count
    assert sum(count for _, count, _ in rendered.rows) == rendered.summary
    assert sum(listed for _, _, listed in rendered.tables) == rendered.summary
    return rendered


def _sqlite(path: Path, ddl: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in ddl.split(";"):
                if statement.strip():
                    conn.execute(sa.text(statement))
    finally:
        engine.dispose()
    return url


def test_diff_of_two_long_named_files_fits_80_columns(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "rather" / "long" / "directory" / "for" / "the" / "application"
    left = _sqlite(
        folder / "local-application-database.db",
        "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, mood TEXT "
        "CHECK (mood IN ('happy', 'sad', 'meh')), a_column_with_a_rather_long_name TEXT);"
        "CREATE INDEX ix_account_email_with_a_long_index_name ON account (email)",
    )
    right = _sqlite(
        folder / "remote-application-database.db",
        "CREATE TABLE account (id INTEGER PRIMARY KEY, email VARCHAR(40), mood TEXT "
        "CHECK (mood IN ('happy', 'sad', 'fine')))",
    )
    text = on_a_terminal(["diff", left, right], tmp_path, clean_env())
    rendered = assert_fits_and_adds_up(
        text, [left, right, "a_column_with_a_rather_long_name", "ix_account_email_with_a_long"]
    )
    assert rendered.summary == 5
    # The enum difference says which values are missing on which side.
    in_cells = squeeze(text.replace("│", ""))  # a folded cell reads whole without its borders
    assert squeeze(f"'meh' only in {left}; 'fine' only in {right}") in in_cells


def test_check_of_drifted_databases_fits_80_columns(
    sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for side, flag, url in (
        ("local", "--sqlite-url", sqlite_url),
        ("remote", "--postgres-url", pg_url),
    ):
        result = CliRunner().invoke(cli, ["migrate", side, flag, url])
        assert result.exit_code == 0, result.output
    for url, ddl in (
        (pg_url, "ALTER TABLE badges ADD COLUMN note text"),
        (sqlite_url, "DROP INDEX ix_profiles_wallet_address"),
    ):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(ddl))
        engine.dispose()
    args = [
        "check", "--layer", "domain", "--layer", "models", "--layer", "live",
        "--sqlite-url", sqlite_url, "--postgres-url", pg_url,
    ]  # fmt: skip
    text = on_a_terminal(args, ROOT, clean_env())
    rendered = assert_fits_and_adds_up(text, [sqlite_url, "schemas/sqlite.py"])
    assert rendered.summary == 4
    assert len(rendered.tables) == 3  # module vs database twice, then the two databases
