"""The ``renamed`` warning: an index or constraint a live database holds under another name than
its metadata module gives it (``compare.renames``). In sync, since the comparer matches such
objects by what they do, but a later revision that drops or alters it by the module's name fails
on that database; the warning names both names and the statement that renames it back. Only a
metadata module against its own database: never across dialects nor between the two databases,
where each dialect's names are its own."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from twinschema.compare.renames import Matched, Renamed, renamed
from twinschema.dialects.renames import fits, rename_back
from twinschema.model import Schema
from twinschema.records import Difference, Equivalence, FixSide, FixSite, Severity, Side

KIND = "renamed"


def physical_table(raw: Schema | None, found: Renamed) -> str:
    """The database's own name of the table holding ``found`` (its logical name where the raw
    read shows no other)."""
    if raw is None:
        return found.table
    for table in raw.tables.values():
        names = [i.name for i in table.indexes] + [u.name for u in table.uniques]
        names += [c.name for c in table.checks] + [fk.name for fk in table.foreign_keys]
        if found.actual in names:
            return table.name
    return found.table


def renames(
    expected: Side, live: Side, dialect: str, matched: Collection[Matched] = ()
) -> list[Renamed]:
    """What ``live`` holds under another name than ``expected`` gives it, leaving out names
    the dialect would not keep as written (past PostgreSQL's 63 bytes); ``matched``: the
    pairs the evaluation stage made one (``evaluated_pairs``)."""
    found = renamed(expected.schema, live.schema, matched)
    return [r for r in found if fits(dialect, r.name)]


def evaluated_pairs(equivalences: Sequence[Equivalence]) -> list[Matched]:
    """The objects of two other names that the evaluation stage found equal (left's name,
    right's name, by table): a predicate or CHECK a database stores with a cast the module
    does not write is one only on probe rows (stranger78 008)."""
    return [
        (e.table, e.names[0], e.names[1])
        for e in equivalences
        if e.names is not None and e.names[0] and e.names[1]
    ]


def rename_statement(dialect: str, raw: Schema | None, found: Renamed) -> str:
    """The statement (or the way, on SQLite) that gives ``found`` its expected name again."""
    return rename_back(dialect, found.kind, physical_table(raw, found), found.actual, found.name)


def renamed_warnings(
    model: Side,
    live: Side,
    dialect: str,
    raw: Schema | None,
    equivalences: Sequence[Equivalence] = (),
) -> list[Difference]:
    """One ``renamed`` warning per object ``live`` holds under another name than ``model``
    (``equivalences``: what comparing the two found, evaluation included)."""
    database = live.short or live.label
    warnings = []
    for found in renames(model, live, dialect, evaluated_pairs(equivalences)):
        warnings.append(
            Difference(
                layer="live",
                kind=KIND,
                table=found.table,
                column=None,
                name=found.name,
                left=found.name,
                right=found.actual,
                message=(
                    f"{found.described} on {found.table} is named {found.actual} in {database} "
                    f"(renamed by hand?): matched by what it does, so in sync, but a revision "
                    f"that drops or alters it by the name {found.name} fails on that database"
                ),
                hint=(
                    f"rename it back: {rename_statement(dialect, raw, found)}; or name it "
                    f"{found.actual} in {model.label}"
                ),
                severity=Severity.WARNING,
                left_source=model.label,
                right_source=live.label,
                fix=FixSite(side=FixSide.RIGHT, file=model.file),
            )
        )
    return warnings


def rename_first(renamed: Sequence[str], migrate_command: str) -> str:
    """What to do, in order, for a database behind its chain that holds ``renamed`` objects:
    migrating first fails where a pending revision drops or alters one by the chain's name."""
    return (
        "migrating fails where a pending revision drops or alters by name what was renamed by "
        f"hand: first rename it back ({'; '.join(renamed)}), then migrate with "
        f"`{migrate_command}`"
    )
