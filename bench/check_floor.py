"""The whole ``twinschema check`` against what it cannot avoid importing (README, Performance).

Each floor process imports what the one before it does plus one more part, with the cyclic
garbage collector off (as the ``twinschema`` script runs a command), and exits. Run from the
project's root with the embedded PostgreSQL running (``make db-start``), bytecode compiled
(``.venv/bin/python -m compileall -qq tool schemas``):

    .venv/bin/python bench/check_floor.py --runs 9
    .venv/bin/python bench/check_floor.py --callgrind   # instructions, which load does not change

Prints, per process, the median wall and CPU (user+sys) time of the runs (the processes
interleaved), or callgrind's instruction count of one run, and the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time

_FLOORS = [
    ("python -c pass", ""),
    ("import sqlalchemy, psycopg", "import sqlalchemy, psycopg"),
    (
        "+ SQLAlchemy's two dialects, PyYAML",
        "import yaml; from sqlalchemy.dialects import postgresql, sqlite",
    ),
    ("+ twinschema's domain loader", "import twinschema.domain_load"),
    ("+ domain.yaml loaded", "twinschema.domain_load.load_domain('domain.yaml')"),
    ("+ the two metadata modules", "import schemas.sqlite, schemas.postgres"),
    (
        "+ sqlglot, both dialects' parsers",
        "from sqlglot.dialects.dialect import Dialect; "
        "[Dialect.get_or_raise(d).parser() for d in ('sqlite', 'postgres')]",
    ),
]


def commands() -> list[tuple[str, list[str]]]:
    """(label, argv) of every process timed."""
    found = []
    code = ["import gc, sys", "gc.disable()", "sys.path.insert(0, '.')"]
    for label, line in _FLOORS:
        if line:
            code.append(line)
        found.append((label, [sys.executable, "-c", "\n".join(code) if line else "pass"]))
    found.append(("twinschema check", [sys.executable, "-m", "twinschema", "check"]))
    found.append(("twinschema --help", [sys.executable, "-m", "twinschema", "--help"]))
    return found


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every run compiles what it imports
    env["PYTHONHASHSEED"] = "0"
    return env


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user+sys) seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a check that found drift, still a whole check
        raise SystemExit(f"{argv} ended with exit code {done.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def instructions(argv: list[str]) -> int:
    """callgrind's count of the instructions one run of ``argv`` executes."""
    tool = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*tool, *argv], env=_environment(), capture_output=True, text=True, check=False
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {argv}: {done.stderr[-300:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--callgrind", action="store_true")
    args = parser.parse_args()
    runs = commands()
    loads = [os.getloadavg()[0]]
    if args.callgrind:
        for label, argv in runs:
            print(f"{label:40} {instructions(argv) / 1e9:.3f} G instructions", flush=True)
    else:
        times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in runs}
        for _ in range(args.runs):
            for label, argv in runs:
                times[label].append(timed(argv))
            loads.append(os.getloadavg()[0])
        for label, _ in runs:
            wall = statistics.median(w for w, _ in times[label])
            cpu = statistics.median(c for _, c in times[label])
            print(f"{label:40} wall {wall:.3f} s  CPU {cpu:.3f} s")
    loads.append(os.getloadavg()[0])
    print(f"load average (1 min): {min(loads):.1f}-{max(loads):.1f}")


if __name__ == "__main__":
    main()
