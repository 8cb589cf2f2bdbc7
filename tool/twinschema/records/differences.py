"""The typed records every comparison returns and every reporter renders: a ``Difference``
(with where its fix goes, as data), an ``Equivalence``, severities, and the one list of
difference kinds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

# Every difference kind, with what it means and how to fix it (``check --explain KIND``).
DIFFERENCE_KINDS: dict[str, str] = {
    "table_missing": "A table exists on one side only. Add it to the side that lacks it (its "
    "metadata module, then a migration), or declare it dialect-only in domain.yaml with "
    "`dialects: [...]`.",
    "column_missing": "A column exists on one side only. Add it to the side that lacks it, or "
    "drop it from the other; if it is dialect-only on purpose, allow it in domain.yaml.",
    "column_type": "The two sides' types do not stand for the same logical kind (see the type "
    "table, `twinschema check --verbose` for the equivalences used), or their parameters "
    "(length, precision, enum values) differ, or their collations do: across dialects only "
    "which different values a collation makes equal counts (SQLite NOCASE folds ASCII letters "
    "only, a PostgreSQL case-insensitive ICU collation every letter: both take 'Bob' and 'bob' "
    "as equal, only the ICU one 'Ä' and 'ä'; each dialect's default collation never makes two "
    "values equal); between sources of one dialect, the collation's name counts too.",
    "column_nullable": "One side allows NULL and the other does not, or only a PostgreSQL NOT "
    "NULL domain refuses it on one side (a subquery of the domain's type that finds no row stores "
    "NULL through it). Make both NOT NULL or both nullable.",
    "column_default": "The server defaults (compared after parsing, so `now()` equals "
    "CURRENT_TIMESTAMP, then, where the texts still differ, by running both on scratch databases: "
    "the same constant, the current time or a random UUID of one version is the same default "
    "across dialects) or the identity/autoincrement differ. A default that fails when run "
    "(SQLite accepts DEFAULT (GEN_RANDOM_UUID()) and then fails every insert that omits the "
    "column) is always a difference, with the error. `--no-evaluate` judges by text only. A "
    "generated column is `column_generated`.",
    "column_generated": "A column is generated (GENERATED ALWAYS AS ...) on one side only (a "
    "row that sets it is rejected there), or its generating expressions differ: run on probe "
    "rows where the texts differ, or where an operator's meaning depends on the dialect (the "
    "message names a witness row and what each side computes; equal values on every probe "
    "are an equivalence 'equal on N probes', never a proof); STORED against VIRTUAL counts "
    "between sources of one dialect only.",
    "primary_key": "The primary key columns differ, or when the key is checked (NOT "
    "DEFERRABLE: row by row; DEFERRABLE: at the end of each statement; INITIALLY DEFERRED: at "
    "COMMIT), which a renumbering UPDATE (SET pos = pos + 1) or a transaction shows.",
    "foreign_key": "A foreign key exists on one side only (a second key on the same columns to "
    "the same table counts as its own), or its referenced columns, its ON DELETE / ON UPDATE "
    "actions (with the columns SET NULL / SET DEFAULT (cols) sets), when it is checked "
    "(DEFERRABLE, INITIALLY DEFERRED: at COMMIT) or its MATCH (FULL rejects a key with some "
    "but not all columns NULL; SQLite parses MATCH and enforces SIMPLE) differ, or its "
    "referenced columns hold no parent key on one side (no PRIMARY KEY, UNIQUE constraint or "
    "full unique index on exactly them: SQLite fails every insert into the child with "
    '"foreign key mismatch").',
    "unique": "A uniqueness rule (a UNIQUE constraint or a full unique index: the same rule) "
    "exists on one side only, or is unique on one side and a plain index on the other, or it "
    "accepts other rows: NULLS NOT DISTINCT (PostgreSQL 15+) on one side only (a second NULL "
    "is rejected there), or a collation on one side that makes different values equal (a "
    "NOCASE unique index rejects 'bob' after 'Bob'), or it is checked at another time (NOT "
    "DEFERRABLE, a unique index and every SQLite rule: row by row; DEFERRABLE: at the end of "
    "each statement, so UPDATE t SET pos = pos + 1 passes; INITIALLY DEFERRED: at COMMIT).",
    "index": "An index (matched by columns or expressions, uniqueness, partial predicate and "
    "method, never by name) exists on one side only (two left unmatched that bear one name are "
    "one difference, saying what differs), or differs in an attribute that changes "
    "which queries it serves but not which rows are accepted: sort order (DESC), an element's "
    "collation, and, between PostgreSQL sources only (SQLite cannot declare them), NULLS "
    "FIRST/LAST, operator classes and INCLUDE columns.",
    "check": "A CHECK constraint (compared by meaning, not by name or spelling) exists on one "
    "side only. Where one CHECK on each side still differs, both are run on probe rows: equal "
    "verdicts on every probe make them an equivalence ('equal on N probes', never a proof), "
    "else the message names a witness row that one side accepts and the other rejects.",
    "enum": "The allowed values of an enum (or of a text column's CHECK ... IN list) differ "
    "(the message names the values each side has alone), or two enum types, or an enum type "
    "and domain.yaml's `values`, list them in another order (an enum sorts by it; a CHECK list "
    "has no order, so across dialects only the set is compared).",
    "view": "A view (materialized or not) exists on one side only, or its definition differs. "
    "Definitions are compared between two sources of the same dialect, after the dialect's own "
    "normalization (pg_get_viewdef on PostgreSQL; whitespace, comments and identifier case on "
    "SQLite); across dialects, a view domain.yaml declares under `views:` must exist on each "
    "dialect it names. Recreate the view from its migration, or declare it where it belongs.",
    "trigger": "A trigger exists on one side only, or its definition (timing, events, table, "
    "body, enabled state) differs. Compared like views; across dialects, a trigger domain.yaml "
    "declares under `triggers:` (with its `table`) must exist on each dialect it names. A "
    "trigger a migration creates and a hand edit dropped is caught by the migrations layer.",
    "function": "A PostgreSQL function or procedure (by name and argument types) exists on one "
    "side only, or its definition (pg_get_functiondef, body made canonical) differs. Compared "
    "between two PostgreSQL sources only.",
    "sequence": "A PostgreSQL sequence that no column owns exists on one side only, or its "
    "parameters (type, start, bounds, increment, cache, cycle) differ. Compared between two "
    "PostgreSQL sources only; a column's own sequence is compared as its identity.",
    "rule": "A PostgreSQL rule (CREATE RULE, by name on its table) exists on one side only, or "
    "its definition (pg_get_ruledef, enabled state) differs, between two PostgreSQL sources. "
    "Across dialects a rule is on one side only whatever the other does (SQLite has none): "
    "allow it in domain.yaml (kind rule, dialect postgresql) if it is on purpose. A rule a "
    "migration does not make is caught by the migrations layer.",
    "virtual_table": "A SQLite virtual table (CREATE VIRTUAL TABLE, e.g. FTS) exists on one "
    "side only, or its statement differs, between two SQLite sources; a virtual table a "
    "migration does not make is caught by the migrations layer. Across dialects it is counted, "
    "not compared.",
    "unknown_column": "A CHECK, an index (its expressions or its WHERE), a generated column or "
    "a server default of a metadata module names a column its table does not have on that "
    "dialect (its own names: SQLite matches them whatever their ASCII case, PostgreSQL folds "
    "a bare name to lower case and matches a quoted one exactly): creating the table fails "
    'there ("no such column"). Such a CHECK or index is compared as read through '
    "domain.yaml's names, and is not also reported as on one side only. Often the other "
    "dialect's name, or the logical name of a column domain.yaml renames (`name:`, `names:`): "
    "write the table's own name for it (the hint names it). A SQLite double-quoted name that "
    "names no column is a string there, not a column.",
    "domain_name": "A table or column is not named in domain.yaml. Add it to domain.yaml, or "
    "take it out of the metadata module.",
    "dialect_object": "A declared dialect-only object or attribute (row-level security and "
    "FORCE ROW LEVEL SECURITY, a policy with its command, PERMISSIVE/RESTRICTIVE, roles and "
    "expressions, UNLOGGED, PARTITION BY) is missing where it was declared, or differs between "
    "two sources that both state it.",
    "stale_allowance": "An allowance in domain.yaml no longer matches any difference: the two "
    "sides now agree, or the object is gone, or what is left is another difference of the "
    "object (an allowance without `dialect:` allows the object differing on both sides, one "
    "with `dialect: D` the object on D only). Remove the allowance, or write the one its hint "
    "names for a difference left on its table.",
    "column_order": "A warning: the columns two twins of a table share are in another order, "
    "so a positional INSERT INTO t VALUES (...) or INSERT ... SELECT * fills other columns on "
    "each side (a value refused, or stored in another column); a statement that names its "
    "columns (an ORM's) is not affected. Compared between twins only (not a module against "
    "its own database). Put the columns in one order (a table rebuild), or allow it in "
    "domain.yaml (kind column_order) with its reason. It leaves the exit code alone.",
    "broad_allowance": "A warning: an allowance in domain.yaml names a CHECK by its kind alone "
    "(no `name:`, no `check:`) and allows more than one CHECK difference of its table, so it "
    "hides any other, one that comes later too. Write one allowance per CHECK that differs on "
    "purpose: by its name, or for a CHECK named on neither side by its expression "
    "(`check: json_valid(doc)`); the hint gives each.",
    "migration_heads": "A migration chain has more than one head. Merge them (alembic merge) "
    "so each chain has exactly one.",
    "migration_parity": "The two migration chains do not move together: a revision has no twin "
    "in the other chain, or a head is not at the domain's version.",
    "migration_drift": "Upgrading an empty database to the chain's head does not give the "
    "schema of its metadata module: a migration is missing or wrong.",
    "migration_roundtrip": "Downgrading to base and upgrading again leaves a trace: a "
    "downgrade does not undo its upgrade.",
    "migration_state": "A live database is not at its chain's head. Run the migrate command "
    "the hint names.",
    "value_compatibility": "A warning: a value that one side's column stores and the other's "
    "rejects or changes (a string past PostgreSQL's bound, an integer past int4, a number rounded "
    "by its scale, text that is not a UUID, a boolean stored as 2), found by running it through "
    "scratch copies of both columns with their own CHECKs. It leaves the exit code alone unless "
    "[tool.twinschema] fail_on lists value_compatibility: then a value SQLite stores and "
    "PostgreSQL rejects (a push that fails) is a difference. Enforce the rule on the side that "
    "stores it (a CHECK), or allow it in domain.yaml with its reason.",
    "renamed": "A warning: an index or a named constraint that a live database holds under "
    "another name than its metadata module gives it (explicitly or by a naming convention), "
    "renamed by hand. The comparer matches indexes and constraints by what they do, so the two "
    "are in sync, but Alembic drops or alters one by the module's name: a later revision doing "
    "so fails on that database and is rolled back. Rename it back (the hint gives the "
    "statement: ALTER INDEX ... RENAME TO ... on PostgreSQL) or give the module the database's "
    "name. Compared between a metadata module and its own database only; it leaves the exit "
    "code alone. A database behind its chain is compared with the chain at its revision "
    "instead: the hint of its migration_state names the rename to run before migrating.",
    "destructive_change": "A migration drops or narrows something, or adds a NOT NULL column "
    "without a default, without an allow marker that gives the reason.",
    "fts_rowids": "A SQLite revision copies a table (a batch_alter_table block) that an external "
    "content FTS4/FTS5 table reads by implicit rowid, and does not rebuild that FTS table after "
    "it: the copy numbers the rowids again, so the search finds other rows. Add "
    "op.execute(\"INSERT INTO fts(fts) VALUES('rebuild')\") after the block, or give the table "
    "an INTEGER PRIMARY KEY.",
}

# The warning of a value one side's column stores and the other's refuses or changes: one per
# column pair, many in a schema (reports list them only with --verbose).
VALUE_COMPATIBILITY = "value_compatibility"

# The kinds an allowance in domain.yaml may name: what may differ on purpose between the two
# dialects (never a migration's or an allowance's own finding).
ALLOWABLE_KINDS: tuple[str, ...] = (
    "table_missing",
    "column_missing",
    "column_type",
    "column_nullable",
    "column_default",
    "column_generated",
    "primary_key",
    "foreign_key",
    "unique",
    "index",
    "check",
    "enum",
    "dialect_object",
    "value_compatibility",
    "rule",
    "column_order",
)


class Severity(StrEnum):
    """How much a finding weighs: an error fails the check, a warning is reported only.

    A ``str`` so that the JSON and SARIF reports write it as before (``"error"``)."""

    ERROR = "error"
    WARNING = "warning"


SEVERITY_ERROR = Severity.ERROR
SEVERITY_WARNING = Severity.WARNING


class FixSide(StrEnum):
    """Which side of a comparison a fix goes to."""

    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class FixSite:
    """Where the fix of a difference goes, set where the difference is made: the side, the
    file a person edits (a metadata module, domain.yaml, a SQL file, a migration), and the
    line when the maker knows it (else reporters find the object's line in the file)."""

    side: FixSide | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Witness:
    """A row that parts the two sides, as data beside the message's words (stranger57 u1): its
    table, the columns it gives values, their values (JSON's own types where they have one,
    else as the message writes them), the side that accepts it (``left``, ``right``; None
    where both store it and part on what they store or compute) and what each side does."""

    table: str | None
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    accepts: str | None
    said: str


@dataclass(frozen=True, slots=True)
class Difference:
    """One real difference between two sides, with what a user needs to fix it."""

    layer: str
    kind: str
    table: str | None
    column: str | None
    name: str | None
    left: str | None  # the left side's value, None where the object is absent
    right: str | None
    message: str
    hint: str
    severity: Severity = Severity.ERROR
    left_source: str = ""
    right_source: str = ""
    fix: FixSite | None = None  # where the fix goes; None when no file is known
    # For a flag both sides state (row-level security "on" against "off"): the side where it
    # is on. What an allowance for one dialect tests, never the display string.
    present: FixSide | None = None
    # Each side's own name of the object (left, right) where the two name it otherwise, as
    # ``init`` names every CHECK (ckLineSize / ck_order_lines_size): an allowance's ``name:``
    # matches either (``named``).
    names: tuple[str | None, str | None] | None = None
    # The row that parts the sides, where the evaluation stage found one (the message names it).
    witness: Witness | None = field(default=None, compare=False)

    def given(self, witness: Witness | None) -> Difference:
        """This difference with ``witness`` (its table this one's) where it has none yet: a
        difference keeps the first witness its message names."""
        if witness is None or self.witness is not None:
            return self
        return replace(self, witness=replace(witness, table=self.table))

    def named(self, name: str, side: FixSide | None = None) -> bool:
        """True when ``name`` is the object's name: ``name``, or either side's own name (only
        ``side``'s where given: an allowance with ``dialect:``)."""
        if self.names is None:
            return name == self.name
        if side is None:
            return name == self.name or name in self.names
        return name == self.names[0 if side is FixSide.LEFT else 1]

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON report writes it (``fix``: ``{side, file, line}`` or null)."""
        return asdict(self)

    def holds(self, side: FixSide) -> bool:
        """True when ``side`` has the object this difference is about: its value is not None
        and, for a flag stated on both sides (row-level security on/off), it is the side the
        maker marked ``present``. What an allowance for one dialect tests."""
        value = self.left if side is FixSide.LEFT else self.right
        return value is not None and (self.present is None or self.present is side)


@dataclass(frozen=True, slots=True)
class Equivalence:
    """Two different spellings accepted as the same thing, and the rule that accepted them."""

    layer: str
    table: str
    column: str | None
    rule: str
    left: str
    right: str
    left_source: str = ""
    right_source: str = ""
    # True where the two are the same only in a session whose TimeZone is UTC and neither
    # source read a server's zone (metadata modules): a live database may part them.
    utc_only: bool = field(default=False, compare=False)
    # A few of the probe rows an "equal on N probes" was judged on, as a witness writes a
    # row (``-v`` and JSON name them: which values were tried); () for any other rule.
    probes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON report writes it."""
        found = asdict(self)
        del found["utc_only"]
        return found
