"""Hostile input (issue 14): output that cannot be written, files that are not files, metadata
modules that print or exit, messages over several lines, wrong types in ``domain.yaml``, and
database URLs of every shape that carry a password.

Every row runs the ``twinschema`` command and asserts the exit code, that stderr is one line
(``twinschema: error: ...``) when the command fails, and that nothing else changed: the project's
files (Python's own ``__pycache__`` aside), and no report file written by a command that failed
before it had a report. The command runs in-process (``pg_helpers.invoke_afresh``: the same exit
code and streams, the project read as a new process reads it) unless the row is about the
process: a full stdout, a module that writes to file descriptor 1 or ends the program, and a
domain file that would block or never end if opened (a FIFO, ``/dev/zero``), where the
subprocess's timeout fails the test instead of hanging the suite.

The secrets table passes each URL shape as ``--postgres-url``, ``--sqlite-url``, a ``diff`` or
``inspect`` argument and an environment variable, and asserts that the password appears in no
stream and in no report format (text, JSON, JUnit, SARIF, GitHub annotations), in any case.
The accepted shapes authenticate against a server that really checks the password
(``pg_helpers.password_server``), so the URL is used and named in a report of real drift.
Its rows run the command in-process (``pg_helpers.invoke_cli``: the same exit code and streams,
with the masking state of a new process), as what they prove is what the command says, not
how a process starts; the rows about the process itself (a full stdout, a module that exits)
keep the subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from pg_helpers import (
    PASSWORD,
    PASSWORD_ROLE,
    ROOT,
    TWINSCHEMA,
    PasswordServer,
    Project,
    clean_env,
    invoke_afresh,
    invoke_cli,
    make_project,
    module_source,
    run_cli,
    secret_database,
)
from sqlalchemy.engine import make_url

# One worker runs every test on the password server (conftest's password_pg), started once.
pytestmark = pytest.mark.xdist_group("password-server")

DOMAIN_ONLY = ["check", "--layer", "domain"]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and its SHA-256, Python's bytecode caches left out."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def one_error_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """Assert the exit code and a single ``twinschema: error:`` line holding ``words``."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == code, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("twinschema: error: "), lines[0]
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    return lines[0]


@dataclass
class Run:
    """A project, its environment, and the state of its files before the command."""

    project: Project
    env: dict[str, str]
    before: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.project.root

    def __call__(
        self, args: list[str], process: bool = False, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """``twinschema *args`` in this process, or in a new one (``process``) where the row is
        about the process."""
        self.before = snapshot(self.root)
        run = run_cli if process else invoke_afresh
        return run(args, self.root, {**self.env, **env})

    def unchanged(self) -> None:
        assert snapshot(self.root) == self.before


@pytest.fixture
def run(tmp_path: Path) -> Run:
    project = make_project(tmp_path)
    return Run(project, clean_env(LOCAL_DATABASE_URL=project.sqlite))


def set_domain_path(run: Run, value: str) -> None:
    pyproject = run.root / "pyproject.toml"
    text = pyproject.read_text().replace('domain = "domain.yaml"', f"domain = {value!r}")
    pyproject.write_text(text)


# ---------------------------------------------------------------------------------------------
# Output that cannot be written: exit 2, one line, nothing written elsewhere.


@pytest.mark.parametrize(
    ("target", "why"),
    [("/dev/full", "No space left on device"), ("/proc/version", "Input/output error")],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_output_file_that_cannot_be_written_is_exit_2(
    run: Run, target: str, why: str, fmt: str
) -> None:
    before = Path(target).stat()
    result = run([*DOMAIN_ONLY, "--format", fmt, "--output", target])
    one_error_line(result, 2, target, "cannot write the report", why)
    assert result.stdout == ""  # the report went nowhere else
    after = Path(target).stat()
    assert stat.S_ISCHR(after.st_mode) == stat.S_ISCHR(before.st_mode)  # still what it was
    assert (after.st_size, after.st_ino) == (before.st_size, before.st_ino)
    run.unchanged()


def test_a_full_standard_output_is_exit_2(run: Run) -> None:
    before = snapshot(run.root)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [TWINSCHEMA, *DOMAIN_ONLY, "--format", "json"],
            cwd=run.root,
            env=run.env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # and no "Exception ignored" when Python exits
    assert "cannot write the report to standard output: No space left on device" in lines[0]
    assert snapshot(run.root) == before


# ---------------------------------------------------------------------------------------------
# A domain file that is not a regular file: refused before it is opened (opening blocks).


@pytest.mark.parametrize("kind", ["char_device", "fifo", "directory"])
def test_a_domain_file_that_is_not_a_regular_file_is_refused(run: Run, kind: str) -> None:
    if kind == "char_device":
        path, words = "/dev/zero", ("/dev/zero", "a character device", "not a regular file")
    elif kind == "fifo":
        os.mkfifo(run.root / "pipe.yaml")
        path, words = "pipe.yaml", ("pipe.yaml", "a FIFO", "not a regular file")
    else:
        (run.root / "folder.yaml").mkdir()
        path, words = "folder.yaml", ("folder.yaml", "a directory", "not a regular file")
    set_domain_path(run, path)
    # A hang (or an endless read) fails the test by the subprocess's timeout instead of
    # blocking the suite.
    one_error_line(run(DOMAIN_ONLY, process=kind != "directory"), 2, *words)
    run.unchanged()


def test_diff_refuses_a_fifo_as_its_domain_file(run: Run) -> None:
    os.mkfifo(run.root / "pipe.yaml")
    sqlite = run.project.sqlite
    result = run(["diff", sqlite, sqlite, "--domain", "pipe.yaml"], process=True)
    one_error_line(result, 2, "pipe.yaml", "a FIFO")
    run.unchanged()


# ---------------------------------------------------------------------------------------------
# Metadata modules that print or end the program while imported.

PRINTS = 'import os\nprint("hello from the module")\nos.write(1, b"written to fd 1\\n")\n'


def test_a_module_that_prints_keeps_stdout_for_the_report(run: Run) -> None:
    module = run.root / f"{run.project.sqlite_module}.py"
    module.write_text(PRINTS + module_source())
    result = run([*DOMAIN_ONLY, "--format", "json"], process=True)  # writes to fd 1
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)  # the report only: it parses
    assert document["in_sync"] is True
    assert "hello from the module" not in result.stdout
    assert "written to fd 1" not in result.stdout
    # What the module printed is not lost: it is on stderr.
    assert result.stderr.splitlines() == ["hello from the module", "written to fd 1"]
    run.unchanged()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("import sys\nsys.exit(7)\n", ("called sys.exit(7)", ".py:2")),
        ("import sys\nsys.exit(0)\n", ("called sys.exit(0)",)),
        ("import sys\nsys.exit()\n", ("called sys.exit(None)",)),
        ("raise SystemExit('bye')\n", ("called sys.exit('bye')",)),
        ("raise GeneratorExit('odd')\n", ("fails to import", "GeneratorExit: odd")),
    ],
    ids=["exit_7", "exit_0", "exit_none", "exit_text", "base_exception"],
)
def test_a_module_that_exits_is_exit_2_naming_it(
    run: Run, body: str, words: tuple[str, ...]
) -> None:
    (run.root / f"{run.project.postgres_module}.py").write_text(body)
    # In this process, an exit that escaped would be CliRunner's exit code (7, 0, 1), not 2 and
    # one line, and an escaped GeneratorExit would end the test. The program's own end in a new
    # process is the text run of sys.exit(0), the escape a shell would take for success; every
    # other run is in this process (a process each was 5 interpreters for what this one shows).
    ends_a_process = body == "import sys\nsys.exit(0)\n"
    for fmt in ("text", "json"):
        process = ends_a_process and fmt == "text"
        result = run([*DOMAIN_ONLY, "--format", fmt, "--output", "report.out"], process=process)
        one_error_line(result, 2, repr(run.project.postgres_module), *words)
        assert result.stdout == ""
        run.unchanged()  # no report file either


# ---------------------------------------------------------------------------------------------
# Messages over several lines are one line.


def test_a_multi_line_error_from_a_module_is_one_line(run: Run) -> None:
    (run.root / f"{run.project.sqlite_module}.py").write_text(
        "raise ValueError('line one\\nline two\\r\\nline three\\x00\\x1b[31m red')\n"
    )
    line = one_error_line(
        run(DOMAIN_ONLY), 2, "fails to import", "ValueError: line one line two line three"
    )
    assert "\x00" not in line and "\x1b" not in line and "\r" not in line
    assert "\\x00" in line  # shown, escaped
    run.unchanged()


def test_a_nul_byte_in_domain_yaml_is_one_line_naming_its_place(run: Run) -> None:
    text = (run.root / "domain.yaml").read_text().replace("name:", "na\x00me:")
    (run.root / "domain.yaml").write_text(text)
    line = one_error_line(run(DOMAIN_ONLY), 2, "domain.yaml:6:9", "a NUL byte")
    assert "\x00" not in line
    run.unchanged()


def test_bytes_that_are_not_utf8_in_domain_yaml_are_one_line(run: Run) -> None:
    (run.root / "domain.yaml").write_bytes(b"version: 1\ntables:\n  it\xffems: {}\n")
    one_error_line(run(DOMAIN_ONLY), 2, "domain.yaml", "not UTF-8", "0xff")
    run.unchanged()


# ---------------------------------------------------------------------------------------------
# Wrong types in domain.yaml: a list, a mapping or a null where text belongs.

WRONG_TYPES = {
    "list_as_table_description": (
        "items:\n    description: [a, b]\n    columns: {id: {}}",
        ("domain.yaml:4", "description of table 'items'", "not a list"),
    ),
    "mapping_as_column_description": (
        "items:\n    columns: {id: {description: {x: 1}}}",
        ("domain.yaml:4", "description of column items.id", "not a mapping"),
    ),
    "list_as_kind": (
        "items:\n    columns: {id: {kind: [integer]}}",
        ("domain.yaml:4", "kind of column items.id", "not a list"),
    ),
    "list_as_name": (
        "items:\n    name: [things]\n    columns: {id: {}}",
        ("domain.yaml:4", "table 'items' name", "not a list"),
    ),
    "null_as_reason": (
        "items:\n    columns: {id: {}}\n    allow: [{kind: index, name: ix, reason: ~}]",
        ("domain.yaml:5", "reason", "not null"),
    ),
    "null_as_enum_value": (
        "items:\n    columns: {id: {kind: enum, values: [a, null]}}",
        ("domain.yaml:4", "a value of column items.id", "not null"),
    ),
    "mapping_as_dialect": (
        "items:\n    dialects: [{sqlite: yes}]\n    columns: {id: {}}",
        ("domain.yaml:4", "a dialect", "not a mapping"),
    ),
}


@pytest.mark.parametrize("case", list(WRONG_TYPES), ids=list(WRONG_TYPES))
def test_a_wrong_type_in_domain_yaml_is_refused(run: Run, case: str) -> None:
    table, words = WRONG_TYPES[case]
    (run.root / "domain.yaml").write_text(f"version: 1\ntables:\n  {table}\n")
    one_error_line(run(DOMAIN_ONLY), 2, *words)
    run.unchanged()


def test_text_where_text_belongs_is_still_accepted(run: Run) -> None:
    (run.root / "domain.yaml").write_text(
        textwrap.dedent("""\
            version: 1
            tables:
              items:
                description: every item
                columns:
                  id: {kind: integer, description: "the key"}
                  name: {kind: text}
            """)
    )
    result = run(DOMAIN_ONLY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""


# ---------------------------------------------------------------------------------------------
# Secrets: every URL shape, every way of giving it, every output.

FORMATS = ("text", "json", "junit", "sarif", "github")
SECRET = "s3cr3t"  # every password below holds it; compared without case


@dataclass(frozen=True)
class Shape:
    """A URL that carries a password; ``{user}``, ``{pw}`` (percent-encoded), ``{db}`` and
    ``{sock}`` are the password server's. ``code``: the exit code of a check with it."""

    id: str
    url: str
    code: int
    sqlite: bool = False  # a SQLite URL: given where a SQLite database is expected


# Accepted: the check runs and writes its report (1: the drift the project has; 3: refused login).
ACCEPTED = [
    Shape("upper_case_scheme", "POSTGRESQL://{user}:{pw}@/{db}?host={sock}", 1),
    Shape("mixed_case_scheme", "Postgres://{user}:{pw}@/{db}?host={sock}", 1),
    Shape("driver_scheme", "postgresql+psycopg://{user}:{pw}@/{db}?host={sock}", 1),
    Shape("query_password", "postgresql://{user}@/{db}?host={sock}&password={pw}", 1),
    Shape("space_in_password", "postgresql://{user}:S3cr3t with space@/{db}?host={sock}", 3),
    Shape("slash_in_password", "postgresql://{user}:S3cr3t/slash@/{db}?host={sock}", 3),
    Shape("empty_user", "postgresql://:S3cr3t-nouser@/{db}?host={sock}", 3),
]
# Refused before any database is opened: exit 2, and the error names the URL without its secret.
REFUSED = [
    Shape("unsupported_scheme", "MYSQL://app:S3cr3t-mysql@db.internal/app", 2),
    Shape("unsupported_driver", "postgresql+asyncpg://app:S3cr3t-async@db.internal/app", 2),
    Shape("no_scheme", "app:S3cr3t-noscheme@db.internal/app", 2),
    Shape("one_slash", "postgresql:/app:S3cr3t-oneslash@db.internal/app", 2),
    Shape("no_slash", "postgresql:app:S3cr3t-noslash@db.internal/app", 2),
    Shape("unencoded_at", "POSTGRESQL://app:S3cr3t@at@db.internal/app", 2),
    Shape("port_not_a_number", "postgresql://app:S3cr3t port@db.internal:abc/app", 2),
    Shape("libpq_string", "host=db.internal user=app password=S3cr3t-libpq dbname=app", 2),
    Shape("libpq_quoted", "host=db.internal password='S3cr3t libpq' dbname=app", 2),
    # a space libpq would refuse: the words after it are the password too (a stranger's trial)
    Shape(
        "libpq_unquoted_space",
        "host=db.internal user=app password=Hunter S3cr3t-space dbname=app",
        2,
    ),
    Shape("sqlite_one_slash", "SQLITE:/app:S3cr3t-sqlite@local.db", 2, sqlite=True),
]
# A SQLite URL with user information: the file does not exist (exit 3), and is not created.
SQLITE_MISSING = Shape("sqlite_userinfo", "SQLITE://app:S3cr3t-sqlite@/missing.db", 3, sqlite=True)

# How a URL reaches the command.
POSTGRES_FLAG, SQLITE_FLAG, DIFF, INSPECT, ENV = (
    "postgres_flag",
    "sqlite_flag",
    "diff",
    "inspect",
    "env",
)


def deliveries(shape: Shape) -> list[str]:
    if shape.sqlite:
        return [SQLITE_FLAG, DIFF, ENV]
    if shape in ACCEPTED:
        return [POSTGRES_FLAG, DIFF, INSPECT, ENV]
    # A URL of the wrong side in a flag or a variable is the other half of issue 14; here a
    # refused URL is given where it cannot be mistaken: as PostgreSQL's flag, or to diff.
    return [POSTGRES_FLAG, SQLITE_FLAG, DIFF]


ROWS = [
    pytest.param(shape, how, id=f"{shape.id}-{how}")
    for shape in [*ACCEPTED, *REFUSED, SQLITE_MISSING]
    for how in deliveries(shape)
]


@pytest.fixture(scope="module")
def pw(password_pg: PasswordServer) -> PasswordServer:
    """The session's password server (conftest), shared with the other modules that need one."""
    return password_pg


@pytest.fixture(scope="module")
def secret_db(pw: PasswordServer) -> Iterator[str]:
    """A database on the password server that ``secretuser`` may read; its name."""
    with secret_database(pw) as name:
        yield name


def fill(shape: Shape, pw: PasswordServer, database: str) -> str:
    socket_dir = make_url(pw.admin_url).query["host"]
    assert isinstance(socket_dir, str)
    return shape.url.format(
        user=PASSWORD_ROLE, pw=quote(PASSWORD, safe=""), db=database, sock=socket_dir
    )


def command(how: str, url: str, project: Project, good_pg: str) -> tuple[list[str], dict[str, str]]:
    """The arguments and the environment that give ``url`` to twinschema ``how``."""
    live = ["check", "--layer", "live"]
    if how == POSTGRES_FLAG:
        return [*live, "--sqlite-url", project.sqlite, "--postgres-url", url], {}
    if how == SQLITE_FLAG:
        return [*live, "--sqlite-url", url, "--postgres-url", good_pg], {}
    if how == DIFF:
        module = (
            project.sqlite_module if url.lower().startswith("sqlite") else project.postgres_module
        )
        return ["diff", url, f"{module}:metadata"], {}
    if how == INSPECT:
        return ["inspect", url, "--format", "json"], {}
    assert how == ENV
    variable = "LOCAL_DATABASE_URL" if url.lower().startswith("sqlite") else "DATABASE_URL"
    other = {"DATABASE_URL": good_pg} if variable == "LOCAL_DATABASE_URL" else {}
    return live, {variable: url, **other}


def assert_parses(fmt: str, text: str) -> None:
    """Masking kept the report well formed: JSON and SARIF load, JUnit XML parses."""
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(text)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text.lower(), f"the password is shown in:\n{text}"
        assert quote(PASSWORD, safe="").lower() not in text.lower()


@pytest.mark.parametrize(("shape", "how"), ROWS)
def test_no_url_shape_shows_its_password(
    tmp_path: Path, pw: PasswordServer, secret_db: str, shape: Shape, how: str
) -> None:
    project = make_project(tmp_path, pg_src=module_source(extra_column=True))
    url = fill(shape, pw, secret_db)
    good_pg = pw.url(secret_db)
    args, env = command(how, url, project, good_pg)
    env = clean_env(**{"LOCAL_DATABASE_URL": project.sqlite, **env})
    code = 0 if how == INSPECT and shape.code == 1 else shape.code
    # A check writes its report even when a database could not be read; diff and inspect
    # have no report without both sources.
    reported = code in (0, 1) or (code == 3 and how in (POSTGRES_FLAG, SQLITE_FLAG, ENV))
    formats = FORMATS if reported and how != INSPECT else ("text",)
    before = snapshot(tmp_path)
    for fmt in formats:
        report = tmp_path / f"report.{fmt}"
        to_file = fmt not in ("text", "json") and how != INSPECT
        extra = [] if how == INSPECT else ["--format", fmt]
        result = invoke_cli(
            [*args, *extra, *(["--output", str(report)] if to_file else [])], tmp_path, env
        )
        written = report.read_text() if report.exists() else ""
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output
        assert result.returncode == code, output
        assert_no_secret(result.stdout, result.stderr, written)
        if code in (2, 3):
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("twinschema: error: "), result.stderr
        else:
            assert result.stderr == "", result.stderr
        if to_file:
            assert written if reported else not report.exists()
            report.unlink(missing_ok=True)
        if reported:
            assert_parses(fmt if how != INSPECT else "json", written or result.stdout)
        if code == 1:
            # The URL is named in the report (so the masking is what hides the password).
            shown = written or result.stdout
            assert f"{PASSWORD_ROLE}:***@" in shown or "password=***" in shown, shown
    assert snapshot(tmp_path) == before  # nothing else written: no database file, no report


def test_every_shape_is_tried_every_way() -> None:
    """The table covers each shape the issue names, and each way a URL is given."""
    ids = {row.values[0].id for row in ROWS}  # type: ignore[union-attr]
    assert {"upper_case_scheme", "unsupported_scheme", "no_scheme", "one_slash"} <= ids
    assert {"space_in_password", "unencoded_at", "query_password", "libpq_string"} <= ids
    ways = {row.values[1] for row in ROWS}
    assert ways == {POSTGRES_FLAG, SQLITE_FLAG, DIFF, INSPECT, ENV}


@pytest.mark.parametrize("shape", [*ACCEPTED, *REFUSED, SQLITE_MISSING], ids=lambda s: s.id)
def test_masking_a_report_keeps_it_well_formed(shape: Shape) -> None:
    """Each shape, remembered as the CLI remembers its inputs, is masked inside a JSON string,
    an XML attribute and XML text (escaped as each writer escapes it), and both still parse."""
    from twinschema import urls

    url = shape.url.format(user="app", pw="S3cr3t-P%40ss", db="app", sock="/run/pg")
    urls.remember(url)
    as_json = urls.mask_output(json.dumps({"source": url, "message": f"cannot read {url}: x"}))
    assert_no_secret(as_json)
    assert json.loads(as_json)["message"].endswith(": x")
    element = ET.Element("testcase", {"name": url})
    element.text = f"cannot read {url}"
    as_xml = urls.mask_output(ET.tostring(element, encoding="unicode"))
    assert_no_secret(as_xml)
    assert ET.fromstring(as_xml).tag == "testcase"
    assert_no_secret(urls.redact(url), urls.scrub(f"error: {url}; more"))


@pytest.mark.parametrize(
    "args",
    [["check", "--explain", "all"], ["db", "url"], ["history"], ["inspect", "{db}"]],
    ids=["explain", "db-url", "history", "inspect"],
)
def test_every_command_that_prints_to_a_full_stdout_is_exit_2(
    args: list[str], tmp_path: Path
) -> None:
    """Found by a stranger's trial: these gave exit 4 'internal error' on /dev/full."""
    db = tmp_path / "app.db"
    sqlite3.connect(db).executescript("CREATE TABLE t (id INTEGER PRIMARY KEY);")
    argv = [a.replace("{db}", str(db)) for a in args]
    # `db url` starts the embedded server (of the folder it runs in, outside a project): in a
    # folder of the test's own, never this repository's var/
    cwd = tmp_path if args == ["db", "url"] else ROOT
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [TWINSCHEMA, *argv], cwd=cwd, stdout=full, stderr=subprocess.PIPE, text=True,
            timeout=120, check=False, env=clean_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
        )  # fmt: skip
    if cwd == tmp_path:  # the command stops what it started; make sure of it
        stopped = subprocess.run(
            [TWINSCHEMA, "db", "stop"], cwd=cwd, capture_output=True, text=True, check=False,
            env=clean_env(XDG_CACHE_HOME=str(tmp_path / "cache")), timeout=120,
        )  # fmt: skip
        assert stopped.returncode == 0, stopped.stderr
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "twinschema: error: cannot write to standard output: No space left on device"
    ]
