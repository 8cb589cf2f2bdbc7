"""twinschema's schema-sync checks as pytest tests, one per layer and per table.

Registered as a ``pytest11`` entry point, so it is loaded in every project that has twinschema
installed; it stays inert until a test module asks for its tests, in one line (the way
pytest-alembic ships its built-in tests)::

    from twinschema.pytest_plugin import *  # noqa: F403

which collects ``test_domain``, ``test_models``, ``test_live`` and ``test_migrations``, each
parametrized with the tables of ``domain.yaml`` as test ids (``test_models[communities]``), plus
one ``[(layer)]`` item per layer for what belongs to no table (a second head, a revision without
its twin, a database behind head, a layer that could not look).

The checks run once per session, on real databases: a temporary SQLite file and a scratch
database on a PostgreSQL server (``TEST_DATABASE_URL``, else an embedded server), both migrated to
head with the project's own chains. The variables that name the user's databases
(``DATABASE_URL``, ``LOCAL_DATABASE_URL``, the ones ``url_env`` names) are never read, nor
``default_url`` or ``var/``: the plugin resolves no URL through ``Config.database``. Each fixture
can be overridden in a ``conftest.py``:

* ``twinschema_config``: the project's ``[tool.twinschema]`` (from the rootdir's pyproject.toml);
* ``twinschema_postgres_server``: the URL of the server to create the scratch database on;
* ``twinschema_databases``: ``{dialect: url}`` of the databases the ``live`` layer reads;
* ``twinschema_report``: the ``check`` report every test reads its lines from.

A failing test raises ``SchemaSyncError`` (an ``AssertionError``) that carries the report lines
of its table and the likely cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Only what collection needs is imported at load time: the plugin is loaded by every pytest run
# of an environment where twinschema is installed, used or not.
if TYPE_CHECKING:
    from twinschema.config import Config
    from twinschema.records import Difference, LayerResult, Report

# The parameter every generated test takes, and the id of the item that holds what names no table.
TABLE_PARAM = "twinschema_table"
WHOLE_LAYER = "(layer)"

LIKELY_CAUSE: dict[str, str] = {
    "domain": "a metadata module was changed without domain.yaml, or domain.yaml without both "
    "metadata modules",
    "models": "one metadata module was changed without its twin in the other dialect",
    # The databases are made here by migrating each chain to head (``twinschema_databases``):
    # no hand touched them, unless a conftest.py gives its own (stranger40).
    "live": "a metadata module was changed without a revision (write one: `twinschema revision "
    '-m "..."`), or a migration builds something other than its module declares; with '
    "twinschema_databases overridden, a database was changed by hand",
    "migrations": "a revision was added to one chain only, does not build what its metadata "
    "module declares, or has a downgrade() that does not undo its upgrade()",
}


class SchemaSyncError(AssertionError):
    """A schema-sync test failed: the report lines of its table and the likely cause."""

    def __init__(self, layer: str, table: str, lines: list[str], cause: str) -> None:
        self.layer, self.table, self.lines, self.cause = layer, table, lines, cause
        super().__init__(self.describe())

    def describe(self) -> str:
        """The failure as pytest shows it: a title, the report lines, the likely cause."""
        where = "outside any table" if self.table == WHOLE_LAYER else f"table {self.table}"
        return "\n".join(
            [
                f"twinschema: the {self.layer} layer is not in sync ({where})",
                "",
                *self.lines,
                "",
                f"likely cause: {self.cause}",
            ]
        )


# ---------------------------------------------------------------------------------------------
# The tests a project imports


def _check(layer: str, report: Report, table: str, known: Iterable[str]) -> None:
    """Fail with ``SchemaSyncError`` when ``layer`` found anything for ``table``."""
    __tracebackhide__ = True
    from twinschema.records import Status

    results = [r for r in report.layers if r.name == layer]
    errors = [r for r in results if r.status == Status.ERROR]
    lines = [_layer_line(r) for r in errors]
    known = set(known)
    differences = [d for r in results for d in r.differences]
    if table == WHOLE_LAYER:
        found = [d for d in differences if d.table not in known]
    else:
        found = [d for d in differences if d.table == table]
    lines.extend(line for d in found for line in _difference_lines(d))
    shown = {id(d) for d in found}
    for r in results:  # what the hints of its differences refer to ("see this comparison's note")
        if any(id(d) in shown for d in r.differences):
            lines += [f"note of [{r.name}] {r.left} <> {r.right}: {n.text}" for n in r.notes]
    if lines:
        cause = LIKELY_CAUSE.get(layer, "")
        if errors:
            cause = "the layer could not look at a database: " + "; ".join(
                r.message or r.name for r in errors
            )
        raise SchemaSyncError(layer, table, lines, cause)
    if results and all(r.status == Status.SKIPPED for r in results):
        pytest.skip("; ".join(r.message or "skipped" for r in results))


def _layer_line(result: LayerResult) -> str:
    why = f": {result.message}" if result.message else ""
    return f"{result.status} [{result.name}] {result.left} <> {result.right}{why}"


def _difference_lines(d: Difference) -> list[str]:
    from twinschema.records import DIFFERENCE_KINDS

    where = (d.table or "-") + (f".{d.column}" if d.column else "")
    return [
        f"[{d.layer}] {d.left_source} <> {d.right_source}",
        f"  {where}: {d.kind}: {d.message}  (left: {d.left or '-'} | right: {d.right or '-'})",
        f"    hint: {d.hint}",
        f"    {d.kind}: {DIFFERENCE_KINDS.get(d.kind, '')}",
    ]


# ---------------------------------------------------------------------------------------------
# Collection: the tables every generated test is parametrized with


_COLLECTED = pytest.StashKey[tuple[str, ...]]()


def collected_tables(config: pytest.Config) -> tuple[str, ...]:
    """The logical table names of the project's ``domain.yaml`` (read once per session)."""
    if _COLLECTED not in config.stash:
        from twinschema.domain_load import load_domain

        ts_config = _load_config(config.rootpath)
        tables: tuple[str, ...] = ()
        if ts_config.domain is not None and ts_config.domain.is_file():
            tables = tuple(load_domain(ts_config.domain).tables)
        config.stash[_COLLECTED] = tables
    return config.stash[_COLLECTED]


def _load_config(rootpath: Path) -> Config:
    from twinschema.config import Config, find_pyproject, load_config

    pyproject = find_pyproject(rootpath)
    return load_config(pyproject) if pyproject else Config(root=rootpath)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the tests that take ``twinschema_table``: one per table, plus ``(layer)``."""
    if TABLE_PARAM not in metafunc.fixturenames:
        return
    values = [*collected_tables(metafunc.config), WHOLE_LAYER]
    metafunc.parametrize(TABLE_PARAM, values, ids=values)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def twinschema_config(pytestconfig: pytest.Config) -> Config:
    """The project's ``[tool.twinschema]``, from the pyproject.toml at or above the rootdir."""
    return _load_config(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def twinschema_postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for scratch databases: ``TEST_DATABASE_URL``, else an embedded one."""
    from twinschema import testing

    with testing.postgres_server(tmp_path_factory.mktemp("twinschema-pg")) as url:
        yield url


@pytest.fixture(scope="session")
def twinschema_databases(
    request: pytest.FixtureRequest,
    twinschema_config: Config,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    """``{dialect: url}``: a new database per configured dialect, migrated to head (a failing
    migration is left for the ``migrations`` layer to report)."""
    from twinschema import testing
    from twinschema.migrations.migrations_alembic import upgrade_database
    from twinschema.records import DIALECTS
    from twinschema.servers import scratch
    from twinschema.urls import parse_url

    config = twinschema_config
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        for dialect in DIALECTS:
            if dialect not in config.dialects:
                continue
            if dialect == "sqlite":
                url = testing.sqlite_url(tmp_path_factory.mktemp("twinschema-sqlite") / "app.db")
            else:
                server = request.getfixturevalue("twinschema_postgres_server")
                url = stack.enter_context(scratch.database(server))
            urls[dialect] = url
            if config.side(dialect).migrations is not None:
                # A failing chain is left for the migrations layer to report, with its error.
                upgrade_database(config, dialect, url)
            elif dialect == "sqlite":
                Path(parse_url(url).database or "").touch()
        yield urls


@pytest.fixture(scope="session")
def twinschema_report(
    twinschema_config: Config,
    twinschema_databases: dict[str, str],
    twinschema_postgres_server: str,
) -> Report:
    """The report of ``twinschema check`` over every layer, on ``twinschema_databases``."""
    from twinschema.check import run_check
    from twinschema.layers.plan import CheckPlan
    from twinschema.records import DIALECTS, LAYERS

    urls: dict[str, str | None] = {d: twinschema_databases.get(d) for d in DIALECTS}
    plan = CheckPlan(
        config=twinschema_config, layers=LAYERS, urls=urls, scratch_url=twinschema_postgres_server
    )
    return run_check(plan)


@pytest.fixture(scope="session")
def twinschema_tables(pytestconfig: pytest.Config) -> tuple[str, ...]:
    """The tables the generated tests are parametrized with."""
    return collected_tables(pytestconfig)


# ---------------------------------------------------------------------------------------------
# The tests (import them into a test module: ``from twinschema.pytest_plugin import *``)

__all__ = ["test_domain", "test_live", "test_migrations", "test_models"]


def test_domain(
    twinschema_report: Report, twinschema_tables: tuple[str, ...], twinschema_table: str
) -> None:
    """domain.yaml names every table and column of both metadata modules, and nothing else."""
    __tracebackhide__ = True
    _check("domain", twinschema_report, twinschema_table, twinschema_tables)


def test_models(
    twinschema_report: Report, twinschema_tables: tuple[str, ...], twinschema_table: str
) -> None:
    """The SQLite and PostgreSQL metadata modules describe the same schema (types by logical
    kind, nullability, defaults, keys, foreign keys, unique rules, indexes, checks, enums)."""
    __tracebackhide__ = True
    _check("models", twinschema_report, twinschema_table, twinschema_tables)


def test_live(
    twinschema_report: Report, twinschema_tables: tuple[str, ...], twinschema_table: str
) -> None:
    """Each database migrated to head is what its metadata module describes, and the two
    databases agree with each other."""
    __tracebackhide__ = True
    _check("live", twinschema_report, twinschema_table, twinschema_tables)


def test_migrations(
    twinschema_report: Report, twinschema_tables: tuple[str, ...], twinschema_table: str
) -> None:
    """Each chain has one head, builds its metadata module from an empty database, downgrades
    to base without a trace; the chains move together at domain.yaml's version; the databases
    are at head."""
    __tracebackhide__ = True
    _check("migrations", twinschema_report, twinschema_table, twinschema_tables)
