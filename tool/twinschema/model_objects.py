"""The schema objects compared by definition (views, triggers, functions, sequences, PostgreSQL
rules, SQLite virtual tables): their kinds and their record, part of the neutral model
(re-exported by ``model``)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of schema object compared by definition (``SchemaObject.kind``). A materialized view
# is a view whose definition says so.
OBJECT_VIEW = "view"
OBJECT_TRIGGER = "trigger"
OBJECT_FUNCTION = "function"
OBJECT_SEQUENCE = "sequence"
# A PostgreSQL rule (CREATE RULE, on its table) and a SQLite virtual table (CREATE VIRTUAL TABLE):
# each dialect's own, compared between two sources of that dialect (stranger54 002, 003, 005).
OBJECT_RULE = "rule"
OBJECT_VIRTUAL_TABLE = "virtual_table"
# A PostgreSQL exclusion constraint (EXCLUDE USING gist (... WITH &&)), on its table: it refuses
# a row that conflicts with one already stored, which no other dialect's constraint does (s71live).
OBJECT_EXCLUSION = "exclusion"
OBJECT_KINDS = (
    OBJECT_VIEW,
    OBJECT_TRIGGER,
    OBJECT_FUNCTION,
    OBJECT_SEQUENCE,
    OBJECT_RULE,
    OBJECT_VIRTUAL_TABLE,
    OBJECT_EXCLUSION,
)


@dataclass(frozen=True, slots=True)
class SchemaObject:
    """A view, trigger, function, sequence, PostgreSQL rule or SQLite virtual table, compared
    by its canonical definition: the dialect's own normalized text (whitespace, comments and the
    case of unquoted words made uniform by the adapter), compared only with an object of the
    same dialect. ``name`` is unique within its kind: a function's includes its argument types
    (``f(integer)``), a trigger's (and a rule's) is its own name with ``table`` the table it is on.
    ``broken``/``mend``: why it cannot work in its own source and how to make it again, said by
    the adapter (an FTS table reading a column its content table lacks); empty if it can."""

    kind: str
    name: str
    definition: str
    table: str | None = None
    raw: str = field(default="", compare=False)  # as the catalog prints it, for messages
    broken: str = field(default="", compare=False)
    mend: str = field(default="", compare=False)
    # The definition's parts by name where the adapter reads them (an FTS5 table's columns, its
    # options and its tokenizer's settings one by one: ``("tokenize remove_diacritics", "2")``),
    # so that a message names the part two definitions differ in, not their whole texts.
    parts: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # Where the adapter reads whether the object is switched on (a trigger or rule disabled by
    # hand): ``state`` says how it is, for a message ("disabled: it never fires"; "" where it
    # fires as usual), ``unstated`` is the definition without it (two objects alike but for
    # their state differ in that alone), ``usual`` the statement that makes it fire as usual.
    state: str = field(default="", compare=False)
    unstated: str = field(default="", compare=False)
    usual: str = field(default="", compare=False)
    # A view's columns' names in order, as its adapter reads them (SQLite's folded as SQLite
    # compares names; PostgreSQL's as stored): what an application reading the view by column
    # name meets, comparable across dialects where its definition is not. Empty: not read.
    columns: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """What pairs two objects of two sources: kind, table (if any) and name."""
        return (self.kind, self.table or "", self.name)
