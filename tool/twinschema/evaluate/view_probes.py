"""The probe rows views are run on (``view_answers``), per base table.

Each column a view reads takes the values the CHECK comparison probes it with
(``probes.values_for``: the expressions' literals and what they make of them); a text column
takes, right after the views' literals, text where functions part the dialects on any value:
letters beyond ASCII ('é', 'É': SQLite's upper() and lower() fold ASCII only; 'é' is 1
character and 2 bytes: length against octet_length) and text longer than a few characters
(SQLite's ``substr(x, -3)`` counts from the end, PostgreSQL's starts at 1; stranger76 001,
002); a JSON column, documents holding the views' number literals (and the numbers beside
them) at the views' key paths, each as a JSON number and as a JSON string (stranger76 010:
SQLite's json_extract gives "2" as text, which sorts after 3). The most telling values are
cut at ``VALUES`` and the kind's own plain values follow ('A', 'abc', '12': telling texts
had pushed them out of a view without literals). Rows are crossed on a few diagonals, so one
value of a column read meets several of another: two rows in one group with different
values, where an average or a sum parts (avg(-5, 10) is 2.5, as an integer 3). A key column
no view reads numbers its rows 1, 2, 3...: a key's probe values include the type's bounds,
which the other side's narrower key refuses, and every row the tables do not both take is
lost to the comparison (stranger76 013: each group was left one row).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import probe_json, probes
from twinschema.model import Column, Table
from twinschema.records.kinds import INTEGER_KINDS

# The most telling probe values tried per column, then as many of its kind's plain values
# (those the kind's list starts with, without literals), and the probe rows per table (bounded:
# every row is run).
VALUES = 12
PLAIN = 15
ROWS = 48
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_STRING = re.compile(r"'((?:[^']|'')*)'")
_OFFSET = re.compile(r"[+Z]|-\d\d(?::?\d\d)?$")
# Values of a key column no view reads, each row one of its own (a uuid key's probe values
# are two spellings of one uuid; an integer key's include bounds a narrower key refuses).
_KEYS: dict[str, tuple[Any, ...]] = {
    "uuid": tuple(f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 3 * ROWS + 1)),
    **{k: tuple(range(1, 3 * ROWS + 1)) for k in INTEGER_KINDS},
}
# Text where functions part the dialects on any value, tried before the kind's plain values
# (stranger76 001, 002): non-ASCII letters in each case, alone and in a word, and a text longer
# than a substr() from the end reaches.
_TELLING_TEXT = ("é", "É", "Jazz Night", "x" * 40)


def literals(text: str) -> tuple[tuple[Decimal, ...], tuple[str, ...]]:
    """The number and string literals of the views' SQL ``text``."""
    numbers = tuple(Decimal(n) for n in dict.fromkeys(_NUMBER.findall(text)))
    strings = tuple(s.replace("''", "'") for s in dict.fromkeys(_STRING.findall(text)))
    return numbers, strings


def probe_rows(
    lt: Table, rt: Table, columns: Sequence[str], text: str, read: Sequence[bool]
) -> list[Any]:
    """Probe rows of one base table: values per column from its kind and the views' literals
    (``probes.values_for``; no NULL where either side says NOT NULL) and the telling values
    above, crossed on a few diagonals, no two with the same primary key; a column no view
    reads gets one value (a key column one per row)."""
    numbers, strings = literals(text)
    values: list[list[Any]] = []
    # A key takes a new value on each row: the primary key, an identity, and a column of a
    # UNIQUE (else every row but the first repeats it, and the rows are cut to one: view_keys).
    unique = {c for t in (lt, rt) for u in t.uniques for c in u.columns}
    keys = [
        i
        for i, c in enumerate(columns)
        if c in lt.primary_key or c in unique or _identity(lt.column(c))
    ]
    for j, name in enumerate(columns):
        lc, rc = lt.column(name), rt.column(name)
        assert lc is not None and rc is not None
        kind = probes.kind_of(lc, rc)
        # An enum's labels (a CHECK IN list over a boolean's 0 and 1 is no enum: its kind's
        # own values are False and True).
        labels = _labels(lt, lc) + _labels(rt, rc) if kind in probes.TEXT_KINDS else ()
        if read[j]:  # the enum's labels first, then the views' literals, the telling values
            found = probes.values_for(kind, numbers, tuple(dict.fromkeys(strings + labels)))
            documents = probe_json.view_documents(strings, numbers) if _json(kind, strings) else []
            found = [None, *labels, *documents, *_telling(kind, strings, found)]
            # Cut to the most telling, then the kind's own plain values the cut dropped ('A',
            # 'abc', '12': a view without literals still meets them).
            found = list(dict.fromkeys([*found[:VALUES], *probes.values_for(kind, (), ())[:PLAIN]]))
        elif j in keys and kind in _KEYS:  # one key per row
            found = list(_KEYS[kind or ""])
        else:  # a value of its kind (a label)
            found = probes.values_for(kind, (), labels)
        if not (lc.nullable and rc.nullable):
            found = [v for v in found if v is not None]
        values.append(found if read[j] or j in keys else found[:1])
    rows: dict[tuple[Any, ...], None] = {}
    seen: set[tuple[Any, ...]] = set()
    longest = max((len(v) for j, v in enumerate(values) if j not in keys), default=VALUES)
    for step in range(1, 4):
        for i in range(longest):
            at = [
                ((step - 1) * longest + i) if j in keys else (i * step + j * (step - 1))
                for j in range(len(values))
            ]
            row = tuple((v[at[j] % len(v)] if v else None) for j, v in enumerate(values))
            key = tuple(row[k] for k in keys)
            if keys and key in seen:
                continue
            seen.add(key)
            rows.setdefault(row, None)
    return list(rows)[:ROWS]


def _telling(kind: str | None, strings: tuple[str, ...], found: list[Any]) -> list[Any]:
    """A text column's probe values ``found`` with the views' literals as written first, then
    the telling texts, then the rest (a cut keeps them); a timestamptz column's with each
    moment written without an offset followed by the same in UTC: a text without one is read in
    UTC by SQLite and in the session's TimeZone by PostgreSQL, so on a server set to its region
    only the UTC spelling is one value on both sides (stranger76 012); other kinds' as they are."""
    if kind in probes.TEXT_KINDS or kind is None:
        return [None, *strings, *_TELLING_TEXT, *found]
    if kind == "timestamptz":  # each moment without an offset also in UTC
        return [s for v in found for s in ((v, f"{v}+00:00") if _naive(v) else (v,))]
    return found


def _json(kind: str | None, strings: tuple[str, ...]) -> bool:
    """True for a column whose probes are JSON documents: a JSON kind, or text the views read
    with a SQLite JSON path ('$.lvl')."""
    text = kind in probes.TEXT_KINDS or kind is None
    return kind == "json" or (text and any(s.startswith("$") for s in strings))


def _naive(value: Any) -> bool:
    """True for a moment's text with a time and no offset ('2026-03-01 12:00:00'; a day
    alone takes no offset on SQLite)."""
    if not isinstance(value, str) or len(value) < 16 or value[10] not in " T":
        return False
    return not _OFFSET.search(value[10:])


def _labels(table: Table, column: Column) -> tuple[str, ...]:
    """The labels of an enum column: its type's, or a CHECK's IN list over it alone."""
    found = list(column.type.values or ())
    for check in table.checks:
        if check.values and check.column and check.column.lower() == column.own_name.lower():
            found += check.values
    return tuple(found)


def _identity(column: Column | None) -> bool:
    return column is not None and column.identity is not None
