"""The pieces a psql script is cut into (``psql_split``): runs of plain SQL sent in one
``execute`` (``Run``) and COPY blocks (``Copy``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A skipped statement's characters, blanked (its newlines kept: lines still map to the file's).
_BLANK = re.compile(r"[^\n]")


@dataclass
class Run:
    """Consecutive plain SQL statements, sent in one ``execute``."""

    start: int
    end: int
    statements: list[tuple[int, int]] = field(default_factory=list)  # (start, end) offsets
    skipped: list[tuple[int, int]] = field(default_factory=list)  # blanked out when sent
    transaction_control: bool = False  # BEGIN/COMMIT inside: a failed run may be half applied

    def sql(self, text: str) -> str:
        """The run's text with its skipped statements blanked; newlines and lengths are kept,
        so a position the server reports still maps to the file's line."""
        parts: list[str] = []
        pos = self.start
        for start, end in sorted(self.skipped):
            parts.append(text[pos:start])
            parts.append(_BLANK.sub(" ", text[start:end]))
            pos = end
        parts.append(text[pos : self.end])
        return "".join(parts)


@dataclass
class Copy:
    """A ``COPY ... FROM stdin`` statement and its data block, or a ``COPY ... TO stdout``."""

    start: int
    statement: str
    data: str
    data_start: int
    to_stdout: bool = False


Piece = Run | Copy
