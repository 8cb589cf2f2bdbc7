"""Values that cross the sync boundary: probe values run through both real columns of a
cross-dialect pair (scratch copies of each column, with the CHECKs that read only it), and the
values one side stores that the other rejects or changes reported as ``value_compatibility``
warnings, with the direction that fails.

No finding where the weaker side enforces the same rule itself: its CHECK is in the copy, so
it rejects the value too. What crosses a sync is what one side stored: a value one side
rejects and the other stores changed (PostgreSQL's 2 for 1.5) is a finding only if the
rejecting side rejects the stored value too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from twinschema.canonical.identifiers import catalog_key, fold
from twinschema.evaluate import (
    crossing_keys,
    date_pairs,
    date_text,
    expression_reads,
    fraction_checks,
    json_precision,
)
from twinschema.evaluate.backends import REJECTED, Backend, type_sql
from twinschema.evaluate.crossing_hints import (
    HINT_RULE,
    NO_DAY,
    hint_for,
)
from twinschema.evaluate.crossing_judged import Run, judged
from twinschema.evaluate.crossing_literals import OFFSET, check_reads, column_values
from twinschema.evaluate.crossing_outcomes import moved_days, parted_first, same
from twinschema.evaluate.crossing_values import (
    FINER,
    NOT_A_DATE,
    NOT_A_NUMBER,
    SPELLINGS,
    TRAILING,
    WALL_SPELLINGS,
    probed_kind,
)
from twinschema.evaluate.json_twice import Store, generated_warnings, index_warnings
from twinschema.model import IDENTITY_AUTOINCREMENT, IDENTITY_ROWID, Column, Table
from twinschema.model_shown import column_shown, columns_shown
from twinschema.records import SEVERITY_WARNING, VALUE_COMPATIBILITY, Difference, Side
from twinschema.records.dialects import DIALECT_NAMES, POSTGRESQL
from twinschema.records.hint_ways import Offer

KIND = VALUE_COMPATIBILITY


class Crossing:
    """Runs the probe values of each distinct column shape once per dialect (a cache); keeps
    how each dialect's scratch database sorts an enum's labels in a copy of a column
    (``orders``, by the column's name and type and the labels: ``enum_order``), which the
    models and the live layer both asked of the same columns."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Any, ...], list[Any] | None] = {}
        self.orders: dict[tuple[Any, ...], tuple[str, ...] | None] = {}

    def stored(
        self, backend: Backend, dialect: str, table: Table, column: Column,
        checks: Sequence[str], values: Sequence[Any],
    ) -> list[Any] | None:  # fmt: skip
        """For each value: what the column stores (read back), or ``REJECTED``; None when the
        column cannot be made on this dialect's scratch database. The copy keeps what its
        table makes of it: a rowid alias stays the key, a STRICT table stays STRICT."""
        alias = column.identity in (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT)
        key = (
            dialect,
            type_key(dialect, column),
            alias,
            table.options,
            tuple(checks),
            tuple(values),
        )
        if key not in self._seen:
            self._seen[key] = backend.store(
                column.own_name, column.type, list(checks), list(values), alias, table.options
            )
        return self._seen[key]


def type_key(dialect: str, column: Column) -> str:
    """``column``'s type as the scratch copy declares it, as ``dialect`` reads it: a PostgreSQL
    type written without quotes is read whatever its ASCII case (a metadata module's ``UUID``,
    ``TIMESTAMP WITH TIME ZONE`` and its live database's ``uuid``, ``timestamp with time
    zone`` are one type), so the two spellings share one run, where each layer ran its own;
    one with a quote is kept as written (``"Mood"`` and ``"mood"`` are two types), as is every
    SQLite spelling."""
    text = type_sql(column.type)
    if dialect != POSTGRESQL or '"' in text or "'" in text:
        return text
    return fold(dialect, text, False)


def column_checks(side: Side, table: Table, column: Column) -> list[str]:
    """The raw CHECKs of ``table`` that read ``column`` (by its own name, ``opensAt`` where
    domain.yaml renames it) and nothing else."""
    own = {catalog_key(side.schema.dialect, column.own_name)}
    checks = expression_reads.table_checks(side.schema.dialect, table)
    return [text for text, columns, _ in checks if columns == own]


def findings(
    left: Side,
    right: Side,
    backends: dict[str, Backend],
    crossing: Crossing,
    layer: str,
) -> list[tuple[bool, Difference]]:
    """The ``value_compatibility`` warnings of two sides of different dialects, each with
    whether it breaks a push (SQLite stores the value, PostgreSQL rejects it)."""
    found: list[tuple[bool, Difference]] = []
    for name, lt in left.schema.tables.items():
        rt = right.schema.tables.get(name)
        if rt is None:
            continue
        for lc in lt.columns:
            rc = rt.column(lc.name)
            if rc is None or lc.generated is not None or rc.generated is not None:
                continue  # no sync writes a generated column (one side's is a difference)
            at = (layer, left, right, name, lc, rc)
            found += _column_findings(at, (lt, rt), backends, crossing)
        found += _unique_findings(left, right, backends, crossing, layer, lt, rt)
        found += date_text.findings(left, right, backends, layer, (lt, rt), warning)
        found += date_pairs.findings((left, right), backends, layer, (lt, rt), warning)
        found += crossing_keys.findings(left, right, layer, (lt, rt), warning)
    return found


def _column_findings(
    at: tuple[str, Side, Side, str, Column, Column],
    tables: tuple[Table, Table],
    backends: dict[str, Backend],
    crossing: Crossing,
) -> list[tuple[bool, Difference]]:
    """The warnings of one column pair (``at``: the layer, the sides, the table's name, the
    columns): each probe value that parts the two real columns, one per rule to add."""
    layer, left, right, name, lc, rc = at
    lt, rt = tables
    found: list[tuple[bool, Difference]] = []
    ld, rd = left.schema.dialect, right.schema.dialect
    kind = probed_kind(lc.type, rc.type)
    length, precision, scale = _dimensions(lc, rc)
    lchecks, rchecks = column_checks(left, lt, lc), column_checks(right, rt, rc)
    reads = check_reads(((ld, lchecks), (rd, rchecks)))
    sqlite_checks = lchecks if ld == "sqlite" else rchecks
    values = column_values(kind, (length, precision, scale), reads, sqlite_checks)
    if not values:
        return found
    raw = [v for _, v in values]
    runs = {ld: (backends[ld], lt, lc, lchecks), rd: (backends[rd], rt, rc, rchecks)}
    lgot = crossing.stored(backends[ld], ld, lt, lc, lchecks, raw)
    rgot = crossing.stored(backends[rd], rd, rt, rc, rchecks, raw)
    if lgot is None or rgot is None:
        return found
    values, (lgot, rgot) = moved_days(values, (lgot, rgot))
    raw = [v for _, v in values]
    hints: set[str] = set()
    # The column as SQL on both databases writes it (the hint's CHECK).
    (own,) = columns_shown(lt, rt, [lc.name])
    bare = [(backends[d], d, t, c, (), raw) for d, t, c in ((ld, lt, lc), (rd, rt, rc))]
    parted = parted_first(values, (lgot, rgot), partial(_bare, crossing, bare))
    # A fraction a CHECK parts, the witness of the fraction warning (stranger82 005).
    checks = {d: (r[1], r[3]) for d, r in runs.items()}
    store = partial(_store, crossing, runs)
    lead = fraction_checks.lead(kind, parted, (ld, rd), store, checks)
    # Whether the column has a warning for its scale at all, what names the first.
    warns = any(
        FINER in s and judged(crossing, kind, (s, v), ((ld, a), (rd, b)), runs, False)
        for (s, v), a, b in parted
    )
    for (said, value), a, b in parted:
        if _passed_over(said, (a, b), hints):
            continue
        verdict = judged(crossing, kind, (said, value), ((ld, a), (rd, b)), runs, warns)
        hint = hint_for(kind, (said, value), own, precision, scale)
        finer = FINER in said  # one warning for the scale, 1.001's or a bound's
        if verdict is None or hint.text() in hints or (finer and FINER in hints):
            continue  # one warning per rule to add (-1000 after 1000 adds nothing)
        _note(hints, hint, said)
        push, what = verdict
        if lead is not None and fraction_checks.names(lead, kind, value, (a, b)):
            push, said, what = fraction_checks.message(lead, said, what, push)
        message = f"{column_shown(lt, rt, lc.name)}: {said}: {what}"
        found.append((push, warning(layer, left, right, name, lc, rc, message, hint)))
    if kind == "json":
        found += _json_findings(runs, reads, crossing, at, backends, (lt, rt))
    return found


def _dimensions(lc: Column, rc: Column) -> tuple[int | None, int | None, int | None]:
    """The length, precision and scale of a column pair: the left column's, else the right's."""
    length = lc.type.length if lc.type.length is not None else rc.type.length
    precision = lc.type.precision if lc.type.precision is not None else rc.type.precision
    scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
    return length, precision, scale


def _passed_over(said: str, got: tuple[Any, Any], hints: set[str]) -> bool:
    """True for a parting value that adds no warning to those its column has (``hints``)."""
    a, b = got
    # A moment with an offset: PostgreSQL's date keeps its day as written, which is no
    # finding; one warning a column, where one side's CHECK rejects it.
    if OFFSET in said and ((a is REJECTED) == (b is REJECTED) or OFFSET in hints):
        return True
    if NO_DAY in said and NOT_A_DATE in hints:
        return True  # one warning a column for text PostgreSQL reads as no date
    if NOT_A_NUMBER in said and NOT_A_NUMBER in hints:
        return True  # one warning a column for text that is no number
    # Both store it: the longer value's own warning says enough.
    return TRAILING in said and REJECTED not in (a, b)


def _note(hints: set[str], hint: Offer, said: str) -> None:
    """Note in ``hints`` what a warning said, so that its column gets no other like it: its
    hint (but the general rule), its scale or offset, text read as no date or no number."""
    if hint != HINT_RULE:
        hints.add(hint.text())
    if FINER in said or OFFSET in said:
        hints.add(FINER if FINER in said else OFFSET)
    if NO_DAY in said or said == NOT_A_DATE:
        hints.add(NOT_A_DATE)
    if NOT_A_NUMBER in said:
        hints.add(NOT_A_NUMBER)


def _json_findings(
    runs: dict[str, Run],
    reads: list[expression_reads.Reads],
    crossing: Crossing,
    at: tuple[str, Side, Side, str, Column, Column],
    backends: dict[str, Backend],
    tables: tuple[Table, Table],
) -> list[tuple[bool, Difference]]:
    """A JSON column pair's warnings: a document that writes a key twice or a number past a
    double's precision, and what its generated columns and indexes make of such documents."""
    layer, left, right, name, lc, rc = at
    dialects = (left.schema.dialect, right.schema.dialect)
    shown = column_shown(tables[0], tables[1], lc.name)
    found = _twice(runs, reads, crossing, at)
    found += _twice(runs, reads, crossing, at, json_precision.finding)
    found += [
        (False, warning(layer, left, right, name, lc, rc, f"{shown}: {said}"))
        for said in generated_warnings(dialects, backends, tables, (lc, rc))
        + index_warnings(dialects, backends, tables, (lc, rc))
    ]
    return found


# What finds a JSON column pair's warning on a rare spelling of a document (``json_twice``).
Finder = Callable[[tuple[str, str], list[expression_reads.Reads], Store], "tuple[bool, str] | None"]


def _twice(
    runs: dict[str, Run],
    reads: list[expression_reads.Reads],
    crossing: Crossing,
    at: tuple[str, Side, Side, str, Column, Column],
    finder: Finder | None = None,
) -> list[tuple[bool, Difference]]:
    """A JSON column pair's warning on a document writing a key twice (``json_twice``), or
    the one ``finder`` finds (``json_precision``); ``at``: the layer, sides, table and
    columns of ``warning``."""
    from twinschema.evaluate import json_twice

    def store(dialect: str, docs: list[str]) -> list[Any] | None:
        backend, table, column, checks = runs[dialect]
        return crossing.stored(backend, dialect, table, column, checks, docs)

    got = (finder or json_twice.finding)((at[1].schema.dialect, at[2].schema.dialect), reads, store)
    if got is None:
        return []
    push, said = got
    return [(push, warning(*at, f"{at[3]}.{at[4].name}: {said}"))]


def warning(
    layer: str,
    left: Side,
    right: Side,
    table: str,
    lc: Column,
    rc: Column,
    message: str,
    hint: Offer = HINT_RULE,
) -> Difference:
    """A ``value_compatibility`` warning on the column pair ``lc``/``rc`` of ``table``, whose
    hint (``hint``) offers an allowance (``Difference.offer``)."""
    return Difference(
        layer=layer,
        kind=KIND,
        table=table,
        column=lc.name,
        name=lc.name,
        left=lc.type.raw or lc.type.spelling(),
        right=rc.type.raw or rc.type.spelling(),
        message=message,
        hint=hint.text(),
        offer=hint,
        severity=SEVERITY_WARNING,
        left_source=left.label,
        right_source=right.label,
    )


def _in_unique_rule(table: Table, column: str) -> bool:
    return column in table.primary_key or any(column in u.columns for u in table.uniques)


def _unique_findings(
    left: Side,
    right: Side,
    backends: dict[str, Backend],
    crossing: Crossing,
    layer: str,
    lt: Table,
    rt: Table,
) -> list[tuple[bool, Difference]]:
    """A UNIQUE rule both sides have on a column that is text on one side and a PostgreSQL
    uuid, jsonb, date, timestamp or time on the other compares different things: two spellings of one
    value (``SPELLINGS``, else ``WALL_SPELLINGS``), stored in both real columns, are two values
    on one side and one on the other. Each such pair is a warning naming the two values."""
    from twinschema.canonical import typemap

    found: list[tuple[bool, Difference]] = []
    ld, rd = left.schema.dialect, right.schema.dialect
    for lc in lt.columns:
        rc = rt.column(lc.name)
        if rc is None or lc.collation is not None or rc.collation is not None:
            continue
        kind = typemap.shared_kind(lc.type, rc.type) or ""
        if kind not in SPELLINGS or not (
            _in_unique_rule(lt, lc.name) and _in_unique_rule(rt, rc.name)
        ):
            continue
        # The first pair both sides' CHECKs let through: hour 24 where a pin refuses the other.
        for pair in (SPELLINGS[kind], *WALL_SPELLINGS.get(kind, ())):
            lgot = crossing.stored(backends[ld], ld, lt, lc, column_checks(left, lt, lc), pair)
            rgot = crossing.stored(backends[rd], rd, rt, rc, column_checks(right, rt, rc), pair)
            if lgot is not None and rgot is not None and REJECTED not in (*lgot, *rgot):
                break
        else:
            continue
        apart = {ld: not same(*lgot), rd: not same(*rgot)}
        if apart[ld] == apart[rd]:
            continue
        two, one = (ld, rd) if apart[ld] else (rd, ld)
        message = (
            f"{column_shown(lt, rt, lc.name)}: its UNIQUE rule compares different things: {pair[0]!r} and "
            f"{pair[1]!r} are two values on {DIALECT_NAMES[two]} and one on "
            f"{DIALECT_NAMES[one]} (a second row with the other spelling is a duplicate there"
            + (": a SQLite to PostgreSQL sync fails)" if one == "postgresql" else ")")
        )
        push = two == "sqlite" and one == "postgresql"
        found.append((push, warning(layer, left, right, lt.name, lc, rc, message)))
    return found


def _bare(crossing: Crossing, sides: list[tuple[Any, ...]], n: int) -> list[Any] | None:
    """What side ``n``'s column stores of the probe values with no CHECK (``parted_first``)."""
    return crossing.stored(*sides[n])


def _store(crossing: Crossing, runs: dict[str, Run], dialect: str, checks: Sequence[str],
           values: list[Any]) -> list[Any] | None:  # fmt: skip
    """What ``dialect``'s copy of the column stores of ``values`` under ``checks`` alone."""
    backend, table, column, _ = runs[dialect]
    return crossing.stored(backend, dialect, table, column, checks, values)
