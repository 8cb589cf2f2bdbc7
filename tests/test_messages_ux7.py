"""What a message says must name what differs and why (stranger57 030, 210, u1): two CHECKs
written alike that each database stored otherwise; a SQLite CHECK that refuses every row; a
witness as a JSON field; the probes an equivalence was judged on.

Each pair of SQL files is compared as ``twinschema diff a.sql b.sql`` does, in process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from twinschema.cli import cli


def _diff(tmp_path: Path, dialects: tuple[str, str], a: str, b: str, *more: str) -> Result:
    (tmp_path / "a.sql").write_text(a)
    (tmp_path / "b.sql").write_text(b)
    args = ["diff", "--dialect-a", dialects[0], "--dialect-b", dialects[1]]
    with _in(tmp_path):
        return CliRunner().invoke(cli, [*args, "a.sql", "b.sql", *more])


@contextmanager
def _in(folder: Path) -> Iterator[None]:
    """Run in ``folder``, so messages name the files ``a.sql`` and ``b.sql``."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _json(result: Result) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(result.stdout)
    return found


EV = "CREATE TABLE ev (id integer PRIMARY KEY, ts timestamptz NOT NULL CHECK (ts >= '2020-01-01'));\n"


def test_a_check_written_alike_but_stored_otherwise_says_what_each_stored(
    tmp_path: Path,
) -> None:
    """stranger57 030: one CHECK text after ``SET TimeZone`` to New York in one file, to UTC in
    the other; real PostgreSQL stores ``'2020-01-01 00:00:00-05'`` against ``'... +00'``. The
    message named the same text for both sides; it now shows what each database stored."""
    result = _diff(
        tmp_path,
        ("postgresql", "postgresql"),
        "SET TimeZone = 'America/New_York';\n" + EV,
        "SET TimeZone = 'UTC';\n" + EV,
        "--format",
        "json",
    )
    assert result.exit_code == 1, result.output
    (check,) = _json(result)["differences"]
    message = check["message"]
    assert "CHECK (ts >= '2020-01-01') on both, which each stored otherwise" in message, message
    assert "'2020-01-01 05:00:00+00'::timestamp with time zone) on a.sql" in message, message
    assert "'2020-01-01 00:00:00+00'::timestamp with time zone) on b.sql" in message, message


def test_checks_written_otherwise_are_named_as_written(tmp_path: Path) -> None:
    """Near miss: two CHECK texts that differ are named as each file wrote them, no more."""
    result = _diff(
        tmp_path, ("postgresql", "postgresql"), EV, EV.replace("2020-01-01", "2020-01-02")
    )
    assert result.exit_code == 1, result.output
    assert (
        "CHECK (ts >= '2020-01-01') on a.sql, CHECK (ts >= '2020-01-02') on b.sql;" in result.stdout
    ), result.stdout
    assert "stored otherwise" not in result.stdout, result.stdout
