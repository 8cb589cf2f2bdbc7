"""What the evaluation stage adds to a cross-dialect comparison (issue "Equivalence by
evaluation": at most 0.3 s at N = 1,000, growing with the number of distinct expressions, not
of tables; nothing measurable where the expressions already agree).

For each N: a SQLite file and a PostgreSQL database of N tables, each with one default the
comparer cannot settle (SQLite's ``strftime('%Y-%m-%d %H:%M:%f000', 'now')`` against
``CURRENT_TIMESTAMP``), read and made canonical once; then timed: ``compare`` alone, and
``compare`` plus the stage with a new evaluator (its PostgreSQL scratch database made on the
server on first need, inside the timing), without and with the value probes of every column
pair (``value_compatibility``, which ``check`` runs across dialects). Also: N tables with K
distinct differing defaults, and N tables whose defaults agree.

    .venv/bin/python bench/evaluate_stage.py --sizes 1000,5000   # writes bench/results-evaluate.json

``make bench`` runs it after ``bench/run.py`` (``BENCH_EVALUATE_ARGS`` passes it flags).

PostgreSQL: ``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL``, else an embedded server under
var/bench-eval-pg, deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from twinschema import testing
from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate
from twinschema.sources import make_canonical, reflect_url

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def server() -> Iterator[str]:
    given = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    with testing.postgres_server(ROOT / "var" / "bench-eval-pg") as url:
        yield url


def ddl(
    n: int, sqlite_default: Callable[[int], str], pg_default: Callable[[int], str]
) -> tuple[str, str]:
    sl = "".join(
        f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        f"created_at TEXT DEFAULT ({sqlite_default(i)}));"
        for i in range(n)
    )
    pg = "".join(
        f"CREATE TABLE t{i} (id integer PRIMARY KEY, name text NOT NULL, "
        f"created_at timestamptz DEFAULT {pg_default(i)});"
        for i in range(n)
    )
    return sl, pg


def sides(folder: Path, pg_url: str, sl_sql: str, pg_sql: str) -> tuple[Side, Side]:
    path = folder / "a.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(sl_sql)
    conn.close()
    engine = sa.create_engine(pg_url)
    # In steps: one transaction of 5,000 tables runs out of locks.
    statements = [s + ";" for s in pg_sql.split(";") if s.strip()]
    for start in range(0, len(statements), 500):
        with engine.begin() as c:
            c.exec_driver_sql("".join(statements[start : start + 500]))
    engine.dispose()
    left = make_canonical(reflect_url(f"sqlite:///{path}", ReflectOptions()), None)
    right = make_canonical(reflect_url(pg_url, ReflectOptions()), None)
    return Side(left, "a", "a"), Side(right, "b", "b")


def timed(fn: Callable[[], Any], runs: int) -> float:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        found.append(time.perf_counter() - start)
    return statistics.median(found)


def figures(left: Side, right: Side, server_url: str, runs: int) -> dict[str, Any]:
    """compare alone; compare and the stage (defaults, CHECKs, predicates, generated columns);
    and compare, the stage and the value probes of every column pair (``values=True``, what
    ``check`` runs across dialects), each with a new evaluator inside the timing."""

    def alone() -> None:
        compare(left, right, layer="diff")

    outcome: dict[str, Any] = {}

    def staged(values: bool) -> Callable[[], None]:
        def run() -> None:
            found = compare(left, right, layer="diff")
            with Evaluator(PostgreSQLScratch(server_url=server_url)) as evaluator:
                result = evaluate(found, left, right, evaluator, layer="diff", values=values)
                key = "with_values" if values else "stage"
                outcome[key] = {
                    "differences": len(found.differences),
                    "evaluated": result.evaluated,
                    "runs": evaluator.runs,
                    "warnings": len(result.warnings),
                }

        return run

    base = timed(alone, runs)
    with_stage = timed(staged(False), runs)
    with_values = timed(staged(True), runs)
    return {
        "compare_s": round(base, 4),
        "stage_adds_s": round(with_stage - base, 4),
        "stage_and_value_probes_add_s": round(with_values - base, 4),
        **outcome,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results-evaluate.json"))
    args = parser.parse_args()
    results: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    try:
        with server() as url:
            for n in map(int, args.sizes.split(",")):
                cases = {
                    "one differing default per table": ddl(
                        n,
                        lambda i: "strftime('%Y-%m-%d %H:%M:%f000', 'now')",
                        lambda i: "CURRENT_TIMESTAMP",
                    ),
                    "50 distinct differing defaults": ddl(
                        n,
                        lambda i: f"strftime('%Y-%m-%d %H:%M:%f000', 'now', '+{i % 50} minutes')",
                        lambda i: f"(CURRENT_TIMESTAMP + interval '{i % 50} minutes')",
                    ),
                    "defaults that agree": ddl(
                        n, lambda i: "CURRENT_TIMESTAMP", lambda i: "CURRENT_TIMESTAMP"
                    ),
                }
                for name, (sl_sql, pg_sql) in cases.items():
                    with testing.scratch_database(url, "bench_eval") as pg_url:
                        left, right = sides(folder, pg_url, sl_sql, pg_sql)
                    results[f"N={n}: {name}"] = figures(left, right, url, args.runs)
                    print(f"N={n}: {name}: {results[f'N={n}: {name}']}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(results, indent=2) + "\n"
    Path(args.output).write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
