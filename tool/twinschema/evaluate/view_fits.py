"""The probe values of a view's base table kept where both sides' tables take them
(``view_answers``; stranger77 004, 005, 006, 007).

A probe row both sides' copies of a table refuse is lost to the comparison, and a column no
view reads took one value of its kind: a level CHECKed BETWEEN 1 AND 5 (a PostgreSQL domain)
took 0, a timestamp text pinned to one strftime() form took none in that form, a list kept as
JSON text against ``text[]`` took text no array is. Every row was refused and the view was "not
compared" with a reason that was false. Here each column's candidate values are tried alone on
each side's scratch database, in a one-column table with the column's type, NOT NULL and the
CHECKs (a domain's among them) that read it alone; a value is kept where both sides store it
(alike, where a view reads the column); a column no value of which fits both sides is the
reason given for not running the view. Where a CHECK reads two columns, rows crossing their
values are tried on both sides' whole tables too (``checked``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.evaluate import view_equated, view_generated, view_probes, view_runs, view_values
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.statements import probe_column, type_sql
from twinschema.evaluate.view_runs import Base, quoted
from twinschema.model import Schema, Table

# Values of many types, tried in a column no view reads where none of its own probe values fits.
_ANY = (
    0,
    1,
    "",
    "a",
    "{}",
    "[]",
    "0",
    "2024-01-01",
    "2024-01-01 00:00:00+00:00",
    "12:00:00",
    "127.0.0.1",
)


def fitted(
    schemas: tuple[Schema, Schema],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    read: Sequence[bool],
    backends: tuple[Backend | None, Backend | None],
    fallback: bool = True,
) -> list[list[Any]] | None:
    """``values`` (per column of ``columns``, logical names) with only those both sides'
    columns take alone, in order; None where a scratch database cannot make the columns (the
    view's own run then says why). With ``fallback``, a column no view reads that keeps no
    value gets the first of ``_ANY`` both take."""
    bases: tuple[list[Base], list[Base]] = ([], [])
    for j, name in enumerate(columns):
        for side, table in enumerate(tables):
            column = table.column(name)
            assert column is not None
            own, ctype = probe_column(column)
            parts = [f"{quoted(own)} {type_sql(ctype)}" + ("" if column.nullable else " NOT NULL")]
            parts += [f"CHECK ({c})" for c in view_probes.alone(table, column)]
            made = f"twinschema_fit_{j}"
            create = f"CREATE TABLE {quoted(made)} ({', '.join(parts)})"
            bases[side].append(Base(made, ((own, ctype),), create, ((own, ctype),)))
    rows = [[(v,) for v in given] for given in values]
    answers = []
    for side, schema in enumerate(schemas):
        plan = replace(view_runs.plan_of(schema, bases[side], [], ""), select="SELECT 1")
        answers.append(view_runs.run(plan, rows, backends[side], tried=True))
    if any(a.setup is not None or len(a.stored) != len(values) for a in answers):
        return None
    found = [
        [
            v
            for v, a, b in zip(given, answers[0].stored[j], answers[1].stored[j], strict=True)
            if view_values.alike(a, b, (read[j],))
        ]
        for j, given in enumerate(values)
    ]
    # A column no view reads and none of whose values both take: any value both hold will do,
    # it never blocks the view (stranger79 003: an unread JSON NOT NULL column, '{}' held by both).
    bare = [j for j, f in enumerate(found) if not f and not read[j]]
    if bare and fallback:
        anything = [list(_ANY) if j in bare else [] for j in range(len(columns))]
        tried = fitted(schemas, tables, columns, anything, read, backends, fallback=False)
        for j in bare:
            found[j] = tried[j][:1] if tried is not None else []
    return found


# The values of each column crossed with those of another a CHECK reads with it, and the rows
# so made at most (each is inserted alone on both sides once, to keep those both take).
_CROSSED = 12
_PAIRED = 400
# The rows solved for an equality a view makes (``view_equated``) kept at most, besides.
_SOLVED = 16


def checked(
    schemas: tuple[Schema, Schema],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[int],
    read: Sequence[bool],
    backends: tuple[Backend | None, Backend | None],
    views: Sequence[tuple[str, str]] = (),
) -> list[tuple[Any, ...]]:
    """``rows`` (``view_probes.crossed``), where a CHECK of either side reads two or more of
    ``columns`` (``ends_at > starts_at``, ``a IS NULL OR b IS NOT NULL``), with rows that
    meet it added: each two columns such a CHECK reads take every pair of their first values
    (the most telling first), the other columns a row's of ``rows``, the keys new ones. Only
    the rows both sides' tables take, and store alike, are kept, up to ``view_probes.ROWS``
    (the diagonals' own first): the diagonals cross a column's values with one value each of
    the other, which such a CHECK refuses on every row or nearly (a view was judged on no row,
    or on too few to part it). Where a view of ``views`` (``(dialect, SQL)``) equates a column
    with arithmetic of others (``a = b + 7``), rows solved for it (``view_equated``) are tried
    too, and up to ``_SOLVED`` of them kept besides."""
    pairs = _checked_pairs(tables, columns)
    if not rows:
        return list(rows)
    spare = [
        [*values[k], *view_probes.key_values(*tables, columns[k])] if k in keys else values[k]
        for k in range(len(columns))
    ]
    extra = _crossed_rows(pairs, spare, rows, keys)
    solved = view_equated.solved_rows(views, tables, columns, rows, keys)
    solved = _keyed(solved, spare, keys, [*rows, *extra])
    if not extra and not solved:
        return list(rows)
    tried = [*rows, *extra, *solved]
    bases = [view_runs.base_of(t, columns, view_generated.checked(t)) for t in tables]
    answers = []
    for side, schema in enumerate(schemas):
        plan = replace(view_runs.plan_of(schema, [bases[side]], [], ""), select="SELECT 1")
        answers.append(view_runs.run(plan, [tried], backends[side], tried=True))
    if any(a.setup is not None or len(a.stored) != 1 for a in answers):
        return list(rows)
    taken = [
        n
        for n, (a, b) in enumerate(zip(answers[0].stored[0], answers[1].stored[0], strict=True))
        if a is not None and b is not None and view_values.alike(a, b, tuple(read))
    ]
    own = [tried[n] for n in taken if n < len(rows)]
    added = [tried[n] for n in taken if len(rows) <= n < len(rows) + len(extra)]
    met = [tried[n] for n in taken if n >= len(rows) + len(extra)]
    return own + added[: max(0, view_probes.ROWS - len(own))] + met[:_SOLVED]


def _keyed(
    rows: Sequence[tuple[Any, ...]],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    taken: Sequence[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """``rows`` each with key values of its own, none that ``taken`` (or an earlier row) holds
    (``values``: each key column's, the probe rows' own among them); as many as keys last."""
    used = [{r[k] for r in taken} for k in range(len(values))]
    free = {k: [v for v in dict.fromkeys(values[k]) if v not in used[k]] for k in keys}
    made: list[tuple[Any, ...]] = []
    for row in rows:
        if any(not free[k] for k in keys):
            break
        made.append(tuple(free[j].pop(0) if j in keys else v for j, v in enumerate(row)))
    return made


def _checked_pairs(tables: tuple[Table, Table], columns: Sequence[str]) -> list[tuple[int, int]]:
    """The indexes (j, k) of each two of ``columns`` some CHECK of either table reads together."""
    found: dict[tuple[int, int], None] = {}
    for table in tables:
        words = [
            (j, view_probes.word(c.own_name))
            for j, name in enumerate(columns)
            if (c := table.column(name)) is not None
        ]
        for check in table.checks:
            said = view_generated.check_reads(table, check.raw or check.expression)
            reading = [j for j, word in words if word.search(said)]
            for n, j in enumerate(reading):
                for k in reading[n + 1 :]:
                    found.setdefault((j, k), None)
    return list(found)


def _crossed_rows(
    pairs: Sequence[tuple[int, int]],
    values: Sequence[Sequence[Any]],
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[int],
) -> list[tuple[Any, ...]]:
    """Rows taking every pair of the first ``_CROSSED`` values of each two columns of
    ``pairs``, in shells (the first two values of each, then the third with those, ...), the
    other columns from ``rows`` in turn and each key a value ``rows`` do not use."""
    free = {
        k: list(dict.fromkeys(v for v in values[k] if v not in {r[k] for r in rows})) for k in keys
    }
    made: list[tuple[Any, ...]] = []
    for j, k in pairs:
        if j in keys or k in keys:
            continue
        first, second = list(values[j])[:_CROSSED], list(values[k])[:_CROSSED]
        order = sorted(
            ((a, b) for a in range(len(first)) for b in range(len(second))),
            key=lambda p: (max(p), p),
        )
        for a, b in order:
            if len(made) >= _PAIRED or any(not free[key] for key in keys):
                return made
            row = list(rows[len(made) % len(rows)])
            row[j], row[k] = first[a], second[b]
            for key in keys:
                row[key] = free[key].pop(0)
            made.append(tuple(row))
    return made
