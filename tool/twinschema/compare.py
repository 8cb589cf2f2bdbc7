"""The comparer: two canonical schemas in, typed differences and equivalences out.

Pure: no database access and no knowledge of any dialect. Dialect facts reach it only as data
(the type table in ``typemap``) and as canonical expressions made by ``normalize``. ``left`` and
``right`` are the two sides as the caller names them (``expected``/``actual`` in spirit for a
metadata module against its database; two peers for the two dialects).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import TypeVar

from twinschema import folding, typemap
from twinschema.compare_objects import compare_objects
from twinschema.differences import SEVERITY_WARNING, Difference, Equivalence
from twinschema.domain import Allowance, Domain, DomainColumn
from twinschema.gcpause import without_gc
from twinschema.model import (
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    CheckConstraint,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    Table,
)

K = TypeVar("K", bound=Hashable)

_NOTHING: AbstractSet[int] = frozenset()  # no CHECK accounted for by a column's type

# The attributes of a column other than its type, and the difference kind of each.
_COLUMN_FIELDS = {
    "nullable": "column_nullable",
    "default": "column_default",
    "identity": "column_default",
}


@dataclass
class Comparison:
    """What a comparison found."""

    differences: list[Difference] = field(default_factory=list)
    equivalences: list[Equivalence] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # every table compared, in logical names
    # Per source label, the views, triggers, functions and sequences this comparison could not
    # compare (see compare_objects), e.g. {"b.sql": {"views": 2}}.
    not_compared: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its schema, how reports name it, and where a fix to it goes."""

    schema: Schema
    label: str
    fix: str  # e.g. "schemas/sqlite.py" or "the database (run: twinschema migrate local)"
    # "model" (metadata, files), "database" (a live database) or "chain" (a scratch database
    # a migration chain built)
    role: str = "model"


@without_gc
def compare(left: Side, right: Side, *, layer: str, domain: Domain | None = None) -> Comparison:
    """Every difference between two sides, minus those ``domain.yaml`` declares as allowed."""
    aligned, renamed = folding.align(left.schema, right.schema)
    if renamed:
        right = replace(right, schema=aligned)
    run = _Run(left, right, layer, domain)
    for table, column, spelling in renamed:  # names one dialect matches whatever their case
        run.same(table, column, "identifier case", column or table, spelling)
    run.tables()
    run.objects()
    if run.cross and domain is not None:
        run.apply_allowances()
    return run.result


class _Run:
    def __init__(self, left: Side, right: Side, layer: str, domain: Domain | None) -> None:
        self.left, self.right, self.layer, self.domain = left, right, layer, domain
        self.cross = left.schema.dialect != right.schema.dialect
        self.result = Comparison()
        # Same-dialect column pairs (by identity, and whether the column is in both primary
        # keys) that differ in nothing, with the equivalences they record (rule, left, right).
        # Sources share equal columns between tables, so a schema holds few distinct ones:
        # each pair is compared once. Across dialects a column's CHECKs take part: not kept.
        self.same_columns: dict[tuple[int, int, bool], tuple[tuple[str, str, str], ...]] = {}

    # -- recording --------------------------------------------------------------------------

    def diff(
        self,
        kind: str,
        table: str | None,
        column: str | None,
        name: str | None,
        left: str | None,
        right: str | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        if hint is None:
            hint = _hint(left, right, self.left, self.right)
        self.result.differences.append(
            Difference(
                layer=self.layer,
                kind=kind,
                table=table,
                column=column,
                name=name,
                left=left,
                right=right,
                message=message,
                hint=hint,
                left_source=self.left.label,
                right_source=self.right.label,
            )
        )

    def same(self, table: str, column: str | None, rule: str, left: str, right: str) -> None:
        self.result.equivalences.append(
            Equivalence(
                self.layer, table, column, rule, left, right, self.left.label, self.right.label
            )
        )

    # -- tables -----------------------------------------------------------------------------

    def tables(self) -> None:
        lt, rt = self.left.schema.tables, self.right.schema.tables
        self.result.tables = sorted(lt.keys() | rt.keys())
        for name in self.result.tables:
            left, right = lt.get(name), rt.get(name)
            if left is not None and right is not None:
                self.table(left, right)
            elif not self._expected_absent(name, left is None):
                side = "left" if left is not None else "right"
                self.diff(
                    "table_missing",
                    name,
                    None,
                    name,
                    name if left else None,
                    name if right else None,
                    f"table {name} exists only in {self._label(side)}",
                )

    def _expected_absent(self, table: str, left_missing: bool) -> bool:
        """A table the domain declares for one dialect only is expected to be absent elsewhere."""
        if self.domain is None or table not in self.domain.tables:
            return False
        missing = (self.left if left_missing else self.right).schema.dialect
        return missing not in self.domain.tables[table].dialects

    def _label(self, side: str) -> str:
        return self.left.label if side == "left" else self.right.label

    def table(self, left: Table, right: Table) -> None:
        consumed: set[int] = set()
        unmatched = {c.name: c for c in right.columns}
        # Same-dialect column pairs already judged (see same_columns) are looked up here,
        # inline: this loop runs for every column of every table.
        known_pairs = None if self.cross else self.same_columns
        lpk, rpk = left.primary_key, right.primary_key
        for lc in left.columns:
            rc = unmatched.pop(lc.name, None)
            if rc is None:
                self.column_missing(left.name, lc, None)
                continue
            if known_pairs is None:
                accounted = self.compare_column(left, right, lc, rc)
            else:
                key = (id(lc), id(rc), lc.name in lpk and lc.name in rpk)
                known = known_pairs.get(key)
                if known is not None:
                    for rule, lval, rval in known:
                        self.same(left.name, lc.name, rule, lval, rval)
                    continue
                accounted = self.same_dialect_column(left, right, lc, rc, key)
            if accounted:
                consumed.update(accounted)
        for rc in unmatched.values():
            self.column_missing(left.name, None, rc)
        if lpk != rpk:
            self.diff(
                "primary_key",
                left.name,
                None,
                None,
                _cols(lpk) or None,
                _cols(rpk) or None,
                f"primary key of {left.name} differs",
            )
        # Each kind of object is compared in full only when the two sides hold different ones
        # (equality ignores names and spellings, as the full comparison does).
        if not _same_items(left.foreign_keys, right.foreign_keys):
            self.foreign_keys(left, right)
        if not (
            _same_items(left.uniques, right.uniques) and _same_items(left.indexes, right.indexes)
        ):
            self.uniques_and_indexes(left, right)
        if consumed or not _same_items(left.checks, right.checks):
            self.checks(left, right, consumed)
        if left.row_level_security or right.row_level_security or left.policies or right.policies:
            self.security(left, right)
        if left.options != right.options and typemap.options_compared(
            self.left.schema.dialect, self.right.schema.dialect
        ):
            self.table_options(left, right)

    # -- views, triggers, functions, sequences ----------------------------------------------

    def objects(self) -> None:
        left, right = self.left, self.right
        found = compare_objects(left.schema, right.schema, (left.label, right.label), self.domain)
        for d in found.differences:
            self.diff(d.kind, d.table, None, d.name, d.left, d.right, d.message)
        for e in found.equivalences:
            self.same(e.table, None, f"{e.kind} definition", e.left, e.right)
        for side, counts in zip((left, right), found.not_compared, strict=True):
            if counts:
                self.result.not_compared[side.label] = counts

    # -- columns ----------------------------------------------------------------------------

    def column_missing(self, table: str, lc: Column | None, rc: Column | None) -> None:
        name = lc.name if lc is not None else rc.name if rc is not None else ""
        side = "left" if lc is not None else "right"
        self.diff(
            "column_missing",
            table,
            name,
            name,
            _spell(lc),
            _spell(rc),
            f"column {table}.{name} exists only in {self._label(side)}",
        )

    def same_dialect_column(
        self, lt: Table, rt: Table, lc: Column, rc: Column, key: tuple[int, int, bool]
    ) -> AbstractSet[int]:
        """Compare a same-dialect column pair not judged before; return the ids of CHECKs that
        its type accounts for. A pair that differs in nothing is remembered under ``key`` (see
        ``same_columns``) with the equivalences it recorded."""
        if lc == rc and lc.raw_default == rc.raw_default:
            self.same_columns[key] = ()  # the same in every respect, spelling included
            return _NOTHING
        differences, equivalences = self.result.differences, self.result.equivalences
        before = (len(differences), len(equivalences))
        consumed = self.compare_column(lt, rt, lc, rc)
        if len(differences) == before[0] and not consumed:
            self.same_columns[key] = tuple(
                (e.rule, e.left, e.right) for e in equivalences[before[1] :]
            )
        return consumed

    def compare_column(self, lt: Table, rt: Table, lc: Column, rc: Column) -> AbstractSet[int]:
        consumed = self.column_type(lt, rt, lc, rc)
        lid, rid = lc.identity, rc.identity
        if lid != rid and lc.name in lt.primary_key and lc.name in rt.primary_key:
            # A key's generators that mean the same across dialects (a rowid alias against an
            # integer key with an identity, a sequence or none: see typemap.KEY_GENERATORS).
            ldialect, rdialect = self.left.schema.dialect, self.right.schema.dialect
            if typemap.generators_match(ldialect, lid, rdialect, rid):
                self.same(lt.name, lc.name, "rowid-alias", lid or "none", rid or "none")
                rid = lid
        mine = {"nullable": lc.nullable, "default": lc.default, "identity": lid}
        theirs = {"nullable": rc.nullable, "default": rc.default, "identity": rid}
        if mine != theirs:
            # In a fixed order (the dict's), so that reports come out the same on every run.
            for field_name, value in mine.items():
                if value != theirs[field_name]:
                    self.column_field(lt.name, lc, rc, field_name)
        elif lc.raw_default != rc.raw_default and lc.default is not None:
            self.same(lt.name, lc.name, "default", lc.raw_default or "", rc.raw_default or "")
        return consumed

    def column_field(self, table: str, lc: Column, rc: Column, field_name: str) -> None:
        kind = _COLUMN_FIELDS[field_name]
        where = f"{table}.{lc.name}"
        if field_name == "nullable":
            self.diff(
                kind,
                table,
                lc.name,
                lc.name,
                _null(lc.nullable),
                _null(rc.nullable),
                f"{where} is {_null(lc.nullable)} on the left, {_null(rc.nullable)} on the right",
            )
        elif field_name == "default":
            self.diff(
                kind,
                table,
                lc.name,
                lc.name,
                lc.raw_default or "none",
                rc.raw_default or "none",
                f"default of {where} differs: {lc.raw_default or 'none'} vs {rc.raw_default or 'none'}",
            )
        else:
            self.diff(
                kind,
                table,
                lc.name,
                lc.name,
                f"identity {lc.identity or 'none'}",
                f"identity {rc.identity or 'none'}",
                f"how {where} is generated differs: {lc.identity or 'none'} vs {rc.identity or 'none'}",
            )

    def column_type(self, lt: Table, rt: Table, lc: Column, rc: Column) -> AbstractSet[int]:
        # A CHECK ... IN list may carry the type (``Column.encodings``, made by normalize): try
        # the logical types it encodes first, then the declared ones.
        lv: list[tuple[ColumnType, CheckConstraint | None]] = [*lc.encodings, (lc.type, None)]
        rv: list[tuple[ColumnType, CheckConstraint | None]] = [*rc.encodings, (rc.type, None)]
        for ltype, lcheck in lv:
            for rtype, rcheck in rv:
                kind = typemap.shared_kind(ltype, rtype)
                if kind is None or ltype.array != rtype.array:
                    continue
                self.type_parameters(lt.name, lc, kind, ltype, rtype, lcheck, rcheck)
                return {id(c) for c in (lcheck, rcheck) if c is not None}
        self.diff(
            "column_type",
            lt.name,
            lc.name,
            lc.name,
            _spell(lc),
            _spell(rc),
            f"type of {lt.name}.{lc.name} differs: {_spell(lc)} vs {_spell(rc)} "
            f"({typemap.why_types_differ(lc.type, rc.type)})",
        )
        return _NOTHING

    def type_parameters(
        self,
        table: str,
        lc: Column,
        kind: str,
        ltype: ColumnType,
        rtype: ColumnType,
        lcheck: CheckConstraint | None,
        rcheck: CheckConstraint | None,
    ) -> None:
        for param in typemap.params_of(kind):
            lval, rval = getattr(ltype, param), getattr(rtype, param)
            if lval == rval:
                continue
            if param == "values":
                if lval is None or rval is None:
                    continue  # an enum's labels against a column that does not list them
                order = sorted(lval) == sorted(rval)
                if order and not typemap.values_ordered(kind, ltype):
                    continue  # a CHECK ... IN list has no order
                self.diff(
                    "enum",
                    table,
                    lc.name,
                    lc.name,
                    _values(lval, keep_order=order),
                    _values(rval, keep_order=order),
                    f"allowed values of {table}.{lc.name} differ"
                    + (" in order (an enum sorts by it)" if order else "")
                    + f": {_values(lval, order)} vs {_values(rval, order)}",
                )
                return
            message = f"{param} of {table}.{lc.name} differs: {_bound(lval)} vs {_bound(rval)}"
            if param == "length":
                message += f" ({self._length_effect(lval, rval)})"
            self.diff(
                "column_type",
                table,
                lc.name,
                lc.name,
                ltype.spelling(),
                rtype.spelling(),
                message,
            )
            return
        lspell = _type_text(ltype, lcheck)
        rspell = _type_text(rtype, rcheck)
        if lspell.lower() != rspell.lower():
            self.same(table, lc.name, kind, lspell, rspell)

    def _length_effect(self, lval: int | None, rval: int | None) -> str:
        """What two declared lengths mean for data (the smaller, or only, bound first)."""
        sides = [
            (self.left.label, self.left.schema.dialect, lval),
            (self.right.label, self.right.schema.dialect, rval),
        ]
        sides.sort(key=lambda side: (side[2] is None, side[2] or 0))
        (label, dialect, length), other = sides
        assert length is not None  # lengths differ, so at least one is declared
        return typemap.length_effect((label, dialect, length), other)

    def table_options(self, left: Table, right: Table) -> None:
        """Table options (SQLite's STRICT, WITHOUT ROWID) of two same-dialect tables: each
        changes what the table's columns accept, so a difference is a ``column_type`` one."""
        for option in _ordered(left.options, right.options):
            if option in left.options and option in right.options:
                continue
            on_left = option in left.options
            self.diff(
                "column_type",
                left.name,
                None,
                option,
                option.upper() if on_left else None,
                None if on_left else option.upper(),
                f"table {left.name} is {option.upper()} in "
                f"{self._label('left' if on_left else 'right')} only: {_OPTION_EFFECTS[option]}",
            )

    # -- constraints and indexes ------------------------------------------------------------

    def foreign_keys(self, left: Table, right: Table) -> None:
        lkeys = {(fk.columns, fk.ref_table): fk for fk in left.foreign_keys}
        rkeys = {(fk.columns, fk.ref_table): fk for fk in right.foreign_keys}
        for key in _ordered(lkeys, rkeys):
            lfk, rfk = lkeys.get(key), rkeys.get(key)
            column = None  # a constraint is a table-level object, even on one column
            name = lfk.name if lfk is not None else rfk.name if rfk is not None else None
            if lfk is None or rfk is None:
                side = "left" if lfk else "right"
                self.diff(
                    "foreign_key",
                    left.name,
                    column,
                    name,
                    _fk(lfk),
                    _fk(rfk),
                    f"foreign key {left.name}({_cols(key[0])}) -> {key[1]} exists only in "
                    f"{self._label(side)}",
                )
            elif lfk != rfk:
                what = [
                    f"{label} {a} vs {b}"
                    for label, a, b in (
                        ("referenced columns", _cols(lfk.ref_columns), _cols(rfk.ref_columns)),
                        ("ON DELETE", lfk.on_delete, rfk.on_delete),
                        ("ON UPDATE", lfk.on_update, rfk.on_update),
                    )
                    if a != b
                ]
                self.diff(
                    "foreign_key",
                    left.name,
                    column,
                    name,
                    _fk(lfk),
                    _fk(rfk),
                    f"foreign key {left.name}({_cols(key[0])}) -> {key[1]} differs: "
                    + "; ".join(what),
                )

    def uniques_and_indexes(self, left: Table, right: Table) -> None:
        lu = {frozenset(u.columns): u for u in left.uniques}
        ru = {frozenset(u.columns): u for u in right.uniques}
        li = {_index_key(i): i for i in left.indexes}
        ri = {_index_key(i): i for i in right.indexes}
        only_lu = [k for k in lu if k not in ru]
        only_ru = [k for k in ru if k not in lu]
        only_li = [k for k in li if k not in ri]
        only_ri = [k for k in ri if k not in li]
        # A rule that is unique on one side and a plain index on the other is one difference.
        for uniques, indexes, unique_side in (
            (only_lu, only_ri, "left"),
            (only_ru, only_li, "right"),
        ):
            for ukey in list(uniques):
                match = next((k for k in indexes if _plain_index_on(k, ukey)), None)
                if match is None:
                    continue
                uniques.remove(ukey)
                indexes.remove(match)
                cols = _cols(sorted(ukey))
                lval = f"UNIQUE ({cols})" if unique_side == "left" else f"INDEX ({cols})"
                rval = f"UNIQUE ({cols})" if unique_side == "right" else f"INDEX ({cols})"
                unique = lu.get(ukey) or ru[ukey]
                self.diff(
                    "unique",
                    left.name,
                    None,
                    unique.name,
                    lval,
                    rval,
                    f"({cols}) on {left.name} is unique on one side only: {lval} vs {rval}",
                )
        for key in only_lu + only_ru:
            unique = lu.get(key) or ru[key]
            on_left = key in lu
            text = f"UNIQUE ({_cols(unique.columns)})"
            self.diff(
                "unique",
                left.name,
                None,
                unique.name,
                text if on_left else None,
                None if on_left else text,
                f"{text} on {left.name} exists only in {self._label('left' if on_left else 'right')}",
            )
        for ikey in only_li + only_ri:
            index = li.get(ikey) or ri[ikey]
            on_left = ikey in li
            text = _index_text(index)
            self.diff(
                "index",
                left.name,
                None,
                index.name,
                text if on_left else None,
                None if on_left else text,
                f"index {index.name or ''} {text} on {left.name} exists only in "
                f"{self._label('left' if on_left else 'right')}",
            )

    def checks(self, left: Table, right: Table, consumed: set[int]) -> None:
        lc = {c.expression: c for c in left.checks if id(c) not in consumed}
        rc = {c.expression: c for c in right.checks if id(c) not in consumed}
        for expression in _ordered(lc, rc):
            if expression in lc and expression in rc:
                continue
            check = lc.get(expression) or rc[expression]
            on_left = expression in lc
            text = f"CHECK ({check.raw or expression})"
            self.diff(
                "check",
                left.name,
                None,
                check.name,
                text if on_left else None,
                None if on_left else text,
                f"{text} on {left.name} exists only in {self._label('left' if on_left else 'right')}",
            )

    def security(self, left: Table, right: Table) -> None:
        if left.row_level_security != right.row_level_security:
            self.diff(
                "dialect_object",
                left.name,
                None,
                "row_level_security",
                _on(left.row_level_security),
                _on(right.row_level_security),
                f"row-level security on {left.name} is {_on(left.row_level_security)} on the "
                f"left, {_on(right.row_level_security)} on the right",
            )
        lp = {p.name: p for p in left.policies}
        rp = {p.name: p for p in right.policies}
        for name in _ordered(lp, rp):
            lpol, rpol = lp.get(name), rp.get(name)
            if lpol is None or rpol is None:
                on_left = lpol is not None
                self.diff(
                    "dialect_object",
                    left.name,
                    None,
                    name,
                    f"policy {name}" if on_left else None,
                    None if on_left else f"policy {name}",
                    f"policy {name} on {left.name} exists only in "
                    f"{self._label('left' if on_left else 'right')}",
                )
                continue
            if lpol.using is None or rpol.using is None:
                continue  # declared by name only (a metadata module's info): the name is enough
            for attr in ("command", "using", "with_check"):
                a, b = getattr(lpol, attr), getattr(rpol, attr)
                if a != b:
                    self.diff(
                        "dialect_object",
                        left.name,
                        None,
                        name,
                        f"{attr} {a}",
                        f"{attr} {b}",
                        f"policy {name} on {left.name}: {attr} differs: {a} vs {b}",
                    )

    # -- allowances -------------------------------------------------------------------------

    def apply_allowances(self) -> None:
        assert self.domain is not None
        used: set[Allowance] = set()
        kept: list[Difference] = []
        sides = {self.left.schema.dialect: "left", self.right.schema.dialect: "right"}
        for difference in self.result.differences:
            allowance = _matching_allowance(self.domain, difference, sides)
            if allowance is None:
                kept.append(difference)
            else:
                used.add(allowance)
        for allowance in self.domain.allowances():
            if allowance in used or not self._visible(allowance):
                continue
            kept.append(
                Difference(
                    layer=self.layer,
                    kind="stale_allowance",
                    table=allowance.table,
                    column=allowance.column,
                    name=allowance.name,
                    left=None,
                    right=None,
                    message=f"allowance {allowance.describe()} matches nothing here",
                    hint=f"{self.domain.path}:{allowance.line}: remove this allowance, or restore "
                    "the difference it declares",
                    severity=SEVERITY_WARNING,
                    left_source=self.left.label,
                    right_source=self.right.label,
                )
            )
        self.result.differences = kept

    def _visible(self, allowance: Allowance) -> bool:
        return all(allowance.table in side.schema.tables for side in (self.left, self.right))


def _matching_allowance(
    domain: Domain, difference: Difference, sides: dict[str, str]
) -> Allowance | None:
    table = domain.tables.get(difference.table or "")
    if table is None:
        return None
    for allowance in table.allow:
        if allowance.kind != difference.kind:
            continue
        if allowance.column is not None and allowance.column != difference.column:
            continue
        if allowance.name is not None and allowance.name != difference.name:
            continue
        if allowance.dialect is not None:
            side = sides.get(allowance.dialect)
            present = difference.left if side == "left" else difference.right
            if side is None or present is None or present == "off":
                continue
        return allowance
    return None


# -- helpers ------------------------------------------------------------------------------------


def satisfies(kind: str, declared: DomainColumn, column: Column, table: Table) -> bool:
    """True when ``column`` can stand for the domain's declared ``kind`` (and its parameters)."""
    candidates = [*(t for t, _ in typemap.encodings_of(column, table.checks)), column.type]
    for ctype in candidates:
        if not typemap.accepts(kind, ctype):
            continue
        if kind == "enum" and declared.values is not None:
            return ctype.values is not None and sorted(ctype.values) == sorted(declared.values)
        for param in ("length", "precision", "scale"):
            want = getattr(declared, param)
            if want is not None and getattr(ctype, param) not in (None, want):
                return False
        return True
    return False


def _same_items(left: tuple[Hashable, ...], right: tuple[Hashable, ...]) -> bool:
    """True when two sides hold equal objects, in any order: nothing of that kind differs."""
    return left == right or (len(left) == len(right) and set(left) == set(right))


def _ordered(left: Iterable[K], right: Iterable[K]) -> Iterator[K]:
    """The keys of both sides, left's first, each once."""
    seen: set[K] = set()
    for key in (*left, *right):
        if key not in seen:
            seen.add(key)
            yield key


IndexKey = tuple[tuple[str, ...], bool, str | None, str]


def _index_key(index: Index) -> IndexKey:
    return (index.expressions, index.unique, index.where, index.method)


def _plain_index_on(key: IndexKey, columns: frozenset[str]) -> bool:
    expressions, unique, where, method = key
    return not unique and where is None and method == "btree" and frozenset(expressions) == columns


def _spell(column: Column | None) -> str | None:
    return column.type.spelling() if column is not None else None


def _type_text(ctype: ColumnType, check: CheckConstraint | None) -> str:
    return (
        ctype.raw or ctype.spelling()
        if check is None
        else f"{ctype.raw or ctype.name} CHECK ({check.raw})"
    )


def _cols(columns: Iterable[str]) -> str:
    return ", ".join(columns)


def _values(values: Iterable[str], keep_order: bool = False) -> str:
    return "(" + ", ".join(values if keep_order else sorted(values)) + ")"


def _bound(value: int | None) -> str:
    return "none" if value is None else str(value)


# What each table option changes, for the message of a table that has it on one side only.
_OPTION_EFFECTS = {
    OPTION_STRICT: "a STRICT table rejects a value its column's type cannot hold, a plain one "
    "stores it (type affinity)",
    OPTION_WITHOUT_ROWID: "a WITHOUT ROWID table has no rowid (an INTEGER PRIMARY KEY assigns "
    "no ids) and rejects NULL in its primary key",
}


def _null(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _fk(fk: ForeignKey | None) -> str | None:
    if fk is None:
        return None
    return (
        f"({_cols(fk.columns)}) -> {fk.ref_table}({_cols(fk.ref_columns)}) "
        f"ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}"
    )


def _index_text(index: Index) -> str:
    text = ("UNIQUE " if index.unique else "") + f"({_cols(index.expressions)})"
    if index.method != "btree":
        text = f"USING {index.method} {text}"
    return text + (f" WHERE {index.where}" if index.where else "")


def _hint(left: str | None, right: str | None, left_side: Side, right_side: Side) -> str:
    """Where the fix goes, and the likely cause when a metadata module meets its database."""
    if left is not None and right is not None:
        hint = f"make {left_side.fix} and {right_side.fix} agree"
        missing = present = None
    else:
        missing, present = (left_side, right_side) if left is None else (right_side, left_side)
        hint = f"add it to {missing.fix}, or remove it from {present.fix}"
    if left_side.schema.dialect != right_side.schema.dialect:
        hint += "; if it differs on purpose, allow it in domain.yaml with a reason"
    roles = {left_side.role, right_side.role}
    if roles != {"model", "database"}:
        return hint
    if missing is not None and missing.role == "model":
        return hint + " (only the database has it: this usually means someone changed it by hand)"
    if missing is not None:
        return hint + " (the database lacks it: it is behind its chain, or a migration is missing)"
    return hint + " (a migration is missing, or the database was changed by hand)"
