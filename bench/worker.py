"""One tool timed on one database, in a process of its own (run by ``bench/run.py``).

    BENCH_WORKER_URL=URL python bench/worker.py twinschema|alembic N DIALECT SQLITE_PATH RUNS BUDGET

(The URL comes in the environment, not on the command line, where other users could see it.)

Each tool is timed as its users run it: in a new process. A process in which other big work has
run (building the benchmark's databases, another tool's comparison) stays slower for what runs
next in it: SQLite's own catalog reads took 20% longer there. The worker builds the same
``MetaData`` again (the description is seeded), checks that twinschema finds no difference, and
prints its figures as one line of JSON: for ``twinschema`` the live layer (as a library call, and
as the ``twinschema`` script runs it, with the cyclic garbage collector off) and the catalog floor
(measured in the same process, so that their ratio compares), for ``alembic`` its comparison.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import run  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from twinschema.dialects import postgresql_read  # noqa: E402


def twinschema(n: int, dialect: str, url: str, path: Path, runs: int) -> dict[str, Any]:
    """The live layer's figures and the floor's, with the differences found (must be 0)."""
    metadata = generate.metadata_for(dialect, generate.describe(n))
    found = run.live_layer(url, metadata, dialect)
    figures: dict[str, Any] = {"differences": found}
    if found:
        return figures

    def first_read() -> int:
        # Each run reads as a new process's first read does: no zone's hashes kept from the run
        # before (``postgresql_read`` keeps them per server for the process; the floor computes
        # them at every run too).
        postgresql_read._ZONES.clear()
        return run.live_layer(url, metadata, dialect)

    figures["twinschema"] = run.measure(first_read, runs)
    # As the ``twinschema`` script runs it: cli.main turns the cyclic collector off for a command.
    figures["twinschema_cli"] = run.measure(first_read, runs, collector=False)
    if dialect == "postgresql":
        figures["floor"] = run.measure(lambda: run.floor_postgresql(url), runs)
    else:
        figures["floor"] = run.measure(lambda: run.floor_sqlite(path), runs)
    return figures


def alembic(n: int, dialect: str, url: str, runs: int, budget: float) -> dict[str, Any]:
    """Alembic's figures: as many runs as the budget allows, and the changes it listed."""
    metadata = generate.metadata_for(dialect, generate.describe(n))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        changes = run.alembic_compare(engine, metadata)
        figures = run.measure(lambda: run.alembic_compare(engine, metadata), runs, budget=budget)
    finally:
        engine.dispose()
    figures["changes_listed"] = changes
    return figures


def main(argv: list[str]) -> int:
    kind, n, dialect, path, runs, budget = argv
    url = os.environ["BENCH_WORKER_URL"]
    if kind == "twinschema":
        figures = twinschema(int(n), dialect, url, Path(path), int(runs))
    else:
        figures = alembic(int(n), dialect, url, int(runs), float(budget))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
