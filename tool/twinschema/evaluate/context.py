"""What every part of the evaluation stage shares for one comparison: the two sides, the
comparison it rewrites, the evaluator, what it did so far, and small lookups on the sides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from twinschema.evaluate.backends import Backend
from twinschema.evaluate.evaluator import Evaluation, Evaluator
from twinschema.model import Column, Table
from twinschema.model_shown import table_shown
from twinschema.records import Comparison, Difference, Equivalence, Side, Witness
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer

# A few probe rows an equivalence was judged on, each as a witness writes a row.
Probes = tuple[str, ...]

# The hint of two values the stage found apart (``StageContext.differ``).
_COMPUTE_SAME = Offer(
    "write it so that both dialects compute the same (the message says where they part), or "
)


@dataclass
class StageContext:
    """One comparison under evaluation: ``comparison`` is rewritten in place; ``result``
    counts what was evaluated and where; ``failed`` names the columns whose default fails on
    its own dialect (judged once, by ``defaults.failures``)."""

    comparison: Comparison
    left: Side
    right: Side
    ev: Evaluator
    result: Evaluation = field(default_factory=Evaluation)
    layer: str | None = None
    failed: set[tuple[str, str]] = field(default_factory=set)
    # Warnings found while judging (``json_escape``), kept for the ``value_compatibility``
    # warnings: whether each breaks a push, its table, column pair and text.
    later: list[tuple[bool, str, Column, Column, str]] = field(default_factory=list)
    # CHECK differences whose pair could not be run (``unjudged_checks``): them, their table, texts.
    unjudged: list[tuple[tuple[Difference, ...], str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.layer is None and self.comparison.differences:
            self.layer = self.comparison.differences[0].layer

    @property
    def cross(self) -> bool:
        """True when the two sides are of different dialects."""
        return self.left.schema.dialect != self.right.schema.dialect

    @property
    def dialects(self) -> tuple[str, str]:
        """The left and the right side's dialect."""
        return (self.left.schema.dialect, self.right.schema.dialect)

    def note(self, *dialects: str) -> None:
        """Record where ``dialects``' expressions ran (or why they could not)."""
        for dialect in dialects:
            self.result.where[dialect] = self.ev.where(dialect)
            why = self.ev.unavailable(dialect)
            if why is not None:
                self.result.unusable[dialect] = why

    def ready_backends(self) -> dict[str, Backend]:
        """The backend of each side's dialect that could be had, by dialect, noting where each
        ran (or why it could not): what a stage that runs both sides' expressions opens first
        (fewer than two: a side cannot run, or both sides are of one dialect)."""
        backends = {d: self.ev.backend(d) for d in self.dialects}
        self.note(*self.dialects)
        return {d: b for d, b in backends.items() if b is not None}

    def side_name(self, side: str) -> str:
        """How a witness names ``side``: its dialect across dialects, else its source, as every
        message names it (``a.sql``)."""
        chosen = self.left if side == "left" else self.right
        if self.cross:
            return DIALECT_NAMES[chosen.schema.dialect]
        return chosen.named

    def table_shown(self, table: str) -> str:
        """Table ``table`` (logical) as a message names it: by the name both databases give it
        where domain.yaml renamed it alike (``model_shown.table_shown``)."""
        tables = self.left.schema.tables, self.right.schema.tables
        return table_shown(table, tables[0].get(table), tables[1].get(table))

    def drop(self, *found: Difference) -> None:
        """Remove these very differences (by identity) from the comparison."""
        self.comparison.differences = [
            d for d in self.comparison.differences if not any(d is f for f in found)
        ]

    def merge(
        self, ld: Difference, rd: Difference, message: str, kind: str | None = None,
        witness: Witness | None = None,
    ) -> None:  # fmt: skip
        """Report a left-only and a right-only object that pair up (one CHECK on each side,
        parted by a witness row) as one difference in their place: both sides' values, fixed
        where a difference of two present values is (``fix_site``). ``ld`` may be ``rd``, a
        difference that holds both sides already: its message is ``message``. Named otherwise
        on each side, it carries both names (what an allowance's ``name:`` matches). ``kind``:
        the merged difference's, where not ``ld``'s; ``witness``: the one ``message`` names."""
        from twinschema.records.comparison import fix_site
        from twinschema.records.hint_ways import paired_ways

        otherwise = ld is not rd and ld.name != rd.name
        merged = replace(
            ld,
            kind=kind or ld.kind,
            right=rd.right,
            names=(ld.name, rd.name) if otherwise else ld.names,
            message=message,
            hint=(ways := paired_ways(self.left.fix, self.right.fix)).text(),
            ways=ways,  # its own parts, never those of ``ld`` (one side's: add it, or remove it)
            then="",
            fix=fix_site(ld.left, rd.right, self.left.file, self.right.file),
            witness=None,
        ).given(witness)
        self.comparison.differences = [
            merged if d is ld else d for d in self.comparison.differences if d is ld or d is not rd
        ]

    def annotate(self, said: str, *found: Difference, witness: Witness | None = None) -> None:
        """Append ``said`` to the message of these very differences (``witness``: the one
        ``said`` names, given to each that has none yet)."""
        self.comparison.differences = [
            _with_note(d, said, witness) if any(d is f for f in found) else d
            for d in self.comparison.differences
        ]

    def dependent_difference(
        self,
        kind: str,
        table: str,
        column: str | None,
        left: str,
        right: str,
        said: tuple[str, str, str],
        spelled: tuple[str, str] | None = None,
        name: str | None = None,
        names: tuple[str | None, str | None] | None = None,
        witness: Witness | None = None,
    ) -> None:
        """Report two objects the comparer matched by their canonical form as a difference:
        they use an operator whose meaning depends on the dialect, and a probe row parts them.
        ``said`` is (what they are, why the dialects part on them, the witness: ``witness`` as
        data); ``left`` and ``right`` are each side's own text. The comparer's equivalence of
        the two spellings (``spelled``), if any, goes. ``name``: the object's name where both
        sides give it one (what an allowance's ``name:`` matches); ``names``: each side's,
        named otherwise."""
        what, why, written = said
        # No reason left (each one false of these expressions: stranger48 004 g5): the row says it.
        means = f"means something else on each: {why}" if why else "a row parts them"
        message = (
            f"{what} translates one to one between the dialects ({self.side_name('left')}: "
            f"{left}; {self.side_name('right')}: {right}) but {means}; {written}"
        )
        self.comparison.equivalences = [
            e
            for e in self.comparison.equivalences
            if not (e.table == table and e.column == column and (e.left, e.right) == spelled)
        ]
        self.comparison.differences.append(
            Difference(
                layer=self.layer or "diff",
                kind=kind,
                table=table,
                column=column,
                name=name,
                left=left,
                right=right,
                message=message,
                names=names if name is None else None,
                hint=_COMPUTE_SAME.text(),
                offer=_COMPUTE_SAME,
                left_source=self.left.label,
                right_source=self.right.label,
                witness=None if witness is None else replace(witness, table=table),
            )
        )

    def equal_on_probes(
        self, ld: Difference, rd: Difference, n: int, column: str | None, probes: Probes = ()
    ) -> None:
        """Settle two differences as one equivalence found on ``n`` probe rows (never proven;
        ``probes``: a few of them, as witnesses write rows)."""
        self.drop(ld, rd)
        self.probed_equivalence(ld, rd, n, column, probes)

    def equivalence(
        self,
        d: Difference,
        rule: str,
        left: str | None = None,
        right: str | None = None,
        utc_only: bool = False,
        probes: Probes = (),
    ) -> None:
        """Record ``d`` as the equivalence ``rule`` (each side shown as ``d`` shows it, unless
        ``left`` or ``right`` is given; ``utc_only``: only in a session whose TimeZone is UTC;
        ``probes``: a few rows it was judged on), leaving the difference to the caller."""
        assert d.table is not None
        self.comparison.equivalences.append(
            Equivalence(
                d.layer,
                d.table,
                d.column,
                rule,
                d.left or "" if left is None else left,
                d.right or "" if right is None else right,
                d.left_source,
                d.right_source,
                utc_only,
                probes,
            )
        )

    def swap(self, d: Difference, changed: Difference) -> Difference:
        """Put ``changed`` (``d`` reworded) where ``d`` stands: among the differences and the
        unjudged pairs (``unjudged_checks`` finds their differences by identity); ``changed``."""
        self.comparison.differences = [
            changed if f is d else f for f in self.comparison.differences
        ]
        self.unjudged = [
            (tuple(changed if f is d else f for f in found), table, ltext, rtext)
            for found, table, ltext, rtext in self.unjudged
        ]
        return changed

    def settle_one_sided(
        self, d: Difference, side: str, rule: str, other: str = "no CHECK", counted: bool = True
    ) -> None:
        """Settle ``d``, a CHECK on ``side`` only, as the equivalence ``rule``, the other side
        shown as ``other`` (no CHECK, or the type whose range or scale the CHECK mirrors):
        dropped from the differences, counted as evaluated where ``counted``."""
        self.drop(d)
        if counted:
            self.result.evaluated += 1
        if side == "left":
            self.equivalence(d, rule, right=other)
        else:
            self.equivalence(d, rule, left=other)

    def probed_equivalence(
        self, ld: Difference, rd: Difference, n: int, column: str | None, probes: Probes = ()
    ) -> None:
        """Record that ``ld``'s left and ``rd``'s right agreed on ``n`` probe rows (never
        proven), leaving the differences to the caller."""
        assert ld.table is not None
        self.comparison.equivalences.append(
            Equivalence(
                ld.layer,
                ld.table,
                column,
                f"equal on {probe_count(n)}",
                ld.left or "",
                rd.right or "",
                ld.left_source,
                ld.right_source,
                probes=probes,
                names=(ld.name, rd.name),
            )
        )


def both_named(left: str | None, right: str | None) -> str | None:
    """The name of an object both sides name alike, else None (a CHECK named on one side only,
    or named otherwise on each, has no name an allowance could give for both)."""
    return left if left is not None and left == right else None


def probe_count(n: int, noun: str = "probe") -> str:
    """``n`` probe rows as a message counts them: "1 probe", "18 probes"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _with_note(d: Difference, said: str, witness: Witness | None) -> Difference:
    return replace(d, message=f"{d.message}; {said}").given(witness)


def find(side: Side, table: str, column: str) -> tuple[Table | None, Column | None]:
    """The table and column of ``side`` named so, matched exactly, else whatever the case."""
    tables = side.schema.tables
    found = tables.get(table)
    if found is None:
        folded = table.lower()
        found = next((t for n, t in tables.items() if n.lower() == folded), None)
    if found is None:
        return None, None
    return found, found.named(column)


def logical_name(side: Side, table: str, column: str) -> str:
    """The logical name (folded) of the column ``side``'s own expressions on ``table`` read as
    ``column``: domain.yaml may name it otherwise on each dialect (``fullName`` on SQLite,
    ``full_name`` on PostgreSQL), and probe values are paired by logical column."""
    found = find(side, table, column)[1]
    return (found.name if found is not None else column).lower()


def matched_tables(st: StageContext) -> Iterator[tuple[Table, Table]]:
    """Each left table with the right side's table of the same name, where the right side has
    it: where a stage looks for objects the comparer matched."""
    for name, lt in st.left.schema.tables.items():
        rt, _ = find(st.right, name, "")
        if rt is not None:
            yield lt, rt


def matched_columns(st: StageContext) -> Iterator[tuple[Table, Column, Column]]:
    """Each left table's columns with the right side's column of the same name, where the right
    side has both the table and the column: the pairs a stage re-runs."""
    for lt, rt in matched_tables(st):
        for lc in lt.columns:
            rc = rt.column(lc.name)
            if rc is not None:
                yield lt, lc, rc
