"""The rules a table puts on its rows, as the neutral model records them: foreign keys (with
their actions, MATCH and timing), UNIQUE constraints, CHECKs, SQLite's ON CONFLICT clauses and
PostgreSQL's row-level security policies. Re-exported by ``model``, where a ``Table`` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twinschema.model_types import DomainCheck

# Foreign-key actions, in the catalog's own words. A missing action is "NO ACTION".
NO_ACTION = "NO ACTION"
FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")
# How a foreign key treats a key with some columns NULL: SIMPLE (the default everywhere) skips
# the check when any is NULL; FULL rejects a key that is NULL in some columns only.
MATCH_SIMPLE = "SIMPLE"
MATCH_FULL = "FULL"
MATCH_KINDS = ("SIMPLE", "FULL", "PARTIAL")


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key: its columns, the referenced table and columns, and its actions."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = NO_ACTION
    on_update: str = NO_ACTION
    name: str | None = field(default=None, compare=False)
    # DEFERRABLE: a transaction may postpone the check (SET CONSTRAINTS) until COMMIT;
    # INITIALLY DEFERRED: it does so unless told otherwise.
    deferrable: bool = False
    initially_deferred: bool = False
    # What the database enforces (MATCH_KINDS). A dialect that parses MATCH and ignores it
    # (SQLite) says SIMPLE here and keeps what was written in ``match_declared``.
    match: str = MATCH_SIMPLE
    match_declared: str | None = field(default=None, compare=False)
    # ON DELETE SET NULL / SET DEFAULT (cols): the columns the action sets; () for all of them.
    on_delete_columns: tuple[str, ...] = ()
    # What the database does with the key because the referenced columns hold no key it takes
    # as a parent key (SQLite fails every insert into the child), set by ``normalize``; None
    # where they hold one.
    parent_refused: str | None = field(default=None, compare=False)
    # The key's place among its table's keys in the order its database runs their actions when
    # a referenced row is deleted, and when its key is updated (0 runs first): where two keys
    # reach one child row with different actions, that order decides what the row becomes.
    # None where the source records no order (a metadata module's key added by ALTER TABLE).
    fires: tuple[int, int] | None = field(default=None, compare=False)
    # Why the database does not check the key on writes to the child (a row whose key matches
    # no parent row is stored) or to the parent (a referenced row is deleted or updated without
    # the key's action): ``its triggers on c are disabled``; None where it checks them.
    off_child: str | None = field(default=None, compare=False)
    off_parent: str | None = field(default=None, compare=False)

    def describe(self) -> str:
        """The key as reports show it: ``(a, b) -> p(a, b) ON DELETE CASCADE ON UPDATE NO
        ACTION`` (``-> p`` to p's primary key), then MATCH and timing where not the defaults."""
        ref = f"({', '.join(self.ref_columns)})" if self.ref_columns else ""  # as SQL writes it
        text = f"({', '.join(self.columns)}) -> {self.ref_table}{ref} ON DELETE "
        text += f"{self.on_delete_shown()} ON UPDATE {self.on_update}"
        if self.match != MATCH_SIMPLE:
            text += f" MATCH {self.match}"
        return text + (" " + self.timing() if self.deferrable else "")

    def on_delete_shown(self) -> str:
        """ON DELETE's action, with the columns SET NULL / SET DEFAULT sets when not all."""
        sets = self.on_delete_columns
        return self.on_delete + (f" ({', '.join(sets)})" if sets else "")

    def timing(self) -> str:
        """When the key is checked: NOT DEFERRABLE, DEFERRABLE or DEFERRABLE INITIALLY
        DEFERRED."""
        return timing(self.deferrable, self.initially_deferred)


def timing(deferrable: bool, initially_deferred: bool) -> str:
    """When a constraint is checked, as DDL declares it: NOT DEFERRABLE, DEFERRABLE or
    DEFERRABLE INITIALLY DEFERRED."""
    if initially_deferred:
        return "DEFERRABLE INITIALLY DEFERRED"
    return "DEFERRABLE" if deferrable else "NOT DEFERRABLE"


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    """A uniqueness rule over plain columns (a UNIQUE constraint or a full unique index).

    ``nulls_distinct`` is False for PostgreSQL's UNIQUE NULLS NOT DISTINCT, under which two
    rows with NULL in the same columns collide (SQLite's rules are always NULLS DISTINCT).
    """

    columns: tuple[str, ...]
    name: str | None = field(default=None, compare=False)
    nulls_distinct: bool = True
    # DEFERRABLE (PostgreSQL only): checked at the end of each statement, where a NOT DEFERRABLE
    # rule (and every SQLite rule) is checked row by row; INITIALLY DEFERRED: at COMMIT.
    deferrable: bool = False
    initially_deferred: bool = False
    # A DEFERRABLE rule beside a full unique index on the same columns (folded into it): the
    # index refuses two equal rows at once, though an upsert naming the columns still meets the
    # DEFERRABLE rule, which is never its arbiter (stranger50 017).
    indexed: bool = False

    def describe(self) -> str:
        """The rule as reports show it: ``UNIQUE (a, b)``, ``UNIQUE NULLS NOT DISTINCT (a)``,
        ``UNIQUE (a) DEFERRABLE``."""
        nulls = "" if self.nulls_distinct else " NULLS NOT DISTINCT"
        text = f"UNIQUE{nulls} ({', '.join(self.columns)})"
        return text + (" " + self.timing() if self.deferrable else "")

    def timing(self) -> str:
        """When the rule is checked: NOT DEFERRABLE, DEFERRABLE or DEFERRABLE INITIALLY
        DEFERRED."""
        return timing(self.deferrable, self.initially_deferred)


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    """A CHECK constraint, identified by its canonical expression."""

    expression: str
    name: str | None = field(default=None, compare=False)
    raw: str = field(default="", compare=False)
    # Set by ``normalize`` when the CHECK only restricts one column to a list of literals
    # (``x IN (0, 1)``, ``status IN ('a', 'b')``): how SQLite spells booleans and enums.
    column: str | None = field(default=None, compare=False)
    values: tuple[str, ...] | None = field(default=None, compare=False)
    # The expression as a PostgreSQL SQL file wrote it (``sources.sqlfile.written``): what
    # messages show, never what runs.
    written: str | None = field(default=None, compare=False)
    # Set by ``normalize`` on a CHECK of a PostgreSQL domain read as its column's: which
    # domain's CHECK it is, for messages.
    domain: DomainCheck | None = field(default=None, compare=False)

    def shown(self) -> str:
        """The expression as messages show it: as written, else as its database prints it."""
        return self.written or self.raw or self.expression


@dataclass(frozen=True, slots=True)
class Policy:
    """A PostgreSQL row-level security policy."""

    name: str
    command: str = "ALL"
    using: str | None = None
    with_check: str | None = None
    permissive: bool = True  # AS PERMISSIVE (rows pass any one) or RESTRICTIVE (must pass all)
    roles: tuple[str, ...] = ("public",)  # TO ...: sorted role names; "public" is every role
    # The attributes the source states (a metadata module may name a policy only): None for
    # all of them (a live database); compared are the attributes both sides state.
    declared: tuple[str, ...] | None = field(default=None, compare=False)
    # USING and WITH CHECK as the source wrote them (``using`` and ``with_check`` are
    # canonical), for messages; None: the canonical text.
    raw_using: str | None = field(default=None, compare=False)
    raw_with_check: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, order=True)
class ConflictClause:
    """A SQLite ON CONFLICT clause: the constraint it is on (``UNIQUE``, ``PRIMARY KEY``,
    ``NOT NULL``, ``CHECK``), that constraint's columns, and its algorithm (``REPLACE``...)."""

    constraint: str
    columns: tuple[str, ...]
    algorithm: str

    def describe(self) -> str:
        """``email UNIQUE ON CONFLICT REPLACE``, or ``UNIQUE (a, b) ON CONFLICT REPLACE``."""
        if len(self.columns) == 1:
            owner = f"{self.columns[0]} {self.constraint}"
        else:
            owner = f"{self.constraint} ({', '.join(self.columns)})"
        return f"{owner} ON CONFLICT {self.algorithm}"
