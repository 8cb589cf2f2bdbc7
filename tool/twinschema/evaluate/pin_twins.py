"""The hint of SQLite's one-UTC-form pin on one side only, over a column whose twin is a
PostgreSQL timestamptz (stranger86 005): the pin the reasons of ``offset_checks`` advise
(``x IS strftime('%Y-%m-%dT%H:%M:%SZ', x, '+0 days') AND x >= '0001-01-01'``) then stood as
"exists only in schemas/sqlite.py ... add it to schemas/postgres.py", which cannot be done:
PostgreSQL has no strftime() and its timestamptz holds instants, not a text form. Nor is the
pin the mirror of that type (as ``scale_mirror`` settles a scale's): run on SQLite 3.40 and
PostgreSQL 16, timestamptz keeps '2024-01-01 00:00:00.6+00' to the microsecond, and even
timestamptz(0), which rounds the fraction away, stores 'infinity', '10000-01-01 00:00:00+00'
and '0044-03-15 BC', each of which the pin refuses in any text form. So the difference stands
(its witness as ``one_sided`` finds it), and its hint says what holds the same values there:
timestamptz(0) and ``CHECK (isfinite(x) AND x >= '0001-01-01 00:00:00+00' AND x <
'10000-01-01 00:00:00+00')``, which refuses each of them (run on PostgreSQL 16), with the pin
allowed as SQLite's own text form."""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.canonical import typemap
from twinschema.evaluate.checks import check_text
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.crossing_hints import PIN_FORMS
from twinschema.records import Difference

# The pin as the canonical CHECK text spells it, its column in group 1.
_PIN = re.compile(
    r"^\(?\s*(\w+) IS strftime\('"
    + re.escape(PIN_FORMS["timestamptz"])
    + r"', \1, '\+0 days'\) AND \1 >= '0001-01-01'\s*\)?$"
)


def retold(st: StageContext, d: Difference, side: str) -> Difference:
    """``d``, a CHECK on ``side`` only, with the hint above where it is SQLite's one-UTC-form
    pin of a column whose other side is a PostgreSQL timestamptz; else ``d`` as it is."""
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
    twin = find(other, d.table, name)[1]
    if twin is None or "timestamptz" not in typemap.kinds_of(twin.type):
        return d
    column = twin.own_name
    whole = twin.type.precision == 0  # timestamptz(0) rounds the fraction away
    declare = "give it" if whole else f"declare {column} timestamptz(0) with"
    fraction = "" if whole else "a fraction (kept to the microsecond), "
    instead = (
        f"{ways.add_to} has no strftime() and its timestamptz holds instants, not a text form; "
        f"of what it stores this CHECK refuses {fraction}'infinity' and years past 9999 or "
        f"BC: to refuse those there too, {declare} CHECK (isfinite({column}) AND {column} >= '0001-01-01 "
        f"00:00:00+00' AND {column} < '10000-01-01 00:00:00+00') (the text form stays SQLite's "
        f"own: keep this CHECK and allow it, as below)"
    )
    return st.swap(d, d.reworded(replace(ways, instead=instead)))
