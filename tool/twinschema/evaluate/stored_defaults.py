"""Literal defaults the two column types store differently (see ``stage``): across dialects,
a number default the comparer found equal is run on both sides when the column's kind may
change it on one of them (SQLite keeps ``2.5`` in an INTEGER column and ``1.005`` in a
NUMERIC(10,2) one; PostgreSQL stores 3 and 1.01), and so is a literal default on a column of
declared length or precision (``varchar(3) DEFAULT 'abcd'`` fits SQLite, which enforces
neither, and fails on PostgreSQL), a string default on a number column (``REAL DEFAULT
'Infinity'``: SQLite's affinity keeps the text, PostgreSQL stores the special float), and a
clock default spelled alike on a text column (``CURRENT_TIME``: SQLite stores '05:00:00',
PostgreSQL '05:00:00.123456+00'); on a time column both are the current time of day, SQLite's
kept to the second, PostgreSQL's with its microseconds, an equivalence that says so
(``values.same_class``)."""

from __future__ import annotations

import datetime as dt
import re

from twinschema.canonical import typemap
from twinschema.canonical.expr_idioms import CURRENT_TIME, IN_A_UTC_SESSION, LOCAL_CLOCK_NOTES
from twinschema.evaluate import zones
from twinschema.evaluate.clock_fixed import FIXED_MOMENT
from twinschema.evaluate.context import StageContext, find, matched_columns
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text, same_constant, shown_default
from twinschema.evaluate.failing_defaults import both_fail, refused_alone
from twinschema.evaluate.fixed_moments import value_of
from twinschema.evaluate.time_kept import kept_apart, shared_precision
from twinschema.evaluate.values import (
    CONSTANT,
    CURRENT_TIME_OF_DAY,
    FAILED,
    NOT_EVALUATED,
    TIME_KINDS,
    Verdict,
    as_shared,
    same_class,
)
from twinschema.model import Column
from twinschema.records.dialects import DIALECT_NAMES

# A number literal with a fraction or an exponent, as a default is written (parentheses and
# a sign allowed): what an INTEGER or NUMERIC(p, s) column may store otherwise on each dialect.
_FRACTIONAL = re.compile(r"^\(*\s*[-+]?(\d*\.\d+|\d+\.\d*|\d+(\.\d*)?[eE][-+]?\d+)\s*\)*$")
_STORING_KINDS = frozenset({"integer", "bigint", "smallint", "numeric"})
# A string literal, as the canonical form of a default writes it (a number-looking one on a
# number column is a number there: only text neither dialect reads as a plain number is left).
_STRING = re.compile(r"^\(*\s*'(?:[^']|'')*'\s*\)*$")
# A number or a string literal, as the canonical form of a default writes it.
_LITERAL = re.compile(r"^\(*\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|'(?:[^']|'')*')\s*\)*$")


def literals(st: StageContext) -> None:
    """Across dialects, a fractional number default the comparer found equal on an integer or
    numeric column is run on both sides: SQLite keeps ``2.5`` in an INTEGER column and
    ``1.005`` in a NUMERIC(10,2) one, PostgreSQL stores 3 and 1.01. Different stored values
    make a ``column_default`` difference; so does a literal default on a column of declared
    length or precision that fails on PostgreSQL only (it fits SQLite, which enforces
    neither)."""
    if not st.cross:
        return
    judged = {(d.table, d.column) for d in st.comparison.differences if d.kind == "column_default"}
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    for lt, lc, rc in matched_columns(st):
        if (lt.name, lc.name) in judged or (lt.name, lc.name) in st.failed:
            continue
        ltext, rtext = default_text(lc), default_text(rc)
        if ltext is None or rtext is None or lc.default != rc.default:
            continue
        kind = typemap.shared_kind(lc.type, rc.type)
        clock = _clock_as_text(lc.default, kind)
        if not (
            clock
            or _fractional(lc.default, kind)
            or _bounded(lc, rc, lc.default)
            or _text_on_number(lc.default, kind)
        ):
            continue
        lv, rv = st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc)
        st.note(ld, rd)
        failed = next(((d, v) for d, v in ((ld, lv), (rd, rv)) if v.kind == FAILED), None)
        if failed is not None and failed[0] != "sqlite":  # SQLite's: ``failures`` said it
            st.result.evaluated += 1
            if both_fail(st, lt.name, lc, rc):  # SQLite's own CHECK refuses it: moot
                continue
            _differs(
                st,
                (lt.name, lc, rc),
                f"does not fit the column on {DIALECT_NAMES[failed[0]]}: inserts that omit it "
                f"fail there ({failed[1].error})",
            )
            continue
        if NOT_EVALUATED in (lv.kind, rv.kind):
            continue  # not run: nothing to say
        if not clock and (CONSTANT not in (lv.kind, rv.kind) or lv.kind != rv.kind):
            continue  # a literal that gives no constant: nothing to say
        st.result.evaluated += 1
        # A constant its own column refuses (a STRICT INTEGER column's 1.5): no value there.
        rt = find(st.right, lt.name, rc.name)[0]
        refused = refused_alone(st, (lt, lc), (rt, rc)) if rt is not None else None
        if refused is not None:
            if not both_fail(st, lt.name, lc, rc):
                _differs(
                    st, (lt.name, lc, rc), f"is refused (by evaluation: {refused})", fails=True
                )
            continue
        if same_class(lv, rv, kind):
            if kept_apart(lv, rv) is not None:  # one current time of day, kept two ways: said
                what = shared_precision(as_shared(lv, kind), (ld, lv), (rd, rv))
                found = difference(st, lt.name, lc.name, shown_default(lc), shown_default(rc), "")
                _drop_equivalences(st, lt.name, lc.name)
                utc = _session_said(st, ((ld, ltext, lc), (rd, rtext, rc)))
                st.equivalence(
                    found,
                    f"equal by evaluation: both give {what}{utc}",
                    utc_only=utc == IN_A_UTC_SESSION,
                )
            continue
        said = [_stored(st, side) for side in ((ld, ltext, lc, lv), (rd, rtext, rc, rv))]
        _differs(
            st,
            (lt.name, lc, rc),
            f"is stored differently (by evaluation: {DIALECT_NAMES[ld]} stores {said[0]}, "
            f"{DIALECT_NAMES[rd]} stores {said[1]})",
        )


def _session_said(st: StageContext, sides: tuple[tuple[str, str, Column], ...]) -> str:
    """What makes a current time of day on each side equal, as ``defaults`` says it: the live
    server's TimeZone, else, where PostgreSQL's value depends on the session's zone
    (``CURRENT_TIME`` into a time column: stranger50 065), a session whose TimeZone is UTC."""
    utc = zones.server_clock(st, sides[0][2], sides[1][2])
    if utc:
        return f" (the server's TimeZone is {utc})"
    reads = any(st.ev.reads_zone(t, c) for d, t, c in sides if d == "postgresql")
    return IN_A_UTC_SESSION if reads else ""


def _stored(st: StageContext, side: tuple[str, str, Column, Verdict]) -> str:
    """What one side stores, in words; a time of day kept with a zone offset (PostgreSQL's
    ``CURRENT_TIME`` in a ``timetz``: '05:00:00.123456+00') says the offset, which is what sets
    it apart from a time of day without one, not its fraction."""
    dialect, text, column, verdict = side
    if verdict.kind == CURRENT_TIME_OF_DAY:
        value = value_of(st.ev.at_moment(dialect, text, column, FIXED_MOMENT))
        offset = value.utcoffset() if isinstance(value, dt.time) else None
        if offset is not None:
            minutes = int(offset.total_seconds()) // 60
            shown = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}"
            shown += f":{abs(minutes) % 60:02d}" if minutes % 60 else ""
            return f"the current time of day with a zone offset ('HH:MM:SS.ffffff{shown}')"
    return verdict.describe()


def _differs(
    st: StageContext, where: tuple[str, Column, Column], what: str, fails: bool = False
) -> None:
    """Record that the default of ``where`` (table, left column, right column), the same
    constant on both sides, ``what`` ("is stored differently ..."); ``fails``: inserts that
    omit it fail on a side (the hint asks for a default each side can evaluate)."""
    table, lc, rc = where
    _drop_equivalences(st, table, lc.name)
    st.comparison.differences.append(
        difference(
            st,
            table,
            lc.name,
            shown_default(lc),
            shown_default(rc),
            f"{same_constant(st, table, lc, rc)} {what}",
            fails=fails,
        )
    )


def _drop_equivalences(st: StageContext, table: str, column: str) -> None:
    """Drop the comparer's equivalence of a default's two spellings ('Infinity' ~
    'Infinity'::float8) and its "the current date or time": evaluation says what holds."""
    st.comparison.equivalences = [
        e
        for e in st.comparison.equivalences
        if (e.table, e.column) != (table, column)
        or not (e.rule == "default" or e.rule.startswith("current-"))
    ]


def _fractional(default: str | None, kind: str | None) -> bool:
    """A fractional number default on an integer or numeric column (the canonical form, equal
    on both sides: PostgreSQL keeps a negative number as '-2.5'::numeric, which its own
    spelling would hide)."""
    return (
        default is not None
        and bool(_FRACTIONAL.match(default.strip()))
        and (kind in _STORING_KINDS)
    )


def _text_on_number(default: str | None, kind: str | None) -> bool:
    """A string default on a number column that the canonical form kept as text on both sides
    (``'Infinity'``, ``'NaN'``): SQLite's affinity keeps text it does not read as a number,
    PostgreSQL reads its own special values (``'Infinity'::double precision`` is a float)."""
    return (
        default is not None
        and kind in typemap.NUMBER_KINDS
        and bool(_STRING.match(default.strip()))
    )


def _clock_as_text(default: str | None, kind: str | None) -> bool:
    """A default that reads the clock (``CURRENT_TIME``, ``CURRENT_DATE``, the current time) on
    columns whose values are text: each dialect writes its own text of the time there; or on
    time-of-day columns, which keep what the default gave to the second (SQLite's
    'HH:MM:SS') or with its fraction (PostgreSQL's ``CURRENT_TIME``)."""
    if default is None or (kind in TIME_KINDS and kind != "time"):
        return False
    from twinschema.canonical.expressions import across

    rule = across(default)[1]
    return rule == CURRENT_TIME or rule in LOCAL_CLOCK_NOTES


def _bounded(left: Column, right: Column, default: str | None) -> bool:
    """A number or string literal default on a column that a declared length, precision or
    scale bounds on either side (``varchar(3) DEFAULT 'abcd'`` and ``NUMERIC(4,2) DEFAULT
    123.45`` fit SQLite, which enforces neither, and fail on PostgreSQL)."""
    if default is None or not _LITERAL.match(default.strip()):
        return False
    return any(c.type.length is not None or c.type.precision is not None for c in (left, right))
