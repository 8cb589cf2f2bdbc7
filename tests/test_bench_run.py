"""bench/run.py's own helpers. No timing here: speed is the benchmark's job."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run as bench_run  # noqa: E402
from support import testing  # noqa: E402


def _cmdline(pid: int) -> list[bytes]:
    """A process's arguments, once it has them: right after fork, before exec, it has none."""
    for _ in range(1000):  # bounded: a condition waited on, not a duration asserted
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"while True: pass" in args:
            return args
        time.sleep(0.01)
    return args


def test_busy_core_runs_a_spinning_loop_for_the_duration() -> None:
    # What the spinner runs, not how much CPU it got: a CPU-time figure depends on the load of
    # the machine, which is no business of a test (speed is the benchmark's job).
    with bench_run.busy_core(True) as spinner:
        assert spinner is not None
        assert spinner.poll() is None  # it runs for the duration
        assert b"while True: pass" in _cmdline(spinner.pid)  # a loop that never sleeps
    assert spinner.poll() is not None  # and it is gone afterwards


def test_busy_core_off_starts_nothing() -> None:
    with bench_run.busy_core(False) as spinner:
        assert spinner is None


N = 5
ARGS = argparse.Namespace(runs=2, alembic_budget=60.0)


@pytest.fixture
def bench_db(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "bench.db"
    generate.create_sqlite(path, generate.metadata_for("sqlite", generate.describe(N)))
    return testing.sqlite_url(path), path


def test_worker_times_twinschema_and_the_floor_in_a_new_process(bench_db: tuple[str, Path]) -> None:
    url, path = bench_db
    figures = bench_run.apart("twinschema", N, "sqlite", url, path, ARGS)
    assert figures["differences"] == 0  # it rebuilt the same metadata the database came from
    for kind in ("twinschema", "twinschema_cli", "floor"):
        assert figures[kind]["runs"] == 2
        assert 0 < figures[kind]["min"] <= figures[kind]["median"] <= figures[kind]["max"]
        assert len(figures[kind]["cpu"]) == 2 and figures[kind]["cpu_median"] >= 0


def test_measure_without_the_collector_runs_each_call_with_it_off_and_turns_it_back_on() -> None:
    # as cli.main runs a command; what measure saw, not how long it took
    seen: list[bool] = []
    figures = bench_run.measure(lambda: seen.append(gc.isenabled()), 3, collector=False)
    assert seen == [False, False, False] and gc.isenabled()
    assert figures["runs"] == 3 and len(figures["cpu"]) == 3
    bench_run.measure(lambda: seen.append(gc.isenabled()), 1)
    assert seen[-1] is True


def test_worker_times_alembic_in_a_new_process(bench_db: tuple[str, Path]) -> None:
    url, path = bench_db
    figures = bench_run.apart("alembic", N, "sqlite", url, path, ARGS)
    assert figures["runs"] == 2 and figures["median"] > 0
    assert isinstance(figures["changes_listed"], int)


def test_worker_failure_names_the_size_and_tool(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(SystemExit, match="N=5 sqlite: timing twinschema failed"):
        bench_run.apart("twinschema", N, "sqlite", testing.sqlite_url(missing), missing, ARGS)
