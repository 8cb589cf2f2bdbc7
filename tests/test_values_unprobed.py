"""Value warnings (``value_compatibility``) need a scratch PostgreSQL server, never the live one
being checked. In a project whose DATABASE_URL names a live server and with no
``TWINSCHEMA_SCRATCH_URL``: a check that starts the embedded server anyway (its migrations
layer) probes values there; one that does not says so in one line, with how to have them probed
(even without ``--verbose``); and ``fail_on = ["value_compatibility"]`` then fails the
comparison (exit 3) instead of passing silently. Stranger 10 found 0 warnings and no word of it
where a scratch server gave 74."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_helpers import clean_env, invoke_afresh
from test_migrate_faults import set_config
from test_migrate_safety import HEADS, upgrade_to

from twinschema.servers import embedded

ROOT = Path(__file__).resolve().parent.parent
UNPROBED = (
    "value_compatibility not probed: no scratch PostgreSQL server at hand (set "
    "TWINSCHEMA_SCRATCH_URL, or start the embedded server: twinschema db start)"
)


@pytest.fixture
def project(sqlite_url: str, pg_url: str) -> Iterator[Path]:
    """A copy of this repository's project whose embedded server lives in a fresh directory
    (outside pytest's basetemp, private to root, which would lock out the server's user), with
    both live databases at head."""
    folder = Path(tempfile.mkdtemp(prefix="twinschema-values-"))
    try:
        for name in ("schemas", "migrations_sqlite", "migrations_postgres"):
            shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__py*"))
        for name in ("domain.yaml", "pyproject.toml"):
            shutil.copy(ROOT / name, folder / name)
        set_config(folder, 'embedded_dir = "pg"')
        for dialect, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
            upgrade_to(folder, dialect, url, HEADS[dialect])
        yield folder
    finally:
        embedded.stop(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)


def _env(sqlite_url: str, pg_url: str) -> dict[str, str]:
    env = clean_env(LOCAL_DATABASE_URL=sqlite_url, DATABASE_URL=pg_url)
    env.pop("TWINSCHEMA_SCRATCH_URL", None)
    return env


def _live_pair(report: dict[str, object]) -> dict[str, object]:
    layers = report["layers"]
    assert isinstance(layers, list)
    pairs = [r for r in layers if r["name"] == "live" and r["left"].startswith("sqlite:")]
    assert len(pairs) == 1, layers
    return dict(pairs[0])


def test_a_check_that_starts_the_embedded_server_probes_values_there(
    project: Path, sqlite_url: str, pg_url: str
) -> None:
    """Every layer: the migrations layer starts the project's embedded server for its scratch
    databases, so the live pair's values are probed there too, not on the live server."""
    env = _env(sqlite_url, pg_url)
    # In-process: where values are probed is the subject; test_embedded starts the script
    # where the server's lifetime with the process is.
    result = invoke_afresh(["check", "--format", "json"], project, env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    pair = _live_pair(report)
    where = pair["evaluated_on"]["postgresql"]  # type: ignore[index]
    assert where.startswith("PostgreSQL twinschema_evaluate on "), where
    assert f"host={project / 'pg'}" in where, where
    assert pg_url.split("?")[1] not in where  # never the live server being checked
    assert [w for w in report["warnings"] if w["layer"] == "live"], report["warnings"]
    assert not embedded.is_running(project / "pg")  # stopped with the check that started it


def test_values_not_probed_are_said_and_fail_when_fail_on_lists_them(
    project: Path, sqlite_url: str, pg_url: str
) -> None:
    """``--layer live``: no server is started for warnings alone; the text says so in one line
    under the pair, without ``--verbose``, and the check passes. With ``fail_on`` listing
    value_compatibility the same check is an error (exit 3), saying why and how to mend it."""
    env = _env(sqlite_url, pg_url)
    # In-process: what the check says and returns is the subject (no server is started).
    result = invoke_afresh(["check", "--layer", "live", "--format", "text"], project, env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    pair = next(i for i, line in enumerate(lines) if line.startswith("in_sync  live       sqlite:"))
    assert lines[pair + 1].strip() == UNPROBED, result.stdout
    assert result.stdout.count("value_compatibility not probed") == 1  # the pair's only
    assert not embedded.is_running(project / "pg")

    plain = invoke_afresh(["check", "--layer", "live", "--no-evaluate"], project, env)
    assert plain.returncode == 0, plain.stdout + plain.stderr  # near miss: nothing required

    set_config(project, 'fail_on = ["value_compatibility"]')
    failed = invoke_afresh(["check", "--layer", "live", "--format", "json"], project, env)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    pair_result = _live_pair(json.loads(failed.stdout))
    assert pair_result["status"] == "error"
    assert pair_result["message"] == (
        "fail_on lists value_compatibility but values were not probed: no scratch PostgreSQL "
        "server at hand (set TWINSCHEMA_SCRATCH_URL, or start the embedded server: "
        "twinschema db start)"
    )
    # --no-evaluate looks at no value either (stranger 11: it passed, exit 0, no word of it)
    skipped = invoke_afresh(
        ["check", "--layer", "live", "--no-evaluate", "--format", "json"], project, env
    )
    assert skipped.returncode == 3, skipped.stdout + skipped.stderr
    assert _live_pair(json.loads(skipped.stdout))["message"] == (
        "fail_on lists value_compatibility but values were not probed: --no-evaluate turned "
        "the evaluation stage off"
    )


def test_a_diff_of_two_databases_probes_values_in_a_project_and_outside(
    project: Path, sqlite_url: str, pg_url: str
) -> None:
    """``diff`` of the two live databases starts the embedded server for its value probes as a
    diff of a PostgreSQL SQL file does (it loads the file there): inside the project, which
    configures PostgreSQL, the project's own (stranger W8: check's and diff's verdicts parted
    where only the server settles a pair); outside a project, the one in the user's cache
    folder (stranger60 004: it said "not probed" where the SQL dump of the same pair was
    probed). Values are probed there, never on the live server, the same warnings both ways,
    and the server is stopped with the command. Near miss: a diff of two SQLite databases
    needs no PostgreSQL and starts none."""
    env = _env(sqlite_url, pg_url)
    probed = invoke_afresh(["diff", sqlite_url, pg_url, "--format", "json"], project, env)
    assert probed.returncode == 0, probed.stdout + probed.stderr
    report = json.loads(probed.stdout)
    assert report["warnings"], report
    where = report["layers"][0]["evaluated_on"]["postgresql"]
    assert f"host={project / 'pg'}" in where, where
    assert pg_url.split("?")[1] not in where  # never the live server being checked
    assert not embedded.is_running(project / "pg")

    outside = Path(tempfile.mkdtemp(prefix="twinschema-outside-"))
    try:
        away = {**env, "XDG_CACHE_HOME": str(outside / "cache")}
        server = outside / "cache" / "twinschema" / "pg"
        domain = str(project / "domain.yaml")  # the project's allowances, as inside
        sqlite_only = invoke_afresh(["diff", sqlite_url, sqlite_url], outside, away)
        assert sqlite_only.returncode == 0, sqlite_only.stdout + sqlite_only.stderr
        assert "not probed" not in sqlite_only.stdout, sqlite_only.stdout
        assert not (outside / "cache").exists()  # no PostgreSQL side: no server started

        args = ["diff", sqlite_url, pg_url, "--domain", domain, "--format", "json"]
        result = invoke_afresh(args, outside, away)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "twinschema: starting the embedded PostgreSQL in " in result.stderr, result.stderr
        away_report = json.loads(result.stdout)
        assert not away_report["layers"][0]["values_unprobed"], away_report
        where = away_report["layers"][0]["evaluated_on"]["postgresql"]
        assert f"host={server}" in where, where
        assert away_report["warnings"] == report["warnings"]
        assert not embedded.is_running(server)  # stopped by the command
    finally:
        embedded.stop(outside / "cache" / "twinschema" / "pg")
        shutil.rmtree(outside, ignore_errors=True)
