"""Does the live layer grow linearly with the number of tables? (issue 16: "linear growth to
N = 5,000")

    .venv/bin/python bench/growth.py [--sizes 1000,5000] [--rounds 5]

Builds the benchmark's schema at each size once (SQLite file and PostgreSQL database, as
``bench/run.py`` does), then times the live layer's CPU (user+sys of this process) at every
size in turn, round after round, so that a change of the machine's load during the run weighs
on every size alike: on a shared 2-core machine the ratio of two sizes measured minutes apart
follows the load more than the code. Each round times, per dialect and size, the live layer
with the cyclic collector off (as the ``twinschema`` script runs a command) and on (as a library
call), and the catalog floor. Prints each figure's median and its growth from the smallest size,
and writes ``bench/results-growth.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

from twinschema import testing

DIALECTS = ("postgresql", "sqlite")


def cpu_of(fn: Callable[[], Any], collector: bool) -> float:
    """The CPU time of one call, caches cleared first (as ``run.measure`` does)."""
    run.cold()
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    figures: dict[str, list[float]] = {}
    with ExitStack() as stack:
        server = stack.enter_context(run.postgres_server())
        built = {}
        for n in sizes:
            pg_url = stack.enter_context(testing.scratch_database(server, f"growth_{n}"))
            metadata, urls, path, seconds = run.build(n, pg_url)
            built[n] = (metadata, urls, path)
            print(f"N={n}: built in {seconds:.1f} s", flush=True)
        for r in range(args.rounds):
            for dialect in DIALECTS:
                for n in sizes:
                    metadata, urls, path = built[n]
                    url, md = urls[dialect], metadata[dialect]

                    def live(url: str = url, md: Any = md, dialect: str = dialect) -> None:
                        assert run.live_layer(url, md, dialect) == 0

                    for collector, name in ((False, "script"), (True, "library")):
                        figures.setdefault(f"{dialect} {n} {name}", []).append(
                            cpu_of(live, collector)
                        )
                    floor = (
                        (lambda u=url: run.floor_postgresql(u))
                        if dialect == "postgresql"
                        else (lambda p=path: run.floor_sqlite(p))
                    )
                    figures.setdefault(f"{dialect} {n} floor", []).append(cpu_of(floor, True))
            print(f"round {r + 1}: load {os.getloadavg()}", flush=True)
    medians = {key: statistics.median(values) for key, values in figures.items()}
    for dialect in DIALECTS:
        for name in ("script", "library", "floor"):
            base = medians[f"{dialect} {sizes[0]} {name}"]
            shown = ", ".join(
                f"N={n} {medians[f'{dialect} {n} {name}']:.3f} s "
                f"(x{medians[f'{dialect} {n} {name}'] / base:.2f})"
                for n in sizes
            )
            print(f"{dialect} {name} CPU: {shown}")
    result = {key: {"median": medians[key], "runs": values} for key, values in figures.items()}
    (run.HERE / "results-growth.json").write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
