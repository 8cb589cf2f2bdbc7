"""``twinschema diff`` of two SQL files reads both files' dialects before it refuses either
(stranger66 002's note: ``diff s.sql p.sql`` stopped at s.sql, p.sql never read): one one-line
error, exit 2, names each file whose dialect cannot be told and the dialect the other reads as;
the near miss, a dialect given for the file that needs one, diffs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

PLAIN = "CREATE TABLE w (id integer PRIMARY KEY, note text);\n"
PG = "CREATE TABLE w (id integer PRIMARY KEY, note text, at timestamptz);\n"


def _diff(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args, "--no-domain"], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("first", ["s.sql", "p.sql"])
def test_one_file_unknown_names_what_the_other_reads_as(
    tmp_path: Path, first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.sql").write_text(PLAIN)
    Path("p.sql").write_text(PG)
    other = "p.sql" if first == "s.sql" else "s.sql"
    code, output = _diff(tmp_path, first, other)
    assert code == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("twinschema: error: s.sql: cannot tell whether this SQL"), output
    assert lines[0].endswith("(p.sql reads as PostgreSQL)"), output


def test_two_files_unknown_are_named_in_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.sql").write_text(PLAIN)
    Path("b.sql").write_text(PLAIN)
    code, output = _diff(tmp_path, "a.sql", "b.sql")
    assert code == 2, output
    assert "a.sql: cannot tell" in output and "; b.sql: cannot tell" in output, output
    assert len([line for line in output.splitlines() if line.strip()]) == 1, output


def test_one_unknown_file_given_twice_is_named_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stranger72 011: ``diff a.sql a.sql`` printed the same 300-character sentence twice."""
    monkeypatch.chdir(tmp_path)
    Path("a.sql").write_text(PLAIN)
    code, output = _diff(tmp_path, "a.sql", "a.sql")
    assert code == 2, output
    assert output.count("cannot tell whether") == 1, output


def test_the_dialect_given_for_the_unknown_file_diffs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.sql").write_text(PLAIN)
    Path("p.sql").write_text(PG)
    code, output = _diff(tmp_path, "s.sql", "p.sql", "--dialect-a", "sqlite")
    assert code == 1, output  # at: a column on one side only
    assert "cannot tell" not in output, output
