"""Index expressions judged on probe rows (see ``stage``): across dialects, two indexes the
comparer matched by the canonical form of their elements, one of which is an expression whose
meaning depends on the dialect (``checks.dependent``: SQLite's ``max(a, b)`` is NULL when an
argument is, PostgreSQL's ``greatest(a, b)`` ignores NULLs; ``a / b`` is NULL on SQLite and an
error on PostgreSQL when b is 0), are run over the same probe rows on each side's scratch
database: each row inserted into a table with the index (an index expression that fails fails
the insert), and, for a unique index, which pairs of rows get equal keys by the database's own
``=`` (two rows with equal keys, none NULL, are a duplicate). A row one side stores and the
other refuses, or two rows one side takes as a duplicate and the other does not, is the
witness of a difference; else nothing is said (the comparer's match stands).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.canonical.expressions import JSON_KEYS_NOTES
from twinschema.evaluate.backends import KeyRun
from twinschema.evaluate.checks import dependent, why_dependent, witness_written
from twinschema.evaluate.computed import alike_but_where
from twinschema.evaluate.context import StageContext, both_named, find, matched_tables
from twinschema.evaluate.generated_said import generated_key_reason
from twinschema.evaluate.key_neighbours import with_neighbours
from twinschema.evaluate.null_keys import null_reason, with_null_moments
from twinschema.evaluate.probe_arithmetic import type_end_landings
from twinschema.evaluate.probe_sets import ProbeSet, probe_rows
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.side_checks import checks_within, generated_inlined
from twinschema.evaluate.statements import Keys
from twinschema.evaluate.witness_fields import Written, own_names
from twinschema.evaluate.witness_rows import look_alikes, magnitude, per_dialect
from twinschema.model import Index, Table
from twinschema.records import Side


def matched_indexes(st: StageContext) -> None:
    """Across dialects, run the elements of each index pair the comparer matched that holds
    an expression whose meaning depends on the dialect: a witness makes it a difference."""
    if not st.cross:
        return
    for lt, rt in matched_tables(st):
        columns = {c.name.lower() for c in lt.columns}
        for li, ri, shown in _pairs(lt, rt):
            if li.collations:
                continue  # a collation is not run here
            lkeys, rkeys = written_keys(li), written_keys(ri)
            inlined = _through_generated(st, lt.name, (lkeys, rkeys))
            if inlined is None and all(e.lower() in columns for e in li.expressions):
                continue  # plain stored columns run nothing
            lkeys, rkeys = inlined or (lkeys, rkeys)
            ltext, rtext = key_text(lkeys), key_text(rkeys)
            if not dependent(st, ltext, rtext, lt.name) and (inlined is None or ltext == rtext):
                continue
            judged = _run(st, lt, li, (lkeys, rkeys), (ltext, rtext))
            if judged is None:
                continue
            said, rows = judged
            # Over a generated column, what parts the keys is what it holds on each side (its
            # expression), not the cast to its type the keys are run through (stranger75 009).
            written = (key_text(written_keys(li)), key_text(written_keys(ri)))
            generated = (
                None if inlined is None else generated_key_reason(st, lt.name, written, rows)
            )
            why = generated or why_dependent(st, ltext, rtext, lt.name, rows)
            if _told(st, lt.name, *shown, why, said):
                continue
            st.dependent_difference(
                "unique" if li.unique else "index",
                lt.name,
                None,
                *shown,
                (
                    f"index {li.name or ri.name or ''} on {lt.name}",
                    why,
                    said.text,
                ),
                name=both_named(li.name, ri.name),
                witness=said.witness,
            )


def _pairs(lt: Table, rt: Table) -> Iterator[tuple[Index, Index, tuple[str, str]]]:
    """The index pairs the comparer matched on two sides' table, and each unique rule over
    the same columns on both (as the unique index on its columns, run in the side's own names:
    a rule over a generated column keys the rows by its expression), each with how the
    report shows the two."""
    for li in lt.indexes:
        ri = next((i for i in rt.indexes if i.where == li.where and alike_but_where(li, i)), None)
        if ri is not None:
            yield li, ri, (li.describe(), ri.describe())
    for lu in lt.uniques:
        ru = next((u for u in rt.uniques if u == lu), None)
        if ru is not None:
            sides = tuple(
                Index(
                    u.columns,
                    unique=True,
                    name=u.name,
                    nulls_distinct=u.nulls_distinct,
                    raw_expressions=tuple(t.own_name_of(n) for n in u.columns),
                )
                for u, t in ((lu, lt), (ru, rt))
            )
            yield sides[0], sides[1], (lu.describe(), ru.describe())


def _through_generated(
    st: StageContext, table: str, keys: tuple[Keys, Keys]
) -> tuple[Keys, Keys] | None:
    """Each side's index elements and WHERE with every generated column they read as that
    side's expression over the stored columns (``side_checks.generated_inlined``), or None
    where neither side's keys read a generated column. An index over a generated column keys
    the rows by what the expression computes: ``UNIQUE (title_key)`` beside ``title_key AS
    (lower(title))`` refuses 'école cape' after 'École cape' on PostgreSQL only, whose
    lower() folds É (stranger73 004), also where the column's own difference is allowed."""
    out: list[Keys] = []
    for side, (elements, where) in zip((st.left, st.right), keys, strict=True):
        table_of = find(side, table, "")[0]
        dialect = side.schema.dialect
        out.append(
            (
                tuple(generated_inlined(dialect, table_of, e) for e in elements),
                None if where is None else generated_inlined(dialect, table_of, where),
            )
        )
    if (out[0], out[1]) == keys:
        return None
    return out[0], out[1]


def _told(st: StageContext, table: str, left: str, right: str, why: str, said: Written) -> bool:
    """Where the comparer reported the very index pair (``left``, ``right``) as a difference
    already (a unique index on a JSON member: ``expressions.JSON_KEYS_NOTES``), the witness
    joins its message, and True: one index is one difference (stranger50 049)."""
    told = [
        d
        for d in st.comparison.differences
        if d.table == table and d.kind in ("unique", "index") and (d.left, d.right) == (left, right)
    ]
    if not told:
        return False
    notes = [note.split("{element}")[-1] for note in JSON_KEYS_NOTES]
    for d in told:
        noted = any(note in d.message for note in notes)
        reason = "" if noted or not why else f"on probe rows, {why}; "
        st.annotate(reason + said.text, d, witness=said.witness)
    return True


# A witness and the rows it shows.
Said = tuple[Written, tuple[tuple[Any, ...], ...]]


def written_keys(index: Index) -> Keys:
    """The index's elements and WHERE as its source wrote them (what runs), each element with
    its own collation (``email COLLATE "NOCASE"``: which keys its ``=`` takes as one)."""
    elements = index.raw_expressions or index.expressions
    if index.collations:
        elements = tuple(
            e if c is None else f'{e} COLLATE "{c.name.replace(chr(34), chr(34) * 2)}"'
            for e, c in zip(elements, index.collations, strict=True)
        )
    return elements, index.raw_where or index.where


def key_text(keys: Keys) -> str:
    """One expression reading every column the keys read, elements and WHERE (what the probe
    rows are made for, and what says whether the keys depend on the dialect)."""
    elements, where = keys
    return f"({', '.join([*elements, *([where] if where else [])])})"


def _run(
    st: StageContext,
    table: Table,
    index: Index,
    keys: tuple[tuple[tuple[str, ...], str | None], tuple[tuple[str, ...], str | None]],
    texts: tuple[str, str],
) -> tuple[Written, Parted] | None:
    """The witness of a difference between the two sides' index over the same probe rows, and
    its rows, or None (equal on every row both judged, or not evaluated: counted)."""
    judged = judge_keys(st, table.name, keys, texts, KeyOptions(unique=index.unique))
    return judged.witness if judged is not None else None


@dataclass(frozen=True)
class KeyOptions:
    """How two sides' keys are judged: as a unique index's (duplicates count), each side's
    NULLS [NOT] DISTINCT, and whether a row inserted twice is tried (``itself``)."""

    unique: bool = True
    nulls_distinct: tuple[bool, bool] = (True, True)
    itself: bool = False


@dataclass(frozen=True)
class Judged:
    """Two sides' keys over the same probe rows: the witness of a difference (as written, and
    the rows that show it) or None, and how many probe rows both sides stored."""

    witness: tuple[Written, Parted] | None
    stored: int


def judge_keys(
    st: StageContext,
    table: str,
    keys: tuple[Keys, Keys],
    texts: tuple[str, str],
    options: KeyOptions,
) -> Judged | None:
    """Two sides' index keys (each side's elements and WHERE as written) over the same probe
    rows of ``table``, or None when not evaluated (counted). A row both store whose key
    expression fails on one side only, or (``unique``) two rows one side takes as a duplicate
    and the other does not, is the witness; a row a side's CHECKs over the columns the keys
    read reject (``x BETWEEN 0 AND 1000`` against x = 2147483647, where ``x * 3`` overflows
    PostgreSQL's int4) is stored by neither (it shows no key)."""
    landed = type_end_landings(st, table, (keys[0][0], keys[1][0]))
    found = probe_rows(st, table, *texts, landed=landed)
    if found is None:
        return None
    if options.unique:
        found = with_neighbours(found, (st.left.schema.dialect, st.right.schema.dialect), texts)
        found = with_null_moments(st, table, found)
    lb, rb = found.backends
    runs = []
    for backend, columns, side, nulls in zip(
        (lb, rb), (found.left, found.right), (0, 1), options.nulls_distinct, strict=True
    ):
        runs.append(backend.keys(columns, keys[side], found.rows, nulls, options.itself))
    lrun, rrun = runs
    if lrun is None or rrun is None:
        st.result.not_evaluated += 1
        return None
    names = {n.lower() for n in found.names}
    passed = _passing(
        found, (checks_within(st.left, table, names), checks_within(st.right, table, names))
    )
    if passed is None:
        st.result.not_evaluated += 1
        return None
    lrun = ([o if k in passed else None for k, o in enumerate(lrun[0])], lrun[1])
    rrun = ([o if k in passed else None for k, o in enumerate(rrun[0])], rrun[1])
    st.result.evaluated += 1
    keyed = tuple(_key_positions(side, table, found.names) for side in (st.left, st.right))
    failing = _failing_row(st, found, lrun, rrun)
    duplicate = _duplicate(st, found, lrun, rrun, keyed) if options.unique else None
    # The witness of smaller magnitude (``witness_rows.magnitude``), a failing row on a tie:
    # prices 0.4 then 0.7 (a duplicate on SQLite only) before 2147483648.0 (int4 overflow).
    said = failing or duplicate
    if failing is not None and duplicate is not None:
        said = min(failing, duplicate, key=lambda w: magnitude([v for r in w[1] for v in r]))
    stored = sum(
        1 for a, b in zip(lrun[0], rrun[0], strict=True) if a is not None and b is not None
    )
    if said is None:
        return Judged(None, stored)
    text, rows = said
    return Judged((text, Parted((found.left, found.right), found.backends, rows)), stored)


def _passing(found: ProbeSet, checks: tuple[str, str]) -> set[int] | None:
    """The positions of the probe rows both sides' CHECKs (each a conjunction, run on its own
    side) accept; None when a side's CHECKs give no verdict on any row (they cannot be run
    there)."""
    passed = set(range(len(found.rows)))
    for backend, columns, text in zip(
        found.backends, (found.left, found.right), checks, strict=True
    ):
        if text == "TRUE":
            continue
        got = backend.try_rows(columns, text, found.rows, errors_reject=True)
        if all(v is None for v in got):
            return None
        passed &= {k for k, v in enumerate(got) if v}
    return passed


def _failing_row(st: StageContext, found: ProbeSet, lrun: KeyRun, rrun: KeyRun) -> Said | None:
    """A row both sides' columns store whose index expression fails on one side only (the
    witness, and the row)."""
    for row, a, b in zip(found.rows, lrun[0], rrun[0], strict=True):
        if a is None or b is None or a[0] == b[0]:
            continue
        failing, error = ("left", a[1]) if not a[0] else ("right", b[1])
        other = "right" if failing == "left" else "left"
        said = (
            f"the insert fails on {st.side_name(failing)} ({error}), "
            f"{st.side_name(other)} stores the row"
        )
        # No verdicts: the JSON's ``accepts`` has been None here, though one side refuses.
        return witness_written(st, found, row, said, None), (row,)
    return None


def _key_positions(side: Side, table: str, names: Sequence[str]) -> tuple[int, ...] | None:
    """Where the columns of ``side``'s primary key of ``table`` stand among ``names`` (a probe
    row's columns), None where the key has a column the rows do not set."""
    found, _ = find(side, table, "")
    if found is None or not found.primary_key:
        return None
    folded = [n.lower() for n in names]
    if any(c.lower() not in folded for c in found.primary_key):
        return None
    return tuple(folded.index(c.lower()) for c in found.primary_key)


def _repeats_key(rows: tuple[Sequence[Any], Sequence[Any]], at: tuple[int, ...] | None) -> bool:
    """True when two rows are equal, none NULL, on a primary key's columns (at ``at``): the key
    refuses the second (fuzz42: a pair that repeats the key on both sides shows nothing)."""
    if at is None:
        return False
    first, second = ([row[k] for k in at] for row in rows)
    return None not in first and first == second


def _duplicate(
    st: StageContext,
    found: ProbeSet,
    lrun: KeyRun,
    rrun: KeyRun,
    keyed: tuple[tuple[int, ...] | None, ...] = (None, None),
) -> Said | None:
    """Two rows both sides store that one side's unique index takes as a duplicate and the
    other's does not (the witness, no one row as data, and the two rows), never two that
    repeat a primary key of both sides (``keyed``: its columns' positions on each side), which both refuse.
    A pair with a text a declared length cuts comes last: what it shows is the column's cut
    (stranger60 019: 'x' * 40 + ' ' is 'x' * 40 in a varchar(40)), not the keys'; then a row
    inserted twice; else the shortest pair."""
    stored = {k for k, (a, b) in enumerate(zip(lrun[0], rrun[0], strict=True)) if _ok(a) and _ok(b)}
    parted = sorted(
        (
            p
            for p in lrun[1] ^ rrun[1]
            if p[0] in stored
            and p[1] in stored
            and not all(_repeats_key((found.rows[p[0]], found.rows[p[1]]), at) for at in keyed)
        ),
        key=lambda p: (
            _cut(found, found.rows[p[0]]) or _cut(found, found.rows[p[1]]),
            p[0] == p[1],
            _size(found.rows[p[0]]) + _size(found.rows[p[1]]),
            magnitude([*found.rows[p[0]], *found.rows[p[1]]]),
            p,
        ),
    )
    if not parted:
        return None
    first, second = parted[0]
    duplicate = "left" if (first, second) in lrun[1] else "right"
    other = "right" if duplicate == "left" else "left"
    said = (
        f"{st.side_name(other)} stores both rows, {st.side_name(duplicate)} rejects the second "
        "as a duplicate"
    )
    pair = (found.rows[first], found.rows[second])
    nulled = null_reason(pair) if st.dialects[0 if other == "left" else 1] == "sqlite" else ""
    said += f" ({nulled})" if nulled and set(st.dialects) == {"sqlite", "postgresql"} else ""
    names = ", ".join(own_names(found))
    rows = per_dialect(st.dialects, lambda d: f"({_shown(pair[0], d)}) then ({_shown(pair[1], d)})")
    rows += look_alikes([*found.rows[first], *found.rows[second]])
    return Written(f"witness ({names}) = {rows}: {said}"), (found.rows[first], found.rows[second])


def _cut(found: ProbeSet, row: Sequence[Any]) -> bool:
    """True when ``row`` holds a text longer than its column's declared length on a side
    (one that enforces it stores the text cut, or refuses it)."""
    for k, value in enumerate(row):
        lengths = [side[k][1].length for side in (found.left, found.right)]
        if isinstance(value, str) and any(n is not None and len(value) > n for n in lengths):
            return True
    return False


def _size(row: Sequence[Any]) -> int:
    """The characters of ``row``'s texts, what a witness shows."""
    return sum(len(v) for v in row if isinstance(v, str))


def _ok(outcome: tuple[bool, Any] | None) -> bool:
    return outcome is not None and outcome[0]


def _shown(row: Sequence[Any], dialect: str) -> str:
    return ", ".join(probe_text(v, dialect) for v in row)
