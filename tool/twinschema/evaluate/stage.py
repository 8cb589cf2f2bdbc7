"""The evaluation stage: after the comparer, defaults that still differ are run and judged.

``compare`` stays pure; this stage takes its ``Comparison`` and the two sides and rewrites the
``column_default`` findings it can settle by running the expressions on scratch databases of
their own dialects (see ``backends``):

- every default of a SQLite side is run (cheaply, in memory): one that fails is a difference
  ("inserts that omit profiles.id fail on SQLite: no such function: GEN_RANDOM_UUID"), even
  when the other side's canonical text matched;
- a cross-dialect default difference is judged by the classes of what each side gives
  (``values``): equal classes make it an equivalence that says how it was decided;
- a same-dialect pair is run side by side in one table, one transaction: equal rows make a
  difference an equivalence, and different rows make a canonical equivalence of two calls a
  difference (``statement_timestamp()`` is not ``now()``), unless both give random values,
  which no run can tell apart.

A default that fails on PostgreSQL for want of something the scratch database lacks (an
extension's function, the user's own, a type) is "not evaluated": the comparer's verdict stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

from twinschema import typemap
from twinschema.errors import DatabaseError
from twinschema.evaluate import crossing, probes
from twinschema.evaluate.backends import (
    Backend,
    PostgreSQLScratch,
    Run,
    SQLiteBackend,
    type_sql,
)
from twinschema.evaluate.values import (
    CLASSES,
    FAILED,
    NOT_EVALUATED,
    RANDOM_UUID,
    VARYING,
    Verdict,
    classify,
    same_class,
)
from twinschema.model import Column, Table
from twinschema.records import Comparison, Difference, Equivalence, Side

DIALECT_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Evaluation:
    """What the stage did for one comparison: pairs it evaluated, pairs it could not, and
    where each dialect's expressions ran."""

    evaluated: int = 0
    not_evaluated: int = 0
    where: dict[str, str] = field(default_factory=dict)
    # ``value_compatibility`` warnings: values one side stores and the other rejects or changes.
    warnings: list[Difference] = field(default_factory=list)
    # The warnings that break a push (the device stores the value, the server rejects it).
    push_failures: list[Difference] = field(default_factory=list)


class Evaluator:
    """Runs expressions, each distinct (dialect, expression, type) once per evaluator, so the
    cost grows with a schema's variety, not its size. Use as a context manager: the scratch
    databases it made are closed and dropped on exit."""

    def __init__(self, postgresql: PostgreSQLScratch | None = None) -> None:
        self.stack = ExitStack()
        self._postgresql = postgresql
        self._backends: dict[str, Backend] = {}
        self._unavailable: dict[str, str] = {}
        self._single: dict[tuple[str, str, str], Verdict] = {}
        self._pairs: dict[tuple[str, str, str, str, str], Run] = {}
        self.crossing = crossing.Crossing()
        self.runs = 0  # expressions (or side-by-side pairs) actually run: the cost

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every backend and drop the scratch databases made."""
        self._backends.clear()
        self.stack.close()

    def backend(self, dialect: str) -> Backend | None:
        """The backend of ``dialect``, made on first need; None when none can be had (no
        scratch PostgreSQL server), with the reason kept for ``unavailable``."""
        if dialect in self._backends:
            return self._backends[dialect]
        if dialect in self._unavailable:
            return None
        if dialect == "sqlite":
            made: Backend = SQLiteBackend()
            self.stack.callback(made.close)
        elif self._postgresql is None:
            self._unavailable[dialect] = "no scratch PostgreSQL server"
            return None
        else:
            try:
                made = self._postgresql.open(self.stack)
            except DatabaseError as exc:
                self._unavailable[dialect] = exc.message
                return None
        self._backends[dialect] = made
        return made

    def postgresql_at_hand(self) -> bool:
        """True when PostgreSQL expressions can run without starting a server."""
        return self._postgresql is not None and self._postgresql.at_hand()

    def where(self, dialect: str) -> str:
        """Where ``dialect``'s expressions ran, or why they could not."""
        found = self._backends.get(dialect)
        if found is not None:
            return found.where
        return "not evaluated: " + self._unavailable.get(dialect, "not needed")

    def single(self, dialect: str, expression: str, column: Column) -> Verdict:
        """The class of what ``expression`` gives as the default of a column of this type."""
        key = (dialect, expression, type_sql(column.type))
        found = self._single.get(key)
        if found is None:
            backend = self.backend(dialect)
            if backend is None:
                found = Verdict(NOT_EVALUATED, error=self._unavailable[dialect])
            else:
                self.runs += 1
                found = classify(backend.run([(expression, column.type)]))
            self._single[key] = found
        return found

    def side_by_side(
        self, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
    ) -> Run | None:
        """Both expressions as the defaults of two columns of one table, in one run."""
        key = (dialect, left[0], type_sql(left[1].type), right[0], type_sql(right[1].type))
        if key not in self._pairs:
            backend = self.backend(dialect)
            if backend is None:
                return None
            self.runs += 1
            self._pairs[key] = backend.run([(left[0], left[1].type), (right[0], right[1].type)])
        return self._pairs[key]


def evaluate(
    comparison: Comparison,
    left: Side,
    right: Side,
    evaluator: Evaluator,
    *,
    layer: str | None = None,
    values: bool = False,
) -> Evaluation:
    """Settle ``comparison``'s default and CHECK findings by running them (see the module
    docstring); ``comparison`` is rewritten in place. With ``values``, two sides of different
    dialects also get their ``value_compatibility`` warnings (``crossing``). Returns what was
    evaluated, where, and the warnings. ``layer`` names the layer of the findings it adds
    (default: that of the comparison's own, else ``diff``)."""
    stage = _Stage(comparison, left, right, evaluator)
    if layer is not None:
        stage.layer = layer
    stage.failures()
    stage.differences()
    stage.equivalences()
    stage.checks()
    if values and stage.cross:
        stage.values()
    return stage.result


class _Stage:
    def __init__(self, comparison: Comparison, left: Side, right: Side, ev: Evaluator) -> None:
        self.comparison, self.left, self.right, self.ev = comparison, left, right, ev
        self.cross = left.schema.dialect != right.schema.dialect
        self.result = Evaluation()
        self.layer = comparison.differences[0].layer if comparison.differences else None
        self.failed: set[tuple[str, str]] = set()

    def _note(self, *dialects: str) -> None:
        for dialect in dialects:
            self.result.where[dialect] = self.ev.where(dialect)

    # -- defaults that fail on their own dialect ---------------------------------------------

    def failures(self) -> None:
        sides = [s for s in (self.left, self.right) if s.schema.dialect == "sqlite"]
        if not sides:
            return
        found: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for side in sides:
            for table in side.schema.tables.values():
                for column in table.columns:
                    text = _default_text(column)
                    if text is None:
                        continue
                    verdict = self.ev.single("sqlite", text, column)
                    if verdict.kind == FAILED:
                        key = (table.name, column.name.lower())
                        found.setdefault(key, []).append((side.label, verdict.error or ""))
        self._note("sqlite")
        for (table_name, column_name), where in sorted(found.items()):
            self._failure(table_name, column_name, where)

    def _failure(self, table_name: str, column_name: str, where: list[tuple[str, str]]) -> None:
        lt, lc = _find(self.left, table_name, column_name)
        rt, rc = _find(self.right, table_name, column_name)
        column = (lc or rc).name if (lc or rc) is not None else column_name  # type: ignore[union-attr]
        table = (lt or rt).name if (lt or rt) is not None else table_name  # type: ignore[union-attr]
        key = (table, column)
        self.failed.add(key)
        self.result.evaluated += 1
        self._drop(key)
        error = where[0][1]
        both = " (on both sides)" if len(where) > 1 else f" ({where[0][0]})"
        self.comparison.differences.append(
            self._difference(
                table,
                column,
                _shown_default(lc),
                _shown_default(rc),
                f"inserts that omit {table}.{column} fail on SQLite: {error}{both}",
            )
        )

    def _drop(self, key: tuple[str, str]) -> None:
        """Forget the comparer's default findings on a column the stage re-judged."""
        self.comparison.differences = [
            d
            for d in self.comparison.differences
            if not (d.kind == "column_default" and (d.table, d.column) == key and _is_default(d))
        ]
        self.comparison.equivalences = [
            e
            for e in self.comparison.equivalences
            if not (e.rule == "default" and (e.table, e.column) == key)
        ]

    # -- default differences ----------------------------------------------------------------

    def differences(self) -> None:
        kept: list[Difference] = []
        for d in self.comparison.differences:
            judged = self._judge(d) if d.kind == "column_default" and _is_default(d) else d
            if judged is not None:
                kept.append(judged)
        self.comparison.differences = kept

    def _judge(self, d: Difference) -> Difference | None:
        """The difference as evaluation leaves it (annotated), or None when it is settled as
        an equivalence (recorded)."""
        if d.table is None or d.column is None or (d.table, d.column) in self.failed:
            return d
        _, lc = _find(self.left, d.table, d.column)
        _, rc = _find(self.right, d.table, d.column)
        if lc is None or rc is None:
            return d
        ltext, rtext = _default_text(lc), _default_text(rc)
        if ltext is None or rtext is None or lc.identity or rc.identity:
            return d
        ld, rd = self.left.schema.dialect, self.right.schema.dialect
        if self.cross:
            return self._judge_cross(d, (ld, ltext, lc), (rd, rtext, rc))
        return self._judge_same(d, ld, (ltext, lc), (rtext, rc))

    def _judge_cross(
        self, d: Difference, left: tuple[str, str, Column], right: tuple[str, str, Column]
    ) -> Difference | None:
        (ld, ltext, lc), (rd, rtext, rc) = left, right
        lv, rv = self.ev.single(ld, ltext, lc), self.ev.single(rd, rtext, rc)
        self._note(ld, rd)
        for dialect, verdict in ((ld, lv), (rd, rv)):
            if verdict.kind == FAILED:
                self.result.evaluated += 1
                return replace(
                    d,
                    message=f"inserts that omit {d.table}.{d.column} fail on "
                    f"{DIALECT_NAMES[dialect]}: {verdict.error}",
                )
        if NOT_EVALUATED in (lv.kind, rv.kind):
            self.result.not_evaluated += 1
            return d
        self.result.evaluated += 1
        kind = typemap.shared_kind(lc.type, rc.type)
        if same_class(lv, rv, kind):
            what = "the same value" if kind is None and lv.kind not in CLASSES else lv.describe()
            self._same(d, f"equal by evaluation: both give {what}")
            return None
        return replace(
            d,
            message=f"{d.message} (by evaluation: {DIALECT_NAMES[ld]} gives {lv.describe()}, "
            f"{DIALECT_NAMES[rd]} gives {rv.describe()})",
        )

    def _judge_same(
        self, d: Difference, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
    ) -> Difference | None:
        run = self.ev.side_by_side(dialect, left, right)
        self._note(dialect)
        if run is None or run.missing:
            self.result.not_evaluated += 1
            return d
        self.result.evaluated += 1
        if run.error is not None:
            return replace(
                d,
                message=f"{d.message} (inserts that omit {d.table}.{d.column} fail on "
                f"{DIALECT_NAMES[dialect]} on one side: {run.error})",
            )
        if _same_rows(run):
            self._same(d, f"equal by evaluation: both give {self._shown(dialect, left)}")
            return None
        said, other = self._shown(dialect, left), self._shown(dialect, right)
        if said == other:  # one class, different values side by side (statement vs transaction)
            said, other = "rows inserted side by side get different values", ""
        return replace(
            d, message=f"{d.message} (by evaluation: {said}{f' vs {other}' if other else ''})"
        )

    def _shown(self, dialect: str, side: tuple[str, Column]) -> str:
        """What one side's default gives, in words that are the same on every run (a
        constant's value; a class, never a time or a random value)."""
        return self.ev.single(dialect, side[0], side[1]).describe()

    def _same(self, d: Difference, rule: str) -> None:
        assert d.table is not None
        self.comparison.equivalences.append(
            Equivalence(
                d.layer,
                d.table,
                d.column,
                rule,
                d.left or "",
                d.right or "",
                d.left_source,
                d.right_source,
            )
        )

    def _difference(
        self, table: str, column: str, left: str | None, right: str | None, message: str
    ) -> Difference:
        layer = self.layer or "diff"
        return Difference(
            layer=layer,
            kind="column_default",
            table=table,
            column=column,
            name=column,
            left=left,
            right=right,
            message=message,
            hint=f"give {table}.{column} a default that {'each side' if self.cross else 'it'} "
            "can evaluate, or none",
            left_source=self.left.label,
            right_source=self.right.label,
        )

    # -- values that cross the sync boundary ---------------------------------------------------

    def values(self) -> None:
        if not self.ev.postgresql_at_hand():
            # Every column pair would need PostgreSQL: not worth starting a server for
            # warnings (a models-only check reads no database).
            self.result.where.setdefault(
                "postgresql",
                "values not probed: no scratch PostgreSQL server at hand (TWINSCHEMA_SCRATCH_URL)",
            )
            return
        dialects = (self.left.schema.dialect, self.right.schema.dialect)
        backends = {d: self.ev.backend(d) for d in dialects}
        self._note(*dialects)
        ready = {d: b for d, b in backends.items() if b is not None}
        if len(ready) < 2:
            return
        layer = self.layer or "diff"
        found = crossing.findings(self.left, self.right, ready, self.ev.crossing, layer)
        self.result.warnings = [d for _, d in found]
        self.result.push_failures = [d for push, d in found if push]

    # -- CHECKs by probes ----------------------------------------------------------------------

    def checks(self) -> None:
        for ld, rd in self._check_pairs():
            self._probe(ld, rd)

    def _check_pairs(self) -> list[tuple[Difference, Difference]]:
        """The ``check`` differences that pair up on a table: the one CHECK on each side, or,
        where a table has several, the two that alone read the same columns."""
        by_table: dict[str, tuple[list[Difference], list[Difference]]] = {}
        for d in self.comparison.differences:
            if d.kind == "check" and d.table is not None:
                lists = by_table.setdefault(d.table, ([], []))
                (lists[0] if d.left is not None else lists[1]).append(d)
        pairs: list[tuple[Difference, Difference]] = []
        for table, (lefts, rights) in by_table.items():
            if len(lefts) == len(rights) == 1:
                pairs.append((lefts[0], rights[0]))
                continue
            lsets = self._by_columns(self.left, table, [(d, d.left) for d in lefts])
            rsets = self._by_columns(self.right, table, [(d, d.right) for d in rights])
            for columns, found in lsets.items():
                others = rsets.get(columns, [])
                if len(found) == len(others) == 1:
                    pairs.append((found[0], others[0]))
        return pairs

    def _by_columns(
        self, side: Side, table_name: str, shown: list[tuple[Difference, str | None]]
    ) -> dict[frozenset[str], list[Difference]]:
        """Check differences of one side grouped by the (case-folded) columns they read."""
        table, _ = _find(side, table_name, "")
        grouped: dict[frozenset[str], list[Difference]] = {}
        for d, text in shown:
            raw = _check_text(side, table, text)
            found = probes.reads(side.schema.dialect, raw) if raw is not None else None
            if found is not None:
                key = frozenset(c.lower() for c in found.columns)
                grouped.setdefault(key, []).append(d)
        return grouped

    def _probe(self, ld: Difference, rd: Difference) -> None:
        assert ld.table is not None
        lt, _ = _find(self.left, ld.table, "")
        rt, _ = _find(self.right, ld.table, "")
        ltext, rtext = _check_text(self.left, lt, ld.left), _check_text(self.right, rt, rd.right)
        ldialect, rdialect = self.left.schema.dialect, self.right.schema.dialect
        if lt is None or rt is None or ltext is None or rtext is None:
            return
        lreads, rreads = probes.reads(ldialect, ltext), probes.reads(rdialect, rtext)
        if lreads is None or rreads is None:
            self.result.not_evaluated += 1
            return
        names = sorted(lreads.columns | rreads.columns)
        lcols = [_find(self.left, lt.name, n)[1] for n in names]
        rcols = [_find(self.right, rt.name, n)[1] for n in names]
        if not names or None in lcols or None in rcols:
            self.result.not_evaluated += 1
            return
        numbers = lreads.numbers + rreads.numbers
        strings = lreads.strings + rreads.strings
        values = []
        for lc, rc in zip(lcols, rcols, strict=True):
            assert lc is not None and rc is not None
            bound = lc.type.length if lc.type.length is not None else rc.type.length
            scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
            values.append(probes.values_for(probes.kind_of(lc, rc), numbers, strings, bound, scale))
        rows = probes.cross(values)
        lb, rb = self.ev.backend(ldialect), self.ev.backend(rdialect)
        self._note(ldialect, rdialect)
        if lb is None or rb is None:
            self.result.not_evaluated += 1
            return
        lgot = lb.try_rows([(c.name, c.type) for c in lcols if c is not None], ltext, rows)
        rgot = rb.try_rows([(c.name, c.type) for c in rcols if c is not None], rtext, rows)
        both = [
            (row, a, b) for row, a, b in zip(rows, lgot, rgot, strict=True) if None not in (a, b)
        ]
        if not both:
            self.result.not_evaluated += 1
            return
        self.result.evaluated += 1
        witness = next(((row, a, b) for row, a, b in both if a != b), None)
        if witness is None:
            self.comparison.differences = [
                d for d in self.comparison.differences if d is not ld and d is not rd
            ]
            self.comparison.equivalences.append(
                Equivalence(
                    ld.layer,
                    ld.table,
                    None,
                    f"equal on {len(both)} probes",
                    ld.left or "",
                    rd.right or "",
                    ld.left_source,
                    ld.right_source,
                )
            )
            return
        row, a, b = witness
        said = (
            f"witness ({', '.join(names)}) = ({', '.join(_probe_text(v) for v in row)}): "
            f"{self._side_name('left')} {_verb(a)}, {self._side_name('right')} {_verb(b)}"
        )
        self.comparison.differences = [
            replace(d, message=f"{d.message}; {said}") if d is ld or d is rd else d
            for d in self.comparison.differences
        ]

    def _side_name(self, side: str) -> str:
        dialect = (self.left if side == "left" else self.right).schema.dialect
        if self.cross:
            return DIALECT_NAMES[dialect]
        return f"{side} ({(self.left if side == 'left' else self.right).label})"

    # -- same-dialect equivalences of two calls ------------------------------------------------

    def equivalences(self) -> None:
        if self.cross:
            return
        kept: list[Equivalence] = []
        dialect = self.left.schema.dialect
        for e in self.comparison.equivalences:
            if e.rule == "default" and "(" in e.left + e.right and e.column is not None:
                found = self._recheck(dialect, e)
                if found is not None:
                    self.comparison.differences.append(found)
                    continue
            kept.append(e)
        self.comparison.equivalences = kept

    def _recheck(self, dialect: str, e: Equivalence) -> Difference | None:
        """A difference when two calls the canonical form calls equal give different values
        side by side (and not merely different random values); else None."""
        assert e.column is not None
        _, lc = _find(self.left, e.table, e.column)
        _, rc = _find(self.right, e.table, e.column)
        if lc is None or rc is None:
            return None
        ltext, rtext = _default_text(lc), _default_text(rc)
        if ltext is None or rtext is None:
            return None
        run = self.ev.side_by_side(dialect, (ltext, lc), (rtext, rc))
        self._note(dialect)
        if run is None or run.error is not None:
            self.result.not_evaluated += 1
            return None
        self.result.evaluated += 1
        if _same_rows(run):
            return None
        random = {RANDOM_UUID, VARYING}
        kinds = {self.ev.single(dialect, ltext, lc).kind, self.ev.single(dialect, rtext, rc).kind}
        if kinds <= random:
            return None  # two random values: no run tells two generators apart
        return self._difference(
            e.table,
            lc.name,
            e.left,
            e.right,
            f"default of {e.table}.{lc.name} differs: {e.left} vs {e.right} (by evaluation: "
            "rows inserted in one transaction get different values)",
        )


def _verb(accepted: bool | None) -> str:
    return "accepts" if accepted else "rejects"


def _probe_text(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        shown = value if len(value) <= 12 else f"{value[:5]}...({len(value)} chars)"
        return "'" + shown.replace("'", "''") + "'"
    return str(value)


def _default_text(column: Column) -> str | None:
    """The default as its source wrote it (what runs), None when the column has none."""
    if column.default is None:
        return None
    return column.raw_default if column.raw_default is not None else column.default


def _shown_default(column: Column | None) -> str | None:
    if column is None:
        return None
    return column.raw_default or column.default or "none"


def _is_default(d: Difference) -> bool:
    """True for a default finding, not an identity one (both are ``column_default``)."""
    return not (d.left or "").startswith("identity ") and not (d.right or "").startswith(
        "identity "
    )


def _find(side: Side, table: str, column: str) -> tuple[Table | None, Column | None]:
    """The table and column of ``side`` named so, matched exactly, else whatever the case."""
    tables = side.schema.tables
    found = tables.get(table)
    if found is None:
        folded = table.lower()
        found = next((t for n, t in tables.items() if n.lower() == folded), None)
    if found is None:
        return None, None
    col = found.column(column)
    if col is None:
        folded = column.lower()
        col = next((c for c in found.columns if c.name.lower() == folded), None)
    return found, col


def _same_rows(run: Run) -> bool:
    return all(_equal(row[0], row[1]) for row in run.rows)


def _equal(a: Any, b: Any) -> bool:
    return type(a) is type(b) and bool(a == b)


def evaluated_pairs(results: Sequence[Evaluation]) -> int:
    """How many pairs a list of stage results evaluated."""
    return sum(r.evaluated for r in results)


# -- CHECKs by probes (a method set kept apart from the defaults' for reading) -------------------


def _check_text(side: Side, table: Table | None, shown: str | None) -> str | None:
    """The raw expression of the CHECK a difference shows as ``CHECK (...)``."""
    if table is None or shown is None:
        return None
    for check in table.checks:
        if f"CHECK ({check.raw or check.expression})" == shown:
            return check.raw or check.expression
    return None
