"""The columns a CHECK reads, where it reads one through ``doc -> 'k'`` inside a call: sqlglot
takes that for a lambda of ``doc`` (neither SQLite nor PostgreSQL has lambdas), so a reader that
walks only ``Column`` nodes sees no column. ``sql_expression.columns_read`` is the one place that
knows; the probes (``expression_reads.reads``) and the SQL file's CHECK naming (``written``) both use it."""

from __future__ import annotations

from functools import partial

import pytest
import sqlglot

from twinschema.evaluate import expression_reads
from twinschema.records import DIALECTS, SQLGLOT_DIALECTS
from twinschema.sources.sqlfile.written import written
from twinschema.sql_expression import columns_read, parse_expression

CHECK = "f(doc -> 'a') > 0"


def _names(dialect: str, text: str) -> list[tuple[str, bool]]:
    tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    return sorted((i.name, bool(i.args.get("quoted"))) for i in columns_read(tree))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_arrow_in_a_call_reads_its_column(dialect: str) -> None:
    assert _names(dialect, CHECK) == [("doc", False)]
    assert _names(dialect, "f(\"Doc\" -> 'a') > n") == [("Doc", True), ("n", False)]
    # Near miss: outside a call the arrow is a JSON extract of the column, read once.
    assert _names(dialect, "doc -> 'a' IS NOT NULL") == [("doc", False)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_probes_read_the_column_of_an_arrow_in_a_call(dialect: str) -> None:
    found = expression_reads.reads(dialect, CHECK)
    assert found is not None and found.columns == {"doc"}


def test_a_column_printed_through_an_arrow_in_a_call_is_rendered() -> None:
    """printf() of ``doc -> 'a'`` converts doc's member to text: doc is a column it renders
    (before columns_read: none, the arrow being a lambda to the walk of Column nodes)."""
    found = expression_reads.reads("sqlite", "printf('%s', doc -> 'a') <> ''")
    assert found is not None and found.rendered == {"doc"}


def test_the_sql_file_names_a_check_for_the_column_of_an_arrow_in_a_call() -> None:
    """PostgreSQL names a CHECK of one column t_<column>_check: the same CHECK text as the
    probes read gets the name of doc."""
    found = written(f"CREATE TABLE t (doc jsonb, CHECK ({CHECK}));")
    assert found.checks == {("t", "t_doc_check"): CHECK}


@pytest.mark.parametrize(
    ("dialect", "text", "keys"),
    [
        # PostgreSQL keeps a quoted name exactly and folds an unquoted one: two columns.
        ("postgresql", '"At" > 0', {"At"}),
        ("postgresql", "AT > 0", {"at"}),
        ("postgresql", '"At" > at', {"At", "at"}),
        # SQLite matches names without regard to ASCII case, quoted or not: one column.
        ("sqlite", '"At" > 0', {"at"}),
        ("sqlite", '"At" > at', {"at"}),
        # ...ASCII letters only, on both (``É`` and ``é`` are two columns).
        ("sqlite", "Éa > 0", {"Éa"}),
        ("postgresql", "Éa > 0", {"Éa"}),
    ],
)
def test_a_check_reads_its_columns_by_their_keys_in_its_dialect(
    dialect: str, text: str, keys: set[str]
) -> None:
    """``table_checks`` gives a CHECK's columns by ``Reads.keys``, the keys ``catalog_key``
    gives a column's own name: it lowered them, making PostgreSQL's "At" and at one column
    (golden case sl-pg.check-on-quoted-column-case-apart)."""
    found = expression_reads.reads(dialect, text)
    assert found is not None
    assert found.keys == keys
