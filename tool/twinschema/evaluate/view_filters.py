"""The filters of a view that compare a column with a literal or with the clock, and the probe
values that meet them (stranger89 001, 003).

The float-sum groups (``view_sums``) were placed on the first probe rows and their parents,
dated 2024-01-01 with a delay of 2 and amounts 0.1 and 0.2: a view of today's load (``date(
departs_at) = date('now')`` / ``departs_at::date = current_date``), of this month, of long
vehicles (``vehicle_length_m > 6``) or of late sailings (``delay_minutes > 15``) dropped every
such row and was called "the same rows". Here the comparisons of a column with a literal
(``=``, ``<>``, ``>``, ``>=``, ``<``, ``<=``, ``IN``, ``BETWEEN``, ``LIKE 'prefix%'``, either
way round, a PostgreSQL cast after the literal) are read from the views' SQL, and
``meeting`` picks the values that hold for all of a column's comparisons; a moment column the
views compare with the clock is met by the probes' moments near now (``view_now``), the start
of the fixed moment's day first (on its day and in its month at any hour). Near miss: a
filter this reading does not understand (a function of the column, ``NOT flag``) is left to
the probe rows as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from twinschema.evaluate import view_negated, view_now, view_probes
from twinschema.model import Table

_LITERAL = r"(-?\d+(?:\.\d+)?|'(?:[^']|'')*')(?:\s*::\s*[\w ]+?(?=[\s),;]|$))?"
_OPERATOR = r"(==|=|<>|!=|>=|<=|>|<)"
# How many values a filtered column tries (each a placement of the witness rows of its own).
TRIES = 3
# A clock label meeting today's and this month's filters at any hour.
_START = "start of today"
# The label of a clock moment meeting a filter on the moments after now (``> now()``).
_AHEAD = "<an hour after now,"
# What ends a condition: its connectives and the words of other clauses.
_PARTS = re.compile(
    r"\b(?:and|or|not|where|on|having|select|from|join|group|order|limit|case|when|then|else|"
    r"end|union|create|view)\b|;",
    re.I,
)
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "=": "=", "<>": "<>"}


@dataclass(frozen=True)
class Comparison:
    """One filter of a column: ``op`` ('=', '<>', '>', '>=', '<', '<=', 'in', 'between',
    'like', 'clock') and its literal values (numbers as Decimal, text as str)."""

    op: str
    values: tuple[Any, ...]


def comparisons(
    text: str, table: Table, other: Table, columns: Sequence[str]
) -> dict[int, list[Comparison]]:
    """Per index of ``columns`` (logical names of one base table, ``table`` and ``other`` its
    two sides), the comparisons the views' SQL ``text`` makes of it with a literal, and a
    'clock' comparison where the column holds moments and the text reads the clock beside it."""
    found: dict[int, list[Comparison]] = {}
    clock = view_now.reads_clock(text)
    for j, name in enumerate(columns):
        said: list[Comparison] = []
        for own in {c.own_name for t in (table, other) if (c := t.column(name)) is not None}:
            said += _read(text, own)
            if clock and _beside_clock(text, own):
                said.append(Comparison("clock", ()))
        if said:
            found[j] = list(dict.fromkeys(said))
    return found


def _read(text: str, own: str) -> list[Comparison]:
    """The literal comparisons of column ``own`` in ``text``, but those under a NOT or inside
    a CASE (``view_negated``: what they ask, the view may refuse)."""
    col = r'(?<![\w$"])(?:\w+\s*\.\s*)?"?' + re.escape(own) + r'"?(?![\w$(])'
    masked = view_negated.spans(text)
    found: list[Comparison] = []

    def matches(pattern: str) -> list[re.Match[str]]:
        return [m for m in re.finditer(pattern, text, re.I) if not view_negated.inside(m, masked)]

    for m in matches(col + r"\s*" + _OPERATOR + r"\s*\(*\s*" + _LITERAL):
        found.append(Comparison(_op(m[1]), (_value(m[2]),)))
    for m in matches(_LITERAL + r"\s*" + _OPERATOR + r"\s*\(*\s*" + col):
        found.append(Comparison(_FLIP[_op(m[2])], (_value(m[1]),)))
    for m in matches(col + r"\s+(not\s+)?in\s*\(([^()]*)\)"):
        values = tuple(_value(v) for v in re.findall(_LITERAL, m[2]))
        if values and not m[1]:
            found.append(Comparison("in", values))
    for m in matches(col + r"\s+between\s+" + _LITERAL + r"\s+and\s+" + _LITERAL):
        found.append(Comparison("between", (_value(m[1]), _value(m[2]))))
    for m in matches(col + r"\s+(?:i?like)\s+'([^'%_]+)%"):
        found.append(Comparison("like", (m[1],)))
    return found


def _beside_clock(text: str, own: str) -> bool:
    """True when a condition of ``text`` (between AND, OR, WHERE, ON, a clause's word) names
    ``own`` and the clock (a function's arguments stay together: ``strftime('%Y-%m', x)``)."""
    mine = view_probes.word(own)
    parts = _PARTS.split(text)
    return any(mine.search(p) and view_now.reads_clock(p) for p in parts)


def _op(said: str) -> str:
    return {"==": "=", "!=": "<>"}.get(said, said)


def _value(said: str) -> Any:
    if said.startswith("'"):
        return said[1:-1].replace("''", "'")
    return Decimal(said)


def meets(value: Any, said: Sequence[Comparison]) -> bool:
    """True when ``value`` holds for every literal comparison of ``said`` (a 'clock' one: a
    moment near now, ``view_now.NowMoment``)."""
    return all(_holds(value, c) for c in said)


def _holds(value: Any, c: Comparison) -> bool:
    if c.op == "clock":
        return isinstance(value, view_now.NowMoment)
    if value is None:
        return False
    try:
        if c.op == "in":
            return any(_cmp(value, v) == 0 for v in c.values)
        if c.op == "between":
            return _cmp(value, c.values[0]) >= 0 and _cmp(value, c.values[1]) <= 0
        if c.op == "like":
            return isinstance(value, str) and value.startswith(c.values[0])
        order = _cmp(value, c.values[0])
    except (TypeError, ValueError, InvalidOperation):
        return False
    return {
        "=": order == 0,
        "<>": order != 0,
        ">": order > 0,
        ">=": order >= 0,
        "<": order < 0,
        "<=": order <= 0,
    }[c.op]


def _cmp(value: Any, literal: Any) -> int:
    """-1, 0 or 1 as ``value`` orders against ``literal`` (a number against a number, text
    against text); TypeError where they are not of one kind."""
    if isinstance(literal, Decimal):
        if isinstance(value, str) or value is None:
            raise TypeError
        number = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
        return (number > literal) - (number < literal)
    if not isinstance(value, str) or not isinstance(literal, str):
        raise TypeError
    text: str = value
    return int(text > literal) - int(text < literal)


def derived(said: Sequence[Comparison], scale: int | None) -> list[Any]:
    """Values past or at each literal bound of ``said`` (at ``scale``'s step: 6 -> 6.01, and
    a whole step, 6 -> 7), for a column whose probe values may not reach them."""
    step = Decimal(1).scaleb(-scale) if scale else Decimal(1)
    found: list[Any] = []
    for c in said:
        for v in c.values:
            if isinstance(v, Decimal):
                found += [v, v + step, v - step, v + 1, v - 1]
            elif isinstance(v, str):
                found.append(v)
    return list(dict.fromkeys(found))


def meeting(values: Sequence[Any], said: Sequence[Comparison]) -> list[Any]:
    """Up to ``TRIES`` of ``values`` meeting all of ``said``, a moment at the start of the
    fixed moment's day first (on its day and in its month whatever the hour); for a column
    compared with the clock, also an hour after now (fix94b: ``departs_at > now()`` met none
    of the starts of today and yesterday, and a float sum of upcoming fares was "the same
    rows")."""
    met = [v for v in dict.fromkeys(values) if meets(v, said)]
    start = [v for v in met if _START in getattr(v, "label", "")]
    chosen = list(dict.fromkeys([*start, *met]))[:TRIES]
    ahead = [v for v in met if getattr(v, "label", "").startswith(_AHEAD)]
    if any(c.op == "clock" for c in said) and ahead and not set(ahead) & set(chosen):
        chosen.append(ahead[0])
    return chosen


def unmet(
    text: str, tables: Sequence[tuple[str, Sequence[str]]], rows: Sequence[Sequence[Sequence[Any]]]
) -> str | None:
    """What no probe row met, where a view returned no row on them (stranger89 003: 'a join
    they do not meet' was said of ``operator_code = 'FX'``): the first literal filter of a
    column (``tables``: each base's name and column names, ``rows`` its probe rows) that no
    row of its table meets, as 'no probe row has booking.operator_code = 'FX''; None where
    each is met by some row."""
    for (table, columns), given in zip(tables, rows, strict=True):
        for j, own in enumerate(columns):
            for c in dict.fromkeys(_read(text, own)):
                if not any(meets(r[j], [c]) for r in given):
                    return f"no probe row has {table}.{own} {_said(c)}"
    return None


def _said(c: Comparison) -> str:
    """A comparison as SQL writes it (``= 'FX'``, ``IN (1, 2)``, ``BETWEEN 1 AND 5``)."""
    shown = [f"'{v}'" if isinstance(v, str) else str(v) for v in c.values]
    if c.op == "in":
        return f"IN ({', '.join(shown)})"
    if c.op == "between":
        return f"BETWEEN {shown[0]} AND {shown[1]}"
    if c.op == "like":
        return f"LIKE '{c.values[0]}%'"
    return f"{c.op} {shown[0]}"
