"""A name as SQL writes it, in either dialect: the one place that quotes identifiers (floor 0,
so that dialect adapters and canonical forms share it)."""

from __future__ import annotations

import re

PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")  # a name printed without quotes


def quoted(name: str) -> str:
    """``name`` in double quotes, inner quotes doubled: the name exactly, in either dialect."""
    return '"' + name.replace('"', '""') + '"'


def sql_name(name: str) -> str:
    """``name`` as SQL writes it: bare when plain (lower case, no quoting needed), else quoted."""
    return name if PLAIN_NAME.fullmatch(name) else quoted(name)
