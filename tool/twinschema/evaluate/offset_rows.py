"""Rows of moments written in one form with different UTC offsets, and of days written without
their zeros, and the two timestamptz or date columns a CHECK compares with each other
(``offset_checks``, which makes a pair they part a difference, and ``date_pairs``, which then
gives it no warning): SQLite compares such values as text, PostgreSQL as instants or days, and
'2026-01-01T10:00:00+02:00' (08:00 UTC) sorts after '2026-01-01T09:30:00Z' as text only, as
'2026-1-01' sorts after '2026-01-05'."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from twinschema.evaluate import expression_reads
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.statements import probe_column
from twinschema.model import Table

# Moments written in one form each, as one kind of client writes them: 'Z' for UTC and the
# offset otherwise (JavaScript, Java's ISO_OFFSET_DATE_TIME, Swift), or always the offset
# (Python's isoformat with a space). 10:00+02:00 is 08:00 UTC: before 09:30 UTC, after as text.
# A CHECK pinning the text (a GLOB, strftime) lets through only the rows of its form, so the
# forms a pin may still allow are here too (stranger74 001): always the offset with 'T'
# ('+00:00' for UTC), and 'Z' with and without a fraction ('.' sorts before 'Z': 10:00:00.500Z
# is after 10:00:00Z, before it as text). Only a pin to one UTC spelling of one width refuses
# every row that parts them.
ONE_FORM: tuple[tuple[str, ...], ...] = (
    ("2026-01-01T10:00:00+02:00", "2026-01-01T09:30:00Z", "2026-01-01T08:00:00Z"),
    ("2026-01-01 10:00:00+02:00", "2026-01-01 09:30:00+00:00", "2026-01-01 08:00:00+00:00"),
    ("2026-01-01T10:00:00+02:00", "2026-01-01T09:30:00+00:00", "2026-01-01T08:00:00+00:00"),
    ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.500Z", "2026-01-01T10:00:00.5Z"),
    *(
        (f"2026-01-02{t}00:00:00{z}", f"2026-01-01{t}24:00:00{z}", f"2026-01-01{t}23:59:60{z}")
        for t, z in (("T", "Z"), (" ", "+00:00"))
    ),
)

# One moment spelled twice in one width, whatever the form (stranger75 001, 006): hour 24 is
# the next midnight and second 60 the next minute to PostgreSQL ('2026-01-01T24:00:00Z' is
# '2026-01-02T00:00:00Z'), and text that sorts before it to SQLite, whose GLOB pins and
# strftime() pass both (strftime prints '24:00:00' back unchanged; it reads ':60' as NULL, which
# passes ``x = strftime(...)``). Only a pin that also holds the hour below 24 and the seconds
# below 60 (``substr(x, 12, 2) < '24'``, ``x IS strftime(...)``) refuses them.
WALL: tuple[tuple[str, ...], ...] = tuple(
    (f"2026-01-02{t}00:00:00", f"2026-01-01{t}24:00:00", f"2026-01-01{t}23:59:60") for t in " T"
)

# Days as SQLite's TEXT stores whatever it is given and PostgreSQL's date reads (stranger74
# 002): text order is day order only in one fixed-width form, 'YYYY-MM-DD'. A day without its
# zero sorts after ('2026-1-01' after '2026-01-05', '2026-01-5' after '2026-01-10'), one without
# its dashes before ('20260101'), one with a time of day after its own day. A CHECK holding the
# text to 'YYYY-MM-DD' (a GLOB, ``d IS date(d)``) refuses each but the first; ``d = date(d)``
# does not: ``date('2026-1-01')`` is NULL, which passes a CHECK.
DAYS: tuple[tuple[str, ...], ...] = (
    ("2026-01-05", "2026-1-01", "2026-01-5", "2026-01-10", "20260101", "2026-01-05 10:00"),
)

# Per kind both sides' columns share (SQLite's text against PostgreSQL's timestamptz or date),
# the families of values tried: a row is made of one family's values.
FAMILIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "timestamptz": ONE_FORM,
    "timestamp": WALL,
    "date": DAYS,
}

# A row, with the index (into the dialects) of the side that stores it.
Parting = tuple[tuple[str, ...], int]


def compared_moments(
    dialects: Sequence[str], tables: tuple[Table, Table], text: str
) -> tuple[str, str] | None:
    """The two columns (logical names, sorted) that the first side's expression ``text``
    reads, where they are exactly two of one kind of ``FAMILIES`` on both sides (two
    timestamptz, or two dates); else None."""
    from twinschema.canonical import typemap

    reads = expression_reads.reads(dialects[0], text)
    if reads is None:
        return None
    names = sorted({tables[0].logical_name_of(c) for c in reads.columns})
    if len(names) != 2:
        return None
    kinds = set()
    for name in names:
        left, right = tables[0].column(name), tables[1].column(name)
        if left is None or right is None:
            return None
        kinds.add(typemap.shared_kind(left.type, right.type))
    if len(kinds) != 1 or next(iter(kinds)) not in FAMILIES:
        return None
    return names[0], names[1]


def family_of(tables: tuple[Table, Table], names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The ``FAMILIES`` entry of the kind columns ``names`` (``compared_moments``') share."""
    from twinschema.canonical import typemap

    left, right = tables[0].column(names[0]), tables[1].column(names[0])
    kind = typemap.shared_kind(left.type, right.type) if left and right else None
    return FAMILIES.get(kind or "", ())


def compared_literal(
    dialects: Sequence[str], tables: tuple[Table, Table], text: str
) -> tuple[str, list[tuple[str, ...]]] | None:
    """Where the first side's expression ``text`` reads one column that is a timestamp or a
    timestamptz on both sides (TEXT on SQLite), with string literals: that column (logical
    name) and the rows to try, each literal's own spellings with hour 24 or second 60
    (``date_spellings.wall_spellings``: '2026-01-01T24:00:00Z' for '2026-01-02T00:00:00Z'),
    which a pin to one form of one width passes and PostgreSQL reads as the literal itself
    (s79time: ``starts_at < '2026-01-02T00:00:00Z'`` stores the first on SQLite only, as the
    pair ``ends_at > starts_at`` stores hour 24 on SQLite only); else None."""
    from twinschema.canonical import typemap
    from twinschema.evaluate.date_spellings import wall_spellings

    reads = expression_reads.reads(dialects[0], text)
    if reads is None or len({c.lower() for c in reads.columns}) != 1:
        return None
    name = tables[0].logical_name_of(next(iter(reads.columns)))
    left, right = tables[0].column(name), tables[1].column(name)
    if left is None or right is None:
        return None
    if typemap.shared_kind(left.type, right.type) not in ("timestamp", "timestamptz"):
        return None
    spelled = dict.fromkeys(s for literal in reads.strings for s in wall_spellings(literal))
    return (name, [(s,) for s in spelled]) if spelled else None


def one_form_parting(
    backends: dict[str, Backend],
    dialects: Sequence[str],
    tables: tuple[Table, Table],
    names: Sequence[str],
    texts: Sequence[str],
    tried: Sequence[tuple[str, ...]] | None = None,
) -> Parting | None:
    """The first row of ``FAMILIES`` values (of their kind; ``tried`` rows instead, where
    given) in columns ``names`` (logical) that each side's
    CHECKs on one of those columns alone pass and that the two sides' ``texts`` part on (one
    stores it, the other rejects it), a row SQLite stores first; None where none does. Those
    CHECKs keep a value no side takes alone out of the witness: a GLOB forcing 'Z' on SQLite
    makes '...+02:00' SQLite's refusal of a spelling, not the comparison's."""
    families = family_of(tables, names)
    rows = (
        list(tried)
        if tried is not None
        else [row for family in families for row in product(family, repeat=len(names))]
    )
    verdicts = []
    for side, (dialect, table) in enumerate(zip(dialects, tables, strict=True)):
        columns = []
        for name in names:
            column = table.column(name)
            if column is None:
                return None
            columns.append(probe_column(column))
        # A CHECK on one column is itself no pin of it (``compared_literal``'s).
        alone = alone_checks(dialect, table, names, texts[side] if tried is not None else None)
        backend = backends[dialect]
        verdicts.append(
            (
                backend.try_rows(columns, alone, rows, True),
                backend.try_rows(columns, f"({alone}) AND ({texts[side]})", rows, True),
            )
        )
    parted: list[Parting] = []
    for n, row in enumerate(rows):
        if not all(v[0][n] for v in verdicts):
            continue  # a value one side's CHECKs refuse alone (or cannot hold)
        got = (verdicts[0][1][n], verdicts[1][1][n])
        if None not in got and got[0] != got[1]:
            parted.append((row, 0 if got[0] else 1))
    sq = list(dialects).index("sqlite")
    return next((p for p in parted if p[1] == sq), parted[0] if parted else None)


def alone_checks(
    dialect: str, table: Table, names: Sequence[str], judged: str | None = None
) -> str:
    """The conjunction of ``table``'s CHECK conjuncts that each read one of ``names``
    (logical) alone, "1 = 1" where none does: what a value must pass to be stored at all;
    without those of the CHECK ``judged`` (its text), where it reads one column itself."""
    wanted = {n.lower() for n in names}
    texts = [
        f"({text})"
        for text, read, _ in expression_reads.table_checks(dialect, table)
        if len(read) == 1
        and {table.logical_name_of(c).lower() for c in read} <= wanted
        and (judged is None or text not in judged)
    ]
    return " AND ".join(texts) or "1 = 1"
