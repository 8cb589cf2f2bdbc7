"""PostgreSQL's view SQL rewritten to read its dates and times in UTC, the mend a view parted only
by the live server's TimeZone is offered (recheck88; ``view_findings``).

Reading a date or a time of day off an instant is done in the session's TimeZone: CURRENT_DATE,
LOCALTIME and LOCALTIMESTAMP, and an instant (a timestamptz column, now()) cast to date, time or
timestamp, truncated by ``date_trunc``, written by ``to_char`` or taken apart by ``extract`` and
``date_part``. ``(now() AT TIME ZONE 'UTC')::date`` for CURRENT_DATE alone did not mend ``sold_at::date
= CURRENT_DATE`` (sold_at's cast is in the zone too: on a server in Los Angeles, PostgreSQL 0 rows,
SQLite 1 at the witness). Each such read is therefore rewritten: ``x::date`` as ``(x AT TIME ZONE
'UTC')::date``, ``date_trunc(u, x)`` as ``date_trunc(u, x, 'UTC')`` (an instant still: compared
with instants as before), ``to_char(x, f)`` as ``to_char(x AT TIME ZONE 'UTC', f)``, CURRENT_DATE as
``(now() AT TIME ZONE 'UTC')::date``. Nothing here is trusted as written: the caller runs the
rewritten view in the server's zone at the same moments and offers it only where it returns what
SQLite's returns; a date cast back to an instant (``CURRENT_DATE::timestamptz``) is left as it is,
local both ways.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from twinschema.evaluate.view_runs import Plan
from twinschema.evaluate.zone_hints import INSTANT_TYPES
from twinschema.model import Schema

UTC = "AT TIME ZONE 'UTC'"
# An instant read off the clock: these calls with no argument, and CURRENT_TIMESTAMP.
_CLOCK_CALLS = frozenset({"now", "transaction_timestamp", "statement_timestamp", "clock_timestamp"})
_NAME = r'(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)'
_WORD = re.compile(rf"{_NAME}(?:\s*\.\s*{_NAME})*")
# A cast to a type that holds a local date or time (a time zone's reading of an instant).
_LOCAL_CAST = re.compile(
    r"::\s*(?:date|time|timestamp)(?:\s*\(\s*\d\s*\))?(?:\s+without\s+time\s+zone)?"
    r"(?!\w|\s+with\s+time\s+zone|\s*\()",
    re.I,
)
# Any cast, copied as it is (its type's words are no column).
_ANY_CAST = re.compile(
    r"::\s*(?:character\s+varying|double\s+precision|bit\s+varying|\"(?:[^\"]|\"\")*\"|\w+)"
    r"(?:\s*\([^)]*\))?(?:\s+(?:with|without)\s+time\s+zone)?(?:\[\])*",
    re.I,
)
_EXTRACT = re.compile(r"^(\s*\w+\s+from\s+)(.*)$", re.I | re.S)
_AT_TIME_ZONE = re.compile(r"\s+time\s+zone\b", re.I)

Edit = tuple[str, str]


@dataclasses.dataclass
class _Item:
    """One construct of the text rewritten: as written, as rewritten, its edits, and whether it
    is an instant (a timestamptz column, a clock read, a truncation of one)."""

    old: str
    new: str
    edits: list[Edit]
    instant: bool = False


def mended(text: str, instants: Collection[str]) -> tuple[str, tuple[Edit, ...]]:
    """``text`` (PostgreSQL's SQL) with each read of a date or time in the session's TimeZone
    rewritten to read it in UTC (``instants``: the names of the timestamptz columns it reads),
    and the rewrites (as written, as rewritten; whitespace collapsed; the first of each)."""
    new, edits, _ = _rewrite(text, frozenset(instants))
    seen: dict[Edit, None] = {}
    for old, made in edits:
        seen.setdefault((" ".join(old.split()), " ".join(made.split())), None)
    return new, tuple(seen)


def mended_plans(plans: tuple[Plan, Plan], instants: Collection[str]) -> tuple[Plan, Plan]:
    """``plans`` with PostgreSQL's views ``mended`` (``instants_in`` its schema)."""
    left, right = (
        dataclasses.replace(p, views=tuple(mended(v, instants)[0] for v in p.views))
        if p.dialect == "postgresql"
        else p
        for p in plans
    )
    return left, right


def instants_in(schema: Schema) -> frozenset[str]:
    """The names of ``schema``'s columns that hold an instant (timestamptz) in every table that
    has a column of that name (a view's column is not told by its table here)."""
    kinds: dict[str, set[bool]] = {}
    for table in schema.tables.values():
        for column in table.columns:
            instant = column.type.name in INSTANT_TYPES
            kinds.setdefault(column.own_name, set()).add(instant)
    return frozenset(name for name, found in kinds.items() if found == {True})


def _rewrite(text: str, instants: frozenset[str]) -> tuple[str, list[Edit], bool]:
    """``text`` rewritten, its edits, and whether all of it is one instant."""
    out: list[str] = []
    edits: list[Edit] = []
    items = 0
    instant = False
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            out.append(char)
            at += 1
            continue
        item, end = _item(text, at, instants)
        if item is None:
            out.append(char)
            items, instant, at = items + 1, False, at + 1
            continue
        item, end = _cast(text, end, item)
        out.append(item.new)
        edits += item.edits
        items, instant, at = items + 1, item.instant, end
    return "".join(out), edits, items == 1 and instant


def _item(text: str, at: int, instants: frozenset[str]) -> tuple[_Item | None, int]:
    """The construct at ``at`` (a literal, a parenthesized text, a word or a call) and where it
    ends; None for a single character of another kind."""
    char = text[at]
    if char == "'":
        end = _literal_end(text, at)
        return _Item(text[at:end], text[at:end], []), end
    if char == "(":
        end = _close(text, at)
        inner, edits, instant = _rewrite(text[at + 1 : end - 1], instants)
        return _Item(text[at:end], f"({inner})", edits, instant), end
    word = _WORD.match(text, at) if at == 0 or not _joined(text[at - 1]) else None
    if word is None:
        return None, at
    end = word.end()
    rest = end + len(text[end:]) - len(text[end:].lstrip())
    if rest < len(text) and text[rest] == "(":
        close = _close(text, rest)
        return _call(text[at:close], word.group(0), text[rest + 1 : close - 1], instants), close
    return _word(word.group(0), text[end:], instants), end


def _word(word: str, after: str, instants: frozenset[str]) -> _Item:
    """A word that is no call: a clock keyword, a column, or another word."""
    lower = word.lower()
    if lower == "current_date":
        return _Item(word, f"(now() {UTC})::date", [(word, f"(now() {UTC})::date")])
    if lower in ("localtimestamp", "localtime"):
        made = f"(now() {UTC})" + ("::time" if lower == "localtime" else "")
        return _Item(word, made, [(word, made)])
    if lower == "current_timestamp":
        return _Item(word, word, [], instant=True)
    if lower == "at" and _AT_TIME_ZONE.match(after):  # the keyword of AT TIME ZONE
        return _Item(word, word, [])
    last = word.rsplit(".", 1)[-1].strip()
    name = last[1:-1].replace('""', '"') if last.startswith('"') else last.lower()
    return _Item(word, word, [], instant=name in instants)


def _call(whole: str, name: str, args: str, instants: frozenset[str]) -> _Item:
    """A call (``whole``: as written) of ``name`` with ``args`` (their text)."""
    lower = name.lower()
    head = whole[: whole.index("(", len(name))]
    if lower in _CLOCK_CALLS and not args.strip():
        return _Item(whole, whole, [], instant=True)
    if lower == "current_timestamp":
        return _Item(whole, whole, [], instant=True)
    if lower in ("localtimestamp", "localtime"):
        kind = "time" if lower == "localtime" else "timestamp"
        made = f"(now() {UTC})::{kind}({args.strip()})"
        return _Item(whole, made, [(whole, made)])
    parts = _split(args)
    if lower == "date_trunc" and len(parts) == 2:
        unit, (value, edits, instant) = parts[0], _rewrite(parts[1], instants)
        if instant:
            made = f"{head}({unit},{value}, 'UTC')"
            return _Item(whole, made, [(whole, made)], instant=True)
        return _Item(whole, f"{head}({unit},{value})", edits)
    if lower in ("to_char", "date_part") and len(parts) == 2:
        i = 0 if lower == "to_char" else 1
        value, edits, instant = _rewrite(parts[i], instants)
        if instant:
            parts[i] = f"{value} {UTC}"
            made = f"{head}({','.join(parts)})"
            return _Item(whole, made, [(whole, made)])
    if lower == "extract" and (found := _EXTRACT.match(args)) is not None:
        value, edits, instant = _rewrite(found.group(2), instants)
        if instant:
            made = f"{head}({found.group(1)}{value} {UTC})"
            return _Item(whole, made, [(whole, made)])
    inner, edits, _ = _rewrite(args, instants)
    return _Item(whole, f"{head}({inner})", edits)


def _cast(text: str, at: int, item: _Item) -> tuple[_Item, int]:
    """``item`` with the cast that follows it at ``at``, if any: an instant cast to a local date
    or time is read in UTC first; any other cast is copied as it is."""
    local = _LOCAL_CAST.match(text, at)
    if item.instant and local is not None:
        old = item.old + local.group(0)
        made = f"({item.new} {UTC}){local.group(0)}"
        return _Item(old, made, [(old, made)]), local.end()
    other = _ANY_CAST.match(text, at)
    if other is None:
        return item, at
    cast = other.group(0)
    return _Item(item.old + cast, item.new + cast, item.edits), other.end()


def _joined(char: str) -> bool:
    """True when ``char`` before a word makes it part of a longer one (a name or a number)."""
    return char.isalnum() or char in '_$."'


def _literal_end(text: str, at: int) -> int:
    """Where the string literal opening at ``at`` ends ('' inside it is a quote)."""
    end = at + 1
    while end < len(text):
        if text[end] == "'":
            if text[end + 1 : end + 2] == "'":
                end += 2
                continue
            return end + 1
        end += 1
    return len(text)


def _close(text: str, at: int) -> int:
    """Where the parenthesis opening at ``at`` is closed (after it), literals skipped."""
    depth, end = 0, at
    while end < len(text):
        char = text[end]
        if char == "'":
            end = _literal_end(text, end)
            continue
        if char == '"':
            end = text.find('"', end + 1) + 1 or len(text)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        end += 1
        if depth == 0:
            return end
    return len(text)


def _split(args: str) -> list[str]:
    """``args`` split at their commas outside parentheses and literals, each as written."""
    parts, depth, start, at = [], 0, 0, 0
    while at < len(args):
        char = args[at]
        if char == "'":
            at = _literal_end(args, at)
            continue
        if char in "()":
            depth += 1 if char == "(" else -1
        elif char == "," and depth == 0:
            parts.append(args[start:at])
            start = at + 1
        at += 1
    parts.append(args[start:])
    return parts
