"""bench/run.py's own helpers. No timing here: speed is the benchmark's job."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import run as bench_run  # noqa: E402


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_busy_core_keeps_one_core_busy_for_the_duration() -> None:
    with bench_run.busy_core(True) as spinner:
        assert spinner is not None
        time.sleep(0.5)
        assert _cpu_seconds(spinner.pid) > 0.2  # it spins, it does not sleep
    assert spinner.poll() is not None  # and it is gone afterwards


def test_busy_core_off_starts_nothing() -> None:
    with bench_run.busy_core(False) as spinner:
        assert spinner is None


def test_in_own_process_returns_the_childs_result_and_leaves_this_process_alone() -> None:
    marker: list[int] = []

    def work() -> dict[str, object]:
        marker.append(os.getpid())  # in the child's copy of the list only
        return {"pid": os.getpid()}

    result = bench_run.in_own_process(work)
    assert result["pid"] != os.getpid()
    assert marker == []


def test_in_own_process_reports_a_failure() -> None:
    def fail() -> dict[str, object]:
        raise RuntimeError("boom")

    with pytest.raises(SystemExit, match="RuntimeError: boom"):
        bench_run.in_own_process(fail)
