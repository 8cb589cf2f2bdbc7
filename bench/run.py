"""``make bench``: twinschema's live layer against Alembic's autogenerate and the catalog floor.

For each size N and dialect, in this one run so that the figures compare:

* ``twinschema``: the live layer of ``twinschema check`` on an already-built ``MetaData`` (as
  Alembic is given one): reflect the live database, make both sides canonical, compare. It must
  find no difference (the database is built from that same metadata), else the run fails.
* ``alembic``: ``alembic.autogenerate.compare_metadata(MigrationContext.configure(conn), metadata)``.

Each tool is timed in a new process of its own (``bench/worker.py``), as its users run it.
* ``floor``: connect and run only the catalog queries twinschema's adapter runs (the same text),
  fetched to Python tuples: what any reflection must pay at least.

Plus: live SQLite against live PostgreSQL at N = 1000, migra on two PostgreSQL databases of the
same schema at N = 1000 (in its own virtualenv under var/bench/, if it installs), the whole
``twinschema check`` on the project itself, every layer, as issue 16 times it (a new
process each time, import time included), and the live layer's peak memory at the largest N.

    .venv/bin/python bench/run.py                 # the full run, writes bench/results.json
    .venv/bin/python bench/run.py --sizes 50,200  # a quick one
    .venv/bin/python bench/run.py --busy-core     # with one core kept busy (a contended host)

PostgreSQL: ``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL`` (a server where databases may be
created and dropped), else an embedded server under var/bench-pg, deleted at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402

from twinschema import testing  # noqa: E402
from twinschema.canonical import expressions, normalize  # noqa: E402
from twinschema.compare import Side, compare  # noqa: E402
from twinschema.dialects import (  # noqa: E402
    ReflectOptions,
    postgresql as pg_adapter,
    sqlite as sqlite_adapter,
)
from twinschema.sources import (  # noqa: E402
    make_canonical,
    metadata as metadata_source,
    reflect_url,
)
from twinschema.sources.metadata import from_metadata  # noqa: E402
from twinschema.urls import parse_url  # noqa: E402

DIALECTS = ("postgresql", "sqlite")
VENV_BIN = Path(sys.executable).parent
BENCH_DIR = ROOT / "var" / "bench"
PG_DIR = ROOT / "var" / "bench-pg"
MIGRA_VENV = BENCH_DIR / "migra-venv"
OPTIONS = ReflectOptions()
CROSS_N = 1000

# The catalog queries of the SQLite adapter, as plain rows (see ``floor`` above).
SQLITE_QUERIES = sqlite_adapter.QUERIES


# ---------------------------------------------------------------------------------------------
# Timing


def cold() -> None:
    """Forget what an earlier run in this process cached, as a new ``twinschema check`` would."""
    for module in (expressions, pg_adapter, sqlite_adapter, metadata_source, normalize):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def measure(
    fn: Callable[[], Any], runs: int, budget: float | None = None, collector: bool = True
) -> dict[str, Any]:
    """Median, min and max of ``runs`` calls (fewer when the first already uses the budget),
    wall and CPU. ``collector=False`` times the calls with the cyclic garbage collector off, as
    the ``twinschema`` script runs every command (``cli.main``)."""
    times: list[float] = []
    cpu: list[float] = []  # user + sys of this process: what a shared machine's load changes least
    for n in range(runs):
        cold()  # twinschema's caches are per process: every run starts without them
        gc.collect()  # and with no garbage left by the run before
        if not collector:
            gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        finally:
            gc.enable()
        if budget is not None and n == 0 and times[0] * runs > budget:
            break
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
        "times": times,
        "cpu_median": statistics.median(cpu),
        "cpu": cpu,
    }


# ---------------------------------------------------------------------------------------------
# What is timed


def live_layer(url: str, metadata: sa.MetaData, dialect: str) -> int:
    """twinschema's live layer as ``check`` runs it: reflect the database, build the metadata
    side, make both canonical, compare; the differences found."""
    live = make_canonical(reflect_url(url, OPTIONS), None)
    model = make_canonical(from_metadata(metadata, dialect, "bench", OPTIONS), None)
    result = compare(Side(model, "metadata", "m"), Side(live, "live", "l"), layer="live")
    return len(result.differences)


def live_pair(sqlite_url: str, pg_url: str) -> int:
    """Live SQLite against live PostgreSQL: both reflected and made canonical, then compared."""
    left = make_canonical(reflect_url(sqlite_url, OPTIONS), None)
    right = make_canonical(reflect_url(pg_url, OPTIONS), None)
    result = compare(Side(left, "sqlite", "s"), Side(right, "postgresql", "p"), layer="live")
    return len(result.differences)


def alembic_compare(engine: sa.Engine, metadata: sa.MetaData) -> int:
    """Alembic's autogenerate comparison of the same pair; the number of changes it lists."""
    with engine.connect() as conn:
        return len(compare_metadata(MigrationContext.configure(conn), metadata))


def floor_postgresql(url: str) -> int:
    """Connect and fetch the rows of the PostgreSQL adapter's catalog queries, nothing more."""
    conn = pg_adapter.connect(parse_url(url), OPTIONS)
    try:
        # zone_known: no zone's hashes kept yet, as on a live layer's first read of a connection
        params = {"schema": OPTIONS.schema, "zone_known": None}
        with conn.pipeline():
            queries = pg_adapter.queries(conn.info.server_version)
            cursors = [conn.execute(sql, params) for sql in queries]
        rows = [cur.fetchall() for cur in cursors]
        conn.rollback()
    finally:
        conn.close()
    return sum(map(len, rows))


def floor_sqlite(path: Path) -> int:
    """Open read-only and fetch the rows of the SQLite adapter's catalog queries, nothing more."""
    conn = sqlite3.connect("file:" + quote(str(path.resolve())) + "?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")
        rows = [conn.execute(sql).fetchall() for sql in SQLITE_QUERIES]
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return sum(map(len, rows))


# ---------------------------------------------------------------------------------------------
# Setup


@contextmanager
def postgres_server() -> Iterator[str]:
    """A server URL: BENCH_DATABASE_URL / TEST_DATABASE_URL, else an embedded one, deleted after."""
    given = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if given:
        yield parse_url(given).render_as_string(hide_password=False)
        return
    from twinschema.servers import embedded

    shutil.rmtree(PG_DIR, ignore_errors=True)
    server = embedded.start(PG_DIR, delete=True)
    try:
        yield server.url()
    finally:
        server.stop()
        shutil.rmtree(PG_DIR, ignore_errors=True)


def server_version(url: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        version = str(conn.exec_driver_sql("SHOW server_version").scalar())
    engine.dispose()
    return version


def versions(pg_url: str) -> dict[str, str]:
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "alembic": version("alembic"),
        "psycopg": psycopg.__version__,
        "sqlglot": version("sqlglot"),
        "postgresql": server_version(pg_url),
        "sqlite": sqlite3.sqlite_version,
        "twinschema": version("twinschema"),
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python_implementation": platform.python_implementation(),
    }


# ---------------------------------------------------------------------------------------------
# migra, in its own virtualenv (it is not a dependency of twinschema)

MIGRA_SCRIPT = """
import json, statistics, sys, time
from migra import Migration
from sqlbag import S
a, b, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, statements = [], None
for _ in range(runs):
    start = time.perf_counter()
    with S(a) as sa_, S(b) as sb_:
        m = Migration(sa_, sb_)
        m.set_safety(False)
        m.add_all_changes()
        statements = len(m.statements)
    times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "min": min(times), "max": max(times),
                  "runs": runs, "times": times, "statements": statements}))
"""


def migra_python() -> tuple[Path | None, str]:
    """The Python of a virtualenv with migra and psycopg2 (made once); or None and why not."""
    python = MIGRA_VENV / "bin" / "python"
    if python.exists():
        return python, "reused var/bench/migra-venv"
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(MIGRA_VENV)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "migra",
                "psycopg2-binary",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(MIGRA_VENV, ignore_errors=True)
        return None, f"pip install migra psycopg2-binary failed: {exc.stderr.strip()[-300:]}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(MIGRA_VENV, ignore_errors=True)
        return None, f"cannot make a virtualenv for migra: {type(exc).__name__}: {exc}"
    return python, "installed into var/bench/migra-venv"


def libpq_url(url: str) -> str:
    """A psycopg2 (sqlbag) URL for the same database."""
    plain = sa.engine.make_url(url).set(drivername="postgresql+psycopg2")
    return plain.render_as_string(hide_password=False)


def run_migra(server: str, pg_url: str, runs: int) -> dict[str, Any]:
    python, how = migra_python()
    if python is None:
        return {"skipped": how}
    with testing.scratch_database(server, "bench_twin") as twin_url:
        # The same schema again: drop the empty twin and copy the first database as a template.
        admin = testing.admin_engine(server)
        twin, source = parse_url(twin_url).database, parse_url(pg_url).database
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{twin}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{twin}" TEMPLATE "{source}"'))
        admin.dispose()
        done = subprocess.run(
            [str(python), "-c", MIGRA_SCRIPT, libpq_url(pg_url), libpq_url(twin_url), str(runs)],
            capture_output=True,
            text=True,
            timeout=1800,
        )
    if done.returncode != 0:
        return {"skipped": f"migra failed ({how}): {done.stderr.strip()[-500:]}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["note"] = f"{how}; timed in its own process: connect both, inspect both, diff"
    return result


# ---------------------------------------------------------------------------------------------
# The whole command on the project's own schemas


def time_command(runs: int) -> dict[str, Any]:
    """The whole ``twinschema check`` on this project start to exit, PostgreSQL already running
    (issue 16's target): every layer, the migrations layer's kept runs reused."""
    ts = str(VENV_BIN / "twinschema")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LOCAL_DATABASE_URL")}
    from twinschema.config import load_config
    from twinschema.servers import embedded

    datadir = load_config(ROOT / "pyproject.toml").embedded_dir
    was_running = embedded.is_running(datadir)
    started = subprocess.run([ts, "db", "start"], cwd=ROOT, env=env, capture_output=True, text=True)
    if started.returncode != 0:
        return {"skipped": f"twinschema db start failed: {started.stderr.strip()[-300:]}"}
    try:
        return _time_check(ts, env, runs)
    finally:
        if not was_running:  # leave the server as it was found
            subprocess.run([ts, "db", "stop"], cwd=ROOT, env=env, capture_output=True)


def _time_check(ts: str, env: dict[str, str], runs: int) -> dict[str, Any]:
    for side in ("local", "remote"):
        done = subprocess.run(
            [ts, "migrate", side], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            return {"skipped": f"twinschema migrate {side} failed: {done.stderr.strip()[-300:]}"}
    command = [ts, "check"]
    codes: list[int] = []
    child_cpu: list[float] = []  # the check's own user + sys (``measure`` sees this process's)

    def once() -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        codes.append(subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    once()  # warm the OS file cache and keep the migrations layer's runs, as a day's later checks
    child_cpu.clear()
    result = measure(once, runs)
    result["cpu"], result["cpu_median"] = child_cpu, statistics.median(child_cpu)
    result["command"] = " ".join(["twinschema", *command[1:]])
    result["exit_codes"] = sorted(set(codes))
    return result


# ---------------------------------------------------------------------------------------------
# The run


def build(n: int, pg_url: str) -> tuple[dict[str, sa.MetaData], dict[str, str], Path, float]:
    specs = generate.describe(n)
    metadata = {dialect: generate.metadata_for(dialect, specs) for dialect in DIALECTS}
    path = BENCH_DIR / f"bench_{n}.db"
    start = time.perf_counter()
    generate.create_sqlite(path, metadata["sqlite"])
    generate.create_postgresql(pg_url, metadata["postgresql"])
    urls = {"sqlite": testing.sqlite_url(path), "postgresql": pg_url}
    return metadata, urls, path, time.perf_counter() - start


def bench_size(
    n: int, server: str, stack: ExitStack, args: argparse.Namespace, results: dict[str, Any]
) -> None:
    pg_url = stack.enter_context(testing.scratch_database(server, f"bench_{n}"))
    metadata, urls, path, built = build(n, pg_url)
    print(f"N={n}: built both databases in {built:.1f} s", flush=True)
    entry: dict[str, Any] = {"build_seconds": built}
    previous = results["sizes"].get(str(args.previous.get(n)), {})
    for dialect in DIALECTS:
        url = urls[dialect]
        figures = apart("twinschema", n, dialect, url, path, args)
        if figures["differences"]:
            raise SystemExit(
                f"N={n} {dialect}: the live layer found {figures['differences']} differences, not 0"
            )
        figures["alembic"] = bench_alembic(n, dialect, url, path, args, previous.get(dialect))
        entry[dialect] = figures
        print(f"N={n} {dialect}: " + summary(figures), flush=True)
    if n == args.cross_n:
        results["cross"] = {"n": n}
        found = live_pair(urls["sqlite"], pg_url)
        results["cross"]["differences"] = found
        results["cross"]["twinschema"] = measure(
            lambda: live_pair(urls["sqlite"], pg_url), args.runs
        )
        if not args.no_migra:
            results["cross"]["migra"] = run_migra(server, pg_url, args.runs)
        print(f"N={n} sqlite vs postgresql: {json.dumps(short(results['cross']))}", flush=True)
    if n == max(args.sizes):
        results["memory"] = {"n": n}
        for dialect in DIALECTS:
            cold()
            gc.collect()
            tracemalloc.start()
            live_layer(urls[dialect], metadata[dialect], dialect)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results["memory"][dialect] = {"tracemalloc_peak_mib": peak / 2**20}
    results["sizes"][str(n)] = entry


def bench_alembic(
    n: int,
    dialect: str,
    url: str,
    path: Path,
    args: argparse.Namespace,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """Alembic's figures, within the time budget: fewer runs, or none with the reason recorded."""
    if previous and "median" in previous.get("alembic", {}):
        # Alembic's SQLite reflection grows as N^2 (one sqlite_master lookup per table), its
        # PostgreSQL reflection about linearly: predict one run from the previous size.
        before_n, before = args.previous[n], previous["alembic"]["median"]
        growth = (n / before_n) ** (2 if dialect == "sqlite" else 1)
        predicted = before * growth
        if predicted > args.alembic_budget:
            return {
                "skipped": f"one run predicted at {predicted:.0f} s (from N={before_n}), over "
                f"the {args.alembic_budget:.0f} s budget"
            }
    figures = apart("alembic", n, dialect, url, path, args)
    if figures["runs"] < args.runs:
        figures["note"] = (
            f"{figures['runs']} run(s): {args.runs} would exceed the "
            f"{args.alembic_budget:.0f} s budget"
        )
    return figures


def apart(
    kind: str, n: int, dialect: str, url: str, path: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """``kind``'s figures (twinschema with the floor, or Alembic), timed by ``bench/worker.py``
    in a new process: see there why."""
    command = [sys.executable, str(HERE / "worker.py"), kind, str(n), dialect, str(path)]
    done = subprocess.run(
        [*command, str(args.runs), str(args.alembic_budget)],
        env={**os.environ, "BENCH_WORKER_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"N={n} {dialect}: timing {kind} failed: {done.stderr.strip()[-800:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def summary(figures: dict[str, Any]) -> str:
    parts = [
        f"twinschema {figures['twinschema']['median']:.3f} s"
        f" (CPU {figures['twinschema']['cpu_median']:.3f} s)",
        f"floor {figures['floor']['median']:.3f} s (CPU {figures['floor']['cpu_median']:.3f} s)",
    ]
    if "twinschema_cli" in figures:
        cli = figures["twinschema_cli"]
        parts.insert(1, f"as the CLI runs it {cli['median']:.3f} s (CPU {cli['cpu_median']:.3f} s)")
    alembic = figures["alembic"]
    parts.append(f"alembic {alembic['median']:.3f} s" if "median" in alembic else "alembic skipped")
    return ", ".join(parts)


def short(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (round(v["median"], 3) if isinstance(v, dict) and "median" in v else v)
        for k, v in entry.items()
    }


def ratios(results: dict[str, Any]) -> None:
    """Add the ratios to the results and print the table."""
    rows = []
    for n, entry in results["sizes"].items():
        for dialect in DIALECTS:
            figures = entry[dialect]
            ts, floor = figures["twinschema"]["median"], figures["floor"]["median"]
            alembic = figures["alembic"].get("median")
            cli = figures.get("twinschema_cli", {}).get("median")
            figures["ratios"] = {
                "twinschema_over_floor": ts / floor,
                "cli_over_floor": cli / floor if cli else None,
                "alembic_over_twinschema": alembic / ts if alembic else None,
                "seconds_per_table": ts / int(n),
            }
            rows.append((int(n), dialect, ts, floor, alembic, figures["ratios"]))
    print()
    print(
        f"{'N':>5} {'dialect':<10} {'twinschema':>11} {'floor':>8} {'alembic':>9} "
        f"{'ts/floor':>9} {'alembic/ts':>11} {'ms/table':>9} {'CLI/floor':>10}"
    )
    for n, dialect, ts, floor, alembic, r in rows:
        al = f"{alembic:9.3f}" if alembic else f"{'skipped':>9}"
        ar = f"{r['alembic_over_twinschema']:10.1f}x" if alembic else f"{'-':>11}"
        cr = f"{r['cli_over_floor']:9.2f}x" if r["cli_over_floor"] else f"{'-':>10}"
        print(
            f"{n:>5} {dialect:<10} {ts:11.3f} {floor:8.3f} {al} "
            f"{r['twinschema_over_floor']:8.2f}x {ar} {r['seconds_per_table'] * 1000:9.3f} {cr}"
        )
    sizes = sorted(int(n) for n in results["sizes"])
    if 200 in sizes and len(sizes) > 1 and max(sizes) > 200:
        big = max(sizes)
        results["linearity"] = {}
        for dialect in DIALECTS:
            per_big = results["sizes"][str(big)][dialect]["ratios"]["seconds_per_table"]
            per_200 = results["sizes"]["200"][dialect]["ratios"]["seconds_per_table"]
            results["linearity"][dialect] = {"n": big, "per_table_ratio_vs_200": per_big / per_200}
            print(f"time per table, N={big} / N=200, {dialect}: {per_big / per_200:.2f}x")
    cross = results.get("cross")
    if cross:
        line = (
            f"live SQLite vs live PostgreSQL, N={cross['n']}: {cross['twinschema']['median']:.3f} s"
        )
        migra = cross.get("migra", {})
        line += (
            f"; migra (two PostgreSQL databases) {migra['median']:.3f} s"
            if "median" in migra
            else f"; migra: {migra.get('skipped', 'not run')}"
        )
        print(line)
    memory = results.get("memory")
    if memory:
        print(
            f"live layer peak memory (tracemalloc) at N={memory['n']}: "
            + ", ".join(f"{d} {memory[d]['tracemalloc_peak_mib']:.0f} MiB" for d in DIALECTS)
        )
    command = results.get("command")
    if command:
        print(
            f"whole command ({command.get('command', 'check')}): "
            + (
                f"{command['median']:.3f} s median (CPU {command['cpu_median']:.3f} s), "
                f"exit {command['exit_codes']}"
                if "median" in command
                else command["skipped"]
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, generate.SIZES)),
        help="comma-separated table counts (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument(
        "--alembic-budget",
        type=float,
        default=150.0,
        help="seconds Alembic may take per size and dialect",
    )
    parser.add_argument(
        "--cross-n", type=int, default=CROSS_N, help="N of live SQLite vs live PostgreSQL"
    )
    parser.add_argument("--no-migra", action="store_true", help="leave migra out")
    parser.add_argument("--no-command", action="store_true", help="leave the CLI timing out")
    parser.add_argument(
        "--busy-core",
        action="store_true",
        help="keep one core busy with a spinning process while measuring (a contended host)",
    )
    parser.add_argument("--output", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    args.previous = dict(zip(args.sizes[1:], args.sizes, strict=False))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    begun = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "runs": args.runs, "sizes": {}}
    results["machine"]["busy_core"] = args.busy_core
    try:
        with postgres_server() as server, busy_core(args.busy_core):
            results["versions"] = versions(server)
            for n in args.sizes:
                with ExitStack() as per_size:
                    bench_size(n, server, per_size, args, results)
                (BENCH_DIR / f"bench_{n}.db").unlink(missing_ok=True)
        if not args.no_command:
            results["command"] = time_command(max(args.runs, 7))
    finally:
        results["total_seconds"] = time.perf_counter() - begun
        results["max_rss_mib"] = _max_rss_mib()
    ratios(results)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output} ({results['total_seconds']:.0f} s)")
    return 0


@contextmanager
def busy_core(wanted: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """With ``wanted``, a process spinning on one core for the duration: what a host busy with
    other work leaves (twinschema reads in a background thread; Alembic runs in one)."""
    if not wanted:
        yield None
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield spinner
    finally:
        spinner.kill()
        spinner.wait()


def _max_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
