"""Which side a database URL is for: by its scheme (``scheme_dialect``), or as it was meant when
written in a form twinschema refuses (``meant_dialect``); a SQLite URL that names no file refused
(``named_file``); a relative ``default_url`` read from the project root
(``resolve_sqlite_default``). ``Config.database`` decides with these which database a side is."""

from __future__ import annotations

import re
from pathlib import Path

from twinschema.errors import UsageError
from twinschema.records.dialects import FILE_SUFFIXES, SQLITE
from twinschema.urls import is_conninfo, parse_url, redact, sqlite_file, sqlite_host_refusal

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def named_file(url: str, given_by: str) -> str:
    """``url``, unless it is a SQLite URL that names no file (``sqlite://``, ``sqlite:///``,
    ``:memory:``): a check or a migration of a database that vanishes at exit would pass or
    apply nothing real, so it is refused (exit 2)."""
    if scheme_dialect(url) != "sqlite":
        return url
    if refused := sqlite_host_refusal(url):  # sqlite://device.db: a host, no file
        raise UsageError(f"{given_by} {refused}")
    if sqlite_file(parse_url(url)) == ":memory:":  # also file::memory:, mode=memory with uri=true
        raise UsageError(
            f"{given_by} {redact(url)} names no SQLite file (an in-memory database vanishes "
            "at exit): give sqlite:///path/to/file.db"
        )
    return url


def scheme_dialect(url: str) -> str | None:
    """The side a URL's scheme fits (``sqlite`` or ``postgresql``), None for any other scheme.

    The scheme is what comes before the first colon, whatever follows it: ``SQLITE:/x.db`` (one
    slash) is a SQLite URL written wrongly, to be refused as such, not a URL of no side."""
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme.startswith("sqlite"):
        return "sqlite"
    if scheme.startswith("postgres"):
        return "postgresql"
    return None


# Schemes that are PostgreSQL misspelt or abbreviated (``postgre://``, ``pgsql://``, ``pg://``):
# a PostgreSQL connection, not another database system's URL.
_POSTGRES_TYPO = re.compile(r"(?i)(?:postgre|pg|psql)[A-Za-z0-9+.-]*$")
# A SQLite file's path without ``sqlite:///`` (``/srv/app.db``, ``./dev.sqlite3``, ``app.db``).
_SQLITE_PATH = re.compile(
    r"(?i)^(?:[/.~][^@\s]*|[^@\s=]+(?:"
    + "|".join(re.escape(s) for s in FILE_SUFFIXES[SQLITE])
    + r"))$"
)


def meant_dialect(text: str) -> str | None:
    """The side a variable's value was meant for, also when written in a form twinschema refuses:
    its scheme's side (``scheme_dialect``), else PostgreSQL for a libpq ``key=value`` connection
    string or a misspelt PostgreSQL scheme, SQLite for a file's path without ``sqlite:///``;
    None for another database system (``mysql://``),
    which a variable shared with another application may hold."""
    found = scheme_dialect(text)
    if found is not None:
        return found
    scheme = _SCHEME.match(text)
    if scheme is not None and scheme.group(1).lower() == "file":  # SQLite's URI filename
        return "sqlite"
    if scheme is None:
        if is_conninfo(text):
            return "postgresql"
        return "sqlite" if _SQLITE_PATH.match(text) else None
    return "postgresql" if _POSTGRES_TYPO.match(scheme.group(1)) else None


def resolve_sqlite_default(url: str, root: Path) -> str:
    """A relative ``sqlite:///var/x.db`` default is relative to the project root, not the cwd;
    so is the file of a relative URI filename, ``sqlite:///file:var/x.db?uri=true``."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :].startswith("/"):
        return url
    rest = url[len(prefix) :]
    if rest.startswith("file:") and not rest.startswith(("file:/", "file::")):
        try:
            parsed = parse_url(url)
            uri = sqlite_file(parsed) != parsed.database
        except UsageError:
            uri = False
        if uri:  # read as a URI filename: its path made absolute inside it
            return prefix + "file:" + str(root / rest[len("file:") :])
    return prefix + str(root / rest)
