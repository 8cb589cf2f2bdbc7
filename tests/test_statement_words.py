"""Expressions that begin with a word sqlglot takes for a statement (a column named ``lock``,
``comment``, ``load``...): read as expressions, not compared as written.

A new user's round 20 adopted Synapse, whose ``Lock CHAR(1) ... CHECK (Lock='X')`` tables were a
CHECK difference between the metadata modules (PostgreSQL's ``lock = 'X'::bpchar`` parsed as the
LOCK command) and the same CHECK between the live databases (printed ``(lock = 'X'::bpchar)``,
which parses): an allowance one layer needed was stale in the other. The same parse made SQLite's
``comment = upper(comment)`` text equal to PostgreSQL's, a false "in sync" (witness 'é').
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from support.dbpool import DatabasePool
from support.testing import compared_evaluated

from twinschema.canonical.expressions import canonical, parse
from twinschema.canonical.normalize import canonicalize
from twinschema.compare import Side
from twinschema.dialects import ReflectOptions
from twinschema.evaluate import expression_reads
from twinschema.records import DIALECTS
from twinschema.sources.metadata import from_metadata

# Column names sqlglot reads as the start of a statement. (``fetch``, ``grant`` and ``alter`` it
# cannot read as a column even in parentheses or a function's argument: README Limits.)
WORDS = ("lock", "comment", "load", "call", "reset", "show", "set", "copy", "declare", "explain")


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("word", WORDS)
def test_an_expression_led_by_a_statement_word_reads_as_in_parentheses(
    dialect: str, word: str
) -> None:
    bare = f"{word} = upper({word})"
    assert canonical(dialect, bare) == canonical(dialect, f"({bare})")
    assert "upper" in canonical(dialect, bare).text.lower()
    reads = expression_reads.reads(dialect, bare)
    assert reads is not None and reads.columns == {word}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_statement_stays_a_statement(dialect: str) -> None:
    """Near miss: text that is a statement (a trigger) is not made an expression."""
    text = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"
    assert type(parse(dialect, text)).__name__ != "Paren"
    assert canonical(dialect, "lock = 'X' -- a comment ending the text").text == "lock = 'X'"


def _lock_table(metadata: sa.MetaData, check: str, name: str | None) -> sa.Table:
    return sa.Table(
        "appservice_stream_position",
        metadata,
        sa.Column("lock", sa.CHAR(1), nullable=False, server_default=sa.text("'X'")),
        sa.CheckConstraint(check, name=name),
    )


@pytest.fixture
def scratch(pg_databases: DatabasePool) -> Iterator[str]:
    with pg_databases.database() as url:
        yield url


@pytest.mark.parametrize(
    ("pg_check", "expected"),
    [
        # The same letter: character(1) takes 'X ' as 'X', SQLite's CHECK refuses 'X ' (the
        # witness), so the CHECK differs beside the type (stranger74 008).
        ("lock = 'X'::bpchar", ["check", "column_type"]),
        # Near miss: another letter is another CHECK (witness 'X'), which also refuses the
        # column's default 'X' on PostgreSQL only (inserts that omit lock fail there).
        ("lock = 'Y'::bpchar", ["check", "column_default", "column_type"]),
    ],
)
def test_synapse_lock_check_between_metadata_modules(
    scratch: str, pg_check: str, expected: list[str]
) -> None:
    """The metadata modules ``init`` wrote for Synapse: the CHECK and the fixed-length type
    are judged as the live layer judges them (both differ: 'X ')."""
    sides = []
    for dialect, check, name in (
        ("sqlite", "Lock='X'", None),
        ("postgresql", pg_check, "appservice_stream_position_lock_check"),
    ):
        metadata = sa.MetaData()
        _lock_table(metadata, check, name)
        schema = canonicalize(from_metadata(metadata, dialect, dialect, ReflectOptions()))
        sides.append(Side(schema, dialect, dialect))
    found = compared_evaluated(sides[0], sides[1], scratch)
    assert sorted(d.kind for d in found.differences) == expected
