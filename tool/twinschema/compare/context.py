"""The recording context of one comparison, its public records, and the hint of each difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.compare.pairing import Pairing
from twinschema.model import Column
from twinschema.model_shown import columns_shown, own_table, table_each, table_shown
from twinschema.records import Comparison, Difference, Equivalence, FixSide, FixSite, Side
from twinschema.records.comparison import fix_site
from twinschema.records.domain import Domain, logical_spelled
from twinschema.records.hint_ways import ALLOW_PHRASE, HintWays, Offer, Uncomment, paired_ways

__all__ = [
    "AT_HEAD_CAUSES",
    "Comparison",
    "Context",
    "HintWays",
    "Side",
    "behind_cause",
    "hint_for",
    "located_hints",
    "ways_for",
]


class Context:
    """What the comparators of one comparison share: the two sides, the layer reported, the
    domain, and the ``Comparison`` they record into (through ``diff`` and ``same`` only)."""

    def __init__(self, left: Side, right: Side, layer: str, domain: Domain | None) -> None:
        self.left, self.right, self.layer, self.domain = left, right, layer, domain
        # What the two dialects let this comparison compare (see ``pairing``).
        self.pairing = Pairing.of(left.schema.dialect, right.schema.dialect)
        self.result = Comparison()

    def diff(
        self,
        kind: str,
        table: str | None,
        column: str | None,
        name: str | None,
        left: str | None,
        right: str | None,
        message: str,
        hint: str | Offer | None = None,
        present: FixSide | None = None,
        drop_from: FixSide | None = None,
        declaration: str | None = None,
        uncomment: Uncomment | None = None,
        then: str = "",
    ) -> None:
        """Record a difference; its hint says where the fix goes unless ``hint`` is given, and
        its ``fix`` where the fix goes as data. ``present``: for a flag both sides state (on
        against off), the side where it is on. ``drop_from``: the side whose object the fix
        removes (a rule the other dialect cannot have), where ``hint`` says so: ``fix`` names
        that side, not the one lacking it. ``declaration``: where domain.yaml declares an
        object one side lacks, the way out on the side that has it (``HintWays``);
        ``uncomment``: the ``dialects:`` line commented out in that declaration which leaves
        the lacking side out, named first, and where the fix goes. ``then``: what the usual
        hint goes on to say (``Difference.then``), where ``hint`` is not given; a hint given
        as an ``Offer`` offers its allowance as data (``Difference.offer``)."""
        ways, offer = None, hint if isinstance(hint, Offer) else None
        if hint is None:
            like = HintWays("", "", declaration=declaration, uncomment=uncomment)
            ways = ways_for(left, right, self.left, self.right, self.pairing, like)
            hint = ways.text() + then
        else:
            then = ""
        if isinstance(hint, Offer):
            hint = hint.text()
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
                fix=self._fix(left, right, drop_from, uncomment),
                present=present,
                ways=ways,
                then=then,
                offer=offer,
            )
        )

    def same(
        self,
        table: str,
        column: str | None,
        rule: str,
        left: str,
        right: str,
        utc_only: bool = False,
    ) -> None:
        """Record an equivalence: two spellings that ``rule`` finds to mean the same (``utc_only``:
        only in a session whose TimeZone is UTC)."""
        self.result.equivalences.append(
            Equivalence(
                self.layer,
                table,
                column,
                rule,
                left,
                right,
                self.left.label,
                self.right.label,
                utc_only,
            )
        )

    def _fix(
        self,
        left: str | None,
        right: str | None,
        drop_from: FixSide | None,
        uncomment: Uncomment | None = None,
    ) -> FixSite:
        if uncomment is not None:  # neither side: a line of domain.yaml
            return FixSite(file=uncomment.file, line=uncomment.line)
        if drop_from is None:
            return fix_site(left, right, self.left.file, self.right.file)
        held = self.left if drop_from is FixSide.LEFT else self.right
        return FixSite(side=drop_from, file=held.file)  # never the other side's: nothing to drop

    def label(self, side: str) -> str:
        """How reports name ``side`` ("left" or "right")."""
        return self.left.named if side == "left" else self.right.named

    def shown(self, table: str, left: Column, right: Column) -> str:
        """``table.column`` (logical names) as a message names it: by the names both databases
        have where domain.yaml renamed the table or the column alike on both sides, the logical
        name after it (``people.active (domain: patients.active)``: the table ``people`` is what
        a person queries; stranger65 003); by the logical name where the sides' names differ
        (each side has its own) or nothing was renamed. The report's ``table`` and ``column``
        fields stay logical (allowances and consumers name them so)."""
        tables = {table}
        if self.domain is not None and table in self.domain.tables:
            names = self.domain.tables[table].names
            tables = {names.get(side.schema.dialect, table) for side in (self.left, self.right)}
        columns = {left.own_name, right.own_name}
        logical = f"{table}.{left.name}"
        if len(tables) != 1 or len(columns) != 1:
            return logical
        physical = f"{next(iter(tables))}.{next(iter(columns))}"
        return logical if physical == logical else f"{physical} (domain: {logical})"

    def column_shown(self, table: str, column: str) -> str:
        """``table.column`` (logical names) as ``shown`` names it, the two sides' columns found
        by their logical name (either side's alone where the other lacks it)."""
        tables = self.left.schema.tables.get(table), self.right.schema.tables.get(table)
        found = [t.column(column) if t is not None else None for t in tables]
        left, right = found[0] or found[1], found[1] or found[0]
        if left is None or right is None:
            return f"{table}.{column}"
        return self.shown(table, left, right)

    def table_shown(self, table: str) -> str:
        """Table ``table`` (logical) as a table-level message names it: ``people (domain:
        patients)`` where domain.yaml renamed it alike on both sides (``model_shown``)."""
        return table_shown(
            table, self.left.schema.tables.get(table), self.right.schema.tables.get(table)
        )

    def table_each(self, table: str) -> str:
        """Table ``table`` (logical) as an index message names it: as ``table_shown`` does, or
        each side's own name with its label where the sides' databases name it apart
        (``model_shown.table_each``)."""
        return table_each(
            table,
            self.left.schema.tables.get(table),
            self.right.schema.tables.get(table),
            (self.label("left"), self.label("right")),
        )

    def own_table(self, table: str) -> str:
        """Table ``table`` (logical) by the name both databases give it, as a statement in a
        message writes it (``INSERT INTO people``; ``model_shown.own_table``)."""
        return own_table(
            table, self.left.schema.tables.get(table), self.right.schema.tables.get(table)
        )

    def key_shown(self, table: str, columns: Sequence[str]) -> str:
        """``table(columns)`` (logical names) by the names both databases give them, as a
        foreign key's message names its ends: ``people(site_id)`` (``model_shown``)."""
        tables = self.left.schema.tables.get(table), self.right.schema.tables.get(table)
        shown = ", ".join(columns_shown(*tables, columns))
        return f"{own_table(table, *tables)}({shown})"

    def sql_table(self, table: str, side: str = "left") -> str:
        """The name a statement shown in a message gives the table keyed ``table``: its name in
        ``side``'s database ("left" or "right"), never a key (``sites (logical name)``, a
        logical name domain.yaml renames), so the statement runs as written (stranger67 005)."""
        held = self.left if side == "left" else self.right
        found = held.schema.tables.get(table)
        if found is not None:
            return found.physical or found.name
        return logical_spelled(table) or table

    def each(self, left: str, right: str) -> str:
        """What each side has, each named as reports name it: ``NULL in a.sql, NOT NULL in
        b.sql`` (never "on the left")."""
        return f"{left} in {self.label('left')}, {right} in {self.label('right')}"


def located_hints(differences: list[Difference], left: Side, right: Side) -> list[Difference]:
    """``differences`` of a comparison of ``left`` with ``right``, whose hints say where each
    live database stands on its chain (``Side.located``: read here, once, and only when a
    difference is left after the evaluation stage). A hint the comparer wrote for the sides as
    they were is written again for the located sides, and so is one that starts with it (the
    usual hint and what a comparator added after it: how a module declares row-level security;
    stranger65 003, whose hint at head said to migrate): from its parts (``Difference.ways``: a
    declaration to remove, a function the other dialect lacks, kept; ``Difference.then``, what
    a comparator said after them); any other hint is kept."""
    if not differences or (left.placed is None and right.placed is None):
        return differences
    pairing = Pairing.of(left.schema.dialect, right.schema.dialect)
    placed_left, placed_right = left.located(), right.located()
    result = []
    for d in differences:
        if d.ways is not None and d.ways.paired:  # a pair the evaluation stage merged
            d = d.reworded(paired_ways(placed_left.fix, placed_right.fix))
        elif d.ways is not None:  # the usual hint, and what a comparator said after it
            d = d.reworded(ways_for(d.left, d.right, placed_left, placed_right, pairing, d.ways))
        result.append(d)
    return result


# A database at a revision its chain does not know: the metadata module is older than the
# database (an older branch or release checked out), so the difference says nothing of a hand
# edit, and migrating cannot fix it (stranger61 027).
AHEAD_CAUSE = (
    " (the database is ahead of its chain, at a revision the code checked out does not know:"
    " the code is older than the database; check out the code that has its revision, then"
    " check again)"
)
# The likely causes of a difference between a module and its database at its chain's head
# (``hints.chain_built_causes`` narrows them where the migrations layer built the chain).
AT_HEAD_CAUSES = (
    " (the database is at its chain's head: a revision is missing, a revision it already"
    " applied was edited afterwards, it was changed by hand, or it was stamped without migrating)"
)


def hint_for(
    left: str | None, right: str | None, left_side: Side, right_side: Side, pairing: Pairing
) -> str:
    """Where the fix goes, and the likely cause when a metadata module meets its database."""
    return ways_for(left, right, left_side, right_side, pairing).text()


def ways_for(
    left: str | None,
    right: str | None,
    left_side: Side,
    right_side: Side,
    pairing: Pairing,
    like: HintWays | None = None,
) -> HintWays:
    """The parts of ``hint_for``: where one side lacks the object (its value None), add it to
    that side, or remove it from the other; where both have it, make the two agree; and what
    follows (the allowance clause, the likely cause); worded as ``like`` words them (a
    declaration to remove, a function that side lacks) where given."""
    allow = ALLOW_PHRASE if pairing.allowances_apply else ""
    if left is not None and right is not None:
        cause = _cause(None, left_side, right_side)
        return HintWays(left_side.fix, right_side.fix, allow, cause=cause, agree=True)
    missing, present = (left_side, right_side) if left is None else (right_side, left_side)
    cause = _cause(missing, left_side, right_side)
    return replace(
        like or HintWays("", ""),
        add_to=missing.fix,
        remove_from=present.fix,
        allow=allow,
        cause=cause,
        agree=False,
    )


def _cause(missing: Side | None, left_side: Side, right_side: Side) -> str:
    """The likely cause a hint ends with when a metadata module meets its database
    (``missing``: the side that lacks the object, None where both have it); "" otherwise."""
    roles = {left_side.role, right_side.role}
    if roles != {"model", "database"}:
        return ""
    database = left_side if left_side.role == "database" else right_side
    if database.state == "ahead":
        return AHEAD_CAUSE
    # Where a pending revision fails on the database as it is, migrating comes after what its
    # fix names first (recheck88: "migrating it may fix this" half-contradicted that).
    if missing is not None and missing.role == "model" and database.state == "behind":
        # A revision the database has not applied yet may drop or rename it (stranger71 003:
        # "usually ... changed by hand" on a healthy device two revisions behind).
        return (
            " (only the database has it, and the database is behind its chain: a revision it"
            " has not applied yet likely drops or renames it; migrate it"
            + (" once that is done)" if database.blocked else " first)")
        )
    if missing is not None and missing.role == "model":
        return " (only the database has it: this usually means someone changed it by hand)"
    if database.state == "at_head":
        return AT_HEAD_CAUSES
    if database.state == "behind":
        return behind_cause(database.blocked)
    if missing is not None:
        return " (the database lacks it: it is behind its chain, or a migration is missing)"
    return " (a migration is missing, or the database was changed by hand)"


def behind_cause(blocked: bool) -> str:
    """The likely cause a difference between a module and its database behind its chain ends
    with (``blocked``: a pending revision fails on the database as it is, so migrating comes
    after what that fix names); ``layers.behind_untouched`` replaces it where no pending
    revision changes the object."""
    then = ", once that is done," if blocked else ""
    return f" (the database is behind its chain: migrating it{then} may fix this)"
