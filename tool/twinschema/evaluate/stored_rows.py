"""A probe row on which two CHECK sides part is a witness only by what each database stores
(``partings``): PostgreSQL rounds 0.001 to 0.00 in a numeric(5,2) before its CHECK runs, so
when the side that accepts a row stores it changed, the stored row is run again on the side
that rejected it, and the row is a witness only if that side rejects the stored row too (the
idea of ``crossing``'s warnings: what crosses a sync is what one side stored). Rows holding
NULL in a column NOT NULL on either side are no CHECK's witness (``nulls_where_both_allow``):
the NULL is the column's own difference. ``checks_within`` is a side's CHECKs over some
columns as one conjunction; ``checks_accept`` keeps the rows both sides' CHECKs let in (what a
generated column computes for a row a CHECK keeps out is never stored), and
``accepted_by_table`` the rows two CHECKs part on only where the accepting side's table lets
them in (a row its other CHECKs refuse is no witness).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from twinschema.canonical.identifiers import catalog_key
from twinschema.canonical.typemap import kinds_of
from twinschema.canonical.typemap_storage import HOLDS_FRACTIONS
from twinschema.evaluate import expression_reads, json_lists, probes
from twinschema.evaluate.backends import REJECTED, Computed
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.crossing_outcomes import kept_as_written
from twinschema.evaluate.generated_refusals import stored_only
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.side_checks import checks_within, own_names
from twinschema.evaluate.witness_rows import plainness
from twinschema.model import ColumnType
from twinschema.records import Side
from twinschema.records.kinds import INTEGER_KINDS

# A row both sides judged: the row, the left verdict, the right verdict (True: accepted).
Judged = tuple[tuple[Any, ...], bool, bool]


@dataclass(frozen=True)
class Parting:
    """A row two CHECK sides part on by what they store: ``stored`` is the row as the
    accepting side stored it where that changed it (the rejecting side rejects it too)."""

    row: tuple[Any, ...]
    left: bool
    right: bool
    stored: tuple[Any, ...] | None = None
    written_only: bool = False  # the rejecting side accepts ``stored``: parts as written only
    # The row as the rejecting side holds it where that changes it (PostgreSQL's integer rounds
    # 99.5 to 100 before its CHECK runs), for a row the accepting side stores as written.
    refused_as: tuple[Any, ...] | None = None

    @property
    def verdicts(self) -> tuple[bool, bool]:
        """Whether each side (left, right) accepts the row: what a witness of it keeps."""
        return (self.left, self.right)

    def said(self, st: StageContext) -> str:
        """``SQLite rejects, PostgreSQL accepts`` (with what the accepting side stored, where
        it changed the row: ``, storing 0.01, which SQLite rejects too``)."""
        said = (
            f"{st.side_name('left')} {verb(self.left)}, {st.side_name('right')} {verb(self.right)}"
        )
        if self.stored is None and self.refused_as is not None:
            written, held = _shown(self.row), _shown(self.refused_as)
            refuser = st.side_name("right" if self.left else "left")
            taker = st.side_name("left" if self.left else "right")
            return (
                f"{said} ({refuser} takes {written} as {held}, which its CHECK rejects; "
                f"{taker} stores {written}, so a sync of that row from {taker} to {refuser} "
                f"fails; {ROUNDED_REVERSE})"
            )
        if self.stored is None:
            return said
        values = ", ".join(probe_text(v) for v in self.stored)
        shown = values if len(self.stored) == 1 else f"({values})"
        refuser = st.side_name("right" if self.left else "left")
        if self.written_only:
            return f"{said} (as written; it stores {shown}, which {refuser} accepts)"
        return f"{said}, storing {shown}, which {refuser} rejects too"


# Why a scale's rounding parts a CHECK pair in one direction only (stranger79 009: the same
# phenomenon read "the same" in one table and a difference in the next, unexplained). Witness
# rows: 0.001 under weight_grams > 0 on numeric(6,2) (SQLite stores it, PostgreSQL rounds it to
# 0.00 and refuses it: a difference); 100.004 under BETWEEN 0 AND 100 on numeric(5,2) (SQLite
# refuses it, PostgreSQL stores 100.00, which SQLite accepts: equal, a value warning).
ROUNDED_REVERSE = (
    "the other way round, a row one side refuses as written and the other stores rounded into "
    "its CHECK, fails no sync, since the rounded value crosses: such a pair is the same, and "
    "the column's value warning names that row"
)


def _shown(row: tuple[Any, ...]) -> str:
    """A row's values as a witness names them: one alone, several in parentheses."""
    values = ", ".join(probe_text(v) for v in row)
    return values if len(row) == 1 else f"({values})"


def verb(accepted: bool | None) -> str:
    """``accepts`` or ``rejects``."""
    return "accepts" if accepted else "rejects"


def partings(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[str, str],
    judged: Sequence[Judged], written: bool = False,
) -> list[Parting]:  # fmt: skip
    """The rows of ``judged`` (run on ``found``'s rows with the CHECKs ``texts``) on which the
    two sides part by what they store, those stored as written first, the plainest first
    (``witness_rows.plainness``), else in ``judged``'s order.
    A row the accepting side's generated column fails to store (``generated_refusals``) parts
    nothing. With ``written``, then the rows that part only as written (``written_only``: the
    rejecting side accepts what the other stored; an upper-case UUID, stored lower-cased), for
    a difference that stands whatever its witness (a CHECK on one side only: stranger57 131)."""
    parted = [(row, a, b) for row, a, b in judged if a != b]
    # A row the accepting side's generated column fails to store is refused there too.
    parted = [j for j in stored_only(st, table, found, parted) if j[1] != j[2]]
    # The plainest first (``witness_rows.plainness``): ASCII, Latin-1, the rest; long texts last.
    parted.sort(key=lambda j: plainness(j[0]))
    if not parted:
        return []
    stored = {
        side: stored_by(
            st, side, table, found, [row for row, a, _ in parted if a == (side == "left")]
        )
        for side in ("left", "right")
    }
    direct: list[Parting] = []
    changed: list[tuple[Judged, tuple[Any, ...]]] = []
    for row, a, b in parted:
        kept = stored["left" if a else "right"].get(row, row)
        if REJECTED in kept:
            continue  # the accepting side's whole column refuses it (a STRICT table, a key)
        if kept == row:
            direct.append(Parting(row, a, b))
        else:
            changed.append(((row, a, b), kept))
    return _refused_as(st, table, found, texts, direct) + _rerun(st, found, texts, changed, written)


def _refused_as(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[str, str], direct: list[Parting]
) -> list[Parting]:
    """``direct`` with each row the rejecting side holds otherwise than written marked so
    (``Parting.refused_as``): SQLite stores 99.5 in an INTEGER column, PostgreSQL's integer
    rejects it as 100 (stranger68 018), which the witness says. Such a row whose number not
    whole the rejecting side's CHECK accepts as written, its integer columns judged as the type
    that holds it (``typemap_storage.HOLDS_FRACTIONS``), is no witness: the CHECKs judge the
    value alike, and only its rounding parts them, which the same CHECK on both sides does too
    (``c0 > 7.25`` on both: SQLite stores 7.35, PostgreSQL refuses the 7 it makes of it; that
    SQLite keeps 7.35 is ``crossing``'s warning). SQLite's ``BETWEEN 1 AND 99.5`` against
    PostgreSQL's ``BETWEEN 1 AND 99`` parts on 99.5 itself: a witness."""
    held_as: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    alike: set[tuple[Any, ...]] = set()
    for n, side in enumerate(("left", "right")):
        rows = [p.row for p in direct if p.left != (side == "left")]  # rejected on ``side``
        held = stored_by(st, side, table, found, rows)
        changed = [r for r in rows if held.get(r, r) != r and REJECTED not in held[r]]
        held_as.update((r, held[r]) for r in changed)
        wide = _holding_fractions(found.left if n == 0 else found.right)
        fractions = [r for r in changed if any(_fraction(v) for v in r)]
        if wide is not None and fractions:
            got = found.backends[n].try_rows(wide, texts[n], fractions, True)
            alike |= {r for r, ok in zip(fractions, got, strict=True) if ok is True}
    return [
        replace(p, refused_as=held_as[p.row]) if p.row in held_as else p
        for p in direct
        if p.row not in alike
    ]


def _holding_fractions(
    columns: tuple[tuple[str, ColumnType], ...],
) -> tuple[tuple[str, ColumnType], ...] | None:
    """``columns`` with each integer one of a dialect that rounds a number not whole typed as
    the one that holds it (``HOLDS_FRACTIONS``); None where there is none."""
    rounding = [
        c.dialect in HOLDS_FRACTIONS and bool(kinds_of(c) & INTEGER_KINDS) for _, c in columns
    ]
    if not any(rounding):
        return None
    return tuple(
        (name, replace(ctype, raw=HOLDS_FRACTIONS[ctype.dialect]) if wide else ctype)
        for (name, ctype), wide in zip(columns, rounding, strict=True)
    )


def _fraction(value: Any) -> bool:
    """True for a number not whole as SQLite keeps it (a double)."""
    return isinstance(value, float) and math.isfinite(value) and not value.is_integer()


def stored_by(
    st: StageContext, side: str, table: str, found: ProbeSet, rows: Sequence[tuple[Any, ...]]
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """What ``side``'s columns store for each of ``rows`` (each value as written where it
    keeps it, or where the column cannot be made on the scratch database)."""
    if not rows:
        return {}
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    backend = found.backends[0 if side == "left" else 1]
    columns: list[dict[Any, Any]] = []
    for n, name in enumerate(found.names):
        owned, column = find(own, table, name)
        _, paired = find(other, table, name)
        values = list(dict.fromkeys(row[n] for row in rows if row[n] is not None))
        got = None
        if owned is not None and column is not None and values:
            got = st.ev.crossing.stored(backend, own.schema.dialect, owned, column, [], values)
            got = json_lists.kept(own.schema.dialect, values, got)  # a list read back as one
        kind = probes.kind_of(column, paired) if column is not None else None
        columns.append(
            {
                v: s if s is REJECTED or not kept_as_written(kind, v, s) else _folded(kind, v, s)
                for v, s in zip(values, got or values, strict=True)
            }
        )
    return {row: tuple(c.get(v, v) for c, v in zip(columns, row, strict=True)) for row in rows}


def _folded(kind: str | None, written: Any, kept: Any) -> Any:
    """``written`` as a column stored it: a uuid's text in the letter case PostgreSQL keeps
    (lower), which a text CHECK on the other side may judge otherwise (``c = lower(c)``:
    fuzz43 013); any other value as written."""
    if kind == "uuid" and isinstance(written, str) and str(kept) != written:
        return str(kept)
    return written


def _rerun(
    st: StageContext,
    found: ProbeSet,
    texts: tuple[str, str],
    changed: Sequence[tuple[Judged, tuple[Any, ...]]],
    written: bool = False,
) -> list[Parting]:
    """The rows the accepting side stored changed whose stored row the rejecting side
    rejects too (or cannot hold at all): each rejecting side runs its CHECK once on them."""
    verdicts: dict[int, bool | None] = {}
    for side, n in (("left", 0), ("right", 1)):
        picked = [k for k, ((_, a, b), _) in enumerate(changed) if not (a, b)[n]]
        if not picked:
            continue
        columns = found.left if side == "left" else found.right
        rows = [changed[k][1] for k in picked]
        got = found.backends[n].try_rows(columns, texts[n], rows, True)
        verdicts.update(zip(picked, got, strict=True))
    found_rows = [
        Parting(row, a, b, kept)
        for k, ((row, a, b), kept) in enumerate(changed)
        if verdicts.get(k) is not True
    ]
    return found_rows + [
        Parting(row, a, b, kept, written_only=True)
        for k, ((row, a, b), kept) in enumerate(changed)
        if written and verdicts.get(k) is True
    ]


def nulls_where_both_allow(st: StageContext, table: str, rows: ProbeSet) -> ProbeSet:
    """``rows`` without those holding NULL in a column NOT NULL on either side."""
    nullable = [
        all(
            c is not None and c.nullable
            for c in (find(st.left, table, n)[1], find(st.right, table, n)[1])
        )
        for n in rows.names
    ]
    kept = tuple(
        row
        for row in rows.rows
        if all(v is not None or ok for v, ok in zip(row, nullable, strict=True))
    )
    return replace(rows, rows=kept)


def checks_accept(
    st: StageContext, table: str, found: ProbeSet, rows: list[tuple[Any, Computed, Computed]],
    judged: tuple[str, str] | None = None,
) -> list[tuple[Any, Computed, Computed]]:  # fmt: skip
    """``rows`` less those a CHECK of either side over the columns the expressions read
    rejects: a row a CHECK keeps out (``x BETWEEN -100 AND 100`` against x = 2147483648) is
    never stored, so what its generated column would hold parts nothing (a CHECK on one side
    only is a difference of its own). ``judged``, each side's own name of the generated
    column the rows part, keeps a row that only one side refuses, and only by CHECKs that read
    that column: the refusal is what the column's parting does to a row (stranger52 011:
    SQLite's ``t TEXT AS (r)`` over ``r REAL AS (x)`` holds '1.0' at x = 1, which ``CHECK
    (length(t) < 3)`` refuses, where PostgreSQL's '1' passes)."""
    if not rows:
        return rows
    names = {n.lower() for n in found.names}
    texts = (checks_within(st.left, table, names), checks_within(st.right, table, names))
    if texts == ("TRUE", "TRUE"):
        return rows
    lb, rb = found.backends
    sides = (found.left, found.right)
    tried = [r for r, _, _ in rows]
    left = lb.try_rows(found.left, texts[0], tried)
    right = rb.try_rows(found.right, texts[1], tried)
    kept = [a is not False and b is not False for a, b in zip(left, right, strict=True)]
    if judged is not None:  # an error refuses here too: a real insert fails
        full = [
            b.try_rows(c, t, tried, True)
            for b, c, t in zip(found.backends, sides, texts, strict=True)
        ]
        plain = [
            b.try_rows(
                c,
                checks_within(s, table, names, skip=catalog_key(s.schema.dialect, n)),
                tried,
                True,
            )
            for b, c, s, n in zip(found.backends, sides, (st.left, st.right), judged, strict=True)
        ]
        # ...where the other side stores the row: its column computes there (stranger57 106:
        # SQLite's CHECK refuses 'XXXXXX', which PostgreSQL's varchar(5) refuses as well).
        kept = [
            k
            or any(
                full[n][i] is False and full[1 - n][i] and rows[i][2 - n][0] and plain[n][i]
                for n in (0, 1)
            )
            for i, k in enumerate(kept)
        ]
    return [w for w, k in zip(rows, kept, strict=True) if k]


def accepted_by_table(
    st: StageContext, table: str, found: ProbeSet, judged: Sequence[Judged],
    texts: tuple[str, str] | None = None,
) -> list[Judged]:  # fmt: skip
    """``judged`` less the rows the two CHECKs part on that the accepting side's table refuses
    through its CHECKs over the same columns (an error refuses too: a real insert fails): a
    row no table of either side stores parts nothing. ``x * 3 < 2500`` overflows PostgreSQL's
    int4 at x = -2147483648, which ``x BETWEEN 0 AND 1000`` keeps out of SQLite's table too.
    Given the two CHECKs' ``texts``, a row the rejecting side's other CHECKs over those
    columns refuse is left out too: it shows what those CHECKs refuse, each its own
    difference or allowance, not the pair (stranger74 005: '2020-01-01 00:00:00+00', which
    only SQLite's GLOB pinning 'Z' refuses, was named the witness of ``taken_at >= ...``)."""
    parted = [k for k, (_, a, b) in enumerate(judged) if a != b]
    if not parted:
        return list(judged)
    names = {n.lower() for n in found.names}
    refused: set[int] = set()
    for n, side_of, columns in ((0, st.left, found.left), (1, st.right, found.right)):
        accepting = [k for k in parted if judged[k][1 + n]]
        text = checks_within(side_of, table, names)
        others = _others(side_of, table, names, texts[n]) if texts is not None else "TRUE"
        for ks, kept in ((accepting, text), ([k for k in parted if not judged[k][1 + n]], others)):
            if not ks or kept == "TRUE":
                continue
            got = found.backends[n].try_rows(columns, kept, [judged[k][0] for k in ks], True)
            refused.update(k for k, ok in zip(ks, got, strict=True) if ok is False)
    return [j for k, j in enumerate(judged) if k not in refused]


def _others(side_of: Side, table: str, names: set[str], pair: str) -> str:
    """``side_of``'s plain CHECKs on ``table`` that read only ``names`` but those the pair's
    text ``pair`` holds (the CHECK judged, or each of its group), as one conjunction; ``TRUE``
    where none is (a generated column's or a MATCH FULL key's refusals are not tried here)."""
    found, _ = find(side_of, table, "")
    if found is None:
        return "TRUE"
    own = own_names(side_of, table, names)
    texts = [
        f"({text})"
        for text, cols, _ in expression_reads.table_checks(side_of.schema.dialect, found)
        if cols <= own and text not in pair
    ]
    return " AND ".join(texts) or "TRUE"
