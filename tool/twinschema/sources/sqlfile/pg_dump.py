"""What a ``pg_dump`` file assumes about the server it is restored on: the major version it was
dumped from, and the settings its preamble sets. The scratch server may be older than the dump's
``pg_dump`` (``SET transaction_timeout = 0`` is written by pg_dump 17 whatever it dumps), but not
older than the database that was dumped: that schema may use syntax the older server lacks."""

from __future__ import annotations

import re
import sys

from twinschema.errors import UsageError
from twinschema.sources.sqlfile.psql_pieces import Piece, Run
from twinschema.sources.sqlfile.text import LineIndex

# "-- Dumped from database version 17.2 (Debian 17.2-1.pgdg120+1)"; before 10, "9.6.24".
_DUMPED_FROM = re.compile(
    r"^--\s*Dumped from database version (?P<version>(?P<major>\d+)(?:\.(?P<minor>\d+))?\S*)",
    re.MULTILINE,
)
# A session setting by name: ``SET [SESSION|LOCAL] name = value`` / ``TO value``, or the
# ``SELECT pg_catalog.set_config('name', ...)`` pg_dump writes for search_path.
_SETTING = re.compile(
    r"SET\s+(?:(?:SESSION|LOCAL)\s+)?(?P<name>[A-Za-z_][\w$]*)\s*(?:=|\bTO\b)"
    r"|SELECT\s+(?:pg_catalog\.)?set_config\s*\(\s*'(?P<quoted>[A-Za-z_][\w$]*)'",
    re.IGNORECASE,
)


def server_major(server_version: int) -> int:
    """The major version of a server, from its ``server_version_num`` (160002 -> 16)."""
    return server_version // 10000


def refuse_newer_dump(text: str, label: str, server_version: int) -> None:
    """A ``UsageError`` naming both versions when the file says it was dumped from a major
    version newer than the scratch server's: its schema may need what the older server lacks,
    and a failure halfway would say less than this."""
    found = _DUMPED_FROM.search(text)
    if not found:
        return
    major = int(found["major"])
    if major < 10:  # 9.6: a major of two numbers, older than any server this loads into
        return
    ours = server_major(server_version)
    if major > ours:
        line = LineIndex(text).line(found.start())
        raise UsageError(
            f"{label}:{line}: dumped from PostgreSQL {found['version']}, newer than the scratch "
            f"server's PostgreSQL {_version_text(server_version)}; load it on a server of "
            f"version {major} or later (set TWINSCHEMA_SCRATCH_URL to one)"
        )


def _version_text(server_version: int) -> str:
    return f"{server_major(server_version)}.{server_version % 10000}"


def skip_unknown_settings(
    text: str, pieces: list[Piece], known: frozenset[str], label: str, server_version: int
) -> list[str]:
    """Skip each statement that sets a setting the scratch server does not have (a newer
    ``pg_dump``'s preamble, such as ``SET transaction_timeout = 0`` on PostgreSQL 16): it would
    fail the load, and a session setting builds nothing. Returns one notice per skipped
    statement, naming its line; dotted names (extension settings) are always accepted."""
    lines = LineIndex(text)
    notices: list[str] = []
    for piece in pieces:
        if not isinstance(piece, Run):
            continue
        for start, end in list(piece.statements):
            found = _SETTING.match(text, start, end)
            if not found:
                continue
            name = (found["name"] or found["quoted"]).lower()
            if name in known or name in _SET_KEYWORDS:
                continue
            piece.statements.remove((start, end))
            piece.skipped.append((start, end))
            notices.append(
                f"{label}:{lines.line(start)}: skipped the setting {name}: the scratch server "
                f"(PostgreSQL {_version_text(server_version)}) has no such setting"
            )
    return notices


# Words after SET that are a form of their own, not a setting's name.
_SET_KEYWORDS = frozenset(
    {"role", "session", "local", "time", "transaction", "constraints", "names", "schema", "xml"}
)


def tell(notices: list[str]) -> None:
    """Each notice on its own line on stderr (the report, on stdout, stays as it is)."""
    for notice in notices:
        print(f"twinschema: {notice}", file=sys.stderr)
