"""Loading a SQL file into a scratch PostgreSQL database, as a role that can build only there."""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from twinschema.errors import DatabaseError, UsageError
from twinschema.servers import scratch
from twinschema.sources.sqlfile.pg_dump import refuse_newer_dump, skip_unknown_settings, tell
from twinschema.sources.sqlfile.psql_extensions import (
    BUILT_IN_SCHEMAS,
    Extension,
    create_extension,
    refuse_unlisted_extensions,
)
from twinschema.sources.sqlfile.psql_pieces import Copy, Piece, Run
from twinschema.sources.sqlfile.psql_split import split_psql_script
from twinschema.sources.sqlfile.psql_statements import skip_create_schema
from twinschema.sources.sqlfile.text import LOAD_TIMEOUT_SECONDS, LineIndex, read_sql
from twinschema.urls import parse_url, redact, scrub


@contextmanager
def load_postgresql(
    path: str | Path,
    server_url: str,
    connect_timeout: float = 10.0,
    timeout: float = LOAD_TIMEOUT_SECONDS,
) -> Iterator[str]:
    """A scratch database on ``server_url`` holding what the SQL file at ``path`` creates; yields
    the database's URL (as the load role, see below) and drops the database when the block ends.

    The file is untrusted input and may only build a schema in its scratch database. It runs
    as a role made for this load (random name and password, no superuser, CREATEDB, CREATEROLE,
    REPLICATION or BYPASSRLS), over a connection of its own that authenticates as that role, so
    that no ``RESET ROLE`` in the file can climb back to the privileged role. The load role owns
    the scratch database's ``public`` schema and may create in that database, nothing else; a
    statement that needs more (``DROP ROLE``, ``ALTER ROLE postgres PASSWORD``, ``COPY ... FROM
    PROGRAM``) fails with a ``UsageError`` naming its line. The role is dropped after the database.

    ``pg_dump`` output still loads: its ``OWNER TO``, ``GRANT``/``REVOKE``, ``ALTER DEFAULT
    PRIVILEGES``, ``SET ROLE``/``SET SESSION AUTHORIZATION`` and ``COMMENT ON EXTENSION``
    statements are skipped (the load role owns what it creates), its session settings (``SET``,
    ``set_config``) run as they are, except a setting the scratch server does not have (skipped
    with a notice on stderr); a dump from a newer major than the scratch server is refused, naming
    both versions, and the extensions it creates, if on ``ALLOWED_EXTENSIONS``,
    are created first by the privileged connection (an extension off the list is a ``UsageError``
    naming its line, before anything runs).

    As before: ``\\c``/``\\connect`` and the file's own CREATE/DROP/ALTER DATABASE and COMMENT ON
    DATABASE are skipped, ``COPY ... FROM stdin`` data is streamed with ``cursor.copy()``, harmless
    psql settings are ignored, another meta-command is a ``UsageError`` naming its line. Statements
    go in batches of at most ``_BATCH`` (one implicit transaction each), so a long DDL file does
    not exhaust the server's lock table. A server that cannot be reached within
    ``connect_timeout`` seconds, refuses to create the role or the database, or will not let the
    load role log in, is a ``DatabaseError``.
    """
    label = str(path)
    text = read_sql(path)
    script = split_psql_script(text, label)
    lines = LineIndex(text)
    refuse_unlisted_extensions(script.extensions, label, lines)
    schemas = {e.schema for e in script.extensions if e.schema} - BUILT_IN_SCHEMAS
    skip_create_schema(text, script.pieces, schemas)
    version, settings = _server_facts(server_url, connect_timeout)
    refuse_newer_dump(text, label, version)
    tell(skip_unknown_settings(text, script.pieces, settings, label, version))
    with (
        _load_role(server_url, connect_timeout, label) as role,
        # A database of its own, dropped after: the load role is granted it and owns its
        # public schema, which no reset gives back as new.
        scratch.new_database(
            server_url, prefix="twinschema_sql", connect_timeout=connect_timeout
        ) as admin_url,
    ):
        _prepare(admin_url, role, script.extensions, sorted(schemas), connect_timeout, label, lines)
        url = role.url(admin_url)
        conn = _connect(url, connect_timeout, login=label)
        try:
            _execute_pieces(conn, text, script.pieces, label, url, timeout)
        finally:
            conn.close()
        yield url


@dataclass(frozen=True)
class _LoadRole:
    """The role a SQL file is loaded as: made for one load, dropped after it."""

    name: str
    password: str

    def url(self, database_url: str) -> str:
        """``database_url`` logging in as this role (any user or password in its query removed)."""
        url = parse_url(database_url).difference_update_query(["user", "password", "passfile"])
        return url.set(username=self.name, password=self.password).render_as_string(
            hide_password=False
        )


@contextmanager
def _load_role(server_url: str, connect_timeout: float, label: str) -> Iterator[_LoadRole]:
    """A new login role with no privileges on ``server_url`` for the block; dropped afterwards
    (after the scratch database it owns objects in, which the caller drops first)."""
    role = _LoadRole(f"twinschema_load_{uuid.uuid4().hex[:12]}", secrets.token_urlsafe(24))
    with _privileged(server_url, connect_timeout) as conn:
        try:
            _create_role(conn, role)
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot create a role to load {label} as, on {redact(server_url)}: "
                f"{scrub(_pg_message(exc), parse_url(server_url).password)} (a SQL file is loaded "
                "as a role of its own that can build only in its scratch database: the scratch "
                "server's role needs CREATEROLE and CREATEDB)"
            ) from None
    failed = True
    try:
        yield role
        failed = False
    finally:
        try:
            with _privileged(server_url, connect_timeout) as conn:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role.name)))
        except (psycopg.Error, DatabaseError) as exc:
            if not failed:  # never hide the error that ended the block
                raise DatabaseError(
                    f"cannot drop the role {role.name} that loaded {label}, on "
                    f"{redact(server_url)}: {scrub(_pg_message(exc), parse_url(server_url).password)}"
                ) from None


def _create_role(conn: psycopg.Connection[Any], role: _LoadRole) -> None:
    """CREATE ROLE with the password encrypted here (the server's log never sees it); a
    privileged role that is not a superuser is made a member, to hand schemas to the new role."""
    encrypted = conn.pgconn.encrypt_password(role.password.encode(), role.name.encode())
    conn.execute(
        sql.SQL(
            "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
            "NOINHERIT PASSWORD {}"
        ).format(sql.Identifier(role.name), sql.Literal(encrypted.decode()))
    )
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = superuser.fetchone()
    if not (row and row[0]):
        conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role.name)))


def _prepare(
    admin_url: str,
    role: _LoadRole,
    extensions: list[Extension],
    schemas: list[str],
    connect_timeout: float,
    label: str,
    lines: LineIndex,
) -> None:
    """Before the load role connects: create the file's allowed extensions (and the schemas
    that hold them), then give the load role the schemas and the right to create in the
    scratch database."""
    database = parse_url(admin_url).database or ""
    with _privileged(admin_url, connect_timeout) as conn:
        for schema in schemas:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        available = {name for (name,) in conn.execute("SELECT name FROM pg_available_extensions")}
        for extension in extensions:
            line = lines.line(extension.offset)
            if extension.name not in available:
                # Said before PostgreSQL's own error, which names a control file's path in the
                # server's installation (stranger58 013: the embedded server has no citext).
                raise UsageError(
                    f"{label}:{line}: extension {extension.name!r} is not installed on the "
                    "scratch PostgreSQL server (the embedded one has only plpgsql and vector); "
                    "set TWINSCHEMA_SCRATCH_URL to a server that has it"
                )
            try:
                conn.execute(create_extension(extension))
            except psycopg.Error as exc:
                raise UsageError(f"{label}:{line}: {_pg_message(exc)}") from None
        public = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").fetchone()
        for schema in [*schemas, *(["public"] if public else [])]:
            conn.execute(
                sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role.name)
                )
            )
        conn.execute(
            sql.SQL("GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(database), sql.Identifier(role.name)
            )
        )


def _server_facts(server_url: str, connect_timeout: float) -> tuple[int, frozenset[str]]:
    """The scratch server's ``server_version_num`` and the names of its settings, folded as a
    ``SET`` folds them (``SET TimeZone`` sets ``TimeZone``), read before anything is created: a
    dump from a newer major is refused, a setting it lacks skipped."""
    with _privileged(server_url, connect_timeout) as conn:
        names = frozenset(row[0] for row in conn.execute("SELECT lower(name) FROM pg_settings"))
        return conn.info.server_version, names


@contextmanager
def _privileged(url: str, connect_timeout: float) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection as the server URL's own role, closed after the block."""
    conn = _connect(url, connect_timeout)
    try:
        yield conn
    finally:
        conn.close()


def _connect(url: str, connect_timeout: float, login: str | None = None) -> psycopg.Connection[Any]:
    """An autocommit connection, as psql runs a script; a failure (or no answer within
    ``connect_timeout`` seconds) is a ``DatabaseError``. ``login`` names the file when this
    is the load role logging in, so the message says why a new role must be let in."""
    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs

    options = ReflectOptions(connect_timeout=connect_timeout)
    try:
        return psycopg.connect(**connect_kwargs(parse_url(url), options), autocommit=True)
    except psycopg.Error as exc:
        reason = scrub(" ".join(str(exc).split()), parse_url(url).password)
        if login is None:
            raise DatabaseError(f"cannot connect to {redact(url)}: {reason}") from None
        raise DatabaseError(
            f"cannot log in to the scratch database as the role made to load {login} "
            f"({redact(url)}): {reason} (the server must let a new role log in with a password)"
        ) from None


def _execute_pieces(
    conn: psycopg.Connection[Any],
    text: str,
    pieces: list[Piece],
    label: str,
    url: str,
    timeout: float = LOAD_TIMEOUT_SECONDS,
) -> None:
    lines = LineIndex(text)
    password = parse_url(url).password
    # A statement that never ends (pg_sleep, a recursive query) is cancelled from outside at the
    # deadline: a setting the file could SET back, statement_timeout, would not hold it.
    fired = threading.Event()

    def stop() -> None:
        fired.set()  # before the cancel: the error it causes may reach the loader first
        conn.cancel()

    deadline = threading.Timer(timeout, stop)
    deadline.daemon = True
    deadline.start()
    try:
        _run_pieces(conn, text, pieces, label, url, lines, password, fired, timeout)
    finally:
        deadline.cancel()


def _run_pieces(
    conn: psycopg.Connection[Any],
    text: str,
    pieces: list[Piece],
    label: str,
    url: str,
    lines: LineIndex,
    password: str | None,
    fired: threading.Event,
    timeout: float,
) -> None:
    for piece in pieces:
        try:
            with conn.cursor() as cur:
                if isinstance(piece, Copy):
                    with cur.copy(piece.statement) as copy:
                        if piece.to_stdout:
                            for _ in copy:
                                pass
                        else:
                            copy.write(piece.data)
                elif piece.statements:
                    cur.execute(piece.sql(text))
        except psycopg.Error as exc:
            if fired.is_set():  # the deadline's cancel, whatever error it surfaced as
                raise UsageError(
                    f"{label}: loading took longer than {timeout:g} s and was stopped (a "
                    "statement that never ends, such as pg_sleep)"
                ) from None
            if conn.broken:
                raise DatabaseError(
                    f"{label}: the connection to {redact(url)} was lost while loading: "
                    f"{scrub(str(exc).strip(), password)}"
                ) from None
            line = _failing_line(conn, text, piece, exc, lines)
            message = scrub(_pg_message(exc), password)
            if isinstance(exc, psycopg.errors.InsufficientPrivilege):
                message += (
                    "; refused: a SQL file is loaded as a role that may only build a schema in "
                    "its scratch database"
                )
            raise UsageError(f"{label}:{line}: {message}") from None


def _pg_message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    return f"{primary} ({detail})" if detail else primary


def _failing_line(
    conn: psycopg.Connection[Any], text: str, piece: Piece, exc: Exception, lines: LineIndex
) -> str:
    """The line (or range) of the file where the failing statement or COPY row is."""
    diag = getattr(exc, "diag", None)
    if isinstance(piece, Copy):
        row = re.search(r"\bline (\d+)", getattr(diag, "context", None) or "")
        if row and not piece.to_stdout:
            return str(lines.line(piece.data_start) + int(row.group(1)) - 1)
        return str(lines.line(piece.start))
    position = getattr(diag, "statement_position", None)
    if position:  # 1-based, in characters, into the text sent: the run
        return str(lines.line(piece.start + int(position) - 1))
    if len(piece.statements) == 1:
        return str(lines.line(piece.statements[0][0]))
    if not piece.transaction_control and _replay_is_bounded(conn, text, piece, exc):
        # The run was one implicit transaction, rolled back whole: replay it one statement at a
        # time in a transaction that is rolled back too, to find the statement that fails.
        found = _replay(conn, text, piece)
        if found is not None:
            return str(lines.line(found))
    first = lines.line(piece.statements[0][0]) if piece.statements else lines.line(piece.start)
    return f"{first}-{lines.line(max(piece.end - 1, piece.start))}"


def _replay_is_bounded(conn: psycopg.Connection[Any], text: str, run: Run, exc: Exception) -> bool:
    """Whether replaying the run ends as soon as its first run did. A run cancelled from outside
    (pg_cancel_backend, an administrator; the load's own deadline is dealt with before) would
    run its statements again, as long again (a pg_sleep(100): 100 s more, for the same
    'canceling statement' and no line): it is replayed only under a statement_timeout, the
    session's or one the run itself sets (rolled back with it, set again by the replay), which
    ends the replay as it ended the run. Not replayed, the error names the run's lines."""
    if not isinstance(exc, psycopg.errors.QueryCanceled):
        return True
    if "statement_timeout" in text[run.start : run.end].lower():
        return True
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        return False  # _replay would not replay it either
    try:
        row = conn.execute("SELECT current_setting('statement_timeout')").fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] != "0"


def _replay(conn: psycopg.Connection[Any], text: str, run: Run) -> int | None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        return None  # inside the file's own transaction: nothing to replay in isolation
    try:
        with conn.transaction(force_rollback=True), conn.cursor() as cur:
            for start, end in run.statements:
                try:
                    cur.execute(text[start:end])
                except psycopg.Error:
                    return start
    except psycopg.Error:
        return None
    return None
