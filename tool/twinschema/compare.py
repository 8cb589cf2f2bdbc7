"""The comparer: two canonical schemas in, typed differences and equivalences out.

Pure: no database access and no knowledge of any dialect. Dialect facts reach it only as data
(the type table in ``typemap``) and as canonical expressions made by ``normalize``. ``left`` and
``right`` are the two sides as the caller names them (``expected``/``actual`` in spirit for a
metadata module against its database; two peers for the two dialects).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import TypeVar

from twinschema import folding, typemap
from twinschema.compare_objects import compare_objects
from twinschema.differences import SEVERITY_WARNING, Difference, Equivalence
from twinschema.domain import Allowance, Domain, DomainColumn
from twinschema.expr_idioms import LOCAL_TIME_NOTE
from twinschema.expressions import across
from twinschema.model import (
    EQUALITY_EXACT,
    EQUALITY_MEANINGS,
    MATCH_SIMPLE,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    CheckConstraint,
    Collation,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
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
                    f"table {name} exists only in {self._label(side)}"
                    + self._elsewhere(name, "right" if left is not None else "left"),
                )

    def _elsewhere(self, table: str, side: str) -> str:
        """Where else the side that lacks ``table`` holds one: another schema of its database."""
        schemas = (self.left if side == "left" else self.right).schema.elsewhere.get(table)
        if not schemas:
            return ""
        names = ", ".join(schemas)
        noun = "schema" if len(schemas) == 1 else "schemas"
        return (
            f"; on the {side} it exists only in {noun} {names} ({self._label(side)}), "
            "not in the schema compared"
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
        if (
            consumed
            or not _same_items(left.checks, right.checks)
            or (self.cross and left.checks)
            or [c.raw for c in left.checks] != [c.raw for c in right.checks]
        ):
            self.checks(left, right, consumed)
        if (
            left.row_level_security
            or right.row_level_security
            or left.force_row_level_security
            or right.force_row_level_security
            or left.policies
            or right.policies
        ):
            self.security(left, right)
        if left.options != right.options and typemap.options_compared(
            self.left.schema.dialect, self.right.schema.dialect
        ):
            self.table_options(left, right)
        if left.conflict_clauses != right.conflict_clauses:
            self.conflict_clauses(left, right)
        if (left.unlogged, left.partitioned) != (right.unlogged, right.partitioned):
            self.storage(left, right)

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
        ldefault, rdefault, rule = lc.default, rc.default, None
        if self.cross and ldefault is not None and rdefault is not None:
            (ldefault, lrule), (rdefault, rrule) = across(ldefault), across(rdefault)
            rule = max(lrule or "", rrule or "", key=len) or None  # the one with a note
        zone_differs = False
        if rule == LOCAL_TIME_NOTE and ldefault == rdefault:
            rule = self.local_time(lt.name, lc, rc)
            zone_differs = rule is None  # reported by local_time, with the server's zone
        mine = {"nullable": lc.nullable, "default": ldefault, "identity": lid}
        theirs = {"nullable": rc.nullable, "default": rdefault, "identity": rid}
        if mine != theirs:
            # In a fixed order (the dict's), so that reports come out the same on every run.
            for field_name, value in mine.items():
                if value != theirs[field_name]:
                    self.column_field(lt.name, lc, rc, field_name)
        elif lc.raw_default != rc.raw_default and lc.default is not None and not zone_differs:
            self.same(
                lt.name, lc.name, rule or "default", lc.raw_default or "", rc.raw_default or ""
            )
        if lc.collation != rc.collation:
            self.column_collation(lt.name, lc, rc)
        if lc.generated != rc.generated:
            self.column_generated(lt.name, lc, rc)
        return consumed

    def local_time(self, table: str, lc: Column, rc: Column) -> str | None:
        """SQLite's current-time idiom against PostgreSQL's now() in a timestamp without time
        zone: the same value only where the server's TimeZone is UTC. Read from the server
        (a metadata module has none: the note says what it depends on); another TimeZone is a
        difference, reported here: None then."""
        zone = self.left.schema.timezone or self.right.schema.timezone
        if zone is None:
            return LOCAL_TIME_NOTE
        if zone.upper() in _UTC_ZONES:
            return f"current-time (the server's TimeZone is {zone})"
        where = f"{table}.{lc.name}"
        self.diff(
            "column_default",
            table,
            lc.name,
            lc.name,
            lc.raw_default or "none",
            rc.raw_default or "none",
            f"default of {where}: PostgreSQL stores the server's local time (TimeZone {zone}) in "
            "a timestamp without time zone, SQLite's idiom stores UTC: the values differ by the "
            "zone's offset",
        )
        return None

    def column_collation(self, table: str, lc: Column, rc: Column) -> None:
        """Collations differ when they make different values equal; between two sources of
        one dialect, also when their names differ (sorting and comparison may differ)."""
        lcoll, rcoll = lc.collation, rc.collation
        if not self.collations_differ(lcoll, rcoll):
            if _coll_text(lcoll) != _coll_text(rcoll):
                self.same(table, lc.name, "collation", _coll_text(lcoll), _coll_text(rcoll))
            return
        where = f"{table}.{lc.name}"
        lequal = lcoll.equality if lcoll is not None else EQUALITY_EXACT
        requal = rcoll.equality if rcoll is not None else EQUALITY_EXACT
        effect = (
            f"both tell every two values apart, but may sort them differently (ORDER BY, < and > "
            f"on {where}, and which indexes serve them)"
            if lequal == requal
            else f"comparisons, UNIQUE rules and = on {where} can treat two values as equal on "
            "one side and as different on the other"
        )
        self.diff(
            "column_type",
            table,
            lc.name,
            lc.name,
            _coll_text(lcoll),
            _coll_text(rcoll),
            f"collation of {where} differs: {_coll_meaning(lcoll)} on the left, "
            f"{_coll_meaning(rcoll)} on the right: {effect}",
        )

    def collations_differ(self, left: Collation | None, right: Collation | None) -> bool:
        """Across dialects only what a collation makes equal counts (each dialect's default is
        exact, whatever its name); between sources of one dialect, the names count too, and
        what they make equal where both sides know it."""
        lequal = left.equality if left is not None else EQUALITY_EXACT
        requal = right.equality if right is not None else EQUALITY_EXACT
        if self.cross:
            return lequal is None or requal is None or lequal != requal
        lname = left.name if left is not None else None
        rname = right.name if right is not None else None
        return lname != rname or (lequal is not None and requal is not None and lequal != requal)

    def column_generated(self, table: str, lc: Column, rc: Column) -> None:
        """A generated column against a plain one, or two generating expressions; the storage
        (STORED, VIRTUAL) counts only between sources of one dialect."""
        lgen, rgen = lc.generated, rc.generated
        where = f"{table}.{lc.name}"
        ltext = lgen.describe() if lgen is not None else "not generated"
        rtext = rgen.describe() if rgen is not None else "not generated"
        if lgen is None or rgen is None:
            side, other = ("left", "right") if lgen is not None else ("right", "left")
            message = (
                f"{where} is generated on the {side} ({ltext if lgen else rtext}), a plain "
                f"column on the {other}: a row that sets {where} is rejected on the {side} and "
                f"stored as given on the {other}"
            )
        elif lgen.expression != rgen.expression:
            message = (
                f"the generating expression of {where} differs: {lgen.raw or lgen.expression} vs "
                f"{rgen.raw or rgen.expression}: the two sides compute different values"
            )
        elif self.cross:  # only the storage differs, which each dialect chooses its own way
            self.same(table, lc.name, "generated-storage", ltext, rtext)
            return
        else:
            message = (
                f"{where} is generated {lgen.storage.upper()} on the left, "
                f"{rgen.storage.upper()} on the right: the values are the same, but a STORED "
                "one is computed on write and takes space, a VIRTUAL one is computed on read"
            )
        self.diff("column_default", table, lc.name, lc.name, ltext, rtext, message)

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
                ordered = typemap.values_ordered(kind, ltype)
                if sorted(lval) == sorted(rval) and not ordered:
                    continue  # a CHECK ... IN list has no order
                self.enum_values(table, lc.name, lval, rval, ordered)
                return
            message = f"{param} of {table}.{lc.name} differs: {_bound(lval)} vs {_bound(rval)}"
            extension = typemap.extension_difference(ltype, param, f"{table}.{lc.name}")
            if extension is not None:
                message = f"{extension}: {_bound(lval)} vs {_bound(rval)}"
            elif param == "length":
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

    def conflict_clauses(self, left: Table, right: Table) -> None:
        """SQLite's ON CONFLICT clauses on one side only: there a violation deletes the old row
        (REPLACE) or drops the new one (IGNORE) silently, where the other side rejects it."""
        for clause in _ordered(left.conflict_clauses, right.conflict_clauses):
            if clause in left.conflict_clauses and clause in right.conflict_clauses:
                continue
            on_left = clause in left.conflict_clauses
            owner, _, algorithm = clause.rpartition(": ")
            self.diff(
                "dialect_object",
                left.name,
                None,
                "on_conflict",
                f"{owner} ON CONFLICT {algorithm}" if on_left else None,
                None if on_left else f"{owner} ON CONFLICT {algorithm}",
                f"{owner} of {left.name} resolves conflicts by {algorithm} in "
                f"{self._label('left' if on_left else 'right')} only: "
                + _CONFLICT_EFFECTS.get(algorithm, "a violation does not fail there"),
            )

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

    def enum_values(
        self, table: str, column: str, lval: tuple[str, ...], rval: tuple[str, ...], ordered: bool
    ) -> None:
        """Values on one side only, named with their side; else, for two enum types, their order."""
        if sorted(lval) != sorted(rval):
            only = [
                f"{', '.join(v for v in mine if v not in theirs)} only in {self._label(side)}"
                for mine, theirs, side in ((lval, rval, "left"), (rval, lval, "right"))
                if set(mine) - set(theirs)
            ]
            self.diff(
                "enum",
                table,
                column,
                column,
                _values(lval),
                _values(rval),
                f"allowed values of {table}.{column} differ: " + "; ".join(only),
            )
        elif ordered and lval != rval:
            self.diff(
                "enum",
                table,
                column,
                column,
                "(" + ", ".join(lval) + ")",
                "(" + ", ".join(rval) + ")",
                f"the values of {table}.{column} are declared in another order: "
                f"({', '.join(lval)}) vs ({', '.join(rval)}); an enum sorts by that order, so "
                "ORDER BY, < and > on it give different results",
            )

    # -- constraints and indexes ------------------------------------------------------------

    def foreign_keys(self, left: Table, right: Table) -> None:
        """Foreign keys matched on their columns and referenced table; several on the same
        columns to the same table are each kept (equal ones paired first)."""
        lkeys = _grouped(left.foreign_keys)
        rkeys = _grouped(right.foreign_keys)
        for key in _ordered(lkeys, rkeys):
            for lfk, rfk in _paired(lkeys.get(key, []), rkeys.get(key, [])):
                if lfk is None or rfk is None:
                    self.foreign_key_missing(left.name, key, lfk, rfk, lkeys, rkeys)
                elif lfk != rfk:
                    self.foreign_key_differs(left.name, key, lfk, rfk)

    def foreign_key_missing(
        self,
        table: str,
        key: tuple[tuple[str, ...], str],
        lfk: ForeignKey | None,
        rfk: ForeignKey | None,
        lkeys: dict[tuple[tuple[str, ...], str], list[ForeignKey]],
        rkeys: dict[tuple[tuple[str, ...], str], list[ForeignKey]],
    ) -> None:
        fk = lfk or rfk
        assert fk is not None
        side = "left" if lfk else "right"
        other = rkeys if lfk else lkeys
        what = f"foreign key {table}({_cols(key[0])}) -> {key[1]}"
        if other.get(key):  # the other side has one on these columns too, but not this one
            what = f"a second {what}({_cols(fk.ref_columns)})"
        self.diff(
            "foreign_key",
            table,
            None,  # a constraint is a table-level object, even on one column
            fk.name,
            _fk(lfk),
            _fk(rfk),
            f"{what} exists only in {self._label(side)}: only there must a row's "
            f"({_cols(key[0])}) match a row of {key[1]}({_cols(fk.ref_columns)})",
        )

    def foreign_key_differs(
        self, table: str, key: tuple[tuple[str, ...], str], lfk: ForeignKey, rfk: ForeignKey
    ) -> None:
        what = [
            f"{label} {a} vs {b}"
            for label, a, b in (
                ("referenced columns", _cols(lfk.ref_columns), _cols(rfk.ref_columns)),
                ("ON DELETE", _on_delete(lfk), _on_delete(rfk)),
                ("ON UPDATE", lfk.on_update, rfk.on_update),
            )
            if a != b
        ]
        if lfk.on_delete == rfk.on_delete and lfk.on_delete_columns != rfk.on_delete_columns:
            what[-1] += ": deleting the referenced row sets different columns"
        what += _fk_timing(lfk, rfk) + _fk_match(lfk, rfk)
        self.diff(
            "foreign_key",
            table,
            None,
            lfk.name or rfk.name,
            _fk(lfk),
            _fk(rfk),
            f"foreign key {table}({_cols(key[0])}) -> {key[1]} differs: " + "; ".join(what),
        )

    def uniques_and_indexes(self, left: Table, right: Table) -> None:
        lu = {frozenset(u.columns): u for u in left.uniques}
        ru = {frozenset(u.columns): u for u in right.uniques}
        for key in _ordered(lu, ru):
            if key in lu and key in ru and lu[key].nulls_distinct != ru[key].nulls_distinct:
                self.rule_nulls(left.name, lu[key], ru[key])
        only_lu = [k for k in lu if k not in ru]
        only_ru = [k for k in ru if k not in lu]
        only_li, only_ri = self.paired_indexes(left, right)
        # A rule that is unique on one side and an index on the other is one difference: the
        # same rule with other index attributes, or unique on one side only.
        for uniques, indexes, unique_side in (
            (only_lu, only_ri, "left"),
            (only_ru, only_li, "right"),
        ):
            for ukey in list(uniques):
                match = next((i for i in indexes if _index_on(i, ukey)), None)
                if match is None:
                    continue
                uniques.remove(ukey)
                indexes.remove(match)
                unique = lu.get(ukey) or ru[ukey]
                if match.unique:
                    rule = self.rule_as_index(unique, match)
                    pair = (rule, match) if unique_side == "left" else (match, rule)
                    self.index_attributes(left.name, *pair)
                    continue
                cols = _cols(sorted(ukey))
                lval = f"UNIQUE ({cols})" if unique_side == "left" else match.describe()
                rval = f"UNIQUE ({cols})" if unique_side == "right" else match.describe()
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
            text = _unique_text(unique)
            self.diff(
                "unique",
                left.name,
                None,
                unique.name,
                text if on_left else None,
                None if on_left else text,
                f"{text} on {left.name} exists only in {self._label('left' if on_left else 'right')}",
            )
        for index in only_li + only_ri:
            on_left = any(index is i for i in only_li)
            text = index.describe()
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

    def paired_indexes(self, left: Table, right: Table) -> tuple[list[Index], list[Index]]:
        """Pair the two sides' indexes on the same expressions, uniqueness, predicate and
        method; report the attributes in which a pair differs; return the unpaired ones."""
        li: dict[IndexKey, list[Index]] = {}
        ri: dict[IndexKey, list[Index]] = {}
        for found, indexes in ((li, left.indexes), (ri, right.indexes)):
            for index in indexes:
                found.setdefault(_index_key(index), []).append(index)
        only_li: list[Index] = []
        only_ri: list[Index] = []
        for key in _ordered(li, ri):
            lrest, rrest = list(li.get(key, ())), list(ri.get(key, ()))
            for index in list(lrest):
                twin = next((r for r in rrest if r == index), None)
                if twin is not None:
                    lrest.remove(index)
                    rrest.remove(twin)
            for lindex, rindex in zip(lrest, rrest, strict=False):
                self.index_attributes(left.name, lindex, rindex)
            only_li += lrest[len(rrest) :]
            only_ri += rrest[len(lrest) :]
        return only_li, only_ri

    def rule_as_index(self, unique: UniqueConstraint, index: Index) -> Index:
        """A UNIQUE rule as the unique index it stands for, its columns in ``index``'s order,
        so that the two compare attribute by attribute. The attributes only one dialect can
        declare are the same kind of nothing as ``index``'s between sources of one dialect."""
        empty: tuple[str, ...] | None = None if self.cross else ()
        return Index(
            index.expressions,
            unique=True,
            name=unique.name,
            nulls=empty if index.nulls is not None else None,
            opclasses=empty if index.opclasses is not None else None,
            include=empty if index.include is not None else None,
            nulls_distinct=unique.nulls_distinct,
        )

    def index_attributes(self, table: str, lindex: Index, rindex: Index) -> None:
        """One difference for two indexes on the same expressions that differ in attributes:
        ``unique`` when it changes which rows a unique index accepts, else ``index``."""
        found = list(self.index_changes(lindex, rindex))
        if not found:
            return
        kind = "unique" if lindex.unique and any(data for data, _ in found) else "index"
        name = lindex.name or rindex.name
        ltext, rtext = lindex.describe(), rindex.describe()
        self.diff(
            kind,
            table,
            None,
            name,
            ltext,
            rtext,
            f"index {name or ''} on {table}({_cols(lindex.expressions)}) differs: "
            + "; ".join(what for _, what in found),
        )

    def index_changes(self, left: Index, right: Index) -> Iterator[tuple[bool, str]]:
        """(changes which rows are accepted, what differs) for each differing attribute."""
        for n in range(len(left.expressions)):
            yield from self.element_changes(left, right, n)
        linclude, rinclude = left.include, right.include
        if linclude is not None and rinclude is not None and linclude != rinclude:
            yield (
                False,
                (
                    f"INCLUDE ({_cols(linclude) or 'none'}) on the left, "
                    f"({_cols(rinclude) or 'none'}) on the right ({_SAME_ROWS}; index-only scans "
                    "differ)"
                ),
            )
        if left.nulls_distinct != right.nulls_distinct:
            columns = _cols(left.expressions)
            yield True, _nulls_distinct_text(left.nulls_distinct, right.nulls_distinct, columns)

    def element_changes(self, left: Index, right: Index, n: int) -> Iterator[tuple[bool, str]]:
        """What differs in element ``n`` of two paired indexes: its sort direction, its
        collation, and, where both sides can declare them, its NULLS placement and operator
        class."""
        element = left.expressions[n]
        ldesc, rdesc = _nth(left.descending, n, False), _nth(right.descending, n, False)
        if ldesc != rdesc:
            yield (
                False,
                (
                    f"{element} sorts {_direction(ldesc)} on the left, {_direction(rdesc)} on the "
                    f"right ({_SAME_ROWS}; queries that read in that order are served on one side "
                    "only)"
                ),
            )
        lcoll, rcoll = _nth(left.collations, n, None), _nth(right.collations, n, None)
        if lcoll != rcoll and self.collations_differ(lcoll, rcoll):
            yield left.unique, _element_collations(element, lcoll, rcoll, left.unique)
        if left.nulls is not None and right.nulls is not None:
            lnulls, rnulls = _nth(left.nulls, n, ""), _nth(right.nulls, n, "")
            if lnulls != rnulls:
                yield (
                    False,
                    (
                        f"{element} sorts {lnulls or _NULLS_DEFAULT} on the left, "
                        f"{rnulls or _NULLS_DEFAULT} on the right ({_SAME_ROWS}; an ORDER BY with "
                        "that NULLS placement is served on one side only)"
                    ),
                )
        if left.opclasses is not None and right.opclasses is not None:
            lops, rops = _nth(left.opclasses, n, ""), _nth(right.opclasses, n, "")
            if lops != rops:
                yield (
                    False,
                    (
                        f"{element} has operator class {lops or 'default'} on the left, "
                        f"{rops or 'default'} on the right ({_SAME_ROWS}; which operators the index "
                        "serves differs, e.g. LIKE 'abc%' needs text_pattern_ops)"
                    ),
                )

    def rule_nulls(self, table: str, left: UniqueConstraint, right: UniqueConstraint) -> None:
        """UNIQUE on the same columns, NULLS NOT DISTINCT on one side only."""
        self.diff(
            "unique",
            table,
            None,
            left.name or right.name,
            _unique_text(left),
            _unique_text(right),
            f"UNIQUE ({_cols(left.columns)}) on {table} differs: "
            + _nulls_distinct_text(left.nulls_distinct, right.nulls_distinct, _cols(left.columns)),
        )

    def checks(self, left: Table, right: Table, consumed: set[int]) -> None:
        # Across dialects a CHECK is keyed by its cross-dialect form (see expressions.across).
        def keyed(checks: tuple[CheckConstraint, ...]) -> dict[str, CheckConstraint]:
            return {
                across(c.expression)[0] if self.cross else c.expression: c
                for c in checks
                if id(c) not in consumed
            }

        lc, rc = keyed(left.checks), keyed(right.checks)
        for expression in _ordered(lc, rc):
            if expression in lc and expression in rc:
                lraw = lc[expression].raw or lc[expression].expression
                rraw = rc[expression].raw or rc[expression].expression
                rule = across(expression)[1] if self.cross else None
                if rule is not None or lraw != rraw:  # one meaning, spelled two ways
                    self.same(left.name, None, rule or "check", lraw, rraw)
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
        lforce, rforce = left.force_row_level_security, right.force_row_level_security
        if lforce is not None and rforce is not None and lforce != rforce:
            self.diff(
                "dialect_object",
                left.name,
                None,
                "force_row_level_security",
                _on(lforce),
                _on(rforce),
                f"FORCE ROW LEVEL SECURITY on {left.name} is {_on(lforce)} on the left, "
                f"{_on(rforce)} on the right: where it is off, the table's owner bypasses its "
                "policies and reads and writes every row",
            )
        self.policies(left, right)

    def policies(self, left: Table, right: Table) -> None:
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
            for attr in _POLICY_ATTRIBUTES:
                if not (_states(lpol, attr) and _states(rpol, attr)):
                    continue  # e.g. a metadata module that names the policy only
                a, b = _policy_attr(lpol, attr), _policy_attr(rpol, attr)
                if a != b:
                    self.diff(
                        "dialect_object",
                        left.name,
                        None,
                        name,
                        f"{attr} {a}",
                        f"{attr} {b}",
                        f"policy {name} on {left.name}: {_POLICY_LABEL.get(attr, attr)} "
                        f"{a} vs {b}" + _POLICY_MEANING.get(attr, ""),
                    )

    def storage(self, left: Table, right: Table) -> None:
        """UNLOGGED and PARTITION BY, between sources that both state them."""
        lflag, rflag = left.unlogged, right.unlogged
        if lflag is not None and rflag is not None and lflag != rflag:
            self.diff(
                "dialect_object",
                left.name,
                None,
                "unlogged",
                _logged(lflag),
                _logged(rflag),
                f"{left.name} is {_logged(lflag)} on the left, {_logged(rflag)} on the right: "
                "an UNLOGGED table is emptied after a crash and is not on replicas",
            )
        lkey, rkey = left.partitioned, right.partitioned
        if lkey is not None and rkey is not None and lkey != rkey:
            lpart, rpart = _partitioning(lkey), _partitioning(rkey)
            self.diff(
                "dialect_object",
                left.name,
                None,
                "partitioned",
                lpart,
                rpart,
                f"{left.name} is {lpart} on the left, {rpart} on the right: rows are stored "
                "by another rule, and a unique rule there must include the partition key",
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
    return left == right or (len(left) == len(right) and Counter(left) == Counter(right))


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


def _index_on(index: Index, columns: frozenset[str]) -> bool:
    """True when ``index`` is a full btree index on exactly ``columns``: a UNIQUE rule on
    them is the same index, unique or not, perhaps with other attributes."""
    return (
        index.where is None
        and index.method == "btree"
        and len(index.expressions) == len(columns)
        and frozenset(index.expressions) == columns
    )


def _nth(values: tuple[K, ...], n: int, default: K) -> K:
    """Element ``n`` of a per-element attribute (an empty tuple: every element's default)."""
    return values[n] if values else default


_SAME_ROWS = "the same rows are accepted"
_NULLS_DEFAULT = "NULLs where its direction puts them"


def _element_collations(
    element: str, left: Collation | None, right: Collation | None, unique: bool
) -> str:
    own = "its column's own collation"
    text = (
        f"{element} is compared with {_coll_meaning(left, own)} on the left, "
        f"{_coll_meaning(right, own)} on the right"
    )
    if unique:
        return text + " (a unique index then takes two values as the same on one side only)"
    return text + " (which comparisons and ORDER BY the index serves differs)"


def _direction(descending: bool) -> str:
    return "descending" if descending else "ascending"


def _coll_text(collation: Collation | None) -> str:
    return f"COLLATE {collation.name}" if collation is not None else "default collation"


def _coll_meaning(collation: Collation | None, default: str | None = None) -> str:
    """What a collation makes equal; None is ``default`` (an index element: its column's
    own collation), else the dialect's default collation."""
    if collation is not None:
        return collation.describe()
    return default or f"the default collation ({EQUALITY_MEANINGS[EQUALITY_EXACT]})"


def _unique_text(unique: UniqueConstraint) -> str:
    text = f"UNIQUE ({_cols(unique.columns)})"
    return text if unique.nulls_distinct else text.replace("UNIQUE", "UNIQUE NULLS NOT DISTINCT")


def _nulls_distinct_text(left: bool, right: bool, columns: str) -> str:
    side, other = ("right", "left") if left else ("left", "right")
    return (
        f"NULLS NOT DISTINCT on the {side} only: the {side} rejects a second row with NULL in "
        f"({columns}), the {other} accepts it"
    )


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


# PostgreSQL TimeZone settings that are UTC.
_UTC_ZONES = frozenset({"UTC", "ETC/UTC", "UCT", "ETC/UCT", "GMT", "ETC/GMT", "Z", "ZULU"})

# What each ON CONFLICT algorithm does to a violation, where the other side rejects the row.
_CONFLICT_EFFECTS = {
    "REPLACE": "a row that violates it deletes the row it conflicts with and goes in",
    "IGNORE": "a row that violates it is dropped silently, without an error",
    "FAIL": "a violation keeps the statement's earlier changes instead of undoing them",
    "ROLLBACK": "a violation rolls the whole transaction back",
}

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
    text = (
        f"({_cols(fk.columns)}) -> {fk.ref_table}({_cols(fk.ref_columns)}) "
        f"ON DELETE {_on_delete(fk)} ON UPDATE {fk.on_update}"
    )
    if fk.match != MATCH_SIMPLE:
        text += f" MATCH {fk.match}"
    if fk.deferrable:
        text += " " + _timing(fk)
    return text


FkKey = tuple[tuple[str, ...], str]


def _grouped(keys: Iterable[ForeignKey]) -> dict[FkKey, list[ForeignKey]]:
    """Foreign keys by their columns and referenced table, in their order."""
    found: dict[FkKey, list[ForeignKey]] = {}
    for fk in keys:
        found.setdefault((fk.columns, fk.ref_table), []).append(fk)
    return found


def _paired(
    left: list[ForeignKey], right: list[ForeignKey]
) -> Iterator[tuple[ForeignKey | None, ForeignKey | None]]:
    """Pairs of foreign keys on the same columns and table: equal ones first, then those with
    the same referenced columns, then in order; what is left is on one side only."""
    rest = list(right)
    unmatched: list[ForeignKey] = []
    for fk in left:
        if fk in rest:
            rest.remove(fk)
            yield fk, fk
        else:
            unmatched.append(fk)
    for fk in list(unmatched):
        twin = next((r for r in rest if r.ref_columns == fk.ref_columns), None)
        if twin is not None:
            unmatched.remove(fk)
            rest.remove(twin)
            yield fk, twin
    yield from zip(unmatched, rest, strict=False)
    n = min(len(unmatched), len(rest))
    yield from ((fk, None) for fk in unmatched[n:])
    yield from ((None, fk) for fk in rest[n:])


def _on_delete(fk: ForeignKey) -> str:
    """ON DELETE, with the columns SET NULL / SET DEFAULT sets when they are not all."""
    return fk.on_delete + (f" ({_cols(fk.on_delete_columns)})" if fk.on_delete_columns else "")


def _timing(fk: ForeignKey) -> str:
    if fk.initially_deferred:
        return "DEFERRABLE INITIALLY DEFERRED"
    return "DEFERRABLE" if fk.deferrable else "NOT DEFERRABLE"


def _fk_timing(lfk: ForeignKey, rfk: ForeignKey) -> list[str]:
    """When each side checks the key, and what that lets a transaction do."""
    if (lfk.deferrable, lfk.initially_deferred) == (rfk.deferrable, rfk.initially_deferred):
        return []
    text = f"{_timing(lfk)} vs {_timing(rfk)}"
    if lfk.initially_deferred != rfk.initially_deferred:
        return [
            text + ": an INITIALLY DEFERRED key is checked at COMMIT, so a transaction may "
            "break it until then; the other side rejects the row at once"
        ]
    return [text + ": a DEFERRABLE key lets a transaction break it until COMMIT"]


def _fk_match(lfk: ForeignKey, rfk: ForeignKey) -> list[str]:
    """MATCH FULL vs SIMPLE: which keys with NULLs in some of their columns pass."""
    if lfk.match == rfk.match:
        return []
    text = f"MATCH {lfk.match} vs MATCH {rfk.match}"
    for fk, side in ((lfk, "left"), (rfk, "right")):
        if fk.match_declared and fk.match_declared != fk.match:
            text += f" (the {side} declares MATCH {fk.match_declared} but enforces {fk.match})"
    return [
        text + ": MATCH FULL rejects a key with some but not all of its columns NULL, which "
        "MATCH SIMPLE accepts unchecked"
    ]


_POLICY_ATTRIBUTES = ("command", "permissive", "roles", "using", "with_check")
_POLICY_LABEL = {
    "command": "command",
    "permissive": "kind",
    "roles": "roles",
    "using": "USING",
    "with_check": "WITH CHECK",
}
_POLICY_MEANING = {
    "command": " (the statements it governs)",
    "permissive": ": a RESTRICTIVE policy must pass as well as a permissive one, a PERMISSIVE "
    "one is enough alone, so the two sides let different rows through",
    "roles": " (the roles it applies to)",
}


def _states(policy: Policy, attr: str) -> bool:
    return policy.declared is None or attr in policy.declared


def _policy_attr(policy: Policy, attr: str) -> str | None:
    value = getattr(policy, attr)
    if attr == "permissive":
        return "PERMISSIVE" if value else "RESTRICTIVE"
    if attr == "roles":
        return _cols(value)
    return str(value) if value is not None else None


def _logged(unlogged: bool) -> str:
    return "UNLOGGED" if unlogged else "logged"


def _partitioning(key: str) -> str:
    return f"partitioned by {key}" if key else "a plain table"


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
