"""Probe moments where a part of a date or time (weekday, month, day, hour, year...) meets the
literals it is compared with (see ``probe_sets``).

A rule over a part of a moment (SQLite's ``strftime('%w', d) BETWEEN '1' AND '5'``, PostgreSQL's
``extract(dow FROM d) BETWEEN 2 AND 5``) parts from another spelling of it only on moments whose
part is at or beside a bound: a Monday there, a day in March for ``strftime('%m', d) BETWEEN
'03' AND '10'`` against ``extract(month FROM d) BETWEEN 4 AND 10`` (stranger45). The calendar's
corners (``probes._DAYS``) hold a handful of weekdays and months only, so for each literal
compared with a part (as a number or as text, '03' is 3), a moment whose part is that number and
one whose part is one less and one more is probed. Weekdays wrap (a Sunday is 0 to ``dow`` and
``%w``, 7 to ``isodow`` and ``%u``); other parts outside their range are left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any

from twinschema.evaluate import landings
from twinschema.sql_expression import parse_expression

# The parts, as PostgreSQL's extract() names them, with the SQLite strftime() format for each.
_FORMATS = {
    "%w": "dow", "%u": "isodow", "%m": "month", "%d": "day", "%j": "doy", "%Y": "year",
    "%H": "hour", "%M": "minute", "%S": "second",
}  # fmt: skip
_FIELDS = frozenset(_FORMATS.values())
# The range of each part outside the weekdays (which wrap).
_RANGES = {
    "month": (1, 12), "day": (1, 31), "doy": (1, 366), "year": (1, 9999), "hour": (0, 23),
    "minute": (0, 59), "second": (0, 59),
}  # fmt: skip
_CLOCK_PARTS = frozenset({"hour", "minute", "second"})
# A Sunday, in a leap year whose January has 31 days: the weekdays follow it.
_SUNDAY = dt.datetime(2024, 1, 7)
_NOON = dt.datetime(2024, 1, 8, 12, 30)
# At most this many (part, literal) pairs of two expressions are probed (three values each).
MAX_LITERALS = 8
KINDS = ("date", "timestamp", "timestamptz", "time")


def of(texts: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int], ...]:
    """The (part, number) pairs of expressions, each (dialect, text): each number compared with
    a part of a moment, the first ``MAX_LITERALS`` in order."""
    found: dict[tuple[str, int], None] = {}
    for dialect, text in texts:
        found.update(dict.fromkeys(compared(dialect, text)))
    return tuple(found)[:MAX_LITERALS]


def values(kind: str | None, parts: tuple[tuple[str, int], ...]) -> list[str]:
    """The probe values of a ``kind`` column ('date', 'timestamp', 'timestamptz' or 'time') for
    ``parts``: for each (part, n) a moment whose part is n - 1, n and n + 1 (a part a column
    of the kind has no moments for, a time's month or a date's hour, gives none)."""
    if kind not in KINDS:
        return []
    found: list[str] = []
    for part, number in parts:
        if (kind == "time" and part not in _CLOCK_PARTS) or (
            kind == "date" and part in _CLOCK_PARTS
        ):
            continue
        for n in (number, number - 1, number + 1):
            moment = _moment(part, n)
            if moment is not None:
                found.append(_written(moment, kind))
    return list(dict.fromkeys(found))


def _moment(part: str, n: int) -> dt.datetime | None:
    """A moment whose ``part`` is ``n`` (weekdays wrap), None outside the part's range."""
    if part in ("dow", "isodow"):
        return _SUNDAY.replace(hour=12) + dt.timedelta(days=n % 7)
    low, high = _RANGES[part]
    if not low <= n <= high:
        return None
    if part == "doy":
        return _NOON + dt.timedelta(days=n - 8)  # 2024-01-08 is the year's 8th day
    if part == "hour":
        return _NOON.replace(hour=n)
    if part == "minute":
        return _NOON.replace(minute=n)
    if part == "second":
        return _NOON.replace(second=n)
    noon = _NOON.replace(minute=0)
    if part == "month":
        return noon.replace(month=n, day=15)
    return noon.replace(day=n) if part == "day" else noon.replace(year=n)


def _written(moment: dt.datetime, kind: str) -> str:
    if kind == "date":
        return moment.date().isoformat()
    if kind == "time":
        return moment.time().isoformat()
    text = f"{moment.year:04d}-{moment:%m-%d %H:%M:%S}"
    return text + ("+00:00" if kind == "timestamptz" else "")


@lru_cache(maxsize=1024)
def compared(dialect: str, text: str) -> tuple[tuple[str, int], ...]:
    """Each (part, whole number) ``text`` compares a part of a moment with by =, <>, <, <=, >,
    >=, BETWEEN, IN or ``= ANY (ARRAY[...])``, a fraction by the whole numbers either side;
    none when it does not parse."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return ()
    found: list[tuple[str, int]] = []
    for side, other in landings.compared(tree):
        part = _part(side)
        if part is None:
            continue
        for number in _numbers(other):
            wholes = {int(number.to_integral_value(r)) for r in (ROUND_FLOOR, ROUND_CEILING)}
            found += [(part, w) for w in sorted(wholes)]
    return tuple(dict.fromkeys(found))


def _part(node: Any) -> str | None:
    """The part of a moment ``node`` reads (in parentheses or cast), None when it reads none."""
    from sqlglot import exp

    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    if isinstance(node, exp.Extract):
        name = node.this.name.lower()
        return name if name in _FIELDS else None
    if isinstance(node, exp.TimeToStr):
        form = node.args.get("format")
        return _FORMATS.get(form.this) if isinstance(form, exp.Literal) else None
    return None


def _numbers(node: Any) -> list[Decimal]:
    """The numbers ``node`` stands for: a constant (``landings.constant``), a text literal that
    is a number ('03'), or each item of an ``= ANY (ARRAY[...])``."""
    from sqlglot import exp

    if node is None:
        return []
    if isinstance(node, exp.Any):
        inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
        items = inner.expressions if isinstance(inner, exp.Array) else []
        return [n for item in items for n in _numbers(item)]
    value = landings.constant(node)
    while value is None and isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    if value is None and isinstance(node, exp.Literal) and node.is_string:
        try:
            value = Decimal(node.this.strip())
        except InvalidOperation:
            return []
    return [value] if value is not None and value.is_finite() else []
