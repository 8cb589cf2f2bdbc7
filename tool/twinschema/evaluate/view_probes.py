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

from twinschema.evaluate import json_lists, probe_json, probes, view_near, view_now, view_switches
from twinschema.evaluate.view_dates import spelled
from twinschema.evaluate.view_text_keys import key_texts
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
# Moments both sides take that SQLite's date functions read otherwise (stranger77 001): hour 24
# is the next day to PostgreSQL, the same day to SQLite's date(); second 60 the next minute to
# PostgreSQL, NULL to SQLite's (as the CHECK comparison's ``offset_rows.WALL`` spellings).
_WALL = ("2024-01-01 24:00:00", "2024-01-01 23:59:60")
# An ordinary moment whose text sorts after the kind's probe written west of UTC ('2024-01-31
# 23:30:00-02:00', 01:30 UTC on the 1st) and is the earlier instant: text compared as text
# (SQLite's TEXT) and as moments (timestamptz) part on the two, so a view comparing two such
# columns has a witness no one frowns at before hour 24 or second 60 (the recheck of
# stranger84 (5): late_orders' placed_at > closes_at was shown on '23:59:60' only).
_ORDINARY = {"timestamptz": ("2024-02-01 00:00:00+00:00",)}
# Groups are sized around the count literals up to this one (n - 1 .. n + 2 rows each).
_GROUPS = 32
# A group's number where its column's probe values are spent (``_fresh``).
_FRESH = 7000
# Text lengths are tried around whole literals up to this one.
_LENGTHS = 64
_COUNTED = re.compile(r"\bcount\s*\(", re.I)
_GROUP_BY = re.compile(r"\bgroup\s+by\b", re.I)
# What a GROUP BY names, up to the next clause (or the end of its parentheses).
_GROUP_CLAUSE = re.compile(
    r"\bgroup\s+by\b(.*?)(?=\bhaving\b|\border\b|\blimit\b|\bwindow\b|\bunion\b|\bexcept\b"
    r"|\bintersect\b|\)|;|$)",
    re.I | re.S,
)
# What a LIKE pattern's % and _ are filled with (its _ by the first letter) in a column's values.
_LIKE_FILLS = ("Jazz Night", "É")


def literals(text: str) -> tuple[tuple[Decimal, ...], tuple[str, ...]]:
    """The number and string literals of the views' SQL ``text``."""
    numbers = tuple(Decimal(n) for n in dict.fromkeys(_NUMBER.findall(text)))
    strings = tuple(s.replace("''", "'") for s in dict.fromkeys(_STRING.findall(text)))
    return numbers, strings


def probe_rows(
    lt: Table, rt: Table, columns: Sequence[str], text: str, read: Sequence[bool]
) -> list[Any]:
    """Probe rows of one base table (``candidates`` crossed by ``crossed``), unfitted."""
    found = candidates(lt, rt, columns, text, read)
    return crossed(found, keys_of(lt, rt, columns), read, literals(text)[1])


def key_values(lt: Table, rt: Table, name: str) -> tuple[Any, ...]:
    """Values of key column ``name`` that make each row one of its own, where its kind has
    them (1, 2, 3...; uuids), else none."""
    lc, rc = lt.column(name), rt.column(name)
    assert lc is not None and rc is not None
    return _KEYS.get(probes.kind_of(lc, rc) or "", ())


def keys_of(lt: Table, rt: Table, columns: Sequence[str]) -> list[int]:
    """The indexes of ``columns`` that take a new value on each row: the primary key, an
    identity, and a column of a UNIQUE on either side (else every row but the first repeats
    it, and the rows are cut to one: ``view_keys``)."""
    unique = {c for t in (lt, rt) for u in t.uniques for c in u.columns}
    return [
        i
        for i, c in enumerate(columns)
        if c in lt.primary_key or c in unique or _identity(lt.column(c))
    ]


def candidates(
    lt: Table,
    rt: Table,
    columns: Sequence[str],
    text: str,
    read: Sequence[bool],
    zone: str | None = None,
) -> list[list[Any]]:
    """Each column's probe values, most telling first: from its kind and the views' literals
    (``probes.values_for``; no NULL where either side says NOT NULL) and the telling values
    above; then from the literals of the CHECKs (a domain's among them) that read the column
    alone, and a moment in each form a CHECK's strftime() pins (stranger77 005, 006: a level
    CHECKed BETWEEN 1 AND 5 took 0 only, a pinned timestamp no form it takes); a list kept as
    JSON text against an array as ``json_lists`` lists (004); ``zone``: a live database's
    TimeZone off UTC (``view_now``). ``view_fits`` keeps those both sides' columns take."""
    numbers, strings = literals(text)
    values: list[list[Any]] = []
    keys = keys_of(lt, rt, columns)
    for j, name in enumerate(columns):
        lc, rc = lt.column(name), rt.column(name)
        assert lc is not None and rc is not None
        kind = probes.kind_of(lc, rc)
        own_numbers, own_strings = literals(" ".join(alone(lt, lc) + alone(rt, rc)))
        # An enum's labels (a CHECK IN list over a boolean's 0 and 1 is no enum: its kind's
        # own values are False and True).
        labels = _labels(lt, lc) + _labels(rt, rc) if kind in probes.TEXT_KINDS else ()
        listed = json_lists.element_kind(lc, rc)
        if listed is not None:  # the same list on both sides (not spaced: one JSON text)
            found = json_lists.values(listed, strings + own_strings, numbers + own_numbers)
            found = [v for v in found if not (isinstance(v, json_lists.JsonList) and v.spaced)]
        elif read[j]:  # the enum's labels first, then the views' literals, the telling values
            found = probes.values_for(kind, numbers, tuple(dict.fromkeys(strings + labels)))
            documented = _json(kind, strings)
            documents = probe_json.view_documents(strings, numbers, text) if documented else []
            said = _telling(kind, strings, found, _lengths(numbers))
            found = list(dict.fromkeys([None, *labels, *documents, *said]))
            # Cut to the most telling, then the kind's own plain values the cut dropped ('A',
            # 'abc', '12': a view without literals still meets them).
            # Moments near now where the views read the clock (stranger79 001: ``view_now``).
            near = view_now.near_now(kind, text, zone)
            plain = probes.values_for(kind, (), ())[:PLAIN]
            ordinary = (*_ORDINARY.get(kind or "", ()), *spelled(kind, text))
            found = list(dict.fromkeys([*found[:VALUES], *near, *ordinary, *plain]))
            if j in keys and kind in _KEYS:  # a key read: one of its own for each row too
                found += [k for k in _KEYS[kind or ""] if k not in found]
        elif j in keys and kind in _KEYS:  # one key per row
            found = list(_KEYS[kind or ""])
        else:  # a value of its kind (a label)
            found = probes.values_for(kind, (), labels)
        if listed is None and not (j in keys and not read[j] and kind in _KEYS):
            found += [v for v in _checked(kind, own_numbers, own_strings) if v not in found]
        if j in keys and kind in probes.TEXT_KINDS:
            keyed = key_texts(own_numbers, own_strings, 3 * ROWS)
            found += [k for k in keyed if k not in found]  # one of its own each row
        if not (lc.nullable and rc.nullable):
            found = [v for v in found if v is not None]
        values.append(found)
    return values


def crossed(
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    read: Sequence[bool],
    named: Sequence[str] = (),
) -> list[Any]:
    """Rows of a table from each column's (fitted) values: a column no view reads gets its
    first value (a key column one per row), the others their first ``VALUES + PLAIN`` (the
    most telling, then the kind's plain ones), crossed on a few diagonals, no two with the
    same primary key; then the rows for moments near now (``view_near``, with the views' text
    literals ``named``) and for switch columns (``view_switches``)."""
    values = [
        list(v) if j in keys else view_near.cut(v, VALUES + PLAIN if read[j] else 1)
        for j, v in enumerate(values)
    ]
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
    near = view_near.near_rows(values, keys, seen, named)
    kept = [r for r in rows if r not in near][: max(ROWS - len(near), ROWS // 2)]
    return kept + near + view_switches.switch_rows(values, keys, read, kept + near, seen)


def _lengths(numbers: tuple[Decimal, ...]) -> tuple[str, ...]:
    """Text at, one short of and one past each small whole literal's length (stranger77 014:
    ``length(name) > 5`` against ``> 6`` part on a name of 6 characters only)."""
    whole = [int(n) for n in numbers if n == int(n) and 0 < n <= _LENGTHS]
    return tuple(dict.fromkeys("x" * k for n in whole for k in (n - 1, n, n + 1) if k > 0))


def held_keys(lt: Table, rt: Table, columns: Sequence[str], text: str) -> list[int]:
    """The indexes of the key columns (``keys_of``) a counted group may hold one value in: a
    column the views' GROUP BY names whose every key (either side's primary key and UNIQUEs)
    has a column the group does not hold, new on each row (``GROUP BY hall`` over PRIMARY KEY
    (hall, num): no two rows shared a hall, and no group of two was ever made)."""
    clauses = " ".join(_GROUP_CLAUSE.findall(text))
    keys = keys_of(lt, rt, columns)
    grouped = {
        columns[j]
        for j in keys
        if not any(_identity(t.column(columns[j])) for t in (lt, rt))
        and any(word(c.own_name).search(clauses) for t in (lt, rt) if (c := t.column(columns[j])))
    }
    uniques = [set(t.primary_key) for t in (lt, rt) if t.primary_key]
    uniques += [set(u.columns) for t in (lt, rt) for u in t.uniques]
    return [
        j
        for j in keys
        if columns[j] in grouped
        and all((u - grouped) & set(columns) for u in uniques if columns[j] in u)
    ]


def grouped(
    rows: list[Any],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    text: str,
    held: Sequence[int] = (),
) -> list[Any]:
    """``rows`` and, where the views count a group (``count(`` with GROUP BY), groups of
    n - 1 .. n + 2 rows for each whole literal n up to ``_GROUPS`` (stranger77 014: ``HAVING
    count(*) > 1`` against ``> 2`` part on a group of exactly 2, which the diagonals never
    made; ``> 9`` against ``> 10`` on a group of 10): each group a row's values with unused
    values where its columns have them, each key column (none, one or several) new on every
    row but those of ``held`` (``held_keys``), which take one new value for the group."""
    if not rows or not (_COUNTED.search(text) and _GROUP_BY.search(text)):
        return rows
    numbers, _ = literals(text)
    whole = {int(n) for n in numbers if n == int(n) and 0 <= n <= _GROUPS}
    sizes = sorted({k for n in whole for k in range(max(1, n - 1), n + 3)})
    free = {k: [v for v in dict.fromkeys(values[k]) if v not in {r[k] for r in rows}] for k in keys}
    used = [{r[j] for r in rows} for j in range(len(values))]
    spare = [[v for v in given if v not in used[j]] for j, given in enumerate(values)]
    found = list(rows)
    for size in sizes:
        template = list(rows[size % len(rows)])
        for j, left in enumerate(spare):
            if j not in keys:  # a value no other row has: the group is one of its own
                template[j] = left.pop(0) if left else _fresh(template[j], size)
            elif j in held:
                if not free[j]:
                    return found
                template[j] = free[j].pop(0)
        for _ in range(size):
            if any(not free[k] for k in keys if k not in held):
                return found
            found.append(
                tuple(
                    free[j].pop(0) if j in keys and j not in held else v
                    for j, v in enumerate(template)
                )
            )
    return found


def _fresh(value: Any, n: int) -> Any:
    """A value of ``value``'s kind no probe row holds, for the group of ``n`` rows, where the
    column's own values are spent (a group sharing a row's values counted that row too: 11
    rows in a group of 10, and ``> 9`` against ``> 10`` was said the same); else ``value``."""
    if isinstance(value, str):
        return f"g{n}"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return type(value)(_FRESH + n)
    return value


def alone(table: Table, column: Column) -> list[str]:
    """The CHECKs of ``table`` (a domain's among them) that read ``column`` and no other."""
    others = [word(c.own_name) for c in table.columns if c.own_name != column.own_name]
    mine = word(column.own_name)
    found = []
    for check in table.checks:
        said = check.raw or check.expression
        if mine.search(said) and not any(o.search(said) for o in others):
            found.append(said)
    return found


def _checked(kind: str | None, numbers: tuple[Decimal, ...], strings: tuple[str, ...]) -> list[Any]:
    """Values from a column's own CHECKs' literals: at, beside and past each (``values_for``),
    text a LIKE pattern takes (``email LIKE '%_@_%'``: 'Jazz NightJ@JJazz Night', where lower()
    parts), and each of the kind's moments in each strftime() form a literal writes (README's
    UTC pin ``x IS strftime('%Y-%m-%dT%H:%M:%SZ', x)`` takes '2024-02-29T12:00:00Z' only)."""
    if not numbers and not strings:
        return []
    found: list[Any] = []
    if kind in probes.TEXT_KINDS:  # text a LIKE pattern takes, in both cases and beyond ASCII
        found += [p.replace("_", f[0]).replace("%", f) for p in strings for f in _LIKE_FILLS]
    found += probes.values_for(kind, numbers, strings)
    if kind in ("timestamp", "timestamptz", "date") or kind in probes.TEXT_KINDS:
        moments = probes.MOMENT_KINDS.get(kind or "text", probes.MOMENT_KINDS["timestamp"])
        found += [_formatted(m, s) for s in strings if "%" in s for m in moments]
    return [v for v in dict.fromkeys(found) if v is not None]


def _formatted(moment: str, form: str) -> str:
    """``moment`` ('2024-01-01 12:00:00.5', perhaps with an offset) written as strftime()'s
    ``form`` writes it (SQLite's %f is the seconds with 3 decimals)."""
    from datetime import datetime

    at = datetime.fromisoformat(moment[:19] if len(moment) >= 19 else moment)
    fraction = f"{at:%S}.{at.microsecond // 1000:03d}"
    return at.strftime(form.replace("%f", fraction.replace("%", "%%")))


def word(name: str) -> re.Pattern[str]:
    """A pattern finding ``name`` as a word of SQL text (quoted or not)."""
    return re.compile(r'(?<![\w$"])"?' + re.escape(name) + r'"?(?![\w$])', re.I)


def _telling(
    kind: str | None, strings: tuple[str, ...], found: list[Any], lengths: tuple[str, ...] = ()
) -> list[Any]:
    """A text column's probe values ``found`` with the views' literals as written first, then
    the telling texts, then the rest (a cut keeps them); a timestamptz column's with each
    moment written without an offset followed by the same in UTC: a text without one is read in
    UTC by SQLite and in the session's TimeZone by PostgreSQL, so on a server set to its region
    only the UTC spelling is one value on both sides (stranger76 012); a timestamp's with hour 24
    and second 60 after the literals (``_WALL``); other kinds' as they are."""
    if kind in probes.TEXT_KINDS or kind is None:
        return [None, *strings, *_TELLING_TEXT, *lengths, *found]
    if kind in ("timestamp", "timestamptz"):  # hour 24 and second 60 right after the literals
        at = next((i for i, v in enumerate(found) if v is not None and v not in strings), 0)
        found = [*found[:at], *_WALL, *found[at:]]
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
