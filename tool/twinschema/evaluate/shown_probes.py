"""Probe values as witnesses show them: strings quoted as SQL writes them, whole up to a length
and described past it, never cut silently; bytes as each dialect writes them."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from twinschema.definitions import visible_sql
from twinschema.evaluate.json_lists import JsonList
from twinschema.records.dialects import POSTGRESQL

# Strings up to this many characters are shown whole in a witness (so that they can be pasted);
# a longer one is described instead, saying it is shortened, with its first ``_SHOWN_HEAD``.
SHOWN_WHOLE = 60
_SHOWN_HEAD = 40
_SHOWN_TAIL = 10


def _run(char: str, count: int) -> str:
    shown = visible_sql(quoted(char))
    return shown if count == 1 else f"{shown} repeated {count} times"


def probe_text(value: Any, dialect: str | None = None) -> str:
    """A probe value as a witness shows it: a string quoted as SQL writes it, whole up to
    ``SHOWN_WHOLE`` characters; a longer one described as such (``<'x' repeated 101 times>``,
    ``<'x' repeated 60 times, then ' '>``, ``<a 300-character string starting 'abc...' and
    ending '...xyz'>``), never cut silently; bytes as ``dialect`` writes them (X'0A', on
    PostgreSQL '\\x0a'::bytea: X'0A' is a bit string there)."""
    if value is None:
        return "NULL"
    if isinstance(value, JsonList):  # a list, as the column of ``dialect`` keeps it
        return visible_sql(quoted(value.text(dialect or POSTGRESQL)))
    if isinstance(value, str):
        if len(value) <= SHOWN_WHOLE:
            return visible_sql(quoted(value))
        runs = [(c, len(list(group))) for c, group in itertools.groupby(value)]
        if len(runs) <= 3:  # 'x' 60 times then a space: the space is what parts (trim, length)
            return "<" + ", then ".join(_run(c, n) for c, n in runs) + ">"
        head = visible_sql(quoted(value[:_SHOWN_HEAD] + "..."))
        tail = visible_sql(quoted("..." + value[-_SHOWN_TAIL:]))
        return f"<a {len(value)}-character string starting {head} and ending {tail}>"
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        cut = data if len(data) <= SHOWN_WHOLE // 2 else data[:8]
        shown = f"'\\x{cut.hex()}'::bytea" if dialect == POSTGRESQL else f"X'{cut.hex().upper()}'"
        return shown if cut is data else f"<{len(data)} bytes starting {shown}>"
    if isinstance(value, Decimal) and not value.is_finite():  # 'NaN'::numeric, pasteable
        spelled = quoted(str(value))
        return f"{spelled}::numeric" if dialect == POSTGRESQL else spelled
    return str(value)


def quoted(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
