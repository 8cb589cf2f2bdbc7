"""Collations compared without a database: across dialects only what a collation makes equal
counts (SQLite's NOCASE folds ASCII letters only, an ICU level-2 collation every letter: they
differ); between sources of one dialect its name counts too; a collation a metadata module names
without defining it (a PostgreSQL ``und-ci``) is unknown, so it never passes for NOCASE across
dialects, yet matches the live collation of the same name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinschema.canonical.normalize import canonicalize
from twinschema.compare import Side, compare
from twinschema.dialects import adapter
from twinschema.dialects.postgresql import collation_of
from twinschema.model import EQUALITY_CASE, Collation, Column, Schema, Table
from twinschema.sources.metadata import from_metadata


def schema(dialect: str, collation: Collation | None) -> Schema:
    column = Column("name", adapter(dialect).parse_type("TEXT"), collation=collation)
    return canonicalize(Schema(dialect, {"t": Table("t", columns=(column,))}))


def kinds(left: Schema, right: Schema) -> list[str]:
    found = compare(Side(left, "l", "l"), Side(right, "r", "r"), layer="diff")
    return [d.kind for d in found.differences]


NOCASE = adapter("sqlite").collation("nocase")
ICU_CI = collation_of("und-ci", False, "und-u-ks-level2")  # as read from a live database
NAMED_CI = adapter("postgresql").collation("und-ci")  # as a metadata module names it
C = adapter("postgresql").collation("C")


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (("sqlite", NOCASE), ("postgresql", ICU_CI), ["column_type"]),
        (("sqlite", None), ("postgresql", C), []),
        (("sqlite", NOCASE), ("postgresql", None), ["column_type"]),
        (("sqlite", NOCASE), ("postgresql", NAMED_CI), ["column_type"]),
        (("postgresql", NAMED_CI), ("postgresql", ICU_CI), []),
        (("postgresql", C), ("postgresql", None), ["column_type"]),
        (
            ("postgresql", ICU_CI),
            ("postgresql", collation_of("und-ci", True, "und")),
            ["column_type"],
        ),
        (("sqlite", NOCASE), ("sqlite", adapter("sqlite").collation("NoCase")), []),
        (("sqlite", adapter("sqlite").collation("binary")), ("sqlite", None), []),
    ],
    ids=[
        "nocase-vs-icu-ci",
        "binary~C",
        "nocase-vs-default",
        "nocase-vs-unknown",
        "named-vs-live-same-name",
        "C-vs-default",
        "same-name-other-strength",
        "nocase-spelling",
        "binary-is-default",
    ],
)
def test_collation_verdicts(
    left: tuple[str, Collation | None], right: tuple[str, Collation | None], expected: list[str]
) -> None:
    assert kinds(schema(*left), schema(*right)) == expected


def test_icu_strengths_and_names() -> None:
    """What the PostgreSQL adapter makes of a collation's locale and name."""
    assert ICU_CI.equality == EQUALITY_CASE
    assert collation_of("x", False, "@colStrength=secondary").equality == EQUALITY_CASE
    assert collation_of("x", False, "und-u-kc-true").equality == "nondeterministic und-u-kc-true"
    assert NAMED_CI is not None and NAMED_CI.equality is None
    assert adapter("postgresql").collation("default") is None
    assert adapter("postgresql").collation("en_US.utf8") == Collation("en_US.utf8")


def test_metadata_collation_is_the_columns_not_its_types() -> None:
    """``String(collation=...)``: the column keeps the collation, the type its own name."""
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("name", sa.String(20, collation="NOCASE")))
    column = from_metadata(metadata, "sqlite").tables["t"].columns[0]
    assert column.collation == NOCASE
    assert (column.type.name, column.type.length) == ("varchar", 20)
