"""Where schemas come from: a database URL, a metadata module path, or a SQL file; each read as a
raw ``Schema`` and then made canonical in the domain's logical names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from twinschema import progress
from twinschema.canonical.normalize import canonicalize
from twinschema.dialects import ReflectOptions, adapter
from twinschema.errors import DatabaseError, UsageError
from twinschema.model import Schema
from twinschema.records.dialects import FILE_SUFFIXES, SQLITE
from twinschema.records.domain import IDENTITY, Domain
from twinschema.urls import dialect_of, looks_like_url, parse_url, redact, sqlite_uri_filename

URL = "url"
MODULE = "module"
SQL_FILE = "sql"


def classify(spec: str) -> str:
    """``url``, ``sql`` (a .sql file) or ``module`` (``package.module:attribute``)."""
    if looks_like_url(spec):
        return URL
    if spec.lower().endswith(".sql") or Path(spec).is_file():
        return SQL_FILE
    return MODULE


_SQLITE_HEADER = b"SQLite format 3\x00"


def as_source(spec: str) -> str:
    """A source as the user gave it, made explicit: a path to a SQLite database file (recognised
    by its header, whatever its name) becomes its ``sqlite:///`` URL, so that it is read as a
    database and not as SQL text; a Python file is refused with the form a module path takes;
    a missing file named as a database file (a SQLite suffix, ``FILE_SUFFIXES``, or a path
    with a folder), or a folder, is a ``DatabaseError``, as its URL is; SQLite's URI filename
    (``file:app.db``, no file of that name) a ``UsageError`` giving its URL."""
    if looks_like_url(spec):
        return spec
    path = Path(spec)
    if path.suffix == ".py":
        module = ".".join(path.with_suffix("").parts)
        raise UsageError(
            f"{spec}: a Python file is not a source; name its metadata as module:attribute "
            f"(e.g. {module}:metadata)"
        )
    if path.is_file():  # a regular file only: reading a FIFO's header would wait for a writer
        with path.open("rb") as file:
            if file.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER:
                return f"sqlite:///{path.resolve()}"
    elif sqlite_uri_filename(spec) and not path.exists():
        # file:app.db, SQLite's URI filename: refused with its URL, as LOCAL_DATABASE_URL
        # holding it is (stranger68 008), not "not found" though app.db is there.
        raise UsageError(sqlite_uri_filename(spec))
    elif _names_a_database_file(spec) and not path.exists():
        # Said as its sqlite:/// URL says it, not as a module path that is malformed
        # (stranger32 case 042: a mistyped path to a SQLite file).
        raise DatabaseError(f"{spec}: SQLite database not found")
    elif _names_a_database_file(spec) and path.is_dir():  # likewise (stranger33)
        raise DatabaseError(f"{spec}: is a directory, not a SQLite database")
    return spec


def _names_a_database_file(spec: str) -> bool:
    """Whether ``spec`` can only be a path to a database file: a SQLite file's suffix, or a
    folder in it (a module path has neither). A SQL file (``.sql``) is ``read_sql_file``'s."""
    if spec.lower().endswith(".sql"):
        return False
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return spec.lower().endswith(FILE_SUFFIXES[SQLITE]) or any(sep in spec for sep in seps)


def url_dialect(spec: str) -> str:
    """The dialect of a database URL."""
    return dialect_of(parse_url(spec))


def reflect_url(spec: str, options: ReflectOptions) -> Schema:
    """The raw schema of a live database."""
    url = parse_url(spec)
    return adapter(dialect_of(url)).reflect(url, options)


def read_metadata(
    spec: str, dialect: str, options: ReflectOptions, root: Path | None = None
) -> tuple[Schema, str]:
    """The raw schema a metadata module describes on ``dialect``, and the module's file."""
    from twinschema.sources.metadata import from_metadata, import_metadata

    metadata, path = import_metadata(spec, root)
    return from_metadata(metadata, dialect, path, options), path


def metadata_file(spec: str, root: Path | None = None) -> str:
    """The file of the metadata module ``spec`` names, imported as ``read_metadata`` imports
    it: a module that is not there, or no MetaData, is its own one-line error."""
    from twinschema.sources.metadata import import_metadata

    return import_metadata(spec, root)[1]


@contextmanager
def read_sql_file(path: str, dialect: str | None, options: ReflectOptions) -> Iterator[Schema]:
    """The raw schema a SQL file builds, loaded into a scratch database of its dialect."""
    from twinschema.sources import sqlfile

    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: SQL file not found")
    text = file.read_text(encoding="utf-8", errors="replace")
    dialect = dialect or sqlfile.detect_dialect(text, str(path), sqlfile.named_dialect(path))
    progress.step(f"loading {path} into a scratch {dialect} database")
    if dialect == "sqlite":
        from twinschema.dialects.sqlite import reflect_connection

        conn = sqlfile.load_sqlite(file)
        try:
            yield reflect_connection(conn, options, str(path))
        finally:
            conn.close()
        return
    from twinschema.config import load_config
    from twinschema.servers import scratch
    from twinschema.sources.sqlfile.written import with_written

    with (
        scratch.server(load_config()) as server,
        sqlfile.load_postgresql(file, server, options.connect_timeout) as url,
    ):
        yield with_written(_no_zone(_relabel(reflect_url(url, options), str(path))), text)


def _relabel(schema: Schema, source: str) -> Schema:
    return replace(schema, source=source)


def _no_zone(schema: Schema) -> Schema:
    """A SQL file's schema with no server's TimeZone, as a metadata module has none: the zone
    the load read is the scratch server's, not that of a database the user deploys to, so it
    may not decide a verdict (stranger55 019: ``timestamp DEFAULT CURRENT_TIMESTAMP`` against
    SQLite's ``CURRENT_TIMESTAMP`` was in sync on a scratch server in UTC, drift on one in
    America/New_York); a default that depends on the zone is then the same in UTC only, and
    says so."""
    return replace(
        schema,
        timezone=None,
        timezone_utc=False,
        zone_now=None,
        zone_history=None,
        timezone_utc_always=False,
        locale=None,
    )


def make_canonical(raw: Schema, domain: Domain | None) -> Schema:
    """The canonical schema, in the domain's logical names when a domain is given."""
    return canonicalize(raw, domain.name_map(raw.dialect) if domain else IDENTITY)


def label_of(spec: str) -> str:
    """How a source is named in reports (URLs without their password)."""
    return redact(spec) if looks_like_url(spec) else spec


def read_dialects(
    specs: tuple[str, str], dialects: tuple[str | None, str | None]
) -> tuple[str | None, str | None]:
    """Each side's dialect, a SQL file's with none given read from its content, both files read
    before either is refused (``sqlfile.pair_dialects``)."""
    from twinschema.sources import sqlfile

    unread = tuple(
        s if d is None and classify(s) == SQL_FILE else None
        for s, d in zip(specs, dialects, strict=True)
    )
    read = sqlfile.pair_dialects((unread[0], unread[1]))
    return dialects[0] or read[0], dialects[1] or read[1]
