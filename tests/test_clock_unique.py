"""Clock defaults under a unique rule (``evaluate.clock_unique``, stranger66 012): SQLite reads its
clock once per statement, PostgreSQL's now() once per transaction, so one transaction with two
inserts a second apart stores two rows on SQLite and is refused on PostgreSQL. The message names
the inserts and what each side gives at a fixed moment; the hint's default is the near miss's,
which stays in sync (golden cases), and the witness transaction is run on both real databases."""

from __future__ import annotations

import pytest
from clock_inserts import two_inserts
from probes import Loader, case_named, compare_expected

_CASE = "sl-pg.unique-clock-per-transaction"
_NEAR = "sl-pg.unique-clock-per-statement-near-miss"


def test_the_message_names_the_transaction_and_each_sides_values(loader: Loader) -> None:
    found = compare_expected(loader, _CASE)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert default.message.startswith(
        "inserts that omit ev.at part under UNIQUE (at): in one transaction, two inserts of one "
        "row 1.5 seconds apart (BEGIN; INSERT at 2026-03-04 09:05:07.2 UTC; INSERT at "
        "09:05:08.7; COMMIT): PostgreSQL's date_trunc("
    ), default.message
    assert (
        "(read once per transaction) gives both rows 2026-03-04 09:05:07+00:00" in default.message
    )
    assert (
        "SQLite's CURRENT_TIMESTAMP (read once per statement) gives '2026-03-04 09:05:07' and "
        "'2026-03-04 09:05:08', and stores both" in default.message
    ), default.message
    defaults = [e for e in found.equivalences if e.column == "at" and e.rule != "timestamptz"]
    assert not defaults, defaults


def test_the_hint_is_the_near_miss_default(loader: Loader) -> None:
    """The hint spells the PostgreSQL default the near miss uses, which is in sync."""
    found = compare_expected(loader, _CASE)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert default.hint is not None
    assert "(date_trunc('second', statement_timestamp()))" in default.hint, default.hint
    assert "date_trunc('second', statement_timestamp())" in case_named(_NEAR).sql("b")
    near = compare_expected(loader, _NEAR)
    assert not near.differences


@pytest.mark.parametrize(
    ("name", "sqlite_rows", "postgresql_rows"),
    [(_CASE, 2, "refused"), (_NEAR, 2, 2)],
    ids=["per-transaction", "near-miss"],
)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_witness_transaction_on_real_databases(
    loader: Loader, dialect: str, name: str, sqlite_rows: int, postgresql_rows: int | str
) -> None:
    """BEGIN; an insert; the clock past its next second; an insert; COMMIT: what each real
    database does with it is what the verdict says (refused on PostgreSQL's now() only)."""
    case = case_named(name)
    side = "a" if dialect == "sqlite" else "b"
    expected = sqlite_rows if dialect == "sqlite" else postgresql_rows
    with loader.load(dialect, case.sql(side)) as handle:
        got = two_inserts(loader, dialect, handle)
    assert got == expected
