"""``twinschema migrate``: bring one side's database to the head of its Alembic chain.

Alembic is configured in code, never from an ``alembic.ini``: ``alembic_config`` points
``script_location`` at ``[tool.twinschema.<dialect>].migrations`` and hands the database to the
chain's ``env.py`` through ``Config.attributes`` (so a URL with a password is never written to a
file, and never printed: output names databases with ``urls.redact``):

* ``attributes["connection"]``: an open SQLAlchemy connection to run on (online mode); the caller
  owns its transaction, so a later lock or check can share it;
* ``attributes["url"]``: the URL, for offline ``--sql`` rendering (and online when no connection
  is given).

The steps are small functions so later commands can build on them: ``resolve_target`` (which
database), ``alembic_config`` (a chain's Config), ``head_revision`` / ``current_revisions``
(where a chain and a database are), ``upgrade`` / ``downgrade`` / ``render_sql`` (do it, or show
it), and ``migrate`` (the command: all of the above, reported in lines).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy.engine import URL

from twinschema import embedded
from twinschema.config import Config
from twinschema.errors import DatabaseError, TwinschemaError, UsageError
from twinschema.urls import dialect_of, parse_url, redact, scrub

# The two sides of the application, as the command line names them.
SIDES: Mapping[str, str] = {"local": "sqlite", "remote": "postgresql"}

HEAD = "head"
BASE = "base"


@dataclass(frozen=True)
class Target:
    """A database to migrate: its dialect, its URL (with any secret) and its redacted label."""

    dialect: str
    url: URL
    note: str | None = None  # said once before anything else, e.g. that the embedded server is used

    @property
    def label(self) -> str:
        """The URL without secrets, for every line of output."""
        return redact(self.url)

    @property
    def secret_url(self) -> str:
        """The URL with its password, for the driver only: never print it."""
        return self.url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Outcome:
    """What ``migrate`` did (or, in a dry run, would do)."""

    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    head: str | None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """True when the database moved (or, in a dry run, would move)."""
        return self.before != self.after

    def describe(self) -> str:
        """One line: ``<url>: upgraded from base to 0001 (head)`` or ``... already at ...``."""
        after = _revs(self.after) + (" (head)" if self.after == (self.head,) else "")
        if not self.changed:
            return f"{self.label}: already at {after}; nothing to do"
        verb = "would upgrade" if self.dry_run else "upgraded"
        return f"{self.label}: {verb} from {_revs(self.before)} to {after}"


def _revs(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else BASE


# ---------------------------------------------------------------------------------------------
# Which database


def side_dialect(side: str) -> str:
    """``sqlite`` for ``local``, ``postgresql`` for ``remote``."""
    try:
        return SIDES[side]
    except KeyError:
        raise UsageError(f"unknown side {side!r}: use one of {', '.join(SIDES)}") from None


@contextmanager
def resolve_target(
    config: Config, dialect: str, environ: Mapping[str, str] | None = None
) -> Iterator[Target]:
    """The database of ``dialect``: its configured URL, or for PostgreSQL with none, the embedded
    server (started for the block, stopped after it unless it was already running)."""
    text = config.env_url(dialect, environ)
    env_name = config.side(dialect).url_env or "a database URL"
    if text is not None:
        url = parse_url(text)
        if dialect_of(url) != dialect:
            raise UsageError(
                f"{env_name} is a {dialect_of(url)} URL ({redact(url)}), but this side is {dialect}"
            )
        yield Target(dialect, url)
        return
    if dialect != "postgresql":
        raise UsageError(f"no {dialect} database: set {env_name}")
    server = embedded.start(config.embedded_dir)
    try:
        note = f"{env_name} is not set: using the embedded PostgreSQL in {_shown(config)}"
        yield Target(dialect, parse_url(server.url()), note=note)
    finally:
        server.stop()


def _shown(config: Config) -> str:
    try:
        return str(config.embedded_dir.relative_to(config.root))
    except ValueError:
        return str(config.embedded_dir)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


# ---------------------------------------------------------------------------------------------
# Alembic, configured in code


def alembic_config(
    config: Config,
    dialect: str,
    *,
    url: URL | None = None,
    connection: sa.Connection | None = None,
    output: TextIO | None = None,
) -> AlembicConfig:
    """The Alembic ``Config`` of ``dialect``'s chain, with no ini file; see the module docstring."""
    folder = config.side(dialect).migrations
    if folder is None:
        raise UsageError(f"{config.source}: [tool.twinschema.{dialect}] sets no 'migrations'")
    if not (folder / "env.py").is_file():
        raise UsageError(f"{folder}: not an Alembic environment (no env.py)")
    _importable(config.root)
    cfg = AlembicConfig(output_buffer=output, stdout=output or sys.stdout)
    # Values go through configparser interpolation: a literal % must be doubled.
    cfg.set_main_option("script_location", str(folder).replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(rev)s")  # versions/<revision id>.py
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["dialect"] = dialect
    if url is not None:
        cfg.attributes["url"] = url.render_as_string(hide_password=False)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _importable(root: Path) -> None:
    """The project root on ``sys.path``: each env.py imports the application's ``schemas``."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


def script_directory(cfg: AlembicConfig) -> ScriptDirectory:
    """The chain's revisions."""
    try:
        return ScriptDirectory.from_config(cfg)
    except CommandError as exc:
        raise UsageError(f"Alembic: {exc}") from None


def head_revision(cfg: AlembicConfig) -> str | None:
    """The chain's single head (None for an empty chain); several heads are an error."""
    heads = script_directory(cfg).get_heads()
    if len(heads) > 1:
        folder = cfg.get_main_option("script_location")
        raise UsageError(
            f"{folder}: the chain has {len(heads)} heads ({', '.join(sorted(heads))}); "
            "merge them with `alembic merge` first"
        )
    return heads[0] if heads else None


def current_revisions(connection: sa.Connection) -> tuple[str, ...]:
    """The revisions a database is at (empty at base, i.e. no ``alembic_version`` row)."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def is_behind(cfg: AlembicConfig, current: tuple[str, ...], target: str) -> bool:
    """True when ``target`` is an ancestor of ``current``: reaching it would mean a downgrade."""
    if not current or target == HEAD:
        return False
    script = script_directory(cfg)
    try:
        target_rev = script.get_revision(target)
        if target_rev is None:  # "base"
            return True
        ancestors = {rev.revision for head in current for rev in script.walk_revisions(BASE, head)}
    except (CommandError, RevisionError) as exc:
        raise UsageError(f"Alembic: {exc}") from None
    return target_rev.revision in ancestors and target_rev.revision not in current


def upgrade(cfg: AlembicConfig, target: str = HEAD) -> None:
    """Upgrade on ``cfg.attributes["connection"]`` (or its URL) to ``target``."""
    command.upgrade(cfg, target)


def downgrade(cfg: AlembicConfig, target: str = BASE) -> None:
    """Downgrade on ``cfg.attributes["connection"]`` (or its URL) to ``target``."""
    command.downgrade(cfg, target)


def render_sql(cfg: AlembicConfig, current: tuple[str, ...], target: str = HEAD) -> None:
    """Write the SQL of the upgrade from ``current`` to ``target`` to the config's output buffer
    (Alembic's offline mode: nothing is sent to a database)."""
    if len(current) > 1:
        raise UsageError(f"the database is at several revisions ({_revs(current)}); cannot render")
    start = f"{current[0]}:" if current else ""
    command.upgrade(cfg, start + target, sql=True)


# ---------------------------------------------------------------------------------------------
# Connections, with errors a user can act on


@contextmanager
def connect(target: Target, *, create: bool = True) -> Iterator[sa.Connection]:
    """A connection in a transaction (committed at the end of the block) to ``target``.

    For SQLite, ``create`` makes the file's folder; without it a missing file is an error.
    """
    if target.dialect == "sqlite":
        path = sqlite_path(target.url)
        if path is not None and create:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif path is not None and not path.exists():
            raise DatabaseError(f"{target.label}: no such SQLite file")
    engine = sa.create_engine(target.secret_url, poolclass=sa.pool.NullPool)
    try:
        try:
            connection = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise DatabaseError(f"cannot connect to {target.label}: {_reason(exc)}") from None
        with connection, connection.begin():
            try:
                yield connection
            except sa.exc.DBAPIError as exc:
                raise DatabaseError(f"{target.label}: {_reason(exc)}") from None
    finally:
        engine.dispose()


def _reason(exc: sa.exc.DBAPIError) -> str:
    """The driver's message, first line only, with any secret removed."""
    lines = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
    return scrub(lines[0])


# ---------------------------------------------------------------------------------------------
# The command


def migrate(
    config: Config,
    side: str,
    *,
    to: str = HEAD,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
    output: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> Outcome:
    """Upgrade ``side`` (``local`` or ``remote``) to ``to``, reporting in lines through ``echo``.

    A dry run prints the SQL to ``output`` (stdout) instead, prefixing the report lines with
    ``-- `` so that the whole output stays valid SQL, and changes nothing.
    """
    dialect = side_dialect(side)
    say = (lambda line: echo(f"-- {line}")) if dry_run else echo
    with resolve_target(config, dialect, environ) as target:
        if target.note:
            say(target.note)
        try:
            if dry_run:
                outcome = _dry_run(config, target, to, output)
            else:
                outcome = _upgrade(config, target, to)
        except (CommandError, RevisionError) as exc:
            raise UsageError(f"{target.label}: Alembic: {scrub(str(exc))}") from None
        except TwinschemaError:
            raise
        except sa.exc.DBAPIError as exc:
            raise DatabaseError(f"{target.label}: {_reason(exc)}") from None
    say(outcome.describe())
    return outcome


def _upgrade(config: Config, target: Target, to: str) -> Outcome:
    with connect(target) as connection:
        cfg = alembic_config(config, target.dialect, url=target.url, connection=connection)
        head = head_revision(cfg)
        before = current_revisions(connection)
        _refuse_downgrade(cfg, target, before, to)
        if to in before or (to == HEAD and before == (head,)):
            after = before
        else:
            upgrade(cfg, to)
            after = current_revisions(connection)
    return Outcome(target.label, before, after, head)


def _dry_run(config: Config, target: Target, to: str, output: TextIO | None) -> Outcome:
    path = sqlite_path(target.url) if target.dialect == "sqlite" else None
    if path is not None and not path.exists():
        before: tuple[str, ...] = ()  # connecting would create the file: a dry run must not
    else:
        with connect(target, create=False) as connection:
            before = current_revisions(connection)
    cfg = alembic_config(config, target.dialect, url=target.url, output=output)
    head = head_revision(cfg)
    _refuse_downgrade(cfg, target, before, to)
    resolved = head if to == HEAD else script_directory(cfg).get_revision(to)
    wanted = resolved if isinstance(resolved, str) or resolved is None else resolved.revision
    if wanted is None or wanted in before:
        return Outcome(target.label, before, before, head, dry_run=True)
    render_sql(cfg, before, to)
    return Outcome(target.label, before, (wanted,), head, dry_run=True)


def _refuse_downgrade(cfg: AlembicConfig, target: Target, before: tuple[str, ...], to: str) -> None:
    if is_behind(cfg, before, to):
        raise UsageError(
            f"{target.label}: is at {_revs(before)}, past {to}; `twinschema migrate` only "
            "upgrades (downgrade deliberately, with Alembic)"
        )
