"""Why two CHECKs written alike part on a row, where they read a generated column that holds
another value on each side for that row (``what_generated_holds``): stranger48 011 blamed an
unscaled NUMERIC, or a cast no CHECK wrote, where PostgreSQL's integer ``total`` rounds the
28.99 SQLite keeps (INTEGER affinity keeps a REAL that is not whole) and a SQLite ``half AS
(total / 2)`` divides integers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import expression_reads
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.generated_inline import computed_from
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.run_values import equal
from twinschema.evaluate.value_convert import convert
from twinschema.evaluate.witness_rows import row_text
from twinschema.model import Column
from twinschema.records import SQLITE
from twinschema.records.kinds import INTEGER_KINDS


def what_generated_holds(
    st: StageContext, table: str, texts: tuple[str, str], found: ProbeSet, row: tuple[Any, ...]
) -> str | None:
    """``the generated total is 28.99 on SQLite, 29 on PostgreSQL`` for each generated column
    the CHECK ``texts`` read that holds another value on each side for ``row`` (a row of
    ``found``'s columns); None where none does."""
    said: list[str] = []
    sides = (st.left, st.right)
    reads = [expression_reads.reads(s.schema.dialect, t) for s, t in zip(sides, texts, strict=True)]
    if reads[0] is None or reads[1] is None:
        return None
    read = sorted({c.lower() for c in reads[0].columns} & {c.lower() for c in reads[1].columns})
    for name in read:
        columns = [find(s, table, name)[1] for s in sides]
        tables = [find(s, table, "")[0] for s in sides]
        held: list[Any] = []
        for n, side in enumerate(sides):
            column = columns[n]
            if column is None or column.generated is None:
                break
            columns_n = found.left if n == 0 else found.right
            keys = {catalog_key(side.schema.dialect, c) for c, _ in columns_n}
            texts_of = computed_from(side.schema.dialect, tables[n], keys)
            text = texts_of.get(catalog_key(side.schema.dialect, column.own_name))
            got = found.backends[n].computed(columns_n, text, column.type, [row]) if text else None
            if not got or got[0] is None or not got[0][0]:
                break
            held.append(got[0][1])
        else:
            lc, rc = columns
            assert lc is not None and rc is not None
            kind = typemap.shared_kind(lc.type, rc.type) if st.cross else None
            a, b = (convert(v, kind) for v in held) if st.cross else held
            if not equal(a, b):
                said.append(
                    f"the generated {lc.name} is {_shown(held[0])} on {st.side_name('left')}, "
                    f"{_shown(held[1])} on {st.side_name('right')}" + _rounded(st, lc, rc, held)
                )
    return "; ".join(said) or None


def _rounded(st: StageContext, lc: Column, rc: Column, held: list[Any]) -> str:
    """`` (SQLite keeps ... PostgreSQL rounds it)`` where an integer column on both sides holds
    a fraction on a SQLite side (INTEGER affinity keeps a REAL that is not whole) and a whole
    number on the other; else nothing."""
    for n, (column, value) in enumerate(zip((lc, rc), held, strict=True)):
        other = held[1 - n]
        whole = typemap.kinds_of(lc.type) & typemap.kinds_of(rc.type) & INTEGER_KINDS
        fraction = isinstance(value, float) and not value.is_integer()
        if column.type.dialect == SQLITE and whole and fraction and other == int(other):
            there = st.side_name("right" if n == 0 else "left")
            return f" (SQLite keeps a number that is not whole in an INTEGER column, {there} rounds it)"
    return ""


def _shown(value: Any) -> str:
    """A number without the trailing zeros PostgreSQL's numeric prints (1.5, not 1.50000)."""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value.normalize(), "f")
        return text
    return "NULL" if value is None else str(value)


def generated_key_reason(
    st: StageContext, table: str, texts: tuple[str, str], parted: Parted
) -> str | None:
    """Why two index keys written alike (``texts``, each side's, as written) part on the witness
    rows ``parted`` where they read a generated column that holds another value on each side
    for one of them: ``km_round is generated as round(km) on both sides; the generated km_round
    is 1.0 on SQLite, 0.0 on PostgreSQL at (km) = (0.5): SQLite's round() rounds half away from
    zero ...``, what its expression does on each dialect named where known (its operators whose
    meaning depends on the dialect, or a call each reads otherwise: ``expression_reasons``).
    None where no generated column parts the rows: the keys' own reason stands (stranger75 009:
    the cast to the column's type a key over a generated column is run through was named, "a
    cast to a number ... longest prefix", where round()'s tie rule parts them)."""
    columns = (tuple(parted.columns[0]), tuple(parted.columns[1]))
    found = ProbeSet(tuple(n for n, _ in columns[0]), *columns, parted.rows, parted.backends)
    for row in parted.rows:
        held = what_generated_holds(st, table, texts, found, row)
        if held is None:
            continue
        names = ", ".join(n for n, _ in columns[0])
        at = row_text(st.dialects, row)
        made = _generated_as(st, table, texts)
        why = expression_reasons(st, table, texts, parted)
        return f"{made}{held} at ({names}) = {at}" + (f": {why}" if why else "")
    return None


def _generated_as(st: StageContext, table: str, texts: tuple[str, str]) -> str:
    """``km_round is generated as round(km) on both sides; `` for each generated column both
    ``texts`` read (each side's expression where they differ)."""
    said = []
    for lc, rc in _generated_read(st, table, texts):
        assert lc.generated is not None and rc.generated is not None
        lshown, rshown = lc.generated.shown(), rc.generated.shown()
        how = (
            f"{lshown} on both sides"
            if lshown == rshown
            else f"{lshown} on {st.side_name('left')}, {rshown} on {st.side_name('right')}"
        )
        said.append(f"{lc.name} is generated as {how}; ")
    return "".join(said)


def expression_reasons(st: StageContext, table: str, texts: tuple[str, str], parted: Parted) -> str:
    """What the expressions of the generated columns both ``texts`` read do on each dialect:
    the operators whose meaning depends on it, as ``checks.why_dependent`` says them for the
    witness rows ``parted``, else the calls each dialect reads otherwise
    (``typemap_operators.READ_OTHERWISE``: round()'s tie rule); "" where none is known."""
    from twinschema.evaluate.check_pairs import read_otherwise
    from twinschema.evaluate.checks import why_dependent

    said: list[str] = []
    for lc, rc in _generated_read(st, table, texts):
        assert lc.generated is not None and rc.generated is not None
        own = (
            lc.generated.raw or lc.generated.expression,
            rc.generated.raw or rc.generated.expression,
        )
        why = why_dependent(st, own[0], own[1], table, parted)
        why = why or read_otherwise(st.left.schema.dialect, own[0])
        why = why or read_otherwise(st.right.schema.dialect, own[1])
        if why:
            said.append(why)
    return "; ".join(dict.fromkeys(said))


def _generated_read(
    st: StageContext, table: str, texts: tuple[str, str]
) -> list[tuple[Column, Column]]:
    """The column pairs, generated on both sides, that both ``texts`` read."""
    sides = (st.left, st.right)
    reads = [expression_reads.reads(s.schema.dialect, t) for s, t in zip(sides, texts, strict=True)]
    if reads[0] is None or reads[1] is None:
        return []
    found = []
    for name in sorted(
        {c.lower() for c in reads[0].columns} & {c.lower() for c in reads[1].columns}
    ):
        lc, rc = (find(s, table, name)[1] for s in sides)
        if lc is not None and rc is not None and lc.generated and rc.generated:
            found.append((lc, rc))
    return found
