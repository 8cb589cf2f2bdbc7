"""The habits Alembic users bring (issue 13): ``twinschema current``, ``history``, ``stamp``,
``migrate --to REV`` downgrading (with ``--yes-downgrade``, linted over the downgrade path),
plain ``alembic -c <chain>/alembic.ini``, and ``twinschema revision`` catching server defaults
and type changes and refusing while the models layer differs.

Every test works on a scratch copy of the project (``scratch_project``) with real databases from
the fixtures, through the ``twinschema`` command in-process (see ``twinschema``) and real
``alembic`` processes, whose environment names only the databases of the test: the
environment's own ``DATABASE_URL`` is never read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import forget_imports, invoke_cli
from test_migrate_safety import (  # noqa: F401  (engine: a fixture)
    CHAIN,
    HEADS,
    SIDE,
    URL_ENV,
    at,
    contents,
    digest,
    engine,
    fill_every_table,
    schema_of,
    scratch_project,
    sqlite_file,
    upgrade_to,
)
from test_revision import add_nickname, edit

from twinschema.urls import parse_url, redact

ALEMBIC = str(Path(sys.executable).parent / "alembic")
NOTE = {"sqlite": "0002_note_sqlite", "postgresql": "0002_note_postgresql"}

# A second revision in each chain: profiles.note added, and dropped again by downgrade().
NOTE_BODY = {
    "sqlite": (
        """
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
""",
        """
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("note")
""",
    ),
    "postgresql": (
        """
    op.add_column("profiles", sa.Column("note", sa.Text(), nullable=True))
""",
        """
    op.drop_column("profiles", "note")
""",
    ),
}


def write_revision(
    project: Path,
    dialect: str,
    revision: str,
    title: str,
    body: tuple[str, str],
    header: str = "",
    after: str | None = None,
    domain_version: int = 2,
) -> str:
    """A revision ``revision`` after ``after`` (the chain's head when None), titled ``title``,
    with ``body``'s upgrade and downgrade statements (each an indented block); its id."""
    up, down = body
    text = f'''"""{title}"""

import sqlalchemy as sa
from alembic import op

revision = {revision!r}
down_revision = {after or HEADS[dialect]!r}
branch_labels = None
depends_on = None
domain_version = {domain_version}
{header}

def upgrade() -> None:{up}

def downgrade() -> None:{down}'''
    (project / CHAIN[dialect] / "versions" / f"{revision}.py").write_text(text)
    return revision


def add_note_revision(project: Path, dialect: str, header: str = "") -> str:
    """``0002_note_<dialect>`` after the chain's head; its id."""
    return write_revision(
        project, dialect, NOTE[dialect], "add a note to profiles", NOTE_BODY[dialect], header
    )


def clean_environ(**urls: str) -> dict[str, str]:
    """The process environment without any database URL, plus ``urls``."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "LOCAL_DATABASE_URL", "TEST_DATABASE_URL")
        and k != "TWINSCHEMA_SCRATCH_URL"
    }
    environ.update(urls)
    return environ


def twinschema(project: Path, *args: str, **urls: str) -> subprocess.CompletedProcess[str]:
    """The ``twinschema`` command in ``project``, with only ``urls`` in its environment: in this
    process (click's ``CliRunner``; an interpreter's start-up per command was most of this
    file's time), reading the project as a new process would. What an earlier command imported
    from the project (its ``schemas``, a chain's env.py) is forgotten first, and nothing is
    compiled to ``__pycache__``, so a file edited between two commands is read again."""
    forget_imports(project)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        return invoke_cli(list(args), project, clean_environ(**urls))
    finally:
        sys.dont_write_bytecode = dont_write
        forget_imports(project)


def on(dialect: str, url: str) -> dict[str, str]:
    """The environment variable naming ``url`` as ``dialect``'s database."""
    return {URL_ENV[dialect]: url}


def label(url: str) -> str:
    return redact(parse_url(url))


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("twinschema: error: "), stderr
    return lines[0]


# ---------------------------------------------------------------------------------------------
# current and history


def test_current_says_where_each_database_is_and_never_writes(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    side = SIDE[dialect]
    before = digest(sqlite_file(db_url)) if dialect == "sqlite" else None

    result = twinschema(project, "current", side, **on(dialect, db_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{side}: {label(db_url)}: {HEADS[dialect]} (behind head {note} by 1 revision(s): "
        f"twinschema migrate {side})\n"
    )
    if before is not None:
        assert digest(sqlite_file(db_url)) == before

    assert twinschema(project, "migrate", side, **on(dialect, db_url)).returncode == 0
    result = twinschema(project, "current", side, **on(dialect, db_url))
    assert result.stdout == f"{side}: {label(db_url)}: {note} (head)\n"


def test_current_reads_both_sides_and_a_missing_file_is_an_error_never_created(
    tmp_path: Path, sqlite_url: str, pg_url: str
) -> None:
    project = scratch_project(tmp_path)
    upgrade_to(project, "postgresql", pg_url, HEADS["postgresql"])
    upgrade_to(project, "sqlite", sqlite_url, "base")  # an empty file: no alembic_version
    result = twinschema(project, "current", LOCAL_DATABASE_URL=sqlite_url, DATABASE_URL=pg_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"local: {label(sqlite_url)}: base (behind head {HEADS['sqlite']} by 1 revision(s): "
        "twinschema migrate local)",
        f"remote: {label(pg_url)}: {HEADS['postgresql']} (head)",
    ]

    missing = tmp_path / "nowhere.db"
    result = twinschema(project, "current", "local", LOCAL_DATABASE_URL=f"sqlite:///{missing}")
    assert result.returncode == 3, result.stdout
    assert "not found" in one_error_line(result.stderr)
    assert not missing.exists()
    result = twinschema(
        project, "stamp", "local", "head", LOCAL_DATABASE_URL=f"sqlite:///{missing}"
    )
    assert result.returncode == 3, result.stdout
    assert "no such SQLite file" in one_error_line(result.stderr)
    assert not missing.exists()


def test_history_lists_each_chain_newest_first_and_marks_the_current_revision(
    dialect: str, db_url: str, tmp_path: Path
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    side = SIDE[dialect]
    header = f"{CHAIN[dialect]} ({side}, {dialect}):"
    newest = f"  {HEADS[dialect]} -> {note} (head), add a note to profiles [domain_version 2]"
    first = f"  <base> -> {HEADS[dialect]}, initial schema (domain version 1) [domain_version 1]"

    # Without -i, no database is read: none is named here at all.
    result = twinschema(project, "history", side)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [header, newest, first]

    result = twinschema(project, "history", side, "-i", **on(dialect, db_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        header,
        newest,
        first.replace(f"{HEADS[dialect]},", f"{HEADS[dialect]} (current),"),
    ]


# ---------------------------------------------------------------------------------------------
# stamp


def test_stamp_writes_alembic_version_and_nothing_else(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    with engine(db_url).connect() as connection:
        schema, rows = schema_of(connection), contents(connection)

    side, env = SIDE[dialect], on(dialect, db_url)
    result = twinschema(project, "stamp", side, note, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"{label(db_url)}: stamped from {HEADS[dialect]} to {note} (head); only "
        "alembic_version was written, no revision ran"
    )
    with engine(db_url).connect() as connection:
        assert at(connection) == (note,)
        assert schema_of(connection) == schema  # no note column: the revision did not run
        assert contents(connection) == rows

    result = twinschema(project, "stamp", side, "base", **env)
    assert result.returncode == 0, result.stderr
    with engine(db_url).connect() as connection:
        assert at(connection) == ()
        assert contents(connection) == rows

    result = twinschema(project, "stamp", side, "0099_nope", **env)
    assert result.returncode == 2, result.stdout
    assert "0099_nope" in one_error_line(result.stderr)
    with engine(db_url).connect() as connection:
        assert at(connection) == ()


# ---------------------------------------------------------------------------------------------
# Downgrades


def test_a_downgrade_without_the_flag_is_refused_in_one_line_and_changes_nothing(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, "head")
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    with engine(db_url).connect() as connection:
        schema, rows = schema_of(connection), contents(connection)
    before = digest(sqlite_file(db_url)) if dialect == "sqlite" else None

    for to in (HEADS[dialect], "-1", "base"):
        result = twinschema(project, "migrate", SIDE[dialect], "--to", to, **on(dialect, db_url))
        assert result.returncode == 2, result.stdout
        line = one_error_line(result.stderr)
        undone = note if to != "base" else f"{note}, {HEADS[dialect]}"
        asked = f"{to} ({HEADS[dialect]})" if to == "-1" else to
        assert f"is at {note}; --to {asked} is a downgrade: it would undo {undone} " in line
        assert "--yes-downgrade" in line
    with engine(db_url).connect() as connection:
        assert at(connection) == (note,)
        assert schema_of(connection) == schema
        assert contents(connection) == rows
    if before is not None:
        assert digest(sqlite_file(db_url)) == before

    # A dry run shows the downgrade's SQL without the flag, and changes nothing either.
    result = twinschema(
        project, "migrate", SIDE[dialect], "--to", "-1", "--dry-run", **on(dialect, db_url)
    )
    assert result.returncode == 0, result.stderr
    assert f"-- {label(db_url)}: would downgrade from {note} to {HEADS[dialect]}" in result.stdout
    assert "note" in result.stdout.split("BEGIN", 1)[1]
    with engine(db_url).connect() as connection:
        assert at(connection) == (note,)
        assert schema_of(connection) == schema


def test_a_downgrade_with_the_flag_reaches_rev_and_keeps_the_rows_of_surviving_tables(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    """profiles.note holds no value: dropping it loses nothing, so the lint lets it through.
    On SQLite the batch drop recreates profiles, the parent of CASCADE children: every row of
    every table survives."""
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    with engine(db_url).connect() as connection:
        schema, rows = schema_of(connection), contents(connection)
    upgrade_to(project, dialect, db_url, "head")

    result = twinschema(
        project,
        "migrate",
        SIDE[dialect],
        "--to",
        HEADS[dialect],
        "--yes-downgrade",
        **on(dialect, db_url),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"{label(db_url)}: downgraded from {note} to {HEADS[dialect]}"
    )
    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
        assert schema_of(connection) == schema
        assert contents(connection) == rows
        assert all(rows[table] for table in rows), "every table had rows"


def test_the_lint_refuses_a_downgrade_that_drops_a_column_with_data(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    upgrade_to(project, dialect, db_url, "head")
    with engine(db_url).begin() as connection:
        connection.execute(sa.text("UPDATE profiles SET note = 'keep me'"))
    with engine(db_url).connect() as connection:
        schema, rows = schema_of(connection), contents(connection)
    args = ("migrate", SIDE[dialect], "--to", "-1", "--yes-downgrade")

    result = twinschema(project, *args, **on(dialect, db_url))
    assert result.returncode == 1, result.stdout + result.stderr
    path = f"{CHAIN[dialect]}/versions/{note}.py"
    assert result.stdout.startswith(f"refused: {path}:"), result.stdout
    assert (
        f"the downgrade of revision {note} drops column profiles.note and every value in it; "
        'if the data may go, add allow_destructive_downgrade = {"drop_column:profiles.note": '
        '"<why>"}'
    ) in result.stdout
    assert "nothing was applied" in one_error_line(result.stderr)
    with engine(db_url).connect() as connection:
        assert at(connection) == (note,)
        assert schema_of(connection) == schema
        assert contents(connection) == rows

    # The upgrade's marker does not cover the downgrade; the downgrade's own one does.
    add_note_revision(
        project, dialect, 'allow_destructive = {"drop_column:profiles.note": "not this one"}'
    )
    assert twinschema(project, *args, **on(dialect, db_url)).returncode == 1
    add_note_revision(
        project,
        dialect,
        'allow_destructive_downgrade = {"drop_column:profiles.note": "notes were a trial"}',
    )
    result = twinschema(project, *args, **on(dialect, db_url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(reason: notes were a trial)" in result.stdout
    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
        assert "note" not in {c["name"] for c in sa.inspect(connection).get_columns("profiles")}


# ---------------------------------------------------------------------------------------------
# Plain Alembic


def test_plain_alembic_runs_each_chain_on_the_database_twinschema_would_use(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    note = add_note_revision(project, dialect)
    ini = str(project / CHAIN[dialect] / "alembic.ini")
    ini_text = (project / CHAIN[dialect] / "alembic.ini").read_text()
    assert "sqlalchemy.url" not in ini_text  # no database, and no password, in the file

    def alembic(*args: str, **urls: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ALEMBIC, "-c", ini, *args],
            cwd=tmp_path,  # from anywhere: the ini names its chain, the chain its project
            env=clean_environ(**urls),
            capture_output=True,
            text=True,
            timeout=300,
        )

    result = alembic("upgrade", "head", **on(dialect, db_url))
    assert result.returncode == 0, result.stderr
    assert alembic("current", **on(dialect, db_url)).stdout.strip() == f"{note} (head)"
    # -x url= names the database as --sqlite-url / --postgres-url do.
    result = alembic("-x", f"url={db_url}", "downgrade", "-1")
    assert result.returncode == 0, result.stderr
    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
    other = "postgresql://nobody@127.0.0.1:9/x" if dialect == "sqlite" else "sqlite:///x.db"
    result = alembic("-x", f"url={other}", "current")
    assert result.returncode == 2, result.stderr
    assert "is not a" in one_error_line(result.stderr)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_plain_alembic_revision_writes_a_revision_that_asks_for_its_domain_version(
    dialect: str, tmp_path: Path
) -> None:
    """Plain ``alembic revision`` runs no env.py, so the template has no domain version: it
    writes ``domain_version = None`` with a comment (the chain check then names the file),
    where it failed in Mako with a traceback (stranger35). ``init`` writes the same template."""
    from twinschema.adopt.chains import SCRIPT_MAKO

    project = scratch_project(tmp_path)
    folder = project / CHAIN[dialect]
    assert (folder / "script.py.mako").read_text() == SCRIPT_MAKO
    before = set((folder / "versions").glob("*.py"))
    result = subprocess.run(
        [ALEMBIC, "-c", str(folder / "alembic.ini"), "revision", "-m", "by hand"],
        cwd=tmp_path,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    written = sorted(set((folder / "versions").glob("*.py")) - before)
    assert len(written) == 1
    text = written[0].read_text()
    assert "\ndomain_version = None\n" in text and "set it here" in text
    compile(text, str(written[0]), "exec")


# ---------------------------------------------------------------------------------------------
# revision


def revision_cli(project: Path, pg_server: str, *args: str) -> subprocess.CompletedProcess[str]:
    return twinschema(project, "revision", "--scratch-server", pg_server, *args)


def test_revision_catches_server_defaults_and_type_changes_and_the_chains_then_pass(
    tmp_path: Path, pg_server: str, sqlite_url: str, pg_url: str
) -> None:
    """A server default added to both modules, and a type widened on PostgreSQL only (integer
    to bigint: the models layer stays in sync, SQLite's INTEGER holds both): each twin carries
    what its side changed, and the migrations layer then finds no drift."""
    project = scratch_project(tmp_path)
    for module in ("sqlite", "postgres"):
        edit(
            project / "schemas" / f"{module}.py",
            "    sa.Column(p.tier, sa.Text),\n",
            '    sa.Column(p.tier, sa.Text, server_default="bronze"),\n',
        )
    edit(
        project / "schemas" / "postgres.py",
        "sa.Column(p.current_rank, sa.Integer,",
        "sa.Column(p.current_rank, sa.BigInteger,",
    )
    edit(project / "domain.yaml", "current_rank: {kind: integer}", "current_rank: {kind: bigint}")

    result = revision_cli(project, pg_server, "-m", "tier default, wider rank")
    assert result.returncode == 0, result.stderr
    written = result.stdout.splitlines()
    assert written[:2] == [
        f"{CHAIN['sqlite']}/versions/0002_tier_default_sqlite.py",
        f"{CHAIN['postgresql']}/versions/0002_tier_default_postgresql.py",
    ]
    sqlite_text, pg_text = ((project / path).read_text() for path in written[:2])
    assert "server_default='bronze'" in sqlite_text.replace('"', "'")
    assert "server_default='bronze'" in pg_text.replace('"', "'")
    assert "type_=sa.BigInteger()" in pg_text
    assert "current_rank" not in sqlite_text

    for dialect, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
        assert twinschema(project, "migrate", SIDE[dialect], **on(dialect, url)).returncode == 0
    result = twinschema(
        project,
        "check",
        "--layer",
        "migrations",
        "--layer",
        "models",
        "--format",
        "json",
        LOCAL_DATABASE_URL=sqlite_url,
        DATABASE_URL=pg_url,
        TWINSCHEMA_SCRATCH_URL=pg_server,
    )
    report = json.loads(result.stdout)
    assert [d["kind"] for d in report["differences"]] == [], report["differences"]
    assert result.returncode == 0, result.stderr


def test_revision_refuses_while_the_models_differ_and_lists_the_differences(
    tmp_path: Path, pg_server: str
) -> None:
    """A default on the SQLite side only: nothing is written, domain.yaml is untouched, and
    each difference is listed (the scratch server is never needed)."""
    project = scratch_project(tmp_path)
    add_nickname(project)
    edit(
        project / "schemas" / "sqlite.py",
        "    sa.Column(p.wallet_address, sa.Text),\n",
        '    sa.Column(p.wallet_address, sa.Text, server_default="0x"),\n',
    )
    domain = (project / "domain.yaml").read_text()
    result = revision_cli(project, "postgresql://nobody@127.0.0.1:9/unused", "-m", "x")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "models: column_default: profiles.wallet_address: default of profiles.wallet_address "
        "differs: '0x' vs none"
    ]
    assert "the models layer has 1 difference(s)" in one_error_line(result.stderr)
    assert (project / "domain.yaml").read_text() == domain
    for dialect in ("sqlite", "postgresql"):
        assert sorted(p.name for p in (project / CHAIN[dialect] / "versions").glob("*.py")) == [
            f"{HEADS[dialect]}.py"
        ]

    # The same models made to agree: the revision is made.
    edit(project / "schemas" / "sqlite.py", ', server_default="0x"', "")
    assert revision_cli(project, pg_server, "-m", "x").returncode == 0


@pytest.mark.parametrize("command", ["current", "history", "stamp"])
def test_the_new_commands_refuse_the_other_side_s_flag(tmp_path: Path, command: str) -> None:
    project = scratch_project(tmp_path)
    extra = ["head"] if command == "stamp" else []
    result = twinschema(project, command, "local", *extra, "--postgres-url", "postgresql://x@h/d")
    assert result.returncode == 2
    assert f"twinschema {command} local takes --sqlite-url" in one_error_line(result.stderr)


def test_twinschema_lint_checks_the_form_of_the_downgrade_marker(tmp_path: Path) -> None:
    """A malformed ``allow_destructive_downgrade`` is found by ``twinschema lint`` already, not
    only when a downgrade is about to run: exit 2, one line naming the revision file."""
    project = scratch_project(tmp_path)
    add_note_revision(project, "sqlite", 'allow_destructive_downgrade = ["drop_column:x.y"]')
    add_note_revision(project, "postgresql")
    result = twinschema(project, "lint")
    assert result.returncode == 2, result.stdout
    line = one_error_line(result.stderr)
    assert f"{CHAIN['sqlite']}/versions/{NOTE['sqlite']}.py" in line
    assert "allow_destructive_downgrade must be a dict" in line


def test_relative_steps_as_alembic_takes_them(
    tmp_path: Path,
    sqlite_url: str,
    engine: Any,  # noqa: F811
) -> None:
    """``--to +N`` and ``--to -N`` count revisions from where the database is."""
    project = scratch_project(tmp_path)
    note = add_note_revision(project, "sqlite")
    env = on("sqlite", sqlite_url)
    steps = (
        ("+1", 0, (HEADS["sqlite"],)),
        ("+2", 2, (HEADS["sqlite"],)),  # only one revision above: refused
        ("+1", 0, (note,)),
        ("-2", 2, (note,)),  # without --yes-downgrade: refused
    )
    for to, code, after in steps:
        result = twinschema(project, "migrate", "local", "--to", to, **env)
        assert result.returncode == code, result.stdout + result.stderr
        if code:
            one_error_line(result.stderr)
        with engine(sqlite_url).connect() as connection:
            assert at(connection) == after
    result = twinschema(project, "migrate", "local", "--to", "-2", "--yes-downgrade", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"{label(sqlite_url)}: downgraded from {note} to base"
    with engine(sqlite_url).connect() as connection:
        assert at(connection) == ()
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    result = twinschema(project, "migrate", "local", "--to", "-1", "--yes-downgrade", **env)
    assert result.returncode == 2
    assert "the database is at base" in one_error_line(result.stderr)


def test_a_downgrade_narrowing_a_length_is_refused_on_postgresql_only(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    """Undoing a VARCHAR(40) to VARCHAR(80) widening narrows the column back: PostgreSQL would
    refuse or lose a longer value, so it is refused without a marker; SQLite enforces no length,
    so no value can go and it runs, the longer value kept (stranger54 W7)."""
    project = scratch_project(tmp_path)
    if dialect == "sqlite":
        add = (
            '\n    with op.batch_alter_table("profiles") as batch:\n'
            '        batch.add_column(sa.Column("city", sa.String(40)))\n'
        )
        drop = (
            '\n    with op.batch_alter_table("profiles") as batch:\n'
            '        batch.drop_column("city")\n'
        )
        widen = (
            '\n    with op.batch_alter_table("profiles") as batch:\n'
            '        batch.alter_column("city", existing_type=sa.String(40), '
            "type_=sa.String(80))\n"
        )
        narrow = (
            '\n    with op.batch_alter_table("profiles") as batch:\n'
            '        batch.alter_column("city", existing_type=sa.String(80), '
            "type_=sa.String(40))\n"
        )
    else:
        add = '\n    op.add_column("profiles", sa.Column("city", sa.String(40)))\n'
        drop = '\n    op.drop_column("profiles", "city")\n'
        widen = (
            '\n    op.alter_column("profiles", "city", existing_type=sa.String(40), '
            "type_=sa.String(80))\n"
        )
        narrow = ('\n    op.alter_column("profiles", "city", existing_type=sa.String(80), '
                  "type_=sa.String(40))\n")  # fmt: skip
    city = write_revision(project, dialect, f"0002_city_{dialect}", "city", (add, drop))
    wide = write_revision(
        project, dialect, f"0003_wide_{dialect}", "wider city", (widen, narrow), after=city
    )
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    upgrade_to(project, dialect, db_url, "head")
    with engine(db_url).begin() as connection:
        connection.execute(sa.text("UPDATE profiles SET city = :c"), {"c": "x" * 50})
    args = ("migrate", SIDE[dialect], "--to", "-1", "--yes-downgrade")
    result = twinschema(project, *args, **on(dialect, db_url))
    with engine(db_url).connect() as connection:
        now = at(connection)
        cities = {r[0] for r in connection.execute(sa.text("SELECT city FROM profiles"))}
    if dialect == "postgresql":
        assert result.returncode == 1, result.stdout + result.stderr
        assert "narrows profiles.city from VARCHAR(80) to VARCHAR(40)" in result.stdout
        assert now == (wide,)
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert now == (city,)
    assert cities == {"x" * 50}
