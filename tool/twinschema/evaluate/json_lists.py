"""A list kept as JSON array text on SQLite and as an array on PostgreSQL (stranger71 014).

SQLite has no array type; an application keeps a list in a TEXT column as JSON array text
('["a","b"]'), and the server keeps it as ``text[]`` ('{a,b}'). The two columns hold no value
alike, so their rules were "not evaluated: the columns' types differ", and a limit changed on
one side (``json_array_length(tags) <= 3`` against ``cardinality(tags) <= 30``) showed only as
a stale allowance. Where domain.yaml allows that ``column_type`` difference (the user says the
text is the array's JSON form), the column pair is compared through the mapping: a probe value
is a ``JsonList``, bound as JSON array text on SQLite and as the array's text on PostgreSQL
(``[]`` is '[]' and '{}', a NULL element JSON null and NULL), so each side's CHECK runs on its
own database on the same list; a default is read back as a list on each side (``defaults``).
A SQLite text that is no JSON array of the element kind (a JSON object '{}', a number, a
string) is no list: it stays a difference with what it gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.probe_arrays import element_text
from twinschema.model import Column
from twinschema.records import Comparison
from twinschema.records.dialects import POSTGRESQL, SQLITE
from twinschema.records.kinds import INTEGER_KINDS

# The element kinds a JSON array holds as they are: strings and whole numbers (of any width).
_TEXT_KINDS = frozenset({"text", "varchar", "char"})
# What a SQLite column keeping JSON text stands for: TEXT affinity (or JSON by a CHECK's encoding).
_DEVICE_KINDS = frozenset({"text", "json"})
# Lists are probed at each length up to this one that an integer literal names (and beside it).
_LONGEST = 40
# How many of the element probes get a one-element list each (the expressions' own first).
_SINGLES = 12
# Element texts always probed: the JSON and array spellings part on each (a comma, a quote, a
# brace, a blank, the word NULL, the empty string are quoted in an array's text).
_ELEMENTS = ("a", "b", "a,b", '"', "{x}", " ", "NULL", "")


@dataclass(frozen=True)
class JsonList:
    """One list, as each dialect keeps it: JSON array text on SQLite, an array on PostgreSQL."""

    items: tuple[str | int | None, ...]
    # Written with blanks on SQLite ('[ ]', '[ "a" ]', as pretty printers write JSON): the same
    # list, which a CHECK reading the text as text tells apart (stranger75 008).
    spaced: bool = False

    def text(self, dialect: str) -> str:
        """The list as ``dialect``'s column holds it: '["a",null]' (as SQLite's ``json()``
        writes it; '[ "a", null ]' spaced) or '{a,NULL}'."""
        if dialect == POSTGRESQL:
            shown = ("NULL" if i is None else element_text(i) or "" for i in self.items)
            return "{" + ",".join(shown) + "}"
        if self.spaced:
            spaced = ", ".join(json.dumps(i, ensure_ascii=False) for i in self.items)
            return f"[ {spaced} ]" if spaced else "[ ]"
        return json.dumps(list(self.items), ensure_ascii=False, separators=(",", ":"))


def element_kind(lc: Column, rc: Column) -> str | None:
    """The element kind of a SQLite TEXT column (``lc`` or ``rc``) kept as the JSON
    text of the other side's PostgreSQL array of it: ``text`` for ``TEXT`` against ``text[]`` or
    ``varchar(n)[]``, ``integer`` against ``integer[]``, ``bigint[]``, ``smallint[]``; None for
    any other pair (a ``character(n)[]`` pads its elements: no JSON string is that)."""
    by = {c.type.dialect: c for c in (lc, rc)}
    device, server = by.get(SQLITE), by.get(POSTGRESQL)
    if device is None or server is None or device.type.array or not server.type.array:
        return None
    if not typemap.kinds_of(device.type) & _DEVICE_KINDS:
        return None
    kinds = typemap.kinds_of(replace(server.type, array=False, raw=""))
    if "text" in kinds:
        return "text"
    return "integer" if kinds & INTEGER_KINDS else None


def mapped(comparison: Comparison, table: str, lc: Column, rc: Column) -> str | None:
    """The element kind where ``lc`` and ``rc`` (of logical ``table``) are compared through the
    mapping: their ``column_type`` difference is allowed in domain.yaml and they are SQLite
    JSON text against a PostgreSQL array (``element_kind``); None otherwise."""
    kind = element_kind(lc, rc)
    if kind is None:
        return None
    allowed = any(
        d.kind == "column_type" and d.table == table and d.column == lc.name
        for found in comparison.allowed.values()
        for d in found
    )
    return kind if allowed else None


def values(kind: str, scalars: Sequence[Any], numbers: Sequence[Decimal]) -> list[Any]:
    """The probe lists of element ``kind``: NULL, empty, each of a few elements alone (the
    expressions' own first), two, a NULL element, and at each length an integer literal of the
    expressions names and one either side (``json_array_length(t) <= 3``: 3 and 4 elements)."""
    if kind in _TEXT_KINDS:
        own = [s for s in scalars if isinstance(s, str) and "\x00" not in s]
        items: list[str | int] = list(dict.fromkeys([*own, *_ELEMENTS]))
    else:
        whole = [int(n) for n in numbers if n.is_finite() and n == int(n)]
        items = list(dict.fromkeys([*whole, 0, 1, -1]))
    first, second = items[0], items[1 % len(items)]
    found: list[Any] = [None, JsonList(())]
    found += [JsonList((e,)) for e in items[:_SINGLES]]
    found += [JsonList((first, second)), JsonList((None,)), JsonList((first, None))]
    found += [JsonList((), spaced=True), JsonList((first,), spaced=True)]
    # Lists of a length, of two plain elements in turn: a witness reads '["a","b","a","b"]'.
    plain = (_ELEMENTS[0], _ELEMENTS[1]) if kind in _TEXT_KINDS else (1, 2)
    named = {int(n) for n in numbers if n.is_finite() and n == int(n) and 0 <= n <= _LONGEST}
    for length in sorted({k for n in named for k in (n - 1, n, n + 1) if 0 < k <= _LONGEST}):
        found.append(JsonList(tuple(plain[i % 2] for i in range(length))))
    return list(dict.fromkeys(found))


def as_list(dialect: str, kind: str, value: Any) -> JsonList | None:
    """A value a column of ``dialect`` gave (a default read back) as the list it keeps: JSON
    array text of ``kind`` elements on SQLite, an array on PostgreSQL; None for no list (a JSON
    object, a number, text that is no JSON, an element of another kind)."""
    if dialect == SQLITE:
        if not isinstance(value, str):
            return None
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, list):
        return None
    fits = str if kind in _TEXT_KINDS else int
    if any(i is not None and (not isinstance(i, fits) or isinstance(i, bool)) for i in value):
        return None
    return JsonList(tuple(value))


def kept(dialect: str, written: Sequence[Any], stored: Sequence[Any] | None) -> list[Any] | None:
    """``stored`` (what a column of ``dialect`` stored for each of ``written``) with each list
    it holds as written given as that ``JsonList``: SQLite's '["a"]' and PostgreSQL's ``['a']``
    are the list ``("a",)`` stored unchanged, not a value changed on the way in."""
    if stored is None:
        return None
    return [
        w if isinstance(w, JsonList) and _read(dialect, s) == replace(w, spaced=False) else s
        for w, s in zip(written, stored, strict=True)
    ]


def _read(dialect: str, value: Any) -> JsonList | None:
    """``value`` read back from a column of ``dialect`` as the list it holds, if one."""
    found = as_list(dialect, "text", value)
    return found if found is not None else as_list(dialect, "integer", value)
