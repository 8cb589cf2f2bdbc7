"""What a ``value_compatibility`` warning tells a person to do (its hint), by what it is about:
a value one side's rule rejects and the other's stores, a fraction or a number past a precision
(whose fix must leave the pair in sync), or a SQLite rowid key against a PostgreSQL identity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from twinschema.canonical import key_sequences
from twinschema.canonical.identifiers import quoted, sql_name
from twinschema.model import IDENTITY_SEQUENCE, Column
from twinschema.records.hint_ways import Offer
from twinschema.records.kinds import INTEGER_KINDS

# The fraction an integer column is probed with: SQLite keeps 1.5 in an INTEGER column (a
# REAL), PostgreSQL rounds it to 2.
FRACTION = ("the number 1.5 (not a whole number)", Decimal("1.5"))

# What a warning's hint tells to do, by what the warning is about: a value one side's rule
# rejects and the other's stores (every warning but the key's), or a SQLite rowid key against
# a PostgreSQL key whose identity or sequence parts them ({sequence}: the statement to run).
# NaN: PostgreSQL alone can store it, and only its CHECK can keep it out (stranger84 006).
HINT_NAN = Offer(
    "refuse it on PostgreSQL, CHECK ({column} <> 'NaN') (or a bound such as {column} < 1e9, "
    "which NaN fails), or "
)
HINT_RULE = Offer("enforce the same rule on both sides (a CHECK on the side that stores it), or ")
# The fraction's and the precision's: a CHECK on SQLite alone would be a difference of CHECKs
# (what each database stores is the same: PostgreSQL's type keeps the value out or changes it),
# so the rule goes on both sides, or SQLite's own type does it. STRICT knows INT and INTEGER,
# not BIGINT or SMALLINT; PostgreSQL's CAST to integer overflows past int4 in a bigint.
# Either also refuses text such as 'free', which a plain INTEGER stores and PostgreSQL refuses
# (fix89b: said here, on the column's one fraction warning, not as a warning of its own on
# every integer column no CHECK reads; on SQLite 3.40 both refuse 'free' and '12,50').
HINT_FRACTION = Offer(
    "make the SQLite table STRICT with {column} typed INTEGER (it then refuses 1.5, and text "
    "such as 'free', which it stores now and PostgreSQL rejects), or put the same CHECK "
    "({column} = CAST({column} AS {cast})) on both sides (which refuses both too); or "
)
# What a warning on a day no calendar has says of it (``crossing_values.NO_DAYS``).
NO_DAY = "no such day"
# The pins that hold SQLite's text to the days and moments PostgreSQL's types read, proved on
# SQLite 3.40 and PostgreSQL (golden cases sl-pg.date-pinned-real-days-near-miss,
# ...-timestamptz-...): date() and strftime() print '2024-02-30' back unchanged, a modifier
# ('+0 days') makes them normalize it ('2024-03-01'), and hour 24 too ('2026-01-01T24:00:00Z' is
# printed '2026-01-02T00:00:00Z'); ':60' and text no function reads are NULL, which IS refuses;
# nor does PostgreSQL's calendar have year zero, which the function prints back ('0000-01-01').
PIN_DAY = "{column} IS date({column}, '+0 days') AND {column} >= '0001-01-01'"
PIN_MOMENT = "{column} IS strftime('{form}', {column}, '+0 days') AND {column} >= '0001-01-01'"
# The strftime() form of a pin, per kind: one UTC form for a timestamptz, one wall form else.
PIN_FORMS = {"timestamptz": "%Y-%m-%dT%H:%M:%SZ", "timestamp": "%Y-%m-%d %H:%M:%S"}
HINT_DAY = Offer(
    "keep the SQLite column to days as written with CHECK (" + PIN_DAY + ") (date() reads an "
    "offset in UTC, so a moment with one fails it; = would pass what date() reads as NULL; "
    "without '+0 days' date() prints '2024-02-30' back unchanged); or "
)
HINT_MOMENT = Offer(
    "keep the SQLite column to moments PostgreSQL reads with CHECK (" + PIN_MOMENT + ") "
    "(without '+0 days' strftime() prints '2024-02-30' and hour 24 back unchanged); or "
)
HINT_PRECISION = Offer("put the same CHECK (abs({column}) < {bound}) on both sides; or ")
HINT_NULL_ID = Offer(
    "leave the id out of the INSERT (or write DEFAULT on PostgreSQL): both sides then give the "
    "next id; or "
)
HINT_SEQUENCE = Offer(
    "an identity or serial key goes on from the highest id after a data copy only if its "
    "sequence is set: after each sync into PostgreSQL run {sequence}; or "
)

# After the statement, where the key's source is a metadata module: it keeps no sequence name,
# so the statement holds for a serial only (fix-ux5: it was given as the fix for every key).
UNKNOWN_SEQUENCE = (
    " if the key owns its sequence (a serial); where its default draws from a sequence it does "
    "not own (a nextval() server default or an sa.Sequence in the metadata module, which does "
    "not say which), pg_get_serial_sequence is NULL and setval does nothing: setval that "
    "sequence by name"
)


def set_sequence(table: str, column: str, drawn: str | None = None) -> str:
    """The PostgreSQL statement that moves the sequence behind ``table``.``column`` to the
    highest id (names quoted as they are, whatever their case). ``drawn``: the sequence its
    default draws from where the column does not own it (``Column.sequence``), which
    ``pg_get_serial_sequence`` of this column does not find (NULL: setval would do nothing,
    stranger54 001): by its name, or as the key owning it gives it (``the sequence of stage.id``)."""
    sequence = f"pg_get_serial_sequence({_literal(quoted(table))}, {_literal(column)})"
    target = None if drawn is None else key_sequences.setval_target(drawn)
    if target is not None:
        sequence = target
    return f"SELECT setval({sequence}, max({quoted(column)})) FROM {quoted(table)}"


def sequence_statement(table: str, column: Column, read: bool) -> str:
    """What ``HINT_SEQUENCE`` tells to run for the PostgreSQL key ``column`` of ``table`` (the
    database's name of the table; the column's own name is used: a statement run as written).
    ``read``: its source read a catalog (a database, a SQL file), which names the sequence a
    default draws from where the column does not own it (``Column.sequence``); a metadata
    module does not, so for its sequence key the statement is said to hold for a serial only."""
    statement = set_sequence(table, column.own_name, column.sequence)
    if read or column.identity != IDENTITY_SEQUENCE or column.sequence is not None:
        return statement
    return statement + UNKNOWN_SEQUENCE


def hint_for(
    kind: str | None, probe: tuple[str, Any], column: str, precision: int | None,
    scale: int | None,
) -> Offer:  # fmt: skip
    """What a warning on ``probe`` tells to do: for a fraction or a number past the precision,
    the rule that leaves the pair in sync, with the column's name as SQL writes it."""
    shown = sql_name(column)
    value = probe[1]  # a fraction in an integer column: FRACTION, or one beside a literal
    if kind in INTEGER_KINDS and isinstance(value, Decimal) and value != int(value):
        cast = "BIGINT" if kind == "bigint" else "INTEGER"
        return HINT_FRACTION.filled(column=shown, cast=cast)
    if kind == "date" and isinstance(value, str) and ("T" in value or NO_DAY in probe[0]):
        return HINT_DAY.filled(column=shown)  # a moment with an offset (``offset_moments``)
    if kind in PIN_FORMS and NO_DAY in probe[0]:
        return HINT_MOMENT.filled(column=shown, form=PIN_FORMS[kind])
    if isinstance(value, float) and value != value:  # NaN, which SQLite cannot hold
        return HINT_NAN.filled(column=shown)
    if kind == "numeric" and precision is not None:
        bound = Decimal(10) ** (precision - (scale or 0))
        if probe[1] in (bound, -bound):
            return HINT_PRECISION.filled(column=shown, bound=bound)
    return HINT_RULE


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
