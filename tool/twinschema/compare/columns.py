"""A pair of columns: nullability, default, identity, collation and generation (their types: ``types``)."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from twinschema.canonical import clock_precision, key_sequences, typemap_keys
from twinschema.canonical.expr_idioms import (
    CURRENT_TIME,
    LOCAL_CLOCK_NOTES,
    LOCAL_TIME_NOTE,
)
from twinschema.canonical.expressions import across
from twinschema.compare import shared_ids
from twinschema.compare.column_generated import column_generated
from twinschema.compare.common import (
    coll_meaning,
    coll_text,
)
from twinschema.compare.context import Context
from twinschema.compare.sequence_set_back import sequence_set_back
from twinschema.compare.types import column_type
from twinschema.definitions import visible_sql
from twinschema.model import (
    EQUALITY_EXACT,
    Collation,
    Column,
    Table,
)

# A default that is a number, a quoted text, NULL or a boolean, in parentheses or cast or not.
_LITERAL = re.compile(
    r"\(*\s*(?:[-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?|'(?:[^']|'')*'|null|true|false)\s*\)*"
    r"(?:::[\w ]+(?:\(\d+(?:,\s*\d+)?\))?)?",
    re.I,
)

# The attributes of a column other than its type, and the difference kind of each.
_COLUMN_FIELDS = {
    "nullable": "column_nullable",
    "default": "column_default",
    "identity": "column_default",
    "generator": "column_default",
    "sequence": "column_default",
    "shared": "column_default",
}


def compare_column(ctx: Context, lt: Table, rt: Table, lc: Column, rc: Column) -> AbstractSet[int]:
    """Compare two columns of one name; return the ids of the CHECKs their type accounts for."""
    consumed = column_type(ctx, lt, rt, lc, rc)
    fails = bool(lc.fails or rc.fails)
    if fails:  # what the defaults or generators are is moot where every insert fails
        failing_default(ctx, lt.name, lc, rc)
    lid, before = lc.identity, len(ctx.result.differences)
    rid, parting = (rc.identity, None) if fails else _key_identity(ctx, lt, rt, lc, rc)
    alias = rid == lid and rid != rc.identity  # a rowid alias matched: said once nothing parts
    ldefault, rdefault, rule = lc.default, rc.default, None
    if ctx.pairing.current_time_idioms and ldefault is not None and rdefault is not None:
        (ldefault, lrule), (rdefault, rrule) = across(ldefault), across(rdefault)
        rule = max(lrule or "", rrule or "", key=len) or None  # the one with a note
    zone_differs = False
    if rule in LOCAL_CLOCK_NOTES and ldefault == rdefault:
        rule = local_time(ctx, lt.name, lc, rc, rule)
        zone_differs = rule is None  # reported by local_time, with the server's zone
    utc_only = rule in LOCAL_CLOCK_NOTES  # no server's zone read: the same in UTC only
    if rule is not None and rule.startswith(CURRENT_TIME) and ldefault == rdefault:
        rule = _with_precision(ctx, rule, lc, rc)
    # Which sequence no column owns a default draws from, where both sources name one; else
    # the options of the sequence each draws from, where both sources read them (a live
    # database does): one no column owns is compared as an object, not again here.
    lseq, rseq = (lc.sequence, rc.sequence) if lc.sequence and rc.sequence else (None, None)
    both = lc.generator and rc.generator and not lseq
    lshared, rshared = shared_ids.compared(ctx, lc, rc)
    lgen, rgen = (lc.generator, rc.generator) if both else (None, None)
    mine = {"nullable": _nullness(lc), "default": ldefault, "identity": lid, "generator": lgen,
            "sequence": lseq, "shared": lshared}  # fmt: skip
    theirs = {"nullable": _nullness(rc), "default": rdefault, "identity": rid, "generator": rgen,
              "sequence": rseq, "shared": rshared}  # fmt: skip
    if fails:  # the default's failure is reported above: nullability is left to compare
        mine, theirs = {"nullable": _nullness(lc)}, {"nullable": _nullness(rc)}
    if mine != theirs:
        # In a fixed order (the dict's), so that reports come out the same on every run.
        for field_name, value in mine.items():
            if value != theirs[field_name]:
                column_field(ctx, lt.name, lc, rc, field_name, parting)
    elif lc.default is not None and not (zone_differs or fails) and _runs_apart(ctx, lc, rc):
        raw = (lc.raw_default or "", rc.raw_default or "")
        ctx.same(lt.name, lc.name, rule or "default", *raw, utc_only=utc_only)
    if not fails:
        sequence_set_back(ctx, lt.name, lc, rc, lgen is not None and lgen == rgen)
    if alias and not any(
        d.kind == "column_default" and d.column == lc.name for d in ctx.result.differences[before:]
    ):  # the key's generators match unless its default is found to differ after all
        ctx.same(lt.name, lc.name, "rowid-alias", lid or "none", rc.identity or "none")
    if lc.collation != rc.collation:
        column_collation(ctx, lt.name, lc, rc)
    if lc.generated != rc.generated:
        column_generated(ctx, lt.name, lc, rc)
    return consumed


def _key_identity(
    ctx: Context, lt: Table, rt: Table, lc: Column, rc: Column
) -> tuple[str | None, str | None]:
    """The right key's identity as compared with the left's, and where its sequence parts it
    from a rowid (the witness, from ``key_sequences``). A key's generators that mean the same
    across dialects (a rowid alias against an integer key with an identity, a sequence or
    none: see typemap_keys.KEY_GENERATORS) are the same where the sequence gives the ids the rowid
    gives (START 1, INCREMENT 1 ...): the left's identity is given back, and the caller says
    them the same (``rowid-alias``) where no other column_default difference parts them."""
    lid, rid = lc.identity, rc.identity
    if lid == rid or lc.name not in lt.primary_key or lc.name not in rt.primary_key:
        return rid, None
    if not typemap_keys.generators_match(
        ctx.left.schema.dialect, lid, ctx.right.schema.dialect, rid
    ):
        return rid, None
    keyed, other = (lc, rc) if lc.generator else (rc, lc)
    parting = key_sequences.rowid_parting(keyed.generator, keyed.type, keyed.next_id, other.next_id)
    if parting is not None:
        return rid, parting
    return lid, None  # the same (``rowid-alias``), said by the caller


def _with_precision(ctx: Context, rule: str, lc: Column, rc: Column) -> str:
    """A current-time equivalence with the precision each side keeps of the moment, where they
    differ (``clock_precision``): said, not hidden."""
    ldialect, rdialect = ctx.left.schema.dialect, ctx.right.schema.dialect
    lkept = clock_precision.kept(ldialect, lc.default or "", lc.type.precision)
    rkept = clock_precision.kept(rdialect, rc.default or "", rc.type.precision)
    if lkept is None or rkept is None:
        return rule
    return clock_precision.noted(rule, (ldialect, lkept), (rdialect, rkept))


def _runs_apart(ctx: Context, lc: Column, rc: Column) -> bool:
    """True when two defaults the canonical form calls equal are to be run to be believed: two
    spellings, or one spelling of a call where the pairing says it may give other values
    (``random()``: a 64-bit integer on one dialect, a fraction in [0, 1) on the other). A
    literal written alike means the same."""
    if lc.raw_default != rc.raw_default:
        return True
    return ctx.pairing.same_call_may_differ and not _LITERAL.fullmatch(lc.raw_default or "")


def failing_default(ctx: Context, table: str, lc: Column, rc: Column) -> None:
    """A default every insert that omits the column fails on, on either side or both (read from
    a live database: a nextval() of a sequence that does not exist), whatever the other side's
    default: a difference naming the error, as a default that fails when run is."""
    where = ctx.shown(table, lc, rc)
    failing = [(lc.fails, "left"), (rc.fails, "right")]
    said = "; ".join(f"in {ctx.label(side)}: {error}" for error, side in failing if error)
    ctx.diff(
        "column_default",
        table,
        lc.name,
        lc.name,
        lc.raw_default or "none",
        rc.raw_default or "none",
        f"inserts that omit {where} fail {said}",
        hint=f"give {where} a default that works there (create the sequence it names, or "
        "draw from one that exists), or none",
    )


def local_time(ctx: Context, table: str, lc: Column, rc: Column, note: str) -> str | None:
    """A current-time idiom against now() in a timestamp without time zone, or CURRENT_DATE or
    CURRENT_TIME on both sides (``note`` says which): the same value only where the server's
    TimeZone is UTC. Read from the server (a metadata module has none: the note says what it
    depends on); another TimeZone is a difference, reported here: None then."""
    server = ctx.left.schema if ctx.left.schema.timezone else ctx.right.schema
    zone = server.timezone
    if zone is None:
        return note
    if server.timezone_utc:
        return f"{note.split(' ', 1)[0]} (the server's TimeZone is {zone})"
    if note != LOCAL_TIME_NOTE:
        why = (
            f"{lc.raw_default or rc.raw_default} is the server's local date or time (TimeZone "
            f"{zone}) on one side, UTC's on the other: they differ for the hours of each day the "
            "zone's offset covers"
        )
    else:
        why = (
            f"the server stores its local time (TimeZone {zone}) in a timestamp without time "
            "zone, the other side's idiom stores UTC: the values differ by the zone's offset"
        )
    ctx.diff(
        "column_default",
        table,
        lc.name,
        lc.name,
        lc.raw_default or "none",
        rc.raw_default or "none",
        f"default of {table}.{lc.name}: {why}",
    )
    return None


def column_collation(ctx: Context, table: str, lc: Column, rc: Column) -> None:
    """Collations differ when they make different values equal; between two sources of
    one dialect, also when their names differ (sorting and comparison may differ)."""
    lcoll, rcoll = lc.collation, rc.collation
    if not collations_differ(ctx, lcoll, rcoll):
        if coll_text(lcoll) != coll_text(rcoll):
            ctx.same(table, lc.name, "collation", coll_text(lcoll), coll_text(rcoll))
        return
    where = ctx.shown(table, lc, rc)
    lequal = lcoll.equality if lcoll is not None else EQUALITY_EXACT
    requal = rcoll.equality if rcoll is not None else EQUALITY_EXACT
    effect = (
        f"both tell every two values apart, but may sort them differently (ORDER BY, < and > "
        f"on {where}, and which indexes serve them)"
        if lequal == requal
        else f"comparisons, UNIQUE rules and = on {where} can treat two values as equal on "
        "one side and as different on the other"
    )
    ctx.diff(
        "column_type",
        table,
        lc.name,
        lc.name,
        coll_text(lcoll),
        coll_text(rcoll),
        f"collation of {where} differs: {ctx.each(coll_meaning(lcoll), coll_meaning(rcoll))}: "
        + effect,
    )


def collations_differ(ctx: Context, left: Collation | None, right: Collation | None) -> bool:
    """Across dialects only what a collation makes equal counts (each dialect's default is
    exact, whatever its name); between sources of one dialect, the names count too, and
    what they make equal where both sides know it."""
    lequal = left.equality if left is not None else EQUALITY_EXACT
    requal = right.equality if right is not None else EQUALITY_EXACT
    if not ctx.pairing.collation_names_count:
        return lequal is None or requal is None or lequal != requal
    lname = left.name if left is not None else None
    rname = right.name if right is not None else None
    return lname != rname or (lequal is not None and requal is not None and lequal != requal)


def column_field(
    ctx: Context, table: str, lc: Column, rc: Column, field_name: str, parting: str | None = None
) -> None:
    """One difference in nullability, default or identity (``field_name``) of a column;
    ``parting``: where a key's sequence gives other ids than the other side's rowid (the
    witness, from ``key_sequences``), for an identity that would otherwise match it."""
    kind = _COLUMN_FIELDS[field_name]
    where = ctx.shown(table, lc, rc)
    if field_name == "nullable":
        message = f"{where} is {ctx.each(_null(lc, via=True), _null(rc, via=True))}"
        if not (lc.nullable and rc.nullable) and (lc.not_null_domain or rc.not_null_domain):
            # One column's NOT NULL against a domain's, which a subquery's NULL passes: the
            # statement in the names of the domain's side, which stores that NULL.
            side, held = ("left", lc) if lc.not_null_domain else ("right", rc)
            own, column = ctx.sql_table(table, side), held.own_name
            message += (
                f": the domain refuses a NULL value, but stores the NULL of a subquery of its "
                f"type, which the column's NOT NULL refuses: UPDATE {own} SET {column} = "
                f"(SELECT {column} FROM {own} WHERE false)"
            )
        ctx.diff(kind, table, lc.name, lc.name, _null(lc), _null(rc), message)
    elif field_name == "default":
        ctx.diff(
            kind,
            table,
            lc.name,
            lc.name,
            lc.raw_default or "none",
            rc.raw_default or "none",
            f"default of {where} differs: {visible_sql(lc.raw_default or 'none')} vs "
            f"{visible_sql(rc.raw_default or 'none')}",
        )
    elif field_name == "generator":
        ctx.diff(
            kind,
            table,
            lc.name,
            lc.name,
            f"sequence {lc.generator}",
            f"sequence {rc.generator}",
            f"the sequence that generates {where} differs ("
            + key_sequences.generators_parting(lc.generator, rc.generator, lc.next_id, rc.next_id)
            + f"): {lc.generator} vs {rc.generator}",
        )
    elif field_name == "sequence":
        ctx.diff(
            kind,
            table,
            lc.name,
            lc.name,
            f"nextval {lc.sequence}",
            f"nextval {rc.sequence}",
            f"the sequence {where} draws from differs (the values the next rows get): "
            f"{lc.sequence} vs {rc.sequence}",
        )
    elif field_name == "shared":
        shared_ids.report(ctx, kind, table, where, lc, rc)
    else:
        message = (
            f"how {where} is generated differs: {lc.identity or 'none'} vs {rc.identity or 'none'}"
        )
        bare = rc if rc.identity is None else lc  # the side with no generator, if one
        if (
            (lc.identity is None) != (rc.identity is None)
            and not bare.nullable
            and not bare.default
        ):
            # An insert that omits the key (INSERT INTO t (x) VALUES ('a')) gets an id on one
            # side; on the other, NOT NULL with no default, it fails.
            gets, fails = ("left", "right") if bare is rc else ("right", "left")
            message += (
                f": an insert that omits {lc.name} gets an id in {ctx.label(gets)} and fails "
                f"in {ctx.label(fails)}"
            )
        hint = None
        if parting is not None:
            # A rowid alias against an identity or serial whose sequence counts otherwise.
            options = lc.generator or rc.generator
            message += f" ({options}): {parting}"
            hint = key_sequences.ROWID_SEQUENCE_HINT
        lrefuses, rrefuses = (typemap_keys.refuses_explicit_id(c.identity) for c in (lc, rc))
        if lrefuses != rrefuses:
            # The ordinary insert of a row with its id, which every synced row is, is stored
            # by one side and refused by the other (GENERATED ALWAYS: stranger65 008).
            takes, refuses = ("right", "left") if lrefuses else ("left", "right")
            message += (
                f"; a row with an explicit id (INSERT INTO {ctx.sql_table(table, refuses)} "
                f"({(lc if refuses == 'left' else rc).own_name}) VALUES (1), as "
                f"every synced row has) is stored in {ctx.label(takes)} and rejected in "
                f"{ctx.label(refuses)} (GENERATED ALWAYS)"
            )
            hint = typemap_keys.EXPLICIT_ID_HINT
        ctx.diff(
            kind,
            table,
            lc.name,
            lc.name,
            _identity_shown(lc, parting),
            _identity_shown(rc, parting),
            message,
            hint=hint,
        )


def _identity_shown(column: Column, parting: str | None) -> str:
    """A side's identity as a difference shows it (and a pinned allowance holds it): with its
    sequence's options where they are what parts the pair (``parting``), so that a pin written
    for START 1000 goes stale when they change (stranger75 005)."""
    shown = f"identity {column.identity or 'none'}"
    return f"{shown} ({column.generator})" if parting is not None and column.generator else shown


def _nullness(column: Column) -> tuple[bool, bool]:
    """What a column's nullability does: whether it takes NULL, and whether only a domain
    refuses it (whatever the domain's name)."""
    return column.nullable, column.nullable and column.not_null_domain is not None


def _null(column: Column, via: bool = False) -> str:
    """A column's nullability as reports show it: NULL, NOT NULL, or NOT NULL through the
    domain that holds it (``Column.not_null_domain``), with ``via`` the column's domain where
    that is a base of it (in messages: the value stays the domain's name)."""
    if not column.nullable:
        return "NOT NULL"
    if column.not_null_domain is None:
        return "NULL"
    base = f" (the base of {column.not_null_via})" if via and column.not_null_via else ""
    return f"NOT NULL by domain {column.not_null_domain}{base}"
