"""The hint of SQLite's one-UTC-form pin on one side only, over a column whose twin is a
PostgreSQL timestamptz (stranger86 005): the pin the reasons of ``offset_checks`` advise
(``x IS strftime('%Y-%m-%dT%H:%M:%SZ', x, '+0 days') AND x >= '0001-01-01'``) then stood as
"exists only in schemas/sqlite.py ... add it to schemas/postgres.py", which cannot be done:
PostgreSQL has no strftime() and its timestamptz holds instants, not a text form. Nor is the
pin the mirror of that type (as ``scale_mirror`` settles a scale's): run on SQLite 3.40 and
PostgreSQL 16, timestamptz keeps '2024-01-01 00:00:00.6+00' to the microsecond, and even
timestamptz(0), which rounds the fraction away (it stores that value as '2024-01-01
00:00:01+00': rounded, not refused, recheck88), stores 'infinity', '10000-01-01 00:00:00+00'
and '0044-03-15 BC', each of which the pin refuses in any text form. So the difference stands
(its witness as ``one_sided`` finds it), and its hint says what refuses the same instants
there: a timestamptz (not (0), whose rounding no CHECK sees) with ``CHECK (x =
date_trunc('second', x, 'UTC') AND isfinite(x) AND x >= '0001-01-01 00:00:00+00' AND x <
'10000-01-01 00:00:00+00')`` (``utc_form_rule``), which refuses each of them (run on
PostgreSQL 16), with the pin allowed as SQLite's own text form: by the allowance of the pair of
CHECKs (``pair_allowance``), which is what the check asks for once both are written (recheck90:
the hint offered the one-sided one, and the check then reported the pair). The pin without its
``>= '0001-01-01'`` bound takes year 0000, which crosses in neither direction (PostgreSQL
refuses '0000-01-01T00:00:00Z'; its 1 BC, written with ' BC', the pin refuses): the hint then
asks for the bound, as the value warning of year 0000 does, and its rule stops at 1 AD too."""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.canonical import typemap
from twinschema.evaluate.checks import check_text
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.crossing_hints import PIN_FORMS
from twinschema.records import Difference

# PostgreSQL's text types, against which the pin is written in PostgreSQL's terms.
_TEXT_TYPES = frozenset({"text", "character varying", "varchar"})
# The pin as the canonical CHECK text spells it, its column in group 1.
_PIN = re.compile(
    r"^\(?\s*(\w+) IS strftime\('"
    + re.escape(PIN_FORMS["timestamptz"])
    + r"', \1, '\+0 days'\)( AND \1 >= '0001-01-01')?\s*\)?$"
)


def retold(st: StageContext, d: Difference, side: str) -> Difference:
    """``d``, a CHECK on ``side`` only, with the hint above where it is SQLite's one-UTC-form
    pin of a column whose other side is a PostgreSQL timestamptz, or the same rule in
    PostgreSQL's terms (``text_form_rule``) where it is a text column (recheck88: "add it to"
    the PostgreSQL side, which has no strftime()); else ``d`` as it is."""
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    if own.schema.dialect != "sqlite" or other.schema.dialect != "postgresql":
        return d
    table = find(own, d.table, "")[0] if d.table is not None else None
    text = check_text(table, d.left if side == "left" else d.right) if table else None
    found = _PIN.match(text.strip()) if text is not None else None
    ways = d.ways
    if found is None or ways is None or ways.agree or d.table is None:
        return d
    name = logical_name(own, d.table, found.group(1))
    # Without the bound the pin takes year 0000 (SQLite's proleptic 1 BC; recheck88's own form).
    year_zero = found.group(2) is None
    twin = find(other, d.table, name)[1]
    if twin is not None and twin.type.name in _TEXT_TYPES:
        instead = (
            f"{ways.add_to} has no strftime(): write it in PostgreSQL's terms there, "
            f"{text_form_rule(twin.own_name, year_zero)} (pg_input_is_valid() is PostgreSQL 16's; it "
            "refuses what this CHECK refuses, and the check finds the two equal)"
        )
        return st.swap(d, d.reworded(replace(ways, instead=instead)))
    if twin is None or "timestamptz" not in typemap.kinds_of(twin.type):
        return d
    column = twin.own_name
    digits = twin.type.precision
    rounds = digits is not None and digits < 6  # timestamptz(p) rounds to p digits
    example = (
        "it stores '2024-01-01 00:00:00.6+00' as '2024-01-01 00:00:01+00': " if digits == 0 else ""
    )
    fraction = (
        f"a fraction, which timestamptz({digits}) rounds to {_digits(digits)} ({example}"
        "rounded, not refused, and no CHECK there sees what it rounded away)"
        if rounds
        else "a fraction (kept to the microsecond)"
    )
    declare = f"declare {column} timestamptz (it keeps the fraction) with" if rounds else "give it"
    pin = bounded_pin(found.group(1))
    rule = f"{declare} {utc_form_rule(column)}"
    if year_zero:
        # Year 0000 crosses in neither direction (recheck90, run on SQLite 3.40 and PostgreSQL
        # 16): PostgreSQL refuses the text '0000-01-01T00:00:00Z', writes its 1 BC with ' BC',
        # which the pin refuses, and to_char() drops that BC; the value warning of year 0000
        # advises the same bound, so the two say one thing.
        refuses = (
            f"{fraction}, 'infinity' and years past 9999 or before 1 BC, and the year 0000 it "
            "takes has no instant there (PostgreSQL reads no year 0: it refuses "
            "'0000-01-01T00:00:00Z', and writes its 1 BC '0001-01-01 00:00:00+00 BC', which "
            "this CHECK refuses): bound this CHECK to the years both read, CHECK "
            f"({pin}), as the value warning of year 0000 says, and to refuse the same there, "
            f"{rule}"
        )
    else:
        refuses = (
            f"{fraction}, 'infinity' and years past 9999 or BC: to refuse those there too, {rule}"
        )
    instead = (
        f"{ways.add_to} has no strftime() and its timestamptz holds instants, not a text form; "
        f"of what it stores this CHECK refuses {refuses} (the text form stays SQLite's own: "
        f"keep the CHECK and allow the pair, which the check then asks for, by "
        f"{pair_allowance(pin, utc_form_condition(column))})"
    )
    return st.swap(d, d.reworded(replace(ways, instead=instead)))


def bounded_pin(column: str) -> str:
    """SQLite's one-UTC-form pin of ``column`` with its ``>= '0001-01-01'`` bound, as the check
    shows it: the CHECK the hint keeps on SQLite (the value warning of year 0000 advises it)."""
    form = PIN_FORMS["timestamptz"]
    return f"{column} IS strftime('{form}', {column}, '+0 days') AND {column} >= '0001-01-01'"


def pair_allowance(sqlite: str, postgresql: str) -> str:
    """The allowance of domain.yaml that allows the pair of CHECKs ``sqlite`` and
    ``postgresql`` (their texts as the check shows them), as the check offers it once both
    are written (recheck90: the hint offered the one-sided one, which then no longer applies)."""
    each = ", ".join(
        f"{k}: {_quoted(t)}" for k, t in (("sqlite", sqlite), ("postgresql", postgresql))
    )
    return f"{{kind: check, checks: {{{each}}}, reason: ...}}"


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _digits(digits: int | None) -> str:
    """What timestamptz(``digits``) rounds a fraction to."""
    return "the second" if not digits else f"{digits} digit{'s' if digits > 1 else ''}"


def text_form_rule(column: str, year_zero: bool = False) -> str:
    """The CHECK on a PostgreSQL text ``column`` that refuses what SQLite's one-UTC-form pin
    refuses (recheck88): the text must be a timestamp PostgreSQL reads (``pg_input_is_valid``,
    so a bad one is refused by the CHECK, not by an error) that ``to_char`` writes back as the
    same text, 'YYYY-MM-DDTHH:MM:SSZ'; NULL passes, as the pin's ``IS`` lets it. The check finds
    the two equal on its probes, and tests/test_pin_twins.py runs both on real databases.
    ``year_zero``: for the pin without its ``>= '0001-01-01'`` bound, which takes year 0000
    (PostgreSQL reads no year 0): the text is read with that year as 2000, a leap year of the
    same calendar, so '0000-02-29T00:00:00Z' passes and '0000-02-30T00:00:00Z' does not."""
    read = column
    if year_zero:
        read = f"(CASE WHEN left({column}, 5) = '0000-' THEN '2000' || substr({column}, 5) ELSE {column} END)"
    return (
        f"CHECK (to_char(CASE WHEN pg_input_is_valid({read}, 'timestamp') THEN "
        f'{read}::timestamp END, \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') IS NOT DISTINCT FROM '
        f"{read})"
    )


def utc_form_rule(column: str) -> str:
    """The CHECK on a PostgreSQL timestamptz ``column`` that refuses what SQLite's one-UTC-form
    pin refuses of the instants it holds: a fraction of a second (truncated in UTC, so no
    session's TimeZone reads it), 'infinity' and '-infinity', years past 9999 and BC (run on
    PostgreSQL 16 in tests/test_pin_twins.py, in America/Los_Angeles too), 1 BC too, which the
    pin without its bound takes as year 0000 and no text carries across (recheck90)."""
    return f"CHECK ({utc_form_condition(column)})"


def utc_form_condition(column: str) -> str:
    """``utc_form_rule``'s condition as PostgreSQL prints it back (``pg_get_constraintdef``), so
    that the allowance of the pair pins one text in a metadata module, a SQL file and the live
    database alike (an allowance pins the text each side shows). Its years are read in UTC by
    EXTRACT, not against timestamptz literals, which PostgreSQL prints in the session's TimeZone
    and DateStyle ('0001-01-01 00:00:00+00' is '0001-12-31 16:07:02-07:52:58 BC' in Los
    Angeles): this text is the same in every session (run on PostgreSQL 16)."""
    year = f"EXTRACT(year FROM ({column} AT TIME ZONE 'UTC'::text))"
    return (
        f"({column} = date_trunc('second'::text, {column}, 'UTC'::text)) AND isfinite({column}) "
        f"AND ({year} >= (1)::numeric) AND ({year} <= (9999)::numeric)"
    )
