"""``[tool.twinschema]`` in ``pyproject.toml``: where the domain, the metadata modules, the
migration chains and the databases of each dialect are.

Which database each side is (``Config.database``, the one place that decides it): the command-line
flag (``--sqlite-url`` / ``--postgres-url``), then the side's environment variable
(``LOCAL_DATABASE_URL`` / ``DATABASE_URL`` in any project; ``url_env`` replaces it), then
``default_url``; for PostgreSQL with none of these, the embedded server. A flag whose scheme does
not fit its side is refused (exit 2); a variable whose scheme does not fit is ignored, with a
notice. Which side a URL is for, and a relative ``default_url``, are ``url_sides``'.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from twinschema.config.url_sides import (
    meant_dialect as meant_dialect,
    named_file,
    resolve_sqlite_default,
    scheme_dialect,
)
from twinschema.config.values import (
    UnknownKey,
    check_keys,
    read_toml,
    seconds,
    string,
    strings,
)
from twinschema.dialects import DEFAULT_EXCLUDE, ReflectOptions
from twinschema.errors import UsageError
from twinschema.paths import shown, user_cache_dir
from twinschema.records import DIALECTS
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.urls import parse_url, redact, sqlite_file

# The two sides of the application, as `twinschema migrate local|remote` names them.
SIDES: Mapping[str, str] = {"local": "sqlite", "remote": "postgresql"}
SIDE_OF: Mapping[str, str] = {dialect: side for side, dialect in SIDES.items()}
# The variable each side reads when its table sets no ``url_env``, and the flag that names it.
DEFAULT_URL_ENV: Mapping[str, str] = {"sqlite": "LOCAL_DATABASE_URL", "postgresql": "DATABASE_URL"}
URL_FLAG: Mapping[str, str] = {"sqlite": "--sqlite-url", "postgresql": "--postgres-url"}
# Where a side's database came from (``Database.origin``) when neither a flag nor a variable named it.
DEFAULT_URL, EMBEDDED, NOWHERE = "default_url", "embedded", "nowhere"

_TOP_KEYS = (
    "domain",
    "postgres_schema",
    "exclude",
    "embedded_dir",
    "sqlite",
    "postgresql",
    "migrate_lock_timeout",
    "connect_timeout",
    "busy_timeout",
    "lock_timeout",
    "fail_on",
)
# The warning kinds ``fail_on`` may turn into failures.
FAIL_ON_KINDS = ("value_compatibility",)
_DIALECT_KEYS = ("metadata", "migrations", "url_env", "default_url", "exclude")


@dataclass(frozen=True)
class DialectConfig:
    """The configuration of one dialect's side of the application."""

    dialect: str
    metadata: str | None = None  # "package.module:attribute"
    migrations: Path | None = None
    url_env: str | None = None
    default_url: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Database:
    """Which database a side is, and why: ``url`` (None for the embedded server, or for a side
    with no database at all), ``origin`` (the flag or variable that named it, ``default_url``,
    ``embedded`` or ``nowhere``), ``owned`` (the project's own database under ``var/``: the
    embedded server or the ``default_url`` file, which ``make check-sync`` may migrate), and
    ``note``: the one line to say before using it (a variable ignored, the embedded server used)."""

    dialect: str
    url: str | None
    origin: str
    owned: bool = False
    note: str | None = None
    ignored: str | None = None  # the variable of the wrong scheme that was ignored, said alone

    @property
    def named(self) -> bool:
        """True when a flag or an environment variable named the database: the user's own."""
        return self.origin not in (DEFAULT_URL, EMBEDDED, NOWHERE)


@dataclass(frozen=True)
class Config:
    """The whole ``[tool.twinschema]`` table, with paths resolved against the project root."""

    root: Path
    domain: Path | None = None
    postgres_schema: str = "public"
    exclude: tuple[str, ...] = ()
    embedded_dir: Path = Path("var/pg")
    migrate_lock_timeout: float = 60.0
    # Seconds a check waits for PostgreSQL to answer a connection, and for a locked SQLite file.
    connect_timeout: float = 10.0
    busy_timeout: float = 5.0
    # Seconds a PostgreSQL read waits for a table lock (a migration's ACCESS EXCLUSIVE).
    lock_timeout: float = 5.0
    # Warning kinds that fail the check (``value_compatibility``: a value the device stores and
    # the server rejects, the direction that breaks a push).
    fail_on: tuple[str, ...] = ()
    dialects: Mapping[str, DialectConfig] = field(default_factory=dict)
    source: str = "pyproject.toml"
    # False when no pyproject.toml was found at or above the folder, or it has no [tool.twinschema].
    project: bool = True

    def side(self, dialect: str) -> DialectConfig:
        """The configuration of ``dialect`` (empty when the project does not configure it)."""
        return self.dialects.get(dialect) or DialectConfig(dialect)

    def reflect_options(self, dialect: str) -> ReflectOptions:
        """How every command reads a database of ``dialect``: the PostgreSQL schema, the tables
        left out (tools' own, plus the configured patterns) and the timeouts."""
        return ReflectOptions(
            schema=self.postgres_schema,
            exclude=(*DEFAULT_EXCLUDE, *self.exclude, *self.side(dialect).exclude),
            connect_timeout=self.connect_timeout,
            busy_timeout=self.busy_timeout,
            lock_timeout=self.lock_timeout,
        )

    def url_env_name(self, dialect: str) -> str:
        """The environment variable that names ``dialect``'s database: ``url_env`` when set,
        else ``LOCAL_DATABASE_URL`` (SQLite) or ``DATABASE_URL`` (PostgreSQL), in any project."""
        return self.side(dialect).url_env or DEFAULT_URL_ENV[dialect]

    def database(
        self, dialect: str, flag: str | None = None, environ: Mapping[str, str] | None = None
    ) -> Database:
        """Which database ``dialect``'s side is: ``flag``, else the side's variable, else
        ``default_url``, else (PostgreSQL) the embedded server. A flag of the other dialect is a
        ``UsageError``; a variable of another side or system is ignored and ``note`` says so, but
        one holding this side's database in a refused form (``meant_dialect``) is refused too."""
        if flag:
            if scheme_dialect(flag) is None:
                parse_url(flag)  # an unsupported scheme: its own error, naming the scheme
            if scheme_dialect(flag) != dialect:
                raise UsageError(
                    f"{URL_FLAG[dialect]} {redact(flag)} is not a {DIALECT_NAMES[dialect]} URL"
                )
            return Database(dialect, named_file(flag, URL_FLAG[dialect]), URL_FLAG[dialect])
        env = os.environ if environ is None else environ
        name = self.url_env_name(dialect)
        text = (env.get(name) or "").strip()  # a stray space from a .env file is no new URL
        ignored = None
        if text:
            if scheme_dialect(text) == dialect:
                return Database(dialect, named_file(text, name), name)
            if meant_dialect(text) == dialect:
                # This side's database written in a form twinschema refuses (libpq key=value, a
                # misspelt scheme): refused as the flag is, never replaced by another database.
                try:
                    parse_url(text)
                except UsageError as exc:
                    raise UsageError(f"{name}: {exc}") from None
            ignored = f"{name} ({redact(text)}) is not a {DIALECT_NAMES[dialect]} URL: ignored"
        chosen = self._unnamed(dialect, ignored or f"{name} is not set", bool(ignored))
        return replace(chosen, ignored=ignored)

    def _unnamed(self, dialect: str, why: str, say_why: bool) -> Database:
        """The side's database when no flag or variable names one (``why`` says so)."""
        default = self.side(dialect).default_url
        if default:
            url = resolve_sqlite_default(default, self.root)
            if scheme_dialect(url) != dialect and meant_dialect(url) == dialect:
                try:  # this side's database in a refused form: the URL to write, as a variable's
                    parse_url(url)
                except UsageError as exc:
                    raise UsageError(
                        f"{self.source} [tool.twinschema.{dialect}] default_url: {exc}"
                    ) from None
            if scheme_dialect(url) != dialect:
                raise UsageError(
                    f"{self.source} [tool.twinschema.{dialect}] default_url {redact(url)} is not "
                    f"a {DIALECT_NAMES[dialect]} URL"
                )
            note = f"{why}; using {redact(url)} (default_url)" if say_why else None
            return Database(dialect, url, DEFAULT_URL, owned=self._owns(url), note=note)
        if dialect == "postgresql":
            where = shown(self.embedded_dir, self.root)
            note = f"{why}{'; ' if say_why else ': '}using the embedded PostgreSQL in {where}"
            return Database(dialect, None, EMBEDDED, owned=True, note=note)
        return Database(dialect, None, NOWHERE, note=why if say_why else None)

    def _owns(self, url: str) -> bool:
        """True for a SQLite file under the project's ``var/`` (where twinschema keeps what it
        creates): a database the project owns, not the user's."""
        try:
            path = sqlite_file(parse_url(url))
        except UsageError:
            return False
        if path.startswith(":"):
            return False
        return Path(path).resolve().is_relative_to(self.var.resolve())

    @property
    def var(self) -> Path:
        """The project's ``var/``: what twinschema keeps (the migrations cache, the
        ``default_url`` file, the embedded server's data), ignored by git (``make_kept_folder``)."""
        return self.root / "var"

    def env_url(self, dialect: str, environ: Mapping[str, str] | None = None) -> str | None:
        """The database URL of ``dialect`` from its environment variable or its default, if any
        (see ``database``; None for the embedded server or no database)."""
        return self.database(dialect, None, environ).url


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (the working directory by default)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None) -> Config:
    """Read ``[tool.twinschema]``; without a pyproject.toml, an empty configuration at the cwd."""
    pyproject = path or find_pyproject()
    if pyproject is None:
        return Config(root=Path.cwd(), embedded_dir=user_embedded_dir(), project=False)
    label = str(pyproject)
    try:
        text = pyproject.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{label}: configuration file not found") from None
    data = read_toml(label, text)
    table = data.get("tool", {}).get("twinschema")
    if table is None:
        return Config(
            root=pyproject.parent, source=label, embedded_dir=user_embedded_dir(), project=False
        )
    try:
        return _parse(table, pyproject.parent, label)
    except UnknownKey as exc:
        raise UsageError(exc.located(text)) from None


def user_embedded_dir() -> Path:
    """The embedded PostgreSQL's data folder outside a project (no ``[tool.twinschema]``): in
    the user's cache folder (``paths.user_cache_dir``), never a ``var/`` made in whatever folder
    the command runs in."""
    return user_cache_dir() / "pg"


def _parse(table: Any, root: Path, label: str) -> Config:
    where = f"{label} [tool.twinschema]"
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table")
    check_keys(table, _TOP_KEYS, where, _TOP_KEYS)
    dialects = {
        name: _dialect(name, table[name], root, f"{label} [tool.twinschema.{name}]")
        for name in DIALECTS
        if name in table
    }
    domain = table.get("domain")
    return Config(
        root=root,
        domain=root / string(domain, where, "domain") if domain else None,
        postgres_schema=string(table.get("postgres_schema", "public"), where, "postgres_schema"),
        exclude=strings(table.get("exclude", []), where, "exclude"),
        embedded_dir=root / string(table.get("embedded_dir", "var/pg"), where, "embedded_dir"),
        migrate_lock_timeout=seconds(
            table.get("migrate_lock_timeout", 60.0), where, "migrate_lock_timeout"
        ),
        connect_timeout=seconds(table.get("connect_timeout", 10.0), where, "connect_timeout"),
        busy_timeout=seconds(table.get("busy_timeout", 5.0), where, "busy_timeout"),
        lock_timeout=seconds(table.get("lock_timeout", 5.0), where, "lock_timeout"),
        fail_on=_fail_on(table.get("fail_on", []), where),
        dialects=dialects,
        source=label,
    )


def _fail_on(value: Any, where: str) -> tuple[str, ...]:
    kinds = strings(value, where, "fail_on")
    for kind in kinds:
        if kind not in FAIL_ON_KINDS:
            raise UsageError(
                f"{where}: fail_on lists {kind!r}, which is not a warning kind "
                f"(known: {', '.join(FAIL_ON_KINDS)})"
            )
    return tuple(kinds)


def _dialect(name: str, table: Any, root: Path, where: str) -> DialectConfig:
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table")
    check_keys(table, _DIALECT_KEYS, where, _TOP_KEYS)
    migrations = table.get("migrations")
    return DialectConfig(
        dialect=name,
        metadata=string(table["metadata"], where, "metadata") if "metadata" in table else None,
        migrations=root / string(migrations, where, "migrations") if migrations else None,
        url_env=string(table["url_env"], where, "url_env") if "url_env" in table else None,
        default_url=(
            string(table["default_url"], where, "default_url") if "default_url" in table else None
        ),
        exclude=strings(table.get("exclude", []), where, "exclude"),
    )
