"""Which PostgreSQL database expressions run on (``PostgreSQLScratch``), picked on first need:
``TWINSCHEMA_SCRATCH_URL``, the server the caller names, or the embedded server; never a
database being checked."""

from __future__ import annotations

import contextlib
from contextlib import ExitStack
from typing import Any

from twinschema.evaluate.backends import Backend, first_line
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.model import DatabaseLocale

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
        # The server and the database URL ``open`` used: a database with a checked database's
        # locale is made on the same server (``LocalizedScratch``).
        self.opened: tuple[str, str] | None = None

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
            server = url
            where = f"PostgreSQL scratch database {redact(url)}"
            backend = self._connect(url, where)
        self.opened = (server, url)
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


class LocalizedScratch(PostgreSQLScratch):
    """The PostgreSQL backend on a scratch database with a checked database's locale (its
    LC_COLLATE, LC_CTYPE and ICU locale), made from template0 on the server ``server`` once and
    kept, as ``EVALUATION_DATABASE`` is: lower('É') is 'É' under LC_CTYPE C and 'é' under
    C.UTF-8 (stranger84 003). A server that cannot make that locale gives the database at
    ``fallback_url`` (the scratch server's own locale), and its ``where`` says so: the verdicts
    that depend on the locale were judged under another one."""

    def __init__(
        self,
        server: str,
        fallback_url: str,
        locale: DatabaseLocale,
        scratch_locale: DatabaseLocale | None,
        *,
        connect_timeout: float = 10.0,
    ) -> None:
        super().__init__(server_url=server, connect_timeout=connect_timeout)
        self.fallback_url = fallback_url
        self.locale, self.scratch_locale = locale, scratch_locale

    def at_hand(self) -> bool:
        """Always: the server answered for the scratch database this one stands beside."""
        return True

    def open(self, stack: ExitStack) -> Backend:
        """The backend on the database of this locale (made if missing), else on the fallback
        database with a ``where`` that says under which locale it judges."""
        import psycopg

        from twinschema.dialects.postgresql_locale import database_suffix
        from twinschema.urls import parse_url, redact

        server = self.server_url or ""
        name = f"{EVALUATION_DATABASE}_{database_suffix(self.locale)}"
        url = parse_url(server).set(database=name).render_as_string(hide_password=False)
        where = f"PostgreSQL {name} on {redact(server)}, under {self.locale.describe()}"
        try:
            backend = PostgreSQLBackend(url, where, connect_timeout=self.connect_timeout)
        except psycopg.Error:
            refused = self._localized_database(server, name)
            if refused is None:
                backend = self._connect(url, where)
            else:
                scratch = self.scratch_locale.describe() if self.scratch_locale else "unknown"
                where = (
                    f"PostgreSQL scratch database {redact(self.fallback_url)}, under {scratch}, "
                    f"not the checked database's {self.locale.describe()} (the scratch server "
                    f"cannot make it: {refused}): what lower(), upper(), ILIKE or text order "
                    "give there was judged under the scratch server's locale"
                )
                backend = self._connect(self.fallback_url, where)
        stack.callback(backend.close)
        return backend

    def _localized_database(self, server: str, name: str) -> str | None:
        """Make database ``name`` with this locale on ``server`` if it does not exist; the
        server's refusal in one line, or None when it is there."""
        import psycopg

        from twinschema.dialects import ReflectOptions
        from twinschema.dialects.postgresql import connect_kwargs
        from twinschema.dialects.postgresql_locale import create_clauses
        from twinschema.urls import parse_url

        options = ReflectOptions(connect_timeout=self.connect_timeout)
        try:
            with psycopg.connect(
                **connect_kwargs(parse_url(server), options), autocommit=True
            ) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
                ).fetchone()
                made = psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
                if found is None:
                    with contextlib.suppress(*made):  # another run made it meanwhile
                        sql = f'CREATE DATABASE "{name}" {create_clauses(self.locale)}'
                        conn.execute(sql.encode())
        except psycopg.Error as exc:
            return first_line(exc)
        return None
