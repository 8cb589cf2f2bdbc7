"""Each revision's downgrade() against its upgrade(), for the ``migrations`` layer.

The round trip (head to base and back) cannot see a downgrade that forgets an object when an
older revision's downgrade drops its table later: at base both are gone. So on a linear chain
the scratch database is upgraded one revision at a time, read before each upgrade, and
downgraded one revision at a time, read after each downgrade: after revision R's downgrade the
schema must be the one before R's upgrade. The first revision is left to the round trip (its
downgrade leads to base, where the leftovers check reads what is left).

The running is the layer's (``step`` runs one Alembic step on the scratch database, ``read``
reflects it); this module orders the steps and turns what they read into differences. What
they read is a ``StepRun``, kept with the rest of the scratch run by ``migrations_cache``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from twinschema.compare import compare
from twinschema.migrations.migrations_cache import ScratchRun, StepRun
from twinschema.migrations.migrations_chain import LAYER, ROUNDTRIP, Chain, migration_difference
from twinschema.migrations.roundtrip_checks import check_statements
from twinschema.model import Column, Schema
from twinschema.records import Difference, FixSide, FixSite, Side
from twinschema.records.domain import Domain, logical_spelled

if TYPE_CHECKING:  # chain_renames imports Alembic: a check whose kept runs are reused never does
    from twinschema.migrations.chain_renames import Renamed

# One Alembic step on the scratch database: ("upgrade" | "downgrade", target revision) -> its
# error in one line, or None.
Step = Callable[[str, str], str | None]


def linear_revisions(chain: Chain, down: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The chain's revisions base first when it is one line of two or more (one head, no
    merge, one base), else (): downgrading to a revision of one branch also undoes the other
    branches, and one revision's step is the round trip to base. ``down``: each revision's
    down revisions."""
    if len(chain.revisions) < 2 or len(chain.heads) != 1 or any(len(d) > 1 for d in down.values()):
        return ()
    if sum(1 for d in down.values() if not d) != 1:
        return ()
    return tuple(rev.revision for rev in chain.revisions)


def upgrade_steps(revisions: Sequence[str], step: Step, read: Callable[[], Schema]) -> StepRun:
    """From an empty database, upgrade one revision at a time to head, reading the schema
    before each revision but the first. Stops at the first step that fails."""
    run = StepRun()
    for index, revision in enumerate(revisions):
        if index:
            run.before[revision] = read()
        error = step("upgrade", revision)
        if error:
            run.failed = ("upgrading to", revision, error)
            break
    return run


def downgrade_steps(
    run: StepRun, revisions: Sequence[str], step: Step, read: Callable[[], Schema]
) -> None:
    """From head, downgrade one revision at a time to the first revision, reading the schema
    after each downgrade into ``run``. Stops at the first step that fails."""
    for index in range(len(revisions) - 1, 0, -1):
        revision, below = revisions[index], revisions[index - 1]
        error = step("downgrade", below)
        if error:
            run.failed = ("downgrading", revision, error)
            return
        run.after[revision] = read()


def failure(
    kind: str, chain: Chain, against: str, doing: str, error: str, revision: str | None = None
) -> Difference:
    """A step of a chain's scratch run that fails (``doing``: what it did), with its error.
    Where the revision whose step failed is known (``revision``), its file is named and is
    where the fix goes: a downgrade that fails may be an older revision's, not the newest's
    (stranger54 U3: ``revision`` named the file it had just written); else the chain."""
    path = next((r.path for r in chain.revisions if r.revision == revision), None)
    d = migration_difference(
        kind,
        (chain.label, against),
        name=None,
        left=error,
        right=None,
        message=f"{doing}{f' ({path})' if path else ''} fails on a scratch {chain.dialect} "
        f"database: {error}",
        hint=f"fix the failing revision in {chain.label}" if path is None else f"fix {path}",
    )
    return d if path is None else replace(d, fix=FixSite(side=FixSide.LEFT, file=path))


def base_step(chain: Chain, run: ScratchRun) -> str | None:
    """The revision whose downgrade the run's last step to base ran: the first revision where
    the steps went down one revision at a time to it (a linear chain) or it is the only one;
    None where the chain branches (the step undoes several)."""
    if chain.revisions and (run.steps.before or len(chain.revisions) == 1):
        return chain.revisions[0].revision
    return None


def step_differences(
    run: StepRun,
    chain: Chain,
    against: str,
    canonical: Callable[[Schema], Schema],
    domain: Domain | None,
) -> list[Difference]:
    """Per revision whose downgrade() does not give back the schema before its upgrade():
    each difference, naming the revision and its file (base first). What a later revision's
    downgrade left is carried down through every step below it: it is that revision's alone,
    not blamed again on the revisions whose downgrades ran after it, under the name its table
    had before each revision that renamed it (stranger64 004)."""
    paths = {rev.revision: rev.path for rev in chain.revisions}
    renames = {rev.revision: rev.renames for rev in chain.revisions}
    blamed: list[list[Difference]] = []
    carried: set[tuple[str | None, ...]] = set()
    for revision, before in reversed(run.before.items()):  # in the order they were undone
        path = paths.get(revision, chain.label)
        carried = {_renamed_back(key, renames.get(revision, ())) for key in carried}
        after = run.after.get(revision)
        if after is None:
            continue
        fix = f"the downgrade() of {revision} ({path})"
        left = Side(canonical(before), f"{chain.label} before {revision}", fix, role="chain")
        right = Side(canonical(after), f"{chain.label} after the downgrade of {revision}", fix)
        right = replace(right, role="chain")
        found = compare(left, right, layer=LAYER, domain=domain).differences
        seen = {(d.table, d.column) for d in found if d.kind == "column_default"}
        found += [
            d
            for d in own_defaults(left.schema, before, after, (left.label, right.label))
            if (d.table, d.column) not in seen
        ]
        before_schema = left.schema
        keys = [_carried(d, domain, chain.dialect) for d in found]
        own = [d for d, key in zip(found, keys, strict=True) if key not in carried]
        carried |= set(keys)
        blamed.append([])
        for d in own:
            blamed[-1].append(
                replace(
                    d,
                    kind=ROUNDTRIP,
                    left_source=chain.label,
                    right_source=against,
                    message=f"the downgrade() of revision {revision} ({path}) does not undo "
                    f"its upgrade(): {d.kind}: {d.message}",
                    hint=f"make downgrade() in {path} undo exactly what its upgrade() does"
                    + batch_cause(chain.dialect, d, before_schema)
                    + check_statements(
                        chain.dialect, d, own, before_schema, _physical(d, domain, chain.dialect)
                    ),
                )
            )
    return [d for ds in reversed(blamed) for d in ds]


def own_defaults(
    compared: Schema, before: Schema, after: Schema, labels: tuple[str, str]
) -> list[Difference]:
    """Columns of a domain whose own DEFAULT differs between ``before`` and ``after`` (as read,
    physical names; ``compared``: ``before`` in canonical form, for the logical names), where
    the comparison reads what an insert gets (the column's DEFAULT, else its domain's) and
    sees none: a downgrade that sets the column's own DEFAULT to what its domain holds
    (``alter_column(server_default=...)`` written from a reflected column that SQLAlchemy gave
    its domain's DEFAULT) inserts the same values, but the revision below it, whose downgrade
    drops the domain's DEFAULT (``ALTER DOMAIN code3 DROP DEFAULT``), then leaves the column's
    behind: that was blamed on it (stranger68 011). Named here, the difference is the
    downgrade's that made it, and carried below it."""
    found: list[Difference] = []
    for table in compared.tables.values():
        own = table.physical or table.name
        was, now = before.tables.get(own), after.tables.get(own)
        if was is None or now is None:
            continue
        for column in table.columns:
            lc, rc = was.column(column.own_name), now.column(column.own_name)
            if lc is None or rc is None or None in (lc.type.definition, rc.type.definition):
                continue
            left, right = _own_default(lc), _own_default(rc)
            if left == right:
                continue
            d = migration_difference(
                "column_default",
                labels,
                name=column.name,
                left=left or "none",
                right=right or "none",
                message=f"default of {table.name}.{column.name} differs: {left or 'none'} vs "
                f"{right or 'none'} (the column's own DEFAULT, its domain's aside)",
                hint="",
                table=table.name,
            )
            found.append(replace(d, column=column.name))
    return found


def own_defaults_at_head(
    head: Schema, live: Schema, built: Schema, labels: tuple[str, str]
) -> list[Difference]:
    """Columns of a domain whose own DEFAULT differs between the live database at head
    (``live``, as read) and what its chain builds (``built``, as read; ``head``: in canonical
    form). Inserts agree while the column without one gets its domain's DEFAULT, so no other
    comparison sees it, but an ``ALTER DOMAIN ... SET DEFAULT`` then reaches only that column:
    ``init`` had written the domain's DEFAULT onto the column, so every database its chain
    built kept 20.0 where the adopted one got 22.0 (stranger70 005)."""
    found = own_defaults(head, live, built, labels)
    return [
        replace(
            d,
            message=f"{d.message}: an ALTER DOMAIN ... SET DEFAULT would reach only the "
            "column without one of its own",
            hint="give the database's column the DEFAULT its chain builds (ALTER TABLE ... "
            "ALTER COLUMN ... SET DEFAULT or DROP DEFAULT), or write a revision that makes the "
            "chain build what the database has",
        )
        for d in found
    ]


def _own_default(column: Column) -> str | None:
    """A column's own DEFAULT as its database prints it (none: None)."""
    return column.raw_default if column.raw_default is not None else column.default


def batch_cause(dialect: str, d: Difference, before: Schema) -> str:
    """Why a SQLite downgrade lost an object it did not touch, where that is the likely cause:
    ``batch_alter_table`` recreates the table, and its copy leaves out an unnamed CHECK or an
    index on an expression that names a column the batch drops or renames."""
    if dialect != "sqlite" or d.left is None or d.right is not None or d.table is None:
        return ""
    table = before.tables.get(d.table)
    if table is None:
        return ""
    lost = None
    if d.kind == "check" and d.name is None:
        lost = "its unnamed CHECK"
    columns = {c.name for c in table.columns}
    for index in table.indexes:
        if d.kind == "index" and index.name == d.name and set(index.expressions) - columns:
            lost = f"its index {index.name} on an expression"
    if lost is None:
        return ""
    in_place = (
        "a plain column is dropped in place by op.drop_column or "
        "batch_alter_table(..., recreate='never') (SQLite 3.35+)"
    )
    if d.kind == "check":
        # stranger64 002: table_args listing only a new CHECK lost the table's other one, and
        # this hint said a column was dropped or renamed (none was) and advised table_args.
        return (
            f"; batch mode (batch_alter_table) recreated table {d.table} and lost {lost}: "
            "the copy leaves it out when its batch_alter_table(..., table_args=...) lists "
            "CHECKs without it (table_args replaces the table's unnamed CHECKs: list every "
            "CHECK the table keeps there), or when it names a column the batch drops or "
            f"renames ({in_place}); else name the CHECK"
        )
    return (
        f"; batch mode (batch_alter_table) recreated table {d.table} and lost {lost}, which "
        f"the copy leaves out when it names a column the batch drops or renames: {in_place}; "
        "else create the index again after the batch"
    )


def _carried(d: Difference, domain: Domain | None, dialect: str) -> tuple[str | None, ...]:
    """What a difference is about, whatever step shows it: its kind, object and both sides;
    its table by the name it has in the step's database (the domain's logical name is that of
    the table's name now; an older name is its own, marked ``as_logical`` where it spells a
    logical name)."""
    table = d.table
    if table is not None:
        spelled = logical_spelled(table)
        if spelled is not None:
            table = spelled
        elif domain is not None and table in domain.tables:
            table = domain.tables[table].physical(dialect)
    return (d.kind, table, d.column, d.name, d.left, d.right)


def _physical(d: Difference, domain: Domain | None, dialect: str) -> str:
    """The name of ``d``'s table in the chain's database (``_carried``'s)."""
    return _carried(d, domain, dialect)[1] or ""


def _renamed_back(
    key: tuple[str | None, ...], renames: Sequence[Renamed]
) -> tuple[str | None, ...]:
    """A carried ``key`` under the name its table had before ``renames`` ran."""
    table = key[1]
    for old, new in reversed(renames):
        if table == new:
            table = old
    return (key[0], table, *key[2:])
