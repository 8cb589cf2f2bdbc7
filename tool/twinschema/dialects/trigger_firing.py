"""When a trigger fires, read from its ``CREATE TRIGGER`` text: its timing, its events and its
level, with each dialect's defaults made explicit, so that two triggers of two dialects can be
told to answer the same statements (``init`` pairs a SQLite ``trg_stock_after_insert`` with a
PostgreSQL ``stock_after_insert_trg`` by table and by this, never by what their bodies do).

SQLite: ``CREATE [TEMP] TRIGGER [IF NOT EXISTS] [schema.]name [BEFORE | AFTER | INSTEAD OF]
{DELETE | INSERT | UPDATE [OF col, ...]} ON table [FOR EACH ROW] ...``: BEFORE where no timing
is written, always row by row. PostgreSQL (``pg_get_triggerdef``): ``CREATE [CONSTRAINT]
TRIGGER name {BEFORE | AFTER | INSTEAD OF} event [OR event ...] ON table ... FOR EACH {ROW |
STATEMENT} ...``, where an unwritten level is STATEMENT.
"""

from __future__ import annotations

import re

# A token: a quoted name ("...", [...], `...`), a word, or one other character.
_TOKEN = re.compile(r'"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[A-Za-z_0-9$]+|\S')
_TIMINGS = ("before", "after", "instead")
# The timing and the level where the text writes none, by dialect.
_DEFAULT_TIMING = {"sqlite": "before"}
_DEFAULT_LEVEL = {"sqlite": "row", "postgresql": "statement"}

Firing = tuple[str, tuple[str, ...], str]  # timing, events (sorted), level


def _unquoted(token: str) -> str:
    """A name as the database compares it, for the columns of ``UPDATE OF``."""
    if token[:1] in '"[`' and len(token) > 1:
        return token[1:-1].replace(token[0] * 2, token[0]) if token[0] != "[" else token[1:-1]
    return token.lower()


def firing(dialect: str, text: str) -> Firing | None:
    """When the trigger of ``dialect`` whose ``CREATE TRIGGER`` is ``text`` fires: ``("after",
    ("insert",), "row")``; ``("before", ("update of price",), "row")``. None where the text is
    not read as such (a trigger init then pairs by name only)."""
    tokens = _TOKEN.findall(text)
    words = [t.lower() for t in tokens]
    if "trigger" not in words:
        return None
    at = words.index("trigger") + 1
    if words[at : at + 3] == ["if", "not", "exists"]:
        at += 3
    at += 3 if words[at + 1 : at + 2] == ["."] else 1  # the name, schema-qualified or not
    if at < len(words) and words[at] in _TIMINGS:
        timing = "instead of" if words[at] == "instead" else words[at]
        at += 2 if words[at] == "instead" else 1
    elif dialect in _DEFAULT_TIMING:
        timing = _DEFAULT_TIMING[dialect]
    else:
        return None
    if "on" not in words[at:]:
        return None
    end = words.index("on", at)
    events: list[list[str]] = []
    current: list[str] = []
    for token, word in zip(tokens[at:end], words[at:end], strict=True):
        if word == "or":
            events.append(current)
            current = []
        else:
            current.append(token)
    events.append(current)
    said = tuple(sorted(_event(e) for e in events))
    if not all(said):
        return None
    level = _DEFAULT_LEVEL.get(dialect, "statement")
    rest = words[end:]
    for n in range(len(rest) - 2):
        if rest[n : n + 2] == ["for", "each"] and rest[n + 2] in ("row", "statement"):
            level = rest[n + 2]
            break
    return timing, said, level


def _event(tokens: list[str]) -> str:
    """One event, its columns (``UPDATE OF b, a``) as the database compares them, sorted."""
    if not tokens or tokens[0].lower() not in ("insert", "update", "delete", "truncate"):
        return ""
    name = tokens[0].lower()
    if len(tokens) > 2 and tokens[1].lower() == "of":
        columns = sorted(_unquoted(t) for t in tokens[2:] if t != ",")
        return f"{name} of {', '.join(columns)}"
    return name if len(tokens) == 1 else ""
