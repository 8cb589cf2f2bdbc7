"""Which PostgreSQL database expressions run on (``PostgreSQLScratch``), picked on first need:
``TWINSCHEMA_SCRATCH_URL``, the server the caller names, or the embedded server; never a
database being checked."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from twinschema.evaluate.backends import Backend, first_line
from twinschema.evaluate.pg_backend import PostgreSQLBackend

EVALUATION_DATABASE = "twinschema_evaluate"


class PostgreSQLScratch:
    """Makes the PostgreSQL backend on first need: on the database ``EVALUATION_DATABASE`` of
    ``server_url`` (when None, the server ``scratch.server`` picks: ``TWINSCHEMA_SCRATCH_URL``
    or the embedded one), or on ``database_url`` as it is (a database that is already a scratch
    one, as the test corpus uses). Never on a database being checked."""

    def __init__(
        self,
        *,
        config: Any = None,
        server_url: str | None = None,
        database_url: str | None = None,
        connect_timeout: float = 10.0,
        embedded: bool = False,
    ) -> None:
        self.config = config
        self.server_url, self.database_url = server_url, database_url
        self.connect_timeout = connect_timeout
        self.embedded = embedded

    def at_hand(self) -> bool:
        """True when a scratch server is named, or the embedded one may serve without starting
        a server for these expressions alone: ``embedded`` (the run starts it anyway, for the
        migrations layer's scratch databases) or already running (``twinschema db start``)."""
        if self.server_url is not None or self.database_url is not None:
            return True
        if self.config is None:
            return False
        from twinschema.servers import embedded

        return self.embedded or embedded.is_running(self.config.embedded_dir)

    def open(self, stack: ExitStack) -> Backend:
        """The backend (closed with ``stack``); a server that cannot be reached, or refuses
        to make the evaluation database, is a one-line ``DatabaseError``."""
        import psycopg

        from twinschema.servers import scratch
        from twinschema.urls import redact

        url = self.database_url
        if url is None:
            server = self.server_url
            if server is None:
                server = stack.enter_context(scratch.server(self.config))
            url = self._evaluation_url(server)
            where = f"PostgreSQL {EVALUATION_DATABASE} on {redact(server)}"
            # One connection when the database is there (every run but the first on a server);
            # any failure but a server that does not answer is retried the long way: through
            # the server, making the database if it is missing (libpq gives no SQLSTATE for a
            # connection refused, so "it does not exist" cannot be told from the error).
            try:
                backend = PostgreSQLBackend(url, where, connect_timeout=self.connect_timeout)
            except psycopg.errors.ConnectionTimeout as exc:
                raise self._unusable(server, exc) from None
            except psycopg.Error:
                self._evaluation_database(server)
                backend = self._connect(url, where)
        else:
            where = f"PostgreSQL scratch database {redact(url)}"
            backend = self._connect(url, where)
        stack.callback(backend.close)
        return backend

    def _connect(self, url: str, where: str) -> PostgreSQLBackend:
        import psycopg

        from twinschema.errors import DatabaseError

        try:
            return PostgreSQLBackend(url, where, connect_timeout=self.connect_timeout)
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to the {where}: {first_line(exc)}") from None

    def _evaluation_url(self, server: str) -> str:
        from twinschema.urls import parse_url

        return (
            parse_url(server)
            .set(database=EVALUATION_DATABASE)
            .render_as_string(hide_password=False)
        )

    def _evaluation_database(self, server: str) -> None:
        """Make ``EVALUATION_DATABASE`` on ``server`` if it does not exist yet."""
        import psycopg

        from twinschema.dialects import ReflectOptions
        from twinschema.dialects.postgresql import connect_kwargs
        from twinschema.urls import parse_url

        base = parse_url(server)
        options = ReflectOptions(connect_timeout=self.connect_timeout)
        try:
            with psycopg.connect(**connect_kwargs(base, options), autocommit=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (EVALUATION_DATABASE,)
                ).fetchone()
                if found is None:
                    try:
                        conn.execute(f'CREATE DATABASE "{EVALUATION_DATABASE}"')
                    except psycopg.errors.DuplicateDatabase:
                        pass  # another run made it meanwhile
                    except psycopg.errors.UniqueViolation:
                        pass  # the same race, seen in pg_database's unique index
        except psycopg.Error as exc:
            raise self._unusable(server, exc) from None

    @staticmethod
    def _unusable(server: str, exc: BaseException) -> Exception:
        """The one-line error of a scratch server where the evaluation database cannot be had."""
        from twinschema.errors import DatabaseError
        from twinschema.urls import redact

        return DatabaseError(
            f"cannot use {EVALUATION_DATABASE} on the scratch server {redact(server)}: "
            f"{first_line(exc)} (point TWINSCHEMA_SCRATCH_URL at a server where the role "
            "may create databases, or pass --no-evaluate)"
        )
