"""Probe moments where date and time arithmetic reaches its bound (see ``probe_sets``).

An expression over date or timestamp columns that moves one by a fixed step or measures the
distance between two (PostgreSQL's ``s + 7`` on a date and ``e - s <= 30``, an interval literal
``interval '1 hour'`` or ``'01:00:00'::interval``, SQLite's modifiers ``date(s, '+7 days')``
and ``datetime(s, '+1 hour')``, ``julianday(e) - julianday(s) < 1`` in days, a difference of
``strftime('%s', ...)`` or ``extract(epoch from ...)`` compared with a number of seconds) parts
at off-by-one bounds (``e <= s + 7`` against ``e <= s + 6``) only on two values exactly that
step apart. Each such column is probed at a base moment (each date literal of the expressions,
else ``_BASE``; with ``julianday()`` also ``_DAYTIME``) and at base + step, and one unit either
side of it: a day for dates; a second, half a second and a microsecond for timestamps, whose
base is probed with half a second too (SQLite's ``datetime()`` drops a fraction that
PostgreSQL's interval arithmetic keeps, its ``julianday()`` keeps milliseconds); where an
expression formats with ``%f`` (milliseconds), a base with microseconds is probed too. A difference
scaled by a constant (``(julianday(e) - julianday(s)) * 24 <= 1``) is compared unscaled, and
the unit of the scaled difference is a step too (``_scaled``). Crossed over the
columns, the rows hold pairs exactly at, inside and past each bound. Steps in months and years
are left out: their length is the calendar's (``month_steps`` probes the month ends they run over).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, DecimalException
from functools import lru_cache, partial
from typing import Any

from twinschema.evaluate import landings
from twinschema.evaluate.clock import date_of, timestamp_of
from twinschema.sql_expression import parse_expression

_BASE = dt.datetime(2024, 1, 1)
_DAY = Decimal(86400)
_FRACTION = Decimal("0.5")
_MICRO = Decimal("0.000001")
# A second base where an expression reads julianday(), a double of milliseconds: a difference
# of whole hours is a little short of its number from midnight (00:00 to 01:00 is
# 0.9999999962747097 hours) and a little past it from 10:00 (1.0000000074505806; stranger45).
_DAYTIME = dt.datetime(2024, 1, 1, 10)
# A base with a fraction finer than a millisecond, where an expression formats a moment with
# SQLite's %f (milliseconds, as text): '2024-01-01 17:15:30.123456' is past the '17:15:30.123'
# of strftime('%Y-%m-%d %H:%M:%f', s, '+8 hours') for s = 09:15:30.123456, and exactly 8 hours
# on for PostgreSQL's s + interval '8 hours' (stranger45 030).
_SUB_MILLI = dt.datetime(2024, 1, 1, 9, 15, 30, 123456)
# At most this many steps and bases per pair of expressions (each step adds up to six values to
# each column it reads, crossed with the other columns' values).
MAX_STEPS = 3
_MAX_BASES = 2
_SECONDS = {
    "week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60, "min": 60, "second": 1, "sec": 1,
}  # fmt: skip
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_AMOUNT = r"([+-]?\d+(?:\.\d+)?)\s*([a-z]+)"
# Farther steps are left out (a moment past year 9999 is none).
_FARTHEST = Decimal(36500) * 86400
_CLOCK = r"^([+-])?(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$"
_COMPARISONS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE")


def interval_seconds(text: str, clock: bool = False) -> Decimal | None:
    """The seconds of an interval text ('7 days', '+1 hour', '1 day 01:00:00', with ``clock``
    a bare '01:00:00' too), None for one in months or years or one that is no interval."""
    rest, total = text.strip().lower(), Decimal(0)
    while (match := re.match(_AMOUNT, rest)) is not None:
        name = match.group(2)
        unit = _SECONDS.get(name[:-1] if name.endswith("s") and name[:-1] in _SECONDS else name)
        if unit is None:
            return None  # months, years, or no unit
        total += Decimal(match.group(1)) * unit
        rest = rest[match.end() :].strip()
    if rest and (clock or total) and (match := re.match(_CLOCK, rest)) is not None:
        sign, hours, minutes, seconds = match.groups()
        moved = int(hours) * 3600 + int(minutes) * 60 + Decimal(seconds or 0)
        total += -moved if sign == "-" else moved
        rest = ""
    return total if not rest and total else None


def values(kind: str, steps: tuple[Decimal, ...], bases: tuple[dt.datetime, ...]) -> list[str]:
    """The probe values of a ``kind`` column ('date', 'timestamp', 'timestamptz') for
    ``steps`` (seconds) from each of ``bases`` (``_BASE`` when none): the base, base + step and
    a unit either side of it (those past the calendar's ends left out)."""
    if not steps:
        return []
    found: list[dt.datetime | None] = []
    for base in bases or (_BASE,):
        if kind == "date":
            day = base.replace(hour=0, minute=0, second=0, microsecond=0)
            found.append(day)
            for step in steps:
                for r in (ROUND_FLOOR, ROUND_CEILING):
                    days = (step / _DAY).to_integral_value(r) * _DAY
                    found += [_shift(day, days + d * _DAY) for d in (0, -1, 1)]
            continue
        found += [base, _shift(base, _FRACTION)]
        for step in steps:
            near = (0, -1, 1, -_FRACTION, _FRACTION, step + _FRACTION)
            found += [_shift(base, step + d) for d in near[:-1]] + [_shift(base, near[-1])]
            found += [_shift(base, step + d) for d in (-_MICRO, _MICRO)]
    shown = (_moment(v, kind) for v in found if v is not None)
    return list(dict.fromkeys(shown))


def _shift(moment: dt.datetime, seconds: Decimal) -> dt.datetime | None:
    try:
        return moment + dt.timedelta(microseconds=int(seconds * 1000000))
    except (OverflowError, DecimalException):
        return None


def _moment(value: dt.datetime, kind: str) -> str:
    if kind == "date":
        return value.date().isoformat()
    text = value.isoformat(sep=" ")
    if "." in text:
        text = text.rstrip("0")
    return text + ("+00:00" if kind == "timestamptz" else "")


KINDS = ("date", "timestamp", "timestamptz")


def of(texts: tuple[tuple[str, str], ...]) -> tuple[tuple[Decimal, ...], tuple[dt.datetime, ...]]:
    """The steps and bases of expressions, each (dialect, text): the first ``MAX_STEPS`` and
    ``_MAX_BASES`` of them in order."""
    steps: dict[Decimal, None] = {}
    bases: dict[dt.datetime, None] = {}
    for dialect, text in texts:
        got = found(dialect, text)
        steps.update(dict.fromkeys(got[0]))
        bases.update(dict.fromkeys(got[1]))
    kept = tuple(b for b in bases if b != _SUB_MILLI)[:_MAX_BASES]
    return tuple(steps)[:MAX_STEPS], kept + ((_SUB_MILLI,) if _SUB_MILLI in bases else ())


@lru_cache(maxsize=1024)
def found(dialect: str, text: str) -> tuple[tuple[Decimal, ...], tuple[dt.datetime, ...]]:
    """The steps (in seconds) and the date literals (as bases) of ``text``; none when it does
    not parse."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return (), ()
    steps: list[Decimal | None] = []
    bases: list[dt.datetime] = []
    for node in tree.walk():
        if isinstance(node, exp.Interval):
            unit = node.args.get("unit")
            steps.append(interval_seconds(f"{node.this.name} {unit.name if unit else ''}", True))
        elif isinstance(node, exp.Literal) and node.is_string:
            under = node.parent
            interval = isinstance(under, exp.Cast) and under.to.is_type(exp.DataType.Type.INTERVAL)
            steps.append(interval_seconds(node.this, interval))
            bases += _base(node.this)
        elif isinstance(node, (exp.Add, exp.Sub)):
            steps += _moved(node)
        elif isinstance(node, (exp.Mul, exp.Div)):
            steps += _scaled(node)
        elif type(node).__name__ in _COMPARISONS:
            steps += _measured([(node.this, node.expression), (node.expression, node.this)])
        elif isinstance(node, exp.Between):
            steps += _measured(
                [(node.this, node.args.get("low")), (node.this, node.args.get("high"))]
            )
    if any(f.name.lower() == "julianday" for f in tree.find_all(exp.Anonymous)):
        bases += [_BASE, _DAYTIME]
    if any(isinstance(n, exp.Literal) and n.is_string and "%f" in n.this for n in tree.walk()):
        bases += [_BASE, _SUB_MILLI]
    kept = (s for s in steps if s is not None and s.is_finite() and s and abs(s) < _FARTHEST)
    return tuple(dict.fromkeys(kept)), tuple(dict.fromkeys(bases))


def _base(text: str) -> list[dt.datetime]:
    """The moment a date or timestamp literal names, as a naive UTC datetime."""
    day = date_of(text.strip()[:10])
    if day is None:
        return []
    stamp = timestamp_of(text)
    if stamp is None:
        return [dt.datetime(day.year, day.month, day.day)] if len(text.strip()) == 10 else []
    return [stamp.astimezone(dt.UTC).replace(tzinfo=None)]


def _number(node: Any) -> Decimal | None:
    """A constant (``landings.constant``), or a quotient of two (``1.0 / 24`` days)."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Div):
        top, bottom = _number(node.this), _number(node.expression)
        try:
            return top / bottom if top is not None and bottom else None
        except DecimalException:
            return None
    return landings.constant(node)


def _moved(node: Any) -> list[Decimal | None]:
    """A number of days added to or subtracted from a column's value (``s + 7``)."""
    left, right = _number(node.this), _number(node.expression)
    number = left if right is None else right if left is None else None
    return [] if number is None else [_days(number)]


def _measured(pairs: list[tuple[Any, Any]]) -> list[Decimal | None]:
    """A number compared with a difference of two values (``e - s <= 30``, ``julianday(e) -
    julianday(s) < 1``: days; of ``strftime('%s', ...)``, Unix times or ``extract(epoch ...)``:
    seconds)."""
    from sqlglot import exp

    found: list[Decimal | None] = []
    for side, other in pairs:
        number = _number(other)
        side, number = _unscaled(side, number)
        if number is None or not any(
            _number(d.this) is None and _number(d.expression) is None
            for d in side.find_all(exp.Sub)
        ):
            continue
        found.append(number if _in_seconds(side) else _days(number))
    return found


def _unscaled(side: Any, number: Decimal | None) -> tuple[Any, Decimal | None]:
    """A comparison of a scaled difference with a number as one of the difference with the
    number unscaled: ``(julianday(e) - julianday(s)) * 24 <= 1`` is a difference of 1/24 day,
    ``extract(epoch FROM e - s) / 60 <= 5`` one of 300 seconds."""
    from sqlglot import exp

    while number is not None:
        if isinstance(side, (exp.Paren, exp.Cast)):
            side = side.this
            continue
        if not isinstance(side, (exp.Mul, exp.Div)):
            break
        right = _number(side.expression)
        left = _number(side.this) if isinstance(side, exp.Mul) else None
        if not (right or left):
            break
        try:
            if isinstance(side, exp.Div):
                number, side = number * right, side.this  # type: ignore[operator]
            elif right:
                number, side = number / right, side.this
            else:
                number, side = number / left, side.expression  # type: ignore[operator]
        except DecimalException:
            return side, None
    return side, number


def _scaled(node: Any) -> list[Decimal | None]:
    """The unit of a difference of two values scaled by a constant, as a step: a minute for
    ``(julianday(e) - julianday(s)) * 1440`` (days) and for ``extract(epoch FROM e - s) / 60``
    (seconds), where a double a little short of a whole number truncates to the one below
    (SQLite's 59 minutes for 00:00 to 01:00; stranger45)."""
    from sqlglot import exp

    operands = [(node.this, node.expression)]
    if isinstance(node, exp.Mul):
        operands.append((node.expression, node.this))
    for side, scale in operands:
        k = _number(scale)
        if not k or not any(
            _number(d.this) is None and _number(d.expression) is None
            for d in side.find_all(exp.Sub)
        ):
            continue
        try:
            unit = k if isinstance(node, exp.Div) else 1 / k
        except DecimalException:
            return []
        return [unit if _in_seconds(side) else _days(unit)]
    return []


def _in_seconds(node: Any) -> bool:
    from sqlglot import exp

    for sub in node.walk():
        if isinstance(sub, exp.Literal) and sub.is_string and "%s" in sub.this:
            return True
        if isinstance(sub, exp.Var) and sub.name.lower() == "epoch":
            return True
        if "unix" in (sub.name if isinstance(sub, exp.Anonymous) else type(sub).__name__).lower():
            return True
    return False


def _days(number: Decimal) -> Decimal | None:
    try:
        return (number * _DAY).quantize(Decimal("0.000001"))
    except DecimalException:
        return None
