"""What the two sides' dialects let a comparison compare, as named facts computed once.

The comparators never name a dialect and never ask whether the two sides are of one: each
asks the fact it needs. The facts come from the dialect names' equality and from the tables
of ``typemap``; each is documented where it is defined, with why it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from twinschema.canonical import typemap
from twinschema.records.dialects import (
    COLLATION_EQUALITIES,
    CONFLICT_CLAUSES,
    KEY_ACTIONS_AT_EACH_ROW,
    KEYS_DEFERRED_ON_DEMAND,
    NO_ACTION_AFTER_ACTIONS,
)


@dataclass(frozen=True, slots=True)
class Pairing:
    """The facts one pair of dialects fixes for a whole comparison."""

    # Two sources of one dialect are one database engine: a difference between them is drift,
    # never a difference the dialects force, so ``domain.yaml`` allowances (which declare what
    # the two dialects may do differently) apply, and are suggested in hints, only across.
    allowances_apply: bool
    # Between sources of one dialect, two columns equal in every respect (spelling included)
    # are settled: nothing to record, and their type accounts for no CHECK of the table.
    # Across dialects a column's type may be carried by a CHECK of its table, so it is compared.
    equal_columns_settled: bool
    # Defaults are compared in their cross-dialect form (``expressions.across``), where one
    # dialect's current-time idiom equals the other's and the rule that matched is recorded.
    current_time_idioms: bool
    # A default call spelled alike may give other values (each dialect's own function of that
    # name): across dialects it is run, not believed; within one, one spelling is one default.
    same_call_may_differ: bool
    # CHECKs are keyed by their cross-dialect form (``expressions.across``), and every CHECK of
    # a table is compared in full, so that the idioms each side spells its own way are recorded.
    checks_across: bool
    # A collation's name counts, not only what it makes equal: between sources of one dialect
    # two names are two collations; across, each dialect's names (and default) are its own.
    collation_names_count: bool
    # A generated column's storage (STORED, VIRTUAL) counts: between sources of one dialect it
    # is a choice that differs; across, each dialect chooses its own way.
    storage_counts: bool
    # Table options (STRICT, WITHOUT ROWID) are compared: see ``typemap.options_compared``.
    options_compared: bool
    # A UNIQUE rule stands for a unique index whose attributes that only one dialect can
    # declare (NULLS placement, operator classes, INCLUDE) are empty where the index states
    # them: between sources of one dialect an absent declaration is an empty one; across, it
    # is unknown (None) and not compared.
    rule_attributes_empty: bool
    # Views, triggers, functions and sequences are compared object by object: their
    # definitions are one dialect's own SQL, so only between sources of one dialect.
    objects_pairwise: bool
    # A unique index on a JSON member read as a scalar makes different values collide across
    # dialects (see ``expressions.JSON_KEYS_NOTE``): a difference across, never within one.
    json_keys_collide_differently: bool
    # The statement that defers DEFERRABLE foreign keys on demand, when both sides defer by
    # the same one (``KEYS_DEFERRED_ON_DEMAND``): a DEFERRABLE (INITIALLY IMMEDIATE) key against
    # a NOT DEFERRABLE one is then a difference that statement shows. None when the two defer
    # on demand by statements of their own, each deferring its own set of keys: no transaction
    # issues both, so only when a key is checked without one counts (at each statement, or at
    # COMMIT: INITIALLY DEFERRED).
    defer_statement: str | None
    # The side ("left" or "right") whose database applies a foreign key's RESTRICT and ON UPDATE
    # actions at each row a statement changes, where the other applies them once the statement's
    # rows are all changed (``KEY_ACTIONS_AT_EACH_ROW``): the same self-referencing key then parts
    # a statement that changes a row and the row referencing it. None when both do alike.
    key_actions_at_each_row: str | None
    # Per side (left, right): whether its database checks a NO ACTION key only after every
    # other key's action on the same deleted or updated row has run, or at its own turn among
    # them as RESTRICT (``NO_ACTION_AFTER_ACTIONS``; used by ``key_order``).
    no_action_after_actions: tuple[bool, bool]
    # Per side (left, right): whether its dialect's constraints can carry an ON CONFLICT clause
    # (``CONFLICT_CLAUSES``): one the other side cannot hold is removed, never added there.
    conflict_clauses_held: tuple[bool, bool]
    # Per side (left, right): what the collations its dialect alone can declare make equal (the
    # EQUALITY_* words of ``COLLATION_EQUALITIES`` the other dialect has no collation for:
    # NOCASE's ASCII folding against a dialect without one; empty between sources of one
    # dialect). A plain index under such a collation has no twin to carry it (``index_attributes``).
    own_collations: tuple[frozenset[str], frozenset[str]]

    @classmethod
    def of(cls, left_dialect: str, right_dialect: str) -> Pairing:
        """The facts for a left side of ``left_dialect`` and a right one of ``right_dialect``."""
        one = left_dialect == right_dialect
        return cls(
            allowances_apply=not one,
            equal_columns_settled=one,
            current_time_idioms=not one,
            same_call_may_differ=not one,
            checks_across=not one,
            collation_names_count=one,
            storage_counts=one,
            options_compared=typemap.options_compared(left_dialect, right_dialect),
            rule_attributes_empty=one,
            objects_pairwise=one,
            json_keys_collide_differently=not one,
            defer_statement=_defer_statement(left_dialect, right_dialect),
            key_actions_at_each_row=_at_each_row(left_dialect, right_dialect),
            no_action_after_actions=(
                NO_ACTION_AFTER_ACTIONS.get(left_dialect, False),
                NO_ACTION_AFTER_ACTIONS.get(right_dialect, False),
            ),
            conflict_clauses_held=(
                CONFLICT_CLAUSES.get(left_dialect, False),
                CONFLICT_CLAUSES.get(right_dialect, False),
            ),
            own_collations=_own_collations(left_dialect, right_dialect),
        )


def _own_collations(left_dialect: str, right_dialect: str) -> tuple[frozenset[str], frozenset[str]]:
    """What each side's dialect alone has collations for (``Pairing.own_collations``)."""
    left = COLLATION_EQUALITIES.get(left_dialect, frozenset())
    right = COLLATION_EQUALITIES.get(right_dialect, frozenset())
    return left - right, right - left


def _defer_statement(left_dialect: str, right_dialect: str) -> str | None:
    """The statement both dialects defer foreign keys by on demand, if they share one."""
    left = KEYS_DEFERRED_ON_DEMAND.get(left_dialect)
    right = KEYS_DEFERRED_ON_DEMAND.get(right_dialect)
    return left[0] if left is not None and left == right else None


def _at_each_row(left_dialect: str, right_dialect: str) -> str | None:
    """The side whose dialect alone applies foreign key actions at each row, if one does."""
    left = KEY_ACTIONS_AT_EACH_ROW.get(left_dialect, False)
    right = KEY_ACTIONS_AT_EACH_ROW.get(right_dialect, False)
    if left == right:
        return None
    return "left" if left else "right"
