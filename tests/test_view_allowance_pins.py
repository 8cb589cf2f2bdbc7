"""stranger81 005: a view allowance (``views: {v: {allow: [{kind: view, reason: ...}]}}``)
could not be pinned, so one written for a harmless difference (a float sum) also hid the view
broken later (the server's WHERE made to select other rows), silently: no warning, in sync. A
view allowance now pins each side's definition by ``sides:`` (the text the report's ``[left:
... | right: ...]`` shows, or its digest, which the hints write); a definition changed later is
the view's difference again and the allowance is stale, naming its line. Unpinned, it keeps
allowing as before, with an ``unpinned_allowance`` warning offering the pinned entry. Checked
on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from support.testing import execute, sqlite_file
from test_view_allowance import REASON, TABLE, VIEW, _answers

from twinschema.cli import cli
from twinschema.records.pins import digest

DOMAIN = """\
version: 1
tables:
  play:
    columns:
      id: {{kind: integer}}
      artist: {{kind: text}}
      secs: {{kind: integer}}
views:
  avg_len:
    allow:
      - {{kind: view, {pin}reason: "the server rounds to whole seconds on purpose"}}
"""


def _build(tmp_path: Path, pg_url: str, sqlite_a: str, pg_a: str) -> str:
    """A SQLite file and ``pg_url`` holding ``play`` and view ``avg_len``; the file's URL."""
    execute(pg_url, "DROP VIEW IF EXISTS avg_len", "DROP TABLE IF EXISTS play")
    execute(pg_url, TABLE["postgresql"], VIEW.format(a=pg_a))
    (tmp_path / "dev.db").unlink(missing_ok=True)
    return sqlite_file(tmp_path / "dev.db", TABLE["sqlite"] + VIEW.format(a=sqlite_a))


def _diff(tmp_path: Path, sqlite: str, pg_url: str, pin: str | None) -> tuple[int, Any]:
    """``twinschema diff`` of the two with the allowance (``pin``: its ``sides:``, or None for
    none) or, for ``pin`` "-", without a domain: exit code and the JSON report."""
    args = ["diff", sqlite, pg_url, "--format", "json"]
    if pin == "-":
        args.append("--no-domain")
    else:
        (tmp_path / "domain.yaml").write_text(DOMAIN.format(pin=f"{pin}, " if pin else ""))
        args += ["--domain", str(tmp_path / "domain.yaml")]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, json.loads(result.stdout)


def _pins(found: dict[str, Any]) -> str:
    """The ``sides:`` of the view difference's definitions, by digest, as the hints write it."""
    view = next(d for d in found["differences"] if d["kind"] == "view")
    left, right = digest(view["left"]), digest(view["right"])
    return f'sides: {{sqlite: "{left}", postgresql: "{right}"}}'


def test_a_pinned_view_allowance_reports_the_view_changed_later(
    tmp_path: Path, pg_url: str
) -> None:
    """avg(secs) against avg(secs)::integer, allowed pinned to both definitions: in sync, no
    warning. The server's view made max(secs) later (the real databases then answer 1.5 and
    2.0 for another reason): the view is reported again (exit 1) and the allowance is stale,
    naming its domain.yaml line, its hint the entry pinned to the definitions now."""
    sqlite = _build(tmp_path, pg_url, "avg(secs)", "avg(secs)::integer")
    assert _answers(tmp_path, pg_url) == ([1.5], [2.0])
    code, bare = _diff(tmp_path, sqlite, pg_url, "-")
    assert code == 1
    pins = _pins(bare)
    view = bare["differences"][0]
    assert pins.removeprefix("sides: ") in view["hint"], view["hint"]
    code, found = _diff(tmp_path, sqlite, pg_url, pins)
    assert (code, found["differences"]) == (0, [])
    assert not [w for w in found["warnings"] if w["kind"] == "unpinned_allowance"]
    assert [a["kind"] for a in found["accepted"]] == ["view"]

    sqlite = _build(tmp_path, pg_url, "avg(secs)", "max(secs)")
    assert _answers(tmp_path, pg_url) == ([1.5], [2.0])
    code, found = _diff(tmp_path, sqlite, pg_url, pins)
    kinds = sorted((d["kind"], d["table"]) for d in found["differences"])
    assert kinds == [("stale_allowance", "avg_len"), ("view", "avg_len")], found
    stale = next(d for d in found["differences"] if d["kind"] == "stale_allowance")
    assert "not the view difference left on avg_len" in stale["message"]
    assert "domain.yaml:11: remove this allowance" in stale["hint"]
    assert _pins(found).removeprefix("sides: ") in stale["hint"]
    assert code == 1


def test_a_view_pinned_by_its_text_matches_as_the_report_shows_it(
    tmp_path: Path, pg_url: str
) -> None:
    """A pin may give each side's definition as the report shows it (whitespace and case
    aside): allowed, exit 0; the near miss, one side's text of another view (max for avg),
    allows nothing: the view is reported and the allowance stale (exit 1)."""
    sqlite = _build(tmp_path, pg_url, "avg(secs)", "avg(secs)::integer")
    _, bare = _diff(tmp_path, sqlite, pg_url, "-")
    view = bare["differences"][0]
    left, right = json.dumps(view["left"].upper()), json.dumps("  " + view["right"])
    code, found = _diff(tmp_path, sqlite, pg_url, f"sides: {{sqlite: {left}, postgresql: {right}}}")
    assert (code, found["differences"]) == (0, [])
    other = json.dumps(view["left"].replace("avg(", "max("))
    code, found = _diff(
        tmp_path, sqlite, pg_url, f"sides: {{sqlite: {other}, postgresql: {right}}}"
    )
    assert sorted(d["kind"] for d in found["differences"]) == ["stale_allowance", "view"]
    assert code == 1


def test_an_unpinned_view_allowance_warns_that_it_accepts_any_change(
    tmp_path: Path, pg_url: str
) -> None:
    """Unpinned, the allowance still allows the view (exit 0: a file that worked before works),
    and the check warns (unpinned_allowance) naming its line and offering the entry pinned
    to both definitions, its reason kept."""
    sqlite = _build(tmp_path, pg_url, "avg(secs)", "avg(secs)::integer")
    _, bare = _diff(tmp_path, sqlite, pg_url, "-")
    code, found = _diff(tmp_path, sqlite, pg_url, None)
    assert (code, found["differences"]) == (0, [])
    warned = [w for w in found["warnings"] if w["kind"] == "unpinned_allowance"]
    assert len(warned) == 1, found["warnings"]
    assert "allows any change of either side's definition of view avg_len" in warned[0]["message"]
    hint = warned[0]["hint"]
    assert "domain.yaml:11: pin it to the definitions it is written for" in hint
    assert _pins(bare) in hint and REASON in hint


def test_an_unpinned_view_allowance_warning_shows_each_definition_on_one_line(
    tmp_path: Path, pg_url: str
) -> None:
    """The warning of an unpinned view allowance quotes both definitions; PostgreSQL's is
    printed over several lines, and the text report escaped the whole message as if one
    literal ran from SQLite's last quote to PostgreSQL's first ('-24 hoursE'), \\n and all
    (recheck of stranger82 006). Each definition is now shown as its own one-line SQL: the
    SQLite text exactly as written, PostgreSQL's with its line breaks as single spaces."""
    sqlite_a = "strftime('%Y', 'now', '-24 hours') || count(*)"
    sqlite = _build(tmp_path, pg_url, sqlite_a, "length('ab') + count(*)")
    (tmp_path / "domain.yaml").write_text(DOMAIN.format(pin=""))
    args = ["diff", sqlite, pg_url, "--domain", str(tmp_path / "domain.yaml"), "-v", "--no-color"]
    out = CliRunner().invoke(cli, args).stdout
    [line] = [x for x in out.splitlines() if "unpinned_allowance" in x]
    assert VIEW.format(a=sqlite_a).rstrip(";") in line, line
    assert "E'" not in line and "\\n" not in line, line
    assert "postgresql SELECT artist, length('ab'::text) + count(*) AS a FROM play GROUP BY" in line
