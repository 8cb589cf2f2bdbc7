"""Reading a SQL file, and mapping offsets in it to the lines a message names."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from twinschema.errors import UsageError, not_utf8

# How long loading one SQL file may take: a file is untrusted, and one that never ends (a
# recursive CTE, pg_sleep) must not hold the command. Far above any real schema dump's load.
LOAD_TIMEOUT_SECONDS = 120.0


def read_sql(path: str | Path) -> str:
    """The text of a SQL file (UTF-8, a byte-order mark allowed); a missing or unreadable file is a
    ``UsageError`` naming it, since the file is the user's input."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: SQL file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a SQL file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{not_utf8(str(path), exc)}; convert the file to UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the SQL file ({exc.strerror})") from None


class LineIndex:
    """Offset -> 1-based line number, by bisection over the line starts (built once)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)
