"""The package's imports (every ``import`` statement, at module level or inside a function, read
with ``ast``) form floors that data flows up through: no module imports one on a higher floor,
and no group of modules imports itself round. A new arrow upward or a new cycle fails here.

Floors, from the bottom (the order data flows; see DESIGN.md, "Architecture"):

0. records: the result records, the neutral model, the exit codes and the small utilities every
   stage shares (URLs without secrets, paths as shown, progress notes);
1. dialects, sources and servers: the adapters, the readers of metadata modules, SQL files and
   domain.yaml, the configuration, the embedded and scratch PostgreSQL servers, and the migration
   engine that ``migrate`` and the migrations layer share (``migrations/``: which database a
   migration runs on, the Alembic chain configured in code, connecting to the database in one
   transaction with its locks, what a migration can end in);
2. canonical: expressions, the type table, identifier folding, normalize (and the ``sources``
   facade, which reads a source *and* makes it canonical), and ``alembic_env``, the Alembic
   environment of the migration engine, which judges server defaults in canonical form;
3. evaluate: expressions run on scratch databases;
4. compare: one comparator per kind;
5. layers: one module per layer (and ``layers.domaincheck``, the domain layer's comparator, which
   knows the dialects, as ``compare/`` must not), ``check`` composing them;
6. report: every format, ``--explain``;
7. migration commands (in ``migrations/``, beside the engine) and adopt: migrate, lint, revision,
   history, init;
8. cli: the command line, the commands behind it, the pytest plugin.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tool" / "twinschema"

# Module -> floor. A name ending in ".*" gives a floor to every module below that package (the
# longest match wins); a module no entry covers fails the test: give it its floor here.
FLOORS: dict[str, int] = {
    "twinschema": 0,
    "twinschema.records": 0,
    "twinschema.records.*": 0,
    "twinschema.model": 0,
    "twinschema.model_pool": 0,
    "twinschema.model_types": 0,
    "twinschema.model_index": 0,
    "twinschema.model_json": 0,
    "twinschema.model_unknown": 0,
    "twinschema.model_objects": 0,
    "twinschema.model_constraints": 0,
    "twinschema.model_shown": 0,
    "twinschema.errors": 0,
    "twinschema.urls": 0,
    "twinschema.paths": 0,
    "twinschema.progress": 0,
    # A SQLite type kept as declared: what metadata modules init writes import, and what the
    # Alembic environment compares and renders (SQLAlchemy and, when rendering, Alembic only).
    "twinschema.declared_types": 0,
    "twinschema.sql_expression": 0,
    "twinschema.sql_names": 0,
    "twinschema.dialects": 1,
    "twinschema.dialects.*": 1,
    "twinschema.definitions": 1,
    "twinschema.sources.*": 1,
    "twinschema.domain_comments": 1,
    "twinschema.domain_load": 1,
    "twinschema.domain_model": 1,
    "twinschema.domain_schema": 1,
    "twinschema.domain_unique": 1,
    "twinschema.domain_yaml": 1,
    "twinschema.config": 1,
    "twinschema.config.values": 1,
    "twinschema.config.missing": 1,
    "twinschema.config.url_sides": 1,
    "twinschema.servers": 1,
    "twinschema.servers.*": 1,
    "twinschema.testing": 1,
    # What SQLAlchemy's reflection leaves out, put back from an adapter's read: init's and a
    # SQLite batch copy's (SQLAlchemy and the neutral model only).
    "twinschema.reflected": 1,
    # migrations/ holds everything about Alembic chains, on three floors: the engine here (1), the
    # migrations layer's machinery (5) and the commands (7). Each module is named with its floor
    # (no ".*" entry), so a new module there must say which floor it stands on.
    "twinschema.migrations": 1,
    "twinschema.migrations.migrate_chain": 1,
    "twinschema.migrations.migrate_connect": 1,
    "twinschema.migrations.migrate_sqlite_writer": 1,
    "twinschema.migrations.migrate_errors": 1,
    "twinschema.migrations.migrate_files": 1,
    "twinschema.migrations.migrate_enum_labels": 1,
    # Recording a revision's upgrade() without running it: the lint reads its operations, and
    # so do ``revision`` and the migrations layer (the tables a chain renamed).
    "twinschema.migrations.lint_record": 1,
    "twinschema.migrations.chain_renames": 1,
    "twinschema.canonical": 2,
    "twinschema.canonical.*": 2,
    "twinschema.sources": 2,  # the facade: read a source, then make it canonical
    # The Alembic environment every chain's env.py runs (by this name: init writes it there). It
    # is the migration engine's, below migrate and the migrations layer alike; it reads server
    # defaults in canonical form, so it stands on this floor rather than with migrations/.
    "twinschema.alembic_env": 2,
    # What a view a revision makes again was given: the calls such a revision makes (s83migs).
    "twinschema.alembic_views": 2,
    "twinschema.alembic_keys": 2,
    "twinschema.alembic_declared": 2,
    "twinschema.alembic_stored": 2,
    "twinschema.alembic_nullable": 2,
    "twinschema.alembic_virtual": 2,
    "twinschema.alembic_standalone": 2,
    "twinschema.alembic_indexes": 2,
    "twinschema.alembic_batch_indexes": 2,
    "twinschema.alembic_batch_fts": 2,
    "twinschema.alembic_type_checks": 2,
    "twinschema.evaluate": 3,
    "twinschema.evaluate.*": 3,
    "twinschema.compare": 4,
    "twinschema.compare.*": 4,
    "twinschema.layers": 5,
    "twinschema.layers.*": 5,
    "twinschema.check": 5,
    "twinschema.migrations.migrations_layer": 5,
    "twinschema.migrations.migrations_findings": 5,
    "twinschema.migrations.migrations_compare": 5,
    "twinschema.migrations.migrations_chain": 5,
    "twinschema.migrations.migrations_state": 5,
    "twinschema.migrations.migrations_cache": 5,
    "twinschema.migrations.migrations_alembic": 5,
    "twinschema.migrations.migrations_steps": 5,
    "twinschema.migrations.roundtrip_checks": 5,
    "twinschema.migrations.migrations_renames": 5,
    "twinschema.migrations.migrations_next_ids": 5,
    # The destructive-change lint reads a chain's revisions on an in-memory database only, so
    # the migrations layer may ask it which triggers a SQLite chain's batch copies lose
    # (migrations_triggers, stranger71 007); revision_sqlite's batch reading is the lint's too.
    "twinschema.migrations.lint": 5,
    "twinschema.migrations.lint_classify": 5,
    "twinschema.migrations.lint_narrowing": 5,
    "twinschema.migrations.lint_findings": 5,
    "twinschema.migrations.lint_fts": 5,
    "twinschema.migrations.lint_fts_made": 5,
    "twinschema.migrations.lint_generated": 5,
    "twinschema.migrations.lint_replay": 5,
    "twinschema.migrations.lint_rows": 5,
    "twinschema.migrations.migrations_triggers": 5,
    # What twin revisions do to views and triggers (stranger71 009), from the chains' runs.
    "twinschema.migrations.migrations_twins": 5,
    "twinschema.migrations.twin_spans": 5,
    "twinschema.migrations.chain_views": 5,
    "twinschema.migrations.hand_renames": 5,
    # Views both twins redefine, run on probe rows (s76views): the evaluation stage's view runs.
    "twinschema.migrations.twin_views": 5,
    # Whether a twin pair's view difference lasts to the heads and which pair made it (stranger85).
    "twinschema.migrations.view_origin": 5,
    # Column renames that rewrote a view's SQL (stranger78 002), from the chains' runs.
    "twinschema.migrations.twin_renames": 5,
    "twinschema.migrations.revision_sqlite": 5,
    "twinschema.hints": 5,
    "twinschema.report": 6,
    "twinschema.report.*": 6,
    "twinschema.explain": 6,
    "twinschema.migrations.migrate": 7,
    "twinschema.migrations.migrate_stamp": 7,
    "twinschema.migrations.migrate_dryrun": 7,
    "twinschema.migrations.migrate_lint": 7,
    "twinschema.migrations.revision": 7,
    "twinschema.migrations.revision_identity": 7,
    "twinschema.migrations.revision_kept": 7,
    "twinschema.migrations.revision_sqlite_checks": 7,
    "twinschema.migrations.revision_sqlite_directives": 7,
    "twinschema.migrations.revision_sqlite_conflicts": 7,
    "twinschema.migrations.revision_sqlite_triggers": 7,
    "twinschema.migrations.revision_renames": 7,
    "twinschema.migrations.revision_tables": 7,
    "twinschema.migrations.revision_order": 7,
    "twinschema.migrations.revision_pg_domain_move": 7,
    "twinschema.migrations.revision_pg_views": 7,
    "twinschema.migrations.revision_pg_views_kept": 7,
    "twinschema.migrations.revision_fts_renames": 7,
    "twinschema.migrations.revision_bump": 7,
    "twinschema.migrations.revision_render": 7,
    "twinschema.migrations.revision_unwritten": 7,
    "twinschema.migrations.revision_written": 7,
    "twinschema.migrations.revision_postgres": 7,
    "twinschema.migrations.revision_pg_enums": 7,
    "twinschema.migrations.revision_pg_checks": 7,
    "twinschema.migrations.revision_pg_domains": 7,
    "twinschema.migrations.revision_pg_domain_type": 7,
    "twinschema.migrations.revision_pg_named_checks": 7,
    "twinschema.migrations.revision_pg_sequences": 7,
    "twinschema.migrations.revision_renamed_columns": 7,
    "twinschema.migrations.revision_renamed_indexes": 7,
    "twinschema.migrations.history": 7,
    "twinschema.adopt": 7,
    "twinschema.adopt.*": 7,
    "twinschema.cli": 8,
    "twinschema.cli.*": 8,
    "twinschema.__main__": 8,  # python -m twinschema: the script under another name
    "twinschema.commands": 8,
    "twinschema.pytest_plugin": 8,
}

# Arrows upward that stay, each with why. Remove one when its cause goes; never add one to make a
# new arrow pass without saying here why it cannot point down.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def module_names() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module ``name`` imports (``from a import b`` counts as
    ``a.b`` when ``b`` is a module, else as ``a``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from a import b``: the module a.b when there is one, else a (a name in it).
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("twinschema") and target != name:
                found.add(target)
    return found


def floor_of(name: str) -> int | None:
    """The floor of a module: its own entry, else that of the closest package ``.*`` entry."""
    if name in FLOORS:
        return FLOORS[name]
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        key = ".".join(parts[:end]) + ".*"
        if key in FLOORS:
            return FLOORS[key]
    return None


MODULES = module_names()


@functools.cache
def package_graph() -> dict[str, set[str]]:
    """Each module's imports of the package, parsed once per process, on first need: not at
    import, where every xdist worker paid it (about 1.4 s of CPU each) to collect tests that
    only one of them runs."""
    return {name: imports(name, path, MODULES) for name, path in MODULES.items()}


def test_every_module_has_a_floor() -> None:
    assert [name for name in package_graph() if floor_of(name) is None] == []


# Issue 16: each module does one job, in at most this many lines, so it can be read at once.
MAX_LINES = 400


def test_every_module_small_enough_to_read_at_once() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert len(sizes) > 200
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every arrow from a module to one on a higher floor that ``ALLOWED_UPWARD`` does not
    name, as ``a (floor n) -> b (floor m)``."""
    return sorted(
        f"{name} (floor {floor_of(name)}) -> {target} (floor {floor_of(target)})"
        for name, targets in graph.items()
        for target in targets
        if (floor_of(target) or 0) > (floor_of(name) or 0) and (name, target) not in ALLOWED_UPWARD
    )


def test_no_module_imports_a_higher_floor() -> None:
    assert upward(package_graph()) == []


def test_an_arrow_upward_is_found() -> None:
    # What the tree had: the evaluation stage importing the comparer for the Side record.
    graph = {"twinschema.evaluate.stage": {"twinschema.compare", "twinschema.records"}}
    assert upward(graph) == ["twinschema.evaluate.stage (floor 3) -> twinschema.compare (floor 4)"]
    assert upward({"twinschema.check": {"twinschema.report"}}) == [
        "twinschema.check (floor 5) -> twinschema.report (floor 6)"
    ]
    assert upward({"twinschema.report.json_report": {"twinschema.check"}}) == []  # downward


def test_the_allowed_upward_arrows_still_exist() -> None:
    """An allowance for an arrow that is gone must go too (it would let the arrow back)."""
    assert [
        pair for pair in ALLOWED_UPWARD if pair[1] not in package_graph().get(pair[0], set())
    ] == []


def test_no_import_cycle() -> None:
    cycles = _cycles(package_graph())
    assert cycles == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _cycles(graph) == expected


def missing_modules(name: str, source: str, modules: dict[str, Path]) -> list[str]:
    """The package's modules that module ``name`` imports by a path that names none (``from
    twinschema.normalize import x`` once normalize moved to ``canonical/``): the walk above
    would take such an import for the package itself, and an import inside a function fails
    only when it runs."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            paths = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            paths = [node.module]
            if node.module == "twinschema":  # a module, or __version__
                paths = [f"twinschema.{a.name}" for a in node.names if not a.name.startswith("_")]
        else:
            continue
        found += [
            f"{name}:{node.lineno} {path}"
            for path in paths
            if path.split(".")[0] == "twinschema" and path not in modules
        ]
    return sorted(found)


def test_every_import_of_the_package_names_a_module() -> None:
    found = [
        line
        for name, path in MODULES.items()
        for line in missing_modules(name, path.read_text("utf-8"), MODULES)
    ]
    assert found == []


def test_an_import_of_a_moved_module_is_found() -> None:
    source = (
        "from twinschema.normalize import canonicalize\n"
        "from twinschema import typemap, __version__\n"
        "def f():\n"
        "    import twinschema.scratch\n"
        "from twinschema.canonical.normalize import canonicalize\n"
        "from twinschema.canonical import typemap\n"
    )
    assert missing_modules("m", source, MODULES) == [
        "m:1 twinschema.normalize",
        "m:2 twinschema.typemap",
        "m:4 twinschema.scratch",
    ]


def test_the_walk_sees_imports_inside_functions() -> None:
    # report.locate reads domain.yaml only when it must place a line in it: a lazy import.
    assert "twinschema.domain_load" in package_graph()["twinschema.report.locate"]
    assert "twinschema.records" in package_graph()["twinschema.report.locate"]


def test_reporters_import_the_records_never_check() -> None:
    """Reporters render records; the module that runs a check is not theirs to import."""
    reporters = [name for name in package_graph() if name.startswith("twinschema.report")]
    assert reporters
    assert [name for name in reporters if "twinschema.check" in package_graph()[name]] == []
    assert all(
        "twinschema.records" in package_graph()[name]
        for name in reporters
        if name.endswith("_report")
    )


# Concrete dialect modules imported past the adapter registry (``twinschema.dialects.adapter``),
# with why. A new one fails: ask the registry for the dialect's adapter instead.
CONCRETE_DIALECT_USERS: dict[tuple[str, str], str] = {
    ("twinschema.evaluate.pg_backend", "twinschema.dialects.postgresql"): "connect_kwargs: "
    "the scratch database's driver options",
    ("twinschema.evaluate.pg_scratch", "twinschema.dialects.postgresql"): "connect_kwargs: "
    "the server's driver options, to make the scratch database",
    ("twinschema.sources.sqlfile.pg_load", "twinschema.dialects.postgresql"): "connect_kwargs",
    ("twinschema.sources", "twinschema.dialects.sqlite"): "reflect_connection: a SQL file "
    "loaded into an in-memory SQLite database",
    ("twinschema.alembic_declared", "twinschema.dialects.sqlite"): "reflect_table: the table a "
    "SQLite chain's migration reflects, read on the migration's own connection",
    ("twinschema.alembic_batch_fts", "twinschema.dialects.sqlite"): "reflect_table: whether the "
    "table a SQLite batch copies keeps its rowids (an INTEGER PRIMARY KEY)",
    ("twinschema.sources.metadata_parts", "twinschema.dialects.postgresql"): "operator_class",
    ("twinschema.sources.metadata_parts", "twinschema.dialects.sqlite"): "conflict_clauses",
    ("twinschema.servers.scratch", "twinschema.dialects.postgresql"): "connect_kwargs: the scratch "
    "server's version() read through psycopg",
    ("twinschema.servers.scratch_pool", "twinschema.dialects.postgresql"): "connect_kwargs: a "
    "kept scratch database reset and fingerprinted through psycopg",
    (
        "twinschema.migrations.migrations_state",
        "twinschema.dialects.postgresql",
    ): "connect, to read a database's alembic_version",
    ("twinschema.migrations.migrations_state", "twinschema.dialects.sqlite"): "connect, as above",
    ("twinschema.adopt.reflection", "twinschema.dialects.postgresql"): "init reads a database "
    "with the adapter's own connection",
}


def test_concrete_dialect_modules_are_reached_through_the_registry() -> None:
    concrete = {"twinschema.dialects.sqlite", "twinschema.dialects.postgresql"}
    found = {
        (name, target)
        for name, targets in package_graph().items()
        if not name.startswith("twinschema.dialects")
        for target in targets & concrete
    }
    assert sorted(found - CONCRETE_DIALECT_USERS.keys()) == []
    assert sorted(CONCRETE_DIALECT_USERS.keys() - found) == []  # an allowance outliving its use


# Statuses and severities are enums (``records.Status``, ``records.Severity``): no code compares
# a value with their spelling.
_SPELLINGS = {"in_sync", "drift", "skipped", "error", "warning"}


def test_no_status_or_severity_is_compared_as_a_string() -> None:
    found = []
    for name, path in module_names().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Compare):
                operands: list[ast.expr] = [node.left, *node.comparators]
                for group in [o for o in operands if isinstance(o, ast.Tuple | ast.List | ast.Set)]:
                    operands += group.elts  # ``status in ("error", "skipped")``
                for operand in operands:
                    if isinstance(operand, ast.Constant) and operand.value in _SPELLINGS:
                        found.append(f"{name}:{node.lineno}")
    assert found == []


def test_a_check_without_migrations_does_not_import_alembic() -> None:
    """The lint and the migrations layer import Alembic when they run, not before (a fresh
    process: what a module imported is the point)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from twinschema.cli import cli\n"
        "r = CliRunner().invoke(cli, ['check', '--layer', 'domain', '--layer', 'models'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('alembic', 'twinschema.migrations.lint', 'twinschema.migrations.migrate') "
        "if m in sys.modules))\n"
    )
    root = PACKAGE.parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# The core takes the domain as plain data (``twinschema.records.domain``): the records, the name
# maps, the allowances. Reading domain.yaml (``domain_load`` and the modules it uses) and the
# attribute access for application code (``domain_model``: ``names()``, ``values()``, the
# did-you-mean errors) are below it on the floor plan but none of its business.
DOMAIN_READERS = {
    "twinschema.domain_comments",
    "twinschema.domain_load",
    "twinschema.domain_model",
    "twinschema.domain_schema",
    "twinschema.domain_unique",
    "twinschema.domain_yaml",
}
# Modules on the core's floors that may read domain.yaml, with why.
DOMAIN_READER_USERS = {
    "twinschema.check": "it composes the layers: it reads domain.yaml once and hands the layers "
    "the record",
}


def core_modules() -> list[str]:
    """The modules on the core's floors: canonical forms, evaluation, the comparer, the layers."""
    return sorted(name for name in package_graph() if 2 <= (floor_of(name) or 0) <= 5)


def domain_reader_arrows(graph: dict[str, set[str]], core: list[str]) -> list[str]:
    """Every arrow from a core module to a reader of domain.yaml or its application helpers."""
    return sorted(
        f"{name} -> {target}"
        for name in core
        if name not in DOMAIN_READER_USERS
        for target in graph.get(name, set()) & DOMAIN_READERS
    )


def test_the_core_takes_the_domain_as_plain_data() -> None:
    core = core_modules()
    assert {
        "twinschema.canonical.normalize",
        "twinschema.compare",
        "twinschema.layers.domaincheck",
    } <= set(core)
    assert [name for name in core if name.startswith("twinschema.layers.")]
    assert domain_reader_arrows(package_graph(), core) == []
    assert [
        name for name in DOMAIN_READER_USERS if not package_graph()[name] & DOMAIN_READERS
    ] == []


@pytest.mark.parametrize("target", sorted(DOMAIN_READERS))
def test_a_core_module_reading_the_domain_file_is_found(target: str) -> None:
    graph = {"twinschema.compare.tables": {"twinschema.records.domain", target}}
    assert domain_reader_arrows(graph, ["twinschema.compare.tables"]) == [
        f"twinschema.compare.tables -> {target}"
    ]
    assert (
        domain_reader_arrows(
            {"twinschema.canonical.normalize": {"twinschema.records.domain"}},
            ["twinschema.canonical.normalize"],
        )
        == []
    )


def private_imports(name: str, source: str) -> list[str]:
    """The names with a leading underscore that module ``name`` imports from the package's other
    modules (``from twinschema.x import _y``, or relatively): a name another module uses is
    public, and says so by its spelling."""
    return sorted(
        f"{name}:{node.lineno} {alias.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and (node.level > 0 or (node.module or "").startswith("twinschema"))
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    )


def test_no_private_name_crosses_modules() -> None:
    found = [
        line
        for name, path in module_names().items()
        for line in private_imports(name, path.read_text("utf-8"))
    ]
    assert found == []


def test_no_test_imports_a_private_name_of_the_package() -> None:
    """Tests use what the package publishes: a test importing ``_typed`` pins a helper's name
    and shape, not behaviour."""
    tests = PACKAGE.parent.parent / "tests"
    found = [
        line
        for path in sorted(tests.rglob("*.py"))
        if "fixtures" not in path.relative_to(tests).parts
        for line in private_imports(path.relative_to(tests).as_posix(), path.read_text("utf-8"))
    ]
    assert found == []


def test_a_private_name_crossing_modules_is_found() -> None:
    source = (
        "from twinschema.dialects.sqlite_lexer import TOKEN, _unquote\n"
        "from .sqlite_ddl import _scan_table\n"
        "from alembic.runtime.plugins import _all_plugins\n"  # a dependency's: not this test's
        "from typing import __all__\n"
    )
    assert private_imports("m", source) == ["m:1 _unquote", "m:2 _scan_table"]
