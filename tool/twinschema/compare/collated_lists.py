"""A CHECK ... IN list that carries an enum under a column collation that makes other values
equal (``status TEXT COLLATE NOCASE CHECK (status IN ('free', 'taken'))``) against a
native enum of the same labels: the IN list takes the column's collation, so it accepts
'TAKEN', which the enum refuses (stranger69 007). The labels alike, the pair is still a
difference of allowed values, with that value as its witness; a collation allowance (which
names the collation alone) never allows it. The witness named here is a label in another case;
the evaluation stage runs the pair on the real databases, the listed side's other CHECKs too, and
names one that side's table stores, or drops the difference where none parts them
(``evaluate.collated_enums``). Two IN lists on two sides are run on probe rows
instead (``evaluate.checks.collated_apart``)."""

from __future__ import annotations

from twinschema.compare.common import coll_text
from twinschema.compare.context import Context
from twinschema.model import (
    EQUALITY_ASCII_CASE,
    EQUALITY_CASE,
    EQUALITY_EXACT,
    EQUALITY_TRAILING_SPACE,
    CheckConstraint,
    Collation,
    Column,
    ColumnType,
)
from twinschema.records import GuessedWitness, Witness
from twinschema.records.dialects import ascii_lower

_ASCII_SWAP = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def collated_list(
    ctx: Context,
    table: str,
    columns: tuple[Column, Column],
    carried: tuple[tuple[ColumnType, CheckConstraint | None], ...],
) -> bool:
    """Report, and return True, where one side's enum is an IN list under a collation that
    equates a value outside its labels with one of them, the other side's a native enum (or
    list) that refuses that value; False where nothing parts them so."""
    (ltype, lcheck), (rtype, rcheck) = carried
    if ltype.values is None or rtype.values is None or (lcheck is None) == (rcheck is None):
        return False
    if sorted(ltype.values) != sorted(rtype.values):
        return False  # labels apart: ``types.enum_values`` says which
    side = 0 if lcheck is not None else 1
    listed, other = columns[side], columns[1 - side]
    found = _witness(ltype.values, listed.collation, other.collation)
    if found is None:
        return False
    lc = columns[0]
    where = ctx.shown(table, lc, columns[1])
    mine, theirs = ("left", "right") if side == 0 else ("right", "left")
    assert listed.collation is not None  # only a collation other than the default equates
    said = f"{ctx.label(mine)} accepts, {ctx.label(theirs)} rejects"
    lead = (
        f"allowed values of {where} are listed alike, but {ctx.label(mine)}'s CHECK ... IN "
        f"list compares with the column's collation, {listed.collation.describe()}, so it "
        "accepts other values: "
    )
    ctx.diff(
        "enum",
        table,
        lc.name,
        lc.name,
        _spelled(ltype, lcheck, lc.collation),
        _spelled(rtype, rcheck, columns[1].collation),
        f"{lead}witness ({lc.name}) = ({_literal(found)}): {said}",
    )
    # The witness as data, a label in another case: the evaluation stage tries it and the
    # others against each side's CHECKs as a whole (``evaluate.collated_enums``), and puts a
    # true one after ``lead`` (``GuessedWitness``).
    found_row = Witness(table, (lc.name,), (found,), mine, said)
    ctx.result.differences[-1] = ctx.result.differences[-1].given(found_row)
    ctx.result.guessed[(table, lc.name)] = GuessedWitness(table, lc.name, lead, mine)
    return True


def collated_apart(
    ctx: Context, columns: tuple[Column, Column], carriers: tuple[object, object]
) -> bool:
    """True across dialects where both sides' types are carried by a CHECK ... IN list and the
    two columns' collations make other values equal: the lists are no equivalence of types,
    the evaluation runs them (``evaluate.checks.collated_apart``) and reports a witness."""
    if ctx.pairing.collation_names_count or None in carriers:
        return False
    return _equality(columns[0].collation) != _equality(columns[1].collation)


def _equality(collation: Collation | None) -> str | None:
    return EQUALITY_EXACT if collation is None else collation.equality


def _witness(
    values: tuple[str, ...], listed: Collation | None, other: Collation | None
) -> str | None:
    """A value that ``listed`` makes equal to one of ``values`` and ``other`` to none."""
    for value in values:
        for variant in _variants(value, listed):
            if variant in values:
                continue
            if not any(_equal(variant, v, other) for v in values):
                return variant
    return None


def _variants(value: str, collation: Collation | None) -> tuple[str, ...]:
    """Values ``collation`` takes as equal to ``value`` (none where it is exact or unknown)."""
    equality = EQUALITY_EXACT if collation is None else collation.equality
    if equality == EQUALITY_ASCII_CASE:
        return (value.translate(_ASCII_SWAP), value.upper())
    if equality == EQUALITY_CASE:
        return (value.swapcase(), value.upper())
    if equality == EQUALITY_TRAILING_SPACE:
        return (value + " ",)
    return ()


def _equal(a: str, b: str, collation: Collation | None) -> bool:
    """True where ``collation`` may take ``a`` and ``b`` as equal (an unknown one may)."""
    equality = EQUALITY_EXACT if collation is None else collation.equality
    if equality == EQUALITY_EXACT:
        return a == b
    if equality == EQUALITY_ASCII_CASE:
        return ascii_lower(a) == ascii_lower(b)
    if equality == EQUALITY_TRAILING_SPACE:
        return a.rstrip(" ") == b.rstrip(" ")
    return a.lower() == b.lower() or equality != EQUALITY_CASE


def _spelled(ctype: ColumnType, check: CheckConstraint | None, coll: Collation | None) -> str:
    text = ctype.definition or ctype.raw or ctype.spelling()
    text += f" {coll_text(coll)}" if coll is not None else ""
    return f"{text} CHECK ({check.shown()})" if check is not None else text


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
