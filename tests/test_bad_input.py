"""Bad input (issue 6): every way a user's files, flags or databases can be wrong ends in ONE line
on stderr naming what is wrong and where, the exit code the checker defines (2 for the user's
files and flags, 3 for databases), and never a traceback.

Each row builds a small project in ``tmp_path`` (``pyproject.toml`` with ``[tool.twinschema]``,
``domain.yaml``, two metadata modules, a real SQLite file and, when the row needs it, a real
PostgreSQL database), breaks one thing, and runs the ``twinschema`` command with a clean
environment (no ``DATABASE_URL``), in this process (``pg_helpers.invoke_cli``): what a row proves
is the line said and the exit code, which the process adds nothing to (test_hostile_input and
test_migrate_faults run the installed script where the process is the point).
"""

from __future__ import annotations

import socket
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import (
    PYTHON,
    PasswordServer,
    admin,
    as_role,
    clean_env,
    invoke_cli,
    role,
    scratch,
)

# ---------------------------------------------------------------------------------------------
# The project every row starts from: one table, in sync on every layer.

PYPROJECT = """\
[tool.twinschema]
domain = "domain.yaml"
connect_timeout = 2
busy_timeout = 0.5

[tool.twinschema.sqlite]
metadata = "app_sqlite:metadata"
url_env = "LOCAL_DATABASE_URL"

[tool.twinschema.postgresql]
metadata = "app_postgres:metadata"
url_env = "DATABASE_URL"
"""

DOMAIN = """\
version: 1
tables:
  items:
    columns:
      id: {kind: integer}
      name: {kind: text}
"""


def module(table: str = "items", columns: tuple[str, str] = ("id", "name")) -> str:
    """A metadata module with one table: an integer key and a non-null text column."""
    key, text = columns
    return textwrap.dedent(f"""\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        sa.Table(
            {table!r},
            metadata,
            sa.Column({key!r}, sa.Integer, primary_key=True),
            sa.Column({text!r}, sa.Text, nullable=False),
        )
        """)


BASE_FILES = {
    "pyproject.toml": PYPROJECT,
    "domain.yaml": DOMAIN,
    "app_sqlite.py": module(),
    "app_postgres.py": module(),
}


@dataclass
class Project:
    """A row's project: its folder, its SQLite file, and its PostgreSQL database when it has one."""

    root: Path
    pg: str = ""  # the scratch database (as the administrator)
    server: str = ""  # the server's maintenance database (as the administrator)
    password_server: PasswordServer | None = None
    values: dict[str, str] = field(default_factory=dict)

    @property
    def sqlite(self) -> str:
        return f"sqlite:///{self.root / 'local.db'}"

    def format(self, text: str) -> str:
        return text.format(tmp=self.root, sqlite=self.sqlite, pg=self.pg, **self.values)


def build_schema(url: str, source: str) -> None:
    """Create the tables a metadata module's source describes, in the database at ``url``."""
    namespace: dict[str, object] = {}
    exec(source, namespace)
    metadata = namespace["metadata"]
    assert isinstance(metadata, sa.MetaData)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# Row setups that need more than files: other processes, roles, sockets.

Setup = Callable[[Project], AbstractContextManager[object]]


@contextmanager
def sqlite_holder(project: Project, *statements: str) -> Iterator[None]:
    """Another process that opens the SQLite file, runs ``statements`` and keeps them open."""
    script = textwrap.dedent(f"""\
        import sqlite3, sys
        conn = sqlite3.connect({str(project.root / "local.db")!r}, isolation_level=None)
        for statement in {list(statements)!r}:
            conn.execute(statement)
        print("ready", flush=True)
        sys.stdin.readline()
        conn.execute("ROLLBACK")
        """)
    proc = subprocess.Popen(
        [PYTHON, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield
    finally:
        proc.communicate("done\n", timeout=30)


def write_transaction(project: Project) -> AbstractContextManager[object]:
    return sqlite_holder(project, "BEGIN IMMEDIATE", "INSERT INTO items (name) VALUES ('x')")


def exclusive_lock(project: Project) -> AbstractContextManager[object]:
    return sqlite_holder(
        project, "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "SELECT * FROM items"
    )


@contextmanager
def closed_port(project: Project) -> Iterator[None]:
    """A port on 127.0.0.1 that nothing listens on: bound, then released (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        project.values["port"] = str(sock.getsockname()[1])
    yield


@contextmanager
def silent_listener(project: Project) -> Iterator[None]:
    """A local port that accepts TCP connections and never answers: only a timeout ends a wait."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        project.values["port"] = str(sock.getsockname()[1])
        yield


@contextmanager
def unprivileged_role(project: Project, grants: tuple[str, ...]) -> Iterator[None]:
    """A role with only ``grants`` (formatted with ``{role}`` and ``{db}``) on the database."""
    with role(project.server) as name:
        db = sa.make_url(project.pg).database
        statements = [g.format(role=name, db=db) for g in grants]
        admin(project.pg, *statements)
        project.values["role_url"] = as_role(project.pg, name)
        project.values["role"] = name
        try:
            yield
        finally:
            admin(project.pg, f"DROP OWNED BY {name}")


CONNECT = 'GRANT CONNECT ON DATABASE "{db}" TO {role}'
USAGE = "GRANT USAGE ON SCHEMA public TO {role}"
SELECT = "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"


def no_usage(project: Project) -> AbstractContextManager[object]:
    # PostgreSQL 15+ grants USAGE on public to PUBLIC: take it back, then the role has none.
    revoke = "REVOKE USAGE ON SCHEMA public FROM PUBLIC"
    return unprivileged_role(project, (CONNECT, revoke))


def no_select(project: Project) -> AbstractContextManager[object]:
    return unprivileged_role(project, (CONNECT, USAGE))


def no_connect(project: Project) -> AbstractContextManager[object]:
    return unprivileged_role(project, ('REVOKE CONNECT ON DATABASE "{db}" FROM PUBLIC',))


@contextmanager
def wrong_password(project: Project) -> Iterator[None]:
    assert project.password_server is not None
    project.values["bad_pw_url"] = project.password_server.url("postgres", password="wrong-pw")
    yield


# ---------------------------------------------------------------------------------------------
# The table.


@dataclass
class Case:
    """One bad input: files to write (None deletes), CLI args, exit code, words in the message."""

    id: str
    args: list[str]
    code: int
    words: tuple[str, ...]
    files: dict[str, str | None] = field(default_factory=dict)
    setup: Setup | None = None
    env: dict[str, str] = field(default_factory=dict)
    pg: bool = False  # the row needs a PostgreSQL database
    absent: tuple[str, ...] = ()  # files that must not exist afterwards
    needs_password_server: bool = False
    build: str = ""  # the metadata source the databases are built from (default: ``module()``)


DOMAIN_ONLY = ["check", "--layer", "domain"]
LIVE = ["check", "--layer", "live", "--sqlite-url", "{sqlite}", "--postgres-url", "{pg}"]


def domain(text: str) -> dict[str, str | None]:
    return {"domain.yaml": textwrap.dedent(text)}


def pyproject(extra_top: str = "", replace: tuple[str, str] | None = None) -> dict[str, str | None]:
    text = PYPROJECT
    if replace:
        text = text.replace(*replace)
    if extra_top:
        text = text.replace("busy_timeout = 0.5\n", f"busy_timeout = 0.5\n{extra_top}\n")
    return {"pyproject.toml": text}


LONG = "x" * 64
INJECTION = 'items"; DROP TABLE items; --'

CASES = [
    # --- domain.yaml --------------------------------------------------------------------------
    Case("yaml_syntax", DOMAIN_ONLY, 2, ("domain.yaml:4:1", "not valid YAML"),
         files=domain("version: 1\ntables:\n  items: [\n")),
    Case("yaml_tab_indent", DOMAIN_ONLY, 2, ("domain.yaml:3:", "not valid YAML"),
         files=domain("version: 1\ntables:\n\titems: {}\n")),
    Case("unknown_top_key", DOMAIN_ONLY, 2, ("domain.yaml:2", "tabels", "did you mean 'tables'"),
         files=domain("version: 1\ntabels:\n  items: {columns: {id: {}}}\n")),
    Case("unknown_column_key", DOMAIN_ONLY, 2, ("domain.yaml:5", "kidn", "did you mean 'kind'"),
         files=domain("""\
            version: 1
            tables:
              items:
                columns:
                  id: {kidn: integer}
            """)),
    Case("unknown_table_key", DOMAIN_ONLY, 2, ("domain.yaml:4", "colums", "'columns'"),
         files=domain("version: 1\ntables:\n  items:\n    colums: {id: {}}\n")),
    Case("duplicate_table", DOMAIN_ONLY, 2,
         ("domain.yaml:5", "duplicate name 'items'", "first at line 3"),
         files=domain("""\
            version: 1
            tables:
              items: {columns: {id: {}}}
              other: {columns: {id: {}}}
              items: {columns: {id: {}}}
            """)),
    Case("duplicate_column", DOMAIN_ONLY, 2, ("domain.yaml:6", "duplicate name 'id'"),
         files=domain("""\
            version: 1
            tables:
              items:
                columns:
                  id: {kind: integer}
                  id: {kind: text}
            """)),
    Case("duplicate_physical_table", DOMAIN_ONLY, 2, ("both use", "'items'"),
         files=domain("""\
            version: 1
            tables:
              items: {columns: {id: {}}}
              things: {name: items, columns: {id: {}}}
            """)),
    Case("empty_file", DOMAIN_ONLY, 2, ("domain.yaml", "empty"), files=domain("")),
    Case("comments_only", DOMAIN_ONLY, 2, ("domain.yaml", "empty"),
         files=domain("# nothing yet\n")),
    Case("not_a_mapping", DOMAIN_ONLY, 2, ("domain.yaml:1", "mapping"),
         files=domain("- items\n- other\n")),
    Case("missing_tables", DOMAIN_ONLY, 2, ("domain.yaml", "missing", "'tables'"),
         files=domain("version: 1\n")),
    Case("version_not_int", DOMAIN_ONLY, 2, ("domain.yaml:1", "version", "whole number"),
         files=domain("version: one\ntables:\n  items: {columns: {id: {}}}\n")),
    Case("no_columns", DOMAIN_ONLY, 2, ("domain.yaml:3", "'items'", "no 'columns'"),
         files=domain("version: 1\ntables:\n  items: {}\n")),
    Case("empty_table_name", DOMAIN_ONLY, 2, ("domain.yaml:3", "table name", "empty"),
         files=domain("version: 1\ntables:\n  '': {columns: {id: {}}}\n")),
    Case("empty_column_name", DOMAIN_ONLY, 2, ("domain.yaml:3", "name", "empty"),
         files=domain("version: 1\ntables:\n  items: {columns: {id: {name: ''}}}\n")),
    Case("name_over_63_bytes", DOMAIN_ONLY, 2, ("domain.yaml:3", "64 bytes", "at most 63"),
         files=domain(f"version: 1\ntables:\n  {LONG}: {{columns: {{id: {{}}}}}}\n")),
    Case("name_over_63_bytes_utf8", DOMAIN_ONLY, 2, ("domain.yaml:3", "64 bytes", "at most 63"),
         # 32 characters, but 64 bytes in UTF-8: the limit is PostgreSQL's, in bytes
         files=domain("version: 1\ntables:\n  items: {columns: {id: {name: " + "é" * 32 + "}}}\n")),
    Case("sql_injection_table", DOMAIN_ONLY, 2, ("domain.yaml:3", "not a valid name", "DROP TABLE"),
         files=domain(f"version: 1\ntables:\n  '{INJECTION}': {{columns: {{id: {{}}}}}}\n")),
    Case("sql_injection_per_dialect_name", DOMAIN_ONLY, 2,
         ("domain.yaml:4", "postgresql name", "not a valid name"),
         files=domain("version: 1\ntables:\n  items:\n    names: {postgresql: 'x; DELETE FROM y'}\n"
                      "    columns: {id: {}}\n")),
    Case("quote_in_column_name", DOMAIN_ONLY, 2, ("domain.yaml:3", "not a valid name"),
         files=domain("version: 1\ntables:\n  items: {columns: {'a\"b': {}}}\n")),
    Case("unknown_kind", DOMAIN_ONLY, 2,
         ("domain.yaml:5", "integr", "did you mean 'integer'"),
         files=domain("""\
            version: 1
            tables:
              items:
                columns:
                  id: {kind: integr}
            """)),
    Case("unknown_dialect_in_names", DOMAIN_ONLY, 2,
         ("domain.yaml:4", "unknown dialect 'mysql'", "sqlite, postgresql"),
         files=domain("version: 1\ntables:\n  items:\n    names: {mysql: things}\n"
                      "    columns: {id: {}}\n")),
    Case("unknown_dialect_in_dialects", DOMAIN_ONLY, 2,
         ("domain.yaml:4", "unknown dialect 'postgress'", "did you mean 'postgresql'"),
         files=domain("version: 1\ntables:\n  items:\n    dialects: [postgress]\n"
                      "    columns: {id: {}}\n")),
    Case("allowance_without_reason", DOMAIN_ONLY, 2, ("domain.yaml:6", "reason"),
         files=domain("""\
            version: 1
            tables:
              items:
                columns: {id: {}, name: {}}
                allow:
                  - {kind: index, dialect: postgresql, name: ix_items_name}
            """)),
    Case("allowance_unknown_kind", DOMAIN_ONLY, 2,
         ("domain.yaml:6", "indx", "did you mean 'index'"),
         files=domain("""\
            version: 1
            tables:
              items:
                columns: {id: {}, name: {}}
                allow:
                  - {kind: indx, name: ix, reason: GIN on the server only}
            """)),
    Case("domain_file_missing", DOMAIN_ONLY, 2, ("domain.yaml", "not found"),
         files={"domain.yaml": None}),
    Case("diff_domain_file_missing", ["diff", "{sqlite}", "{sqlite}", "--domain", "nope.yaml"],
         2, ("nope.yaml", "not found")),
    # --- configuration ------------------------------------------------------------------------
    Case("pyproject_not_toml", DOMAIN_ONLY, 2, ("pyproject.toml:2:10: not valid TOML",),
         files={"pyproject.toml": "[tool.twinschema]\ndomain = \n"}),
    Case("pyproject_not_toml_at_its_end", DOMAIN_ONLY, 2,
         ("pyproject.toml:2:17: not valid TOML: Unterminated string",),
         files={"pyproject.toml": '[tool.twinschema]\ndomain = "a.yaml'}),
    Case("pyproject_unknown_key", DOMAIN_ONLY, 2,
         ("pyproject.toml:2 [tool.twinschema]", "domian", "did you mean 'domain'"),
         files=pyproject(replace=('domain = "domain.yaml"', 'domian = "domain.yaml"'))),
    Case("pyproject_unknown_dialect_key", DOMAIN_ONLY, 2,
         ("pyproject.toml:7 [tool.twinschema.sqlite]", "metdata", "did you mean 'metadata'"),
         files=pyproject(replace=('metadata = "app_sqlite', 'metdata = "app_sqlite'))),
    Case("pyproject_top_key_under_a_dialect", DOMAIN_ONLY, 2,
         ("pyproject.toml:13 [tool.twinschema.postgresql]", "unknown key 'connect_timeout'",
          "(connect_timeout is set under [tool.twinschema], for both databases)"),
         files={"pyproject.toml": PYPROJECT + 'connect_timeout = "abc"\n'}),
    Case("pyproject_wrong_type", DOMAIN_ONLY, 2, ("pyproject.toml", "exclude", "list of strings"),
         files=pyproject('exclude = "audit_*"')),
    Case("pyproject_bad_timeout", DOMAIN_ONLY, 2,
         ("pyproject.toml", "connect_timeout", "positive number"),
         files=pyproject(replace=("connect_timeout = 2", 'connect_timeout = "soon"'))),
    Case("pyproject_bad_lock_timeout", DOMAIN_ONLY, 2,
         ("pyproject.toml", "migrate_lock_timeout", "positive number"),
         files=pyproject("migrate_lock_timeout = -1")),
    Case("metadata_module_not_found", DOMAIN_ONLY, 2, ("app_sqlite", "not found"),
         files={"app_sqlite.py": None}),
    Case("metadata_module_syntax_error", DOMAIN_ONLY, 2,
         ("app_sqlite", "SyntaxError", "never closed", "app_sqlite.py"),
         files={"app_sqlite.py": "import sqlalchemy as sa\nmetadata = sa.MetaData(\n"}),
    Case("metadata_module_raises", DOMAIN_ONLY, 2,
         ("app_postgres", "fails to import", "RuntimeError: no connection pool",
          "app_postgres.py:2"),
         files={"app_postgres.py": "import sqlalchemy as sa\n"
                                   "raise RuntimeError('no connection pool')\n"}),
    Case("metadata_module_defines_a_table_twice", DOMAIN_ONLY, 2,
         # SQLAlchemy's schema.py raises it: the line named is the module's second Table
         ("app_sqlite", "fails to import", "Table 'items' is already defined",
          "(app_sqlite.py:10)"),
         files={"app_sqlite.py": module() + "sa.Table('items', metadata, sa.Column('x', sa.Text))\n"}),
    Case("metadata_module_missing_dependency", DOMAIN_ONLY, 2,
         ("app_sqlite", "fails to import", "not_installed_anywhere"),
         files={"app_sqlite.py": "import not_installed_anywhere\n"}),
    Case("metadata_attribute_missing", DOMAIN_ONLY, 2,
         ("app_sqlite.py", "no attribute 'metadata'"),
         files={"app_sqlite.py": "import sqlalchemy as sa\nmeta = sa.MetaData()\n"}),
    Case("metadata_attribute_not_metadata", DOMAIN_ONLY, 2,
         ("app_postgres.py", "app_postgres:metadata", "dict", "not a MetaData"),
         files={"app_postgres.py": "metadata = {'items': ['id', 'name']}\n"}),
    Case("metadata_attribute_an_int", DOMAIN_ONLY, 2,
         ("app_postgres.py", "app_postgres:metadata is an int, not a MetaData"),
         files={"app_postgres.py": "metadata = 7\n"}),
    Case("metadata_path_malformed", DOMAIN_ONLY, 2,
         ("not a metadata module path", "app-sqlite"),
         files=pyproject(replace=('"app_sqlite:metadata"', '"app-sqlite:metadata"'))),
    Case("metadata_uses_name_not_in_domain", DOMAIN_ONLY, 2,
         ("domain.yaml", "no table 'itemz'", "did you mean 'items'", "app_sqlite.py:5"),
         files={"app_sqlite.py": textwrap.dedent("""\
            import sqlalchemy as sa
            from twinschema.domain_load import load_domain
            N = load_domain("domain.yaml").names("sqlite")
            metadata = sa.MetaData()
            sa.Table(N.itemz.__tablename__, metadata, sa.Column("id", sa.Integer))
            """)}),
    Case("metadata_uses_column_not_in_domain", DOMAIN_ONLY, 2,
         ("domain.yaml", "'items' has no column 'nmae'", "did you mean 'name'"),
         files={"app_postgres.py": textwrap.dedent("""\
            import sqlalchemy as sa
            from twinschema.domain_load import load_domain
            N = load_domain("domain.yaml").names("postgresql")
            metadata = sa.MetaData()
            sa.Table(N.items.__tablename__, metadata, sa.Column(N.items.nmae, sa.Text))
            """)}),
    # --- the CLI ------------------------------------------------------------------------------
    Case("unknown_layer", ["check", "--layer", "livee"], 2, ("--layer", "'livee'", "live")),
    Case("unknown_format", ["check", "--format", "xml"], 2, ("--format", "'xml'", "junit")),
    Case("unknown_command", ["chek"], 2, ("No such command 'chek'", "check")),
    Case("unknown_option", ["check", "--frobnicate"], 2, ("--frobnicate",)),
    Case("unknown_top_level_option", ["--frobnicate", "check"], 2,
         ("No such option '--frobnicate'",)),
    Case("unknown_db_subcommand", ["db", "strat"], 2, ("twinschema db", "'strat'")),
    Case("output_dir_missing", ["check", "--layer", "domain", "--output", "nope/report.json"], 2,
         ("nope/report.json", "directory does not exist"), absent=("nope",)),
    Case("diff_unknown_scheme", ["diff", "mysql://root@localhost/app", "{sqlite}"], 2,
         ("unsupported database URL scheme 'mysql'", "sqlite:///")),
    Case("check_unknown_scheme", ["check", "--layer", "live", "--postgres-url", "oracle://u@h/x",
                                  "--sqlite-url", "{sqlite}"], 2, ("scheme 'oracle'",)),
    Case("url_port_not_a_number", ["diff", "postgresql://u:S3cretX@localhost:notaport/db",
                                   "{sqlite}"], 2,
         ("not a database URL", "u:***@", "its port 'notaport' is not a port number")),
    Case("url_unencoded_at_in_password", ["diff", "postgresql://u:S3cr@tX@127.0.0.1/db",
                                          "{sqlite}"], 2, ("more than one '@'", "%40")),
    Case("diff_module_without_dialect", ["diff", "other_mod:metadata", "app_postgres:metadata"],
         2, ("other_mod.py", "cannot tell the dialect", "--dialect"),
         files={"other_mod.py": "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"}),
    Case("diff_module_not_found_without_dialect", ["diff", "nosuch.module:metadata",
                                                   "app_postgres:metadata"], 2,
         ("'nosuch.module'", "not found")),
    Case("diff_sql_file_missing", ["diff", "missing.sql", "{sqlite}"], 2,
         ("missing.sql", "not found")),
    Case("diff_missing_argument", ["diff", "{sqlite}"], 2, ("Missing argument",)),
    # --- databases ----------------------------------------------------------------------------
    Case("sqlite_missing", [*LIVE[:4], "sqlite:///{tmp}/missing.db", *LIVE[5:]], 3,
         ("missing.db", "not found"), pg=True, absent=("missing.db",)),
    Case("sqlite_missing_diff", ["diff", "sqlite:///{tmp}/missing.db", "app_sqlite:metadata"], 3,
         ("missing.db", "not found"), absent=("missing.db",)),
    # A path (not a URL) to a SQLite file that is not there: said as its URL says it, not as a
    # malformed module path (stranger32 case 042).
    Case("sqlite_path_missing_diff", ["diff", "{tmp}/nope.db", "{sqlite}"], 3,
         ("nope.db: SQLite database not found",), absent=("nope.db",)),
    Case("sqlite_path_missing_inspect", ["inspect", "nope.sqlite3"], 3,
         ("nope.sqlite3: SQLite database not found",), absent=("nope.sqlite3",)),
    Case("sqlite_path_in_folder_missing", ["diff", "{sqlite}", "dbs/nope"], 3,
         ("dbs/nope: SQLite database not found",), absent=("dbs",)),
    Case("sqlite_missing_folder", ["diff", "sqlite:///{tmp}/no/such/dir.db", "{sqlite}"], 3,
         ("dir.db", "not found"), absent=("no",)),
    Case("sqlite_is_directory", ["diff", "sqlite:///{tmp}", "{sqlite}"], 3,
         ("is a directory", "not a SQLite database")),
    # The same folder as a path: said as its URL says it (stranger33).
    Case("sqlite_path_is_directory", ["diff", "{tmp}/", "{sqlite}"], 3,
         ("is a directory", "not a SQLite database")),
    Case("sqlite_not_sqlite", [*LIVE[:4], "sqlite:///{tmp}/app_sqlite.py", *LIVE[5:]], 3,
         ("app_sqlite.py", "not a database"), pg=True),
    # busy_timeout = 0.5 and connect_timeout = 2 in PYPROJECT: the defaults are 5 and 10 seconds
    Case("sqlite_exclusive_lock", LIVE, 3, ("local.db", "locked"), pg=True,
         setup=exclusive_lock),
    Case("pg_closed_port", ["diff", "postgresql://twin@127.0.0.1:{port}/app", "{sqlite}"], 3,
         ("cannot connect", "127.0.0.1", "refused"), setup=closed_port),
    Case("pg_silent_host", [*LIVE[:6], "postgresql://twin@127.0.0.1:{port}/app"], 3,
         ("cannot connect", "127.0.0.1", "timeout"), pg=True, setup=silent_listener),
    Case("pg_missing_database", ["diff", "{pg_missing_db}", "{sqlite}"], 3,
         ("cannot connect", "_missing", "does not exist"), pg=True),
    Case("pg_unknown_role", ["diff", "{pg_unknown_role}", "{sqlite}"], 3,
         ("cannot connect", "role", "nobody_here", "does not exist"), pg=True),
    Case("pg_wrong_password", ["diff", "{bad_pw_url}", "{sqlite}"], 3,
         ("cannot connect", "secretuser", "password authentication failed"),
         setup=wrong_password, needs_password_server=True),
    Case("pg_no_connect_privilege", [*LIVE[:6], "{role_url}"], 3,
         ("cannot connect", "permission denied for database"), pg=True, setup=no_connect),
    Case("pg_no_schema_usage", [*LIVE[:6], "{role_url}"], 3,
         ("lacks USAGE on schema 'public'", "GRANT USAGE"), pg=True, setup=no_usage),
    Case("pg_no_table_select", [*LIVE[:6], "{role_url}"], 3,
         ("cannot read table(s) items", "GRANT SELECT"), pg=True, setup=no_select),
    Case("pg_schema_missing", LIVE, 3, ("schema 'app' does not exist",), pg=True,
         files=pyproject('postgres_schema = "app"')),
]  # fmt: skip

# Inputs that look dangerous or odd but are legal: the command works and reports honestly.
RESERVED_DOMAIN = """\
version: 1
tables:
  group:
    columns:
      order: {kind: integer}
      select: {kind: text}
"""

PASSING = [
    Case("reserved_words_are_legal", ["check"], 0, ("in sync",), pg=True,
         files={"domain.yaml": RESERVED_DOMAIN,
                "app_sqlite.py": module("group", ("order", "select")),
                "app_postgres.py": module("group", ("order", "select"))},
         build=module("group", ("order", "select"))),
    Case("sqlite_write_transaction_open", LIVE, 0, ("in sync",), pg=True,
         setup=write_transaction),
    Case("sqlite_empty_file_is_an_empty_database", ["diff", "sqlite:///{tmp}/empty.db", "{sqlite}"],
         1, ("table_missing", "items"), files={"empty.db": ""}),
]  # fmt: skip


@pytest.fixture(scope="module")
def pw_server(password_pg: PasswordServer) -> PasswordServer:
    """The session's password server (conftest), shared with the other modules that need one."""
    return password_pg


def run_case(
    case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> tuple[subprocess.CompletedProcess[str], Project]:
    project = Project(root=tmp_path)
    for name, text in {**BASE_FILES, **case.files}.items():
        path = tmp_path / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    build_schema(project.sqlite, case.build or module())
    with ExitStack() as stack:
        if case.pg:
            project.server = request.getfixturevalue("pg_server")
            project.pg = stack.enter_context(scratch(project.server))
            build_schema(project.pg, case.build or module())
            project.values["pg_unknown_role"] = as_role(project.pg, "nobody_here")
            missing = sa.make_url(project.pg)
            missing = missing.set(database=f"{missing.database}_missing")
            project.values["pg_missing_db"] = missing.render_as_string(hide_password=False)
        if case.needs_password_server:
            project.password_server = request.getfixturevalue("pw_server")
        stack.enter_context(case.setup(project) if case.setup else nullcontext())
        env = clean_env(LOCAL_DATABASE_URL=project.sqlite, **case.env)
        if project.pg:
            env["DATABASE_URL"] = project.pg
        args = [project.format(a) for a in case.args]
        result = invoke_cli(args, tmp_path, env)
    return result, project


# The cases on the password server run on the worker that runs every test using it (conftest).
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xdist_group("password-server")] if c.needs_password_server else [],
        )
        for c in CASES
    ],
)
def test_bad_input_is_one_line_and_its_exit_code(
    case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    result, _ = run_case(case, tmp_path, request)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "S3cr" not in output, output  # no row's secret is ever shown, even partly
    assert result.returncode == case.code, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("twinschema: error: "), lines[0]
    for word in case.words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    for name in case.absent:
        assert not (tmp_path / name).exists(), f"{name} was created"


@pytest.mark.parametrize("case", PASSING, ids=[c.id for c in PASSING])
def test_odd_but_legal_input_works(
    case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    result, _ = run_case(case, tmp_path, request)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == case.code, output
    assert result.stderr == "", result.stderr
    for word in case.words:
        assert word in result.stdout, f"{word!r} not in {result.stdout!r}"


def test_the_table_is_large_enough() -> None:
    """Issue 6 asks for at least 40 bad inputs, each with its exact exit code."""
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.code for c in CASES} == {2, 3}
