"""Which of PostgreSQL's clocks an expression reads (stranger61 026).

PostgreSQL keeps three current moments: the transaction's start (``now()``,
``CURRENT_TIMESTAMP``, ``transaction_timestamp()``, ``LOCALTIMESTAMP``, ``CURRENT_DATE``, a
special word such as ``'now'`` converted at each insert), the statement's start
(``statement_timestamp()``) and the moment of the call (``clock_timestamp()``, ``timeofday()``).
As defaults two of them are told apart by running them side by side (``side_by_side``); in a
CHECK every probe row runs in a transaction and statement of its own, where the three agree, so
``expires_at > now()`` and ``expires_at > clock_timestamp()`` are "equal on N probes" although
a row inserted late in a transaction (a sync batch) parts them. Two CHECKs of one PostgreSQL
pair that read different clocks are a difference that says when they part; no fixed row shows
it. SQLite reads one clock per statement: it has nothing to tell apart here.
"""

from __future__ import annotations

import datetime as dt
import re

from twinschema.evaluate.context import StageContext

# The read of the statement's clock, and of the call's that a value can be compared with.
_STATEMENT = r"(?i)\bstatement_timestamp\s*\(\s*\)"
_CALL = r"(?i)\bclock_timestamp\s*\(\s*\)"
# Each PostgreSQL clock: what it is, and the reads of it (compiled at first use: re's cache).
_CLOCKS = (
    (
        "the transaction's start",
        r"(?i)\b(?:now|transaction_timestamp)\s*\(\s*\)|\bcurrent_(?:timestamp|date|time)\b"
        r"|\blocal(?:timestamp|time)\b|'\s*(?:now|today|tomorrow|yesterday)\s*'",
    ),
    ("the statement's start", _STATEMENT),
    ("the moment of the call", r"(?i)\b(?:clock_timestamp|timeofday)\s*\(\s*\)"),
)


def clocks_read(text: str) -> tuple[str, ...]:
    """The PostgreSQL clocks ``text`` reads, as ``_CLOCKS`` names them, in its order."""
    return tuple(name for name, pattern in _CLOCKS if re.search(pattern, text))


def clocks_apart(st: StageContext, texts: tuple[str, str]) -> str:
    """Where two CHECKs of a PostgreSQL pair both read the clock but not the same clocks, why
    they part although their probe rows find them equal; "" otherwise (another dialect on a
    side, a side that reads no clock, the same clocks)."""
    if (st.left.schema.dialect, st.right.schema.dialect) != ("postgresql", "postgresql"):
        return ""
    read = [clocks_read(t) for t in texts]
    if not read[0] or not read[1] or set(read[0]) == set(read[1]):
        return ""
    each = [" and ".join(r) for r in read]
    late = (
        " (a value now() + 0.5 seconds, inserted a second into its transaction)"
        if "the transaction's start" in set(read[0]) ^ set(read[1])
        else ""
    )
    return (
        f"they read different clocks: {st.side_name('left')} reads {each[0]}, "
        f"{st.side_name('right')} {each[1]}, which move apart as a transaction goes on: they "
        f"part on a row written later than its margin to the clock{late}, which no probe row "
        "shows (each runs at the start of a transaction of its own)"
    )


# The reads of a clock later than the transaction's start: in one insert, clock_timestamp()
# is read after the transaction started (29-182 us later in an autocommit INSERT on PostgreSQL
# 16.2), and statement_timestamp() is the transaction's start in a lone autocommit statement
# only, later in every statement after a BEGIN (stranger63 027).
_LATER = r"(?i)(?:\bpg_catalog\.)?\b(?:statement_timestamp|clock_timestamp)\s*\(\s*\)"
LATER_BY = dt.timedelta(milliseconds=1)


def later_reads(dialect: str, text: str, moment: str) -> str:
    """``text`` with each PostgreSQL read of the statement's or the call's clock replaced by
    ``moment`` (UTC) plus ``LATER_BY``: as one insert reads them, later than the transaction's
    start that ``now()`` reads (``clock_fixed.at_fixed_moment`` puts that at ``moment``); ``text``
    as it is on SQLite, which reads one clock per statement."""
    if dialect != "postgresql":
        return text
    later = dt.datetime.fromisoformat(moment) + LATER_BY
    return re.sub(_LATER, f"('{later.isoformat(' ')}+00'::timestamptz)", text)


def statement_only(texts: list[str]) -> bool:
    """True when ``texts`` read the statement's clock and not the call's: a lone autocommit
    insert reads statement_timestamp() as now(), only a statement after a BEGIN later."""
    read = " ".join(texts)
    return bool(re.search(_STATEMENT, read)) and not re.search(_CALL, read)


# How often an insert reads a default's clock (stranger66 012, on SQLite 3.40 and PostgreSQL
# 16.2): SQLite reads 'now' once per statement (one sqlite3_step: a one-statement INSERT of two
# rows gives both one value, two statements of one transaction two); PostgreSQL's now() once per
# transaction, statement_timestamp() once per statement, clock_timestamp() at each call (two
# rows of one INSERT get two values).
PER_TRANSACTION = "once per transaction"
PER_STATEMENT = "once per statement"
PER_CALL = "at each call, row by row"
_READ_ONCE_PER = {
    "the transaction's start": PER_TRANSACTION,
    "the statement's start": PER_STATEMENT,
    "the moment of the call": PER_CALL,
}


def read_once_per(dialect: str, text: str) -> str | None:
    """How often an insert reads the clock of the default ``text`` (``PER_TRANSACTION``,
    ``PER_STATEMENT``, ``PER_CALL``); None where it reads none, or (PostgreSQL) more than one
    clock: a UNIQUE rule over the column refuses a second row where the two reads agree."""
    if dialect == "sqlite":
        return PER_STATEMENT
    read = clocks_read(text)
    return _READ_ONCE_PER[read[0]] if len(read) == 1 else None
