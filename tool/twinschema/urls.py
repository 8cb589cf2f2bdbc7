"""Database URLs: recognising their dialect, and writing them without their secrets.

Secrets are masked in three places, so that no output path can show one:

* ``redact`` writes one URL (as given, whatever its scheme, case or shape) without its
  credentials: what labels and error messages name a database by;
* ``scrub`` masks every URL-shaped credential in a free-text message (a driver's error);
* ``mask_output`` masks a rendered report (JSON, XML, text) without breaking its structure;
  with ``scrub`` it also replaces every credential-bearing input the command was given
  (``remember``: flags, arguments, environment), wherever and however it was echoed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import unquote

from twinschema.errors import UsageError

if TYPE_CHECKING:  # SQLAlchemy is imported when a URL is parsed: masking text needs none of it
    from sqlalchemy.engine import URL

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
MASK = "***"

# "postgres://" and "postgresql://" are accepted as the psycopg 3 driver.
_SCHEME_ALIASES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
}

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
# What a person meant as a database URL: ``scheme://`` or ``scheme:/`` (any scheme, any case),
# ``user:secret@host`` without a scheme, or a libpq ``key=value`` connection string. A metadata
# module path (``package.module:attribute``) and a SQL file path are none of these.
_URLISH = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]+:/|[^\s/:@]+:[^@]*@|[A-Za-z_]+\s*=)")
# A libpq "key=value ..." connection string: its first word is a key and '='.
_CONNINFO = re.compile(r"^\s*[A-Za-z_]+\s*=")
# The scheme and slashes that start one URL; three slashes mean an empty authority (a file).
_URL_START = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:/+")

# In free text: ``scheme:/user:secret@``, then ``user:secret@`` at a word's start. The secret
# runs to the last '@' of its word (an unencoded '@' in a password), never across a space or a
# quote (which would break the JSON or XML around it).
_SECRET = r"[^\s'\"<>]+(?=@)"
# (Each starts only where a scheme or a word can start, and never gives back what it took: one
# pass over a report of any size, whatever its long words.)
_URL_USERINFO = re.compile(
    r"(?P<head>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*+:/{1,3}[^\s:/@'\"<>]*+:)" + _SECRET
)
_BARE_USERINFO = re.compile(
    r"(?P<head>(?<![^\s'\"(\[<=,;])[^\s:/@'\"<>()\[\]=,;]++:)(?!/)" + _SECRET
)
# A URL's query (?password=...), also inside XML (&amp;password=...).
_QUERY_SECRET = re.compile(
    r"(?i)(?P<head>(?:[?&]|&amp;)(?:password|passwd|pwd|sslpassword|token|secret)=)"
    r"(?P<value>[^&\s'\"<>#]*)"
)
# libpq's "key=value key='va lue'" connection strings (and the same words in any message).
_CONNINFO_SECRET = re.compile(
    r"(?i)(?P<head>(?<![\w.-])(?:password|passwd|pwd|sslpassword|token|secret)\s*=\s*)"
    # Unquoted, a value ends where the next "key=" begins: libpq would refuse a space in it,
    # but the words after the space are still the password someone meant.
    # A value masked already (``password=***: connection failed``, a redacted URL inside a
    # message scrubbed again) is the mask and its punctuation only: the words after it are the
    # message's own (stranger69 finding 004).
    r"(?P<value>\*\*\*[:;,.)\]}]*(?=[\s&'\"<>]|$)"
    r"|'(?:[^'\\]|\\.)*'?|[^&\s]*(?:\s+(?![\w.-]+\s*=)[^&\s'\"<>]+)*)"
)
# A secret query parameter of one whole URL: its value runs to the next parameter, spaces in it
# included (a URL as typed, or one whose %-escapes were decoded for display).
_WHOLE_QUERY_SECRET = re.compile(
    r"(?i)(?P<head>[?&](?:password|passwd|pwd|sslpassword|token|secret)=)(?P<value>[^&#]*)"
)

# Inputs (flags, arguments, environment values) that carry a credential: raw text -> redacted.
_REMEMBERED: dict[str, str] = {}


def looks_like_url(text: str) -> bool:
    """True for strings meant as database URLs (``scheme://...``, or a URL-shaped string that
    twinschema will refuse, without echoing its secret), rather than module paths or files."""
    return "://" in text or _URLISH.match(text) is not None


def is_conninfo(text: str) -> bool:
    """True for a libpq ``key=value`` connection string (``host=db user=app``): a PostgreSQL
    connection written in a form twinschema refuses, not a URL."""
    return _SCHEME.match(text) is None and _CONNINFO.match(text) is not None


def parse_url(text: str) -> URL:
    """Parse a database URL, normalising the scheme to a driver twinschema ships with."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    match = _SCHEME.match(text)
    if match is None and _CONNINFO.match(text):
        raise UsageError(
            f"not a database URL: {redact(text.strip())} is a libpq key=value connection string, which "
            "twinschema does not accept: write it as a URL, postgresql://USER@HOST:PORT/DBNAME "
            "(a password after the user name and ':', with ':', '@' and '/' in it %-encoded; "
            "?host=/path/to/socket for a Unix socket)"
        )
    if match is None and sqlite_uri_filename(text):
        raise UsageError(sqlite_uri_filename(text))
    if match is None:
        raise UsageError(
            f"not a database URL: {redact(text)} (expected scheme://..., such as "
            "sqlite:///PATH or postgresql://USER@HOST/DB)"
        )
    scheme = match["scheme"].lower()
    if scheme == "file":  # file:///app.db, SQLite's URI filename: its URL to write
        raise UsageError(sqlite_uri_filename(text))
    rest = text[match.end() :]
    refused = sqlite_host_refusal(text)
    if refused:
        raise UsageError(refused)
    if scheme not in _SCHEME_ALIASES:
        raise UsageError(
            f"unsupported database URL scheme {scheme!r} in {redact(text)}: "
            "use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    authority = re.split(r"[/?]", rest, maxsplit=1)[0]
    if authority.count("@") > 1:
        # An unencoded '@' in a password: the parsers disagree on where the secret ends, so
        # neither the URL nor any part of it can be shown safely.
        raise UsageError(
            f"not a database URL: {scheme}://... has more than one '@' before the host; "
            "write '@' in a user name or password as %40"
        )
    found = _PORT.match(rest)
    port = found["port"] if found else None
    if (
        found
        and port is not None
        and not (re.fullmatch("[0-9]+", port) and 1 <= int(port) <= _MAX_PORT)
    ):
        # Without an '@', 'name:word' may be a user and a password that lack their host: the
        # word is not shown then, nor anywhere in the URL.
        if found["user"]:
            shown, where = f" {port!r}", redact(text)
        else:
            shown, where = (
                "",
                f"{scheme}://{rest[: found.start('port')]}***" + (rest[found.end("port") :]),
            )
        raise UsageError(
            f"not a database URL: {where}: its port{shown} is not a port number "
            f"(1 to {_MAX_PORT}; leave ':PORT' out for the default)"
        )
    try:
        url = make_url(f"{_SCHEME_ALIASES[scheme]}://{rest}")
    except (ArgumentError, ValueError) as exc:
        raise UsageError(f"not a database URL: {redact(text)} ({scrub(str(exc))})") from None
    return url


def sqlite_host_refusal(text: str) -> str:
    """Why ``text`` is refused where it is a SQLite URL with two slashes, ``sqlite://device.db``
    (stranger67 008): SQLAlchemy reads ``device.db`` as a host, which SQLite has none of, so
    it opens an empty in-memory database (``check`` said every table missing) or refuses the
    URL (``migrate`` ended in an internal error). "" for any other text. The hint gives the
    file's URL, ``sqlite:///device.db``."""
    match = _SCHEME.match(text)
    if match is None or _SCHEME_ALIASES.get(match["scheme"].lower()) != SQLITE:
        return ""
    rest = text[match.end() :]
    host = re.split(r"[/?]", rest, maxsplit=1)[0].rpartition("@")[2]
    if not host:  # no host: sqlite:///x.db, sqlite://?mode=ro, or credentials before the path
        return ""
    return (
        f"{redact(text)} names no SQLite file: after sqlite:// comes a host, which SQLite has "
        f"none of (SQLAlchemy opens an in-memory database); write sqlite:///{redact(rest)} "
        "(three slashes, then the file's path; four for an absolute one)"
    )


def sqlite_uri_filename(text: str) -> str:
    """Why ``text`` is refused where it is SQLite's URI filename, ``file:device.db`` (stranger67
    008: a variable holding it was ignored as no SQLite URL, and the SQLite side skipped); ""
    for any other text. The hint gives the file's URL."""
    if not text.lower().startswith("file:"):
        return ""
    path = text[len("file:") :].split("?", 1)[0].split("#", 1)[0]
    if path.startswith("//"):  # file:///abs, file://localhost/abs: its path /abs
        path = "/" + path[len("//") :].partition("/")[2]
    path = unquote(path)
    return (
        f"not a database URL: {redact(text)} is SQLite's URI filename, which twinschema does "
        f"not take: write sqlite:///{redact(path)} (three slashes, then the file's path)"
    )


_MEMORY = ":memory:"


def sqlite_file(url: URL) -> str:
    """The file a SQLite URL opens, read as SQLAlchemy's pysqlite dialect and SQLite read it,
    ``:memory:`` for an in-memory database: the URL's path, or with ``uri=true`` and a path
    starting ``file:`` (SQLAlchemy's documented ``sqlite:///file:app.db?mode=ro&uri=true``)
    the URI filename's path, ``%``-escapes decoded, after an empty or ``localhost`` authority
    (``file:///abs/app.db``), ``:memory:`` where ``mode=memory`` (stranger68 008: ``migrate``
    opened ``app.db`` while ``check`` and ``current`` looked for a file ``file:app.db``). Why
    one reading: every command must open the database the URL names, the one SQLAlchemy
    opens. A URI authority SQLite refuses is a ``UsageError``."""
    database = url.database or ""
    if database in ("", _MEMORY):
        return _MEMORY
    uri = str(url.query.get("uri", "")).strip().lower() in ("true", "yes", "on", "y", "t", "1")
    if not (uri and database.startswith("file:")):
        return database
    rest = database[len("file:") :].split("#", 1)[0]
    if rest.startswith("//"):
        authority, _, path = rest[2:].partition("/")
        if authority.lower() not in ("", "localhost"):
            raise UsageError(
                f"{redact(url)}: its URI filename names the host {authority!r}; SQLite opens "
                "local files only (write file:///PATH or file:PATH)"
            )
        rest = "/" + path
    if url.query.get("mode") == "memory" or rest in ("", _MEMORY):
        return _MEMORY
    return unquote(rest)


_MAX_PORT = 65535
# The port of a URL after its scheme, read as SQLAlchemy's make_url reads it (a password runs to
# the '@', '/' included; an IPv6 host is bracketed): as written, '' for a bare 'host:'.
_PORT = re.compile(r"(?P<user>[^:/]*(?::[^@]*)?@)?(?:\[[^/?]+\]|[^/:?]+)?(?::(?P<port>[^/?]*))?")


def dialect_of(url: URL) -> str:
    """The twinschema dialect name (``sqlite`` or ``postgresql``) of a parsed URL."""
    return SQLITE if url.get_backend_name() == SQLITE else POSTGRESQL


def redact(value: str | URL) -> str:
    """One URL as text, with any password or secret parameter replaced by ``***``.

    A string is taken as one URL, whatever its scheme, case or shape: everything between the
    user name and the last '@' is the password, even with spaces or an unencoded '@' in it.
    """
    if isinstance(value, str):
        text = _WHOLE_QUERY_SECRET.sub(_mask_value, _mask_userinfo(value))
    else:
        safe = value
        if value.password is not None:
            safe = value.set(password=MASK)
        # Masked before the query is decoded for display: a '%26' in a password would end the
        # masked value early ('&w' shown) once decoded.
        secret = [k for k in value.query if _WHOLE_QUERY_SECRET.match(f"?{k}=")]
        if secret:
            safe = safe.update_query_dict(dict.fromkeys(secret, MASK))
        text = safe.render_as_string(hide_password=False)
        if value.get_backend_name() == SQLITE:  # a file's path, as written: file:app.db
            text = unquote(text)
        elif "?" in text:  # a socket directory reads better unescaped: ?host=/run/pg
            head, _, query = text.partition("?")
            text = head + "?" + unquote(query)
    return _mask_text(text, conninfo=True)


def _mask_userinfo(text: str) -> str:
    """``text`` as one URL with the password of its user information masked."""
    start = _URL_START.match(text)
    prefix = start.group() if start else ""
    if prefix.endswith("///"):
        return text  # sqlite:///path: no host, so no user information
    rest = text[len(prefix) :]
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return text
    user = userinfo.split(":", 1)[0]
    return f"{prefix}{user}:{MASK}@{host}"


def _mask_text(text: str, conninfo: bool) -> str:
    """Every URL-shaped credential in free text masked (``conninfo``: libpq ``password=`` too)."""
    if "@" in text:  # only the lines that have one can hold user information
        lines = text.splitlines(keepends=True)
        text = "".join(_mask_userinfo_in_line(line) if "@" in line else line for line in lines)
    text = _QUERY_SECRET.sub(_mask_value, text)
    if conninfo:
        text = _CONNINFO_SECRET.sub(_mask_value, text)
    return text


def _mask_value(match: re.Match[str]) -> str:
    """``key=***``; a value masked already keeps the punctuation after it (``password=***:``)."""
    value = match["value"]
    if value.startswith(MASK) and not value[len(MASK) :].strip(":;,.)]}"):
        return match["head"] + value
    return match["head"] + MASK


def _mask_userinfo_in_line(line: str) -> str:
    for pattern in (_URL_USERINFO, _BARE_USERINFO):
        line = pattern.sub(lambda m: m["head"] + MASK, line)
    return line


def remember(*values: str | None) -> None:
    """Note inputs that carry a credential (flags, arguments, environment values), so that
    ``scrub`` and ``mask_output`` mask them wherever they would be echoed, even verbatim."""
    for value in values:
        if value and looks_like_url(value):
            masked = redact(value)
            if masked != value:
                _REMEMBERED[value] = masked


@contextmanager
def remembered_afresh() -> Iterator[None]:
    """Within the block, only the inputs remembered inside it are masked, as in a new process;
    on leaving it, what was remembered before comes back (and what the block remembered goes).

    What is remembered is process state: one command's inputs stay masked in the next. For code
    that runs several commands in one process (a test through click's ``CliRunner``) and wants
    each to mask exactly what a process of its own would."""
    before = dict(_REMEMBERED)
    _REMEMBERED.clear()
    try:
        yield
    finally:
        _REMEMBERED.clear()
        _REMEMBERED.update(before)


def _mask_remembered(text: str) -> str:
    """Each remembered input replaced by its redacted form: as given, JSON- or XML-escaped."""
    for raw in sorted(_REMEMBERED, key=len, reverse=True):
        masked = _REMEMBERED[raw]
        for escape in (str, _json_escaped, html.escape):
            shown = escape(raw)
            if shown in text:
                text = text.replace(shown, escape(masked))
    return text


def _json_escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def scrub(message: str, *secrets: str | None) -> str:
    """Remove URL passwords and the given secret strings from a message (e.g. a driver error),
    and the addresses of Python objects it shows (``without_addresses``)."""
    out = _mask_text(_mask_remembered(without_addresses(message)), conninfo=True)
    for secret in secrets:
        if secret:
            out = out.replace(secret, MASK)
    return out


def mask_output(text: str) -> str:
    """A rendered report (text, JSON, JUnit XML, SARIF, GitHub annotations) with every
    credential masked and no object address (``without_addresses``); the rest of it, its
    quotes and its markup are left as they are."""
    return _mask_text(_mask_remembered(without_addresses(text)), conninfo=False)


# `` at 0x7fe56e005d50`` in a Python object's default repr (``<module.Class object at 0x...>``).
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+(?=>)")


def without_addresses(text: str) -> str:
    """``text`` with the address taken out of each Python object's default repr: a library's
    error may show one (SQLAlchemy's "Can't emit DROP CONSTRAINT for constraint
    ForeignKeyConstraint(<sqlalchemy.sql.base.ReadOnlyColumnCollection object at 0x7fe...>"),
    and it changes on every run, where output must be the same for the same input (stranger35
    finding 21)."""
    return _ADDRESS.sub("", text)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (a database driver's own, under SQLAlchemy's
    wrapper), secrets removed: what a one-line error says about its cause."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    return scrub(lines[0])
