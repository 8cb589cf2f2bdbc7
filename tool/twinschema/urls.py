"""Database URLs: recognising their dialect, and writing them without their secrets."""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from twinschema.errors import UsageError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# "postgres://" and "postgresql://" are accepted as the psycopg 3 driver.
_SCHEME_ALIASES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
}

_PASSWORD_IN_TEXT = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]*)(?P<tail>@)"
)
# In a URL's query (?password=...) and in libpq's "key=value key=value" connection strings.
_SECRET_PARAMS = re.compile(
    r"(?i)(?P<head>(?:[?&]|\b)(password|passwd|pwd|sslpassword|token|secret)\s*=\s*)[^&\s]*"
)


def looks_like_url(text: str) -> bool:
    """True for ``scheme://...`` strings, which are database URLs rather than module paths."""
    return "://" in text


def parse_url(text: str) -> URL:
    """Parse a database URL, normalising the scheme to a driver twinschema ships with."""
    scheme = text.split("://", 1)[0].lower()
    if scheme not in _SCHEME_ALIASES:
        raise UsageError(
            f"unsupported database URL scheme {scheme!r} in {redact(text)}: "
            "use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    authority = re.split(r"[/?]", text[len(scheme) + 3 :], maxsplit=1)[0]
    if authority.count("@") > 1:
        # An unencoded '@' in a password: the parsers disagree on where the secret ends, so
        # neither the URL nor any part of it can be shown safely.
        raise UsageError(
            f"not a database URL: {scheme}://... has more than one '@' before the host; "
            "write '@' in a user name or password as %40"
        )
    try:
        url = make_url(_SCHEME_ALIASES[scheme] + text[len(scheme) :])
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise UsageError(f"not a database URL: {redact(text)} ({scrub(str(exc))})") from None
    return url


def dialect_of(url: URL) -> str:
    """The twinschema dialect name (``sqlite`` or ``postgresql``) of a parsed URL."""
    return SQLITE if url.get_backend_name() == SQLITE else POSTGRESQL


def redact(value: str | URL) -> str:
    """The URL as text, with any password or secret query parameter replaced by ``***``."""
    if isinstance(value, URL):
        safe = value
        if value.password is not None:
            safe = value.set(password="***")
        text = safe.render_as_string(hide_password=False)
        if "?" in text:  # a socket directory reads better unescaped: ?host=/run/pg, not %2Frun
            head, _, query = text.partition("?")
            text = head + "?" + unquote(query)
    else:
        text = value
    text = _PASSWORD_IN_TEXT.sub(lambda m: m["head"] + "***" + m["tail"], text)
    return _SECRET_PARAMS.sub(lambda m: m["head"] + "***", text)


def scrub(message: str, *secrets: str | None) -> str:
    """Remove URL passwords and the given secret strings from a message (e.g. a driver error)."""
    out = redact(message)
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***")
    return out


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (a database driver's own, under SQLAlchemy's
    wrapper), secrets removed: what a one-line error says about its cause."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    return scrub(lines[0])
