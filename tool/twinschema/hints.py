"""Hints that name the command fixing the cause of a difference (issue 13).

A live database that differs from its metadata module is fixed one way when it is behind its
Alembic chain (migrate it) and another when it is already at the chain's head (then migrating
does nothing: a revision is missing, or someone edited the database by hand). And a difference
between the two live databases has a cause elsewhere in the same report: one database differs
from its module (fix that database), or the two modules differ (fix a module, then a revision
and a migration for each database). This module tells those apart for ``check``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from twinschema.config import Config
from twinschema.errors import TwinschemaError
from twinschema.records import Difference, FixSide, FixSite, Note
from twinschema.records.domain import logical_spelled

AT_HEAD, BEHIND, AHEAD = "at_head", "behind", "ahead"
REVISION_COMMAND = 'twinschema revision -m "..."'


def chain_state(config: Config, dialect: str, url: str) -> str | None:
    """``AT_HEAD``, ``BEHIND`` or ``AHEAD`` (at a revision the chain does not know: the code is
    older than the database): where the live database at ``url`` stands on ``dialect``'s
    Alembic chain, read without writing; None when there is no chain or it cannot be read (the
    migrations layer reports why), and the hint then names both causes.

    What counts as "cannot be read": twinschema's own errors (a folder that is no Alembic
    environment, a database it cannot open), Alembic's and SQLAlchemy's, an operating system's,
    and whatever a revision module raises while Alembic imports it (the user's code). Anything
    else is a bug in twinschema and surfaces as one."""
    if config.side(dialect).migrations is None:
        return None
    # Imported here: a check without migration chains never imports Alembic.
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from twinschema.migrations import migrate_chain
    from twinschema.migrations.migrations_state import current_revisions

    unreadable = (TwinschemaError, CommandError, RevisionError, SQLAlchemyError, OSError)
    try:
        script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
    except unreadable:
        return None
    try:
        heads = set(script.get_heads())
    except Exception:  # Alembic imports each revision module here: whatever the user's code raises
        return None
    try:
        current = set(current_revisions(url, config.postgres_schema, config.lock_timeout))
        known = {rev.revision for rev in script.walk_revisions()}
    except unreadable:
        return None
    if current - known:
        return AHEAD
    return AT_HEAD if current == heads else BEHIND


def database_fix(
    named: str, state: str | None, migrate_command: str, first: str | None = None
) -> str:
    """Where a fix to a live database goes (``named``: "the SQLite database"; its URL is in the
    report's header of the comparison), and the command for it: a database behind its chain
    is migrated; one at the head is named alone, since migrating it does nothing: what to do
    instead (a revision, the hand edit reverted, or, where it was stamped at head without
    migrating, a stamp back: stranger35 023) is said once for all its differences, by the
    note ``layers.at_head.at_head_note`` gives its comparison (stranger80 005: each hint
    repeated it). ``first``: what to do before migrating a database behind its chain that
    holds objects renamed or made by hand (``Sources.first_behind``), which a pending revision
    fails on."""
    if state == AT_HEAD:
        return named
    if state == BEHIND and first:
        return f"{named} ({first})"
    if state == AHEAD:  # no command: migrating cannot help, newer code can (stranger61 027)
        return named
    return f"{named} (run: {migrate_command})"


Key = tuple[str, str | None, str | None, str | None]


def _key(d: Difference) -> Key:
    return (d.kind, d.table, d.column, d.name)


def _presence_key(d: Difference) -> Key | None:
    """An object on one side only, by what it is rather than its name (an index, a unique
    rule, a CHECK is named by each dialect its own way: ``ix_cache_expires`` in the module,
    ``cache_expires_idx`` in the other database), None when both sides have it."""
    if (d.left is None) == (d.right is None):
        return None
    return (d.kind, d.table, d.column, d.left if d.left is not None else d.right)


def _fix_of(d: Difference, cause: Difference, database: str | None) -> FixSite | None:
    """Where the fix of live pair difference ``d`` goes: the file of its cause's fix, on the
    side of the pair that is ``database`` (the database at fault; None: the modules)."""
    if cause.fix is None:
        return d.fix
    if database is None:
        return cause.fix
    side = FixSide.LEFT if database == d.left_source else FixSide.RIGHT
    return FixSite(side=side, file=cause.fix.file, line=cause.fix.line)


def _renamed_key(d: Difference) -> tuple[str | None, str | None] | None:
    """A one-sided table (table, None) or column (table, column) of a live pair by its name as
    a database has it (``logical_spelled``'s marker taken off); None for other kinds."""
    if d.kind == "table_missing":
        return (logical_spelled(d.table or "") or d.table, None)
    if d.kind == "column_missing":
        return (d.table, logical_spelled(d.column or "") or d.column)
    return None


def _renames(
    module_vs_database: Iterable[Difference],
) -> dict[tuple[str | None, str | None], Difference]:
    """Each ``rename_pending`` difference of a database and its module by both names of what
    it renames (its new logical and its old physical one): the cause of the live pair's two
    one-sided tables or columns (stranger71 003)."""
    found: dict[tuple[str | None, str | None], Difference] = {}
    for d in module_vs_database:
        if d.kind != "rename_pending":
            continue
        if d.column is None:
            found.update({(d.table, None): d, (d.right, None): d})
        else:
            found.update({(d.table, d.column): d, (d.table, d.right): d})
    return found


# What a live pair's difference whose cause is the modules' difference is fixed by, said once
# for all of them (``live_pair_hints``): each hint said it (stranger79 011).
MODULES_DIFFER_NOTE = "modules_differ"
MODULES_DIFFER = (
    "Where a difference here says each database matches its module, the modules differ: fix "
    "them as its hint says (or allow the difference in domain.yaml), then write a revision for "
    f"each chain with `{REVISION_COMMAND}` and migrate both databases."
)


Found = dict[Key, list[Difference]]


def _causes_of(
    d: Difference,
    found: tuple[Found, Found, Found],
    renames: dict[tuple[str | None, str | None], Difference],
) -> list[Difference]:
    """The module-vs-database differences that cause live pair difference ``d``, each once:
    ``found`` holds them by key and presence, by what the database holds and by what its module
    lost (``live_pair_hints``); ``renames``, by a renamed object's key."""
    by_database, by_held, by_lost = found
    presence = _presence_key(d)
    causes = [
        *by_database.get(_key(d), ()),
        *(by_database.get(presence, ()) if presence else ()),
    ]
    if not causes and presence is None:  # stranger69 006: blamed an untouched database
        causes = [c for text in (d.left, d.right) for c in by_held.get((*_key(d)[:3], text), ())]
    if presence is not None:  # the other database lost what this one holds
        lacks = d.right_source if d.left is not None else d.left_source
        text = d.left if d.left is not None else d.right
        causes += [c for c in by_lost.get((*_key(d)[:3], text), ()) if c.right_source == lacks]
    renamed = _renamed_key(d)
    if not causes and renamed is not None and renamed in renames:
        causes = [renames[renamed]]
    return _one_each(causes)


def live_pair_hints(
    pair: Sequence[Difference],
    module_vs_database: Iterable[Difference],
    models: Iterable[Difference],
) -> tuple[list[Difference], list[Note]]:
    """The live-vs-live differences of ``pair`` with hints pointing at their cause: the database
    whose own comparison with its module shows the same difference, else (the two databases
    each match their module) the metadata modules, whose comparison shows it (a stale
    allowance there: its fix, in domain.yaml alone); and the note of what follows a fix of
    the modules (a revision for each chain, both migrated), where one is the cause."""
    by_database: Found = {}
    # By what the database holds (both sides have it): a key each dialect names its own way
    # (SQLite's naming convention, PostgreSQL's ``_fkey``) is not found by its name; and by
    # what its module has there that it lost (stranger78 004: the other database's index).
    by_held: Found = {}
    by_lost: Found = {}
    module_vs_database = list(module_vs_database)
    renames = _renames(module_vs_database)
    for d in module_vs_database:
        by_database.setdefault(_key(d), []).append(d)
        presence = _presence_key(d)
        if presence is not None:
            by_database.setdefault(presence, []).append(d)
        elif d.right is not None and d.left is not None:
            by_held.setdefault((d.kind, d.table, d.column, d.right), []).append(d)
            by_lost.setdefault((d.kind, d.table, d.column, d.left), []).append(d)
    models = list(models)
    by_models: dict[tuple[str, str | None, str | None], list[Difference]] = {}
    for m in models:
        by_models.setdefault(_key(m)[:3], []).append(m)
    held_first = [c for found in by_database.values() for c in found]
    on_table = {c.table: c for c in reversed(held_first)}
    result, noted = [], False
    for d in pair:
        causes = _causes_of(d, (by_database, by_held, by_lost), renames)
        cause = causes[0] if causes else None
        module = _module_twin(d, by_models.get(_key(d)[:3], []))
        if d.kind == "stale_allowance":
            # The same allowance (its line), not another of its table (stranger64).
            module = next((m for m in models if _same_allowance(m, d)), None)
            table_cause = on_table.get(d.table)
            if module is None and table_cause is not None and d.fix is not None:
                # The modules still use it; a database differs from its module on that table
                # (a hand edit), not the allowance.
                line = f"{d.fix.file}:{d.fix.line}"
                hint = (
                    f"{_pair_state(pair, d, line)}, so keep it: the database of "
                    f"{table_cause.left_source} differs from that module on {d.table}: fix that "
                    f"(the hint of [live] {table_cause.left_source} <> its database), and this "
                    "allowance matches again"
                )
                result.append(replace(d, hint=hint))
                continue
        if d.ways is not None and d.ways.uncomment is not None:
            # Its fix is one line of domain.yaml, this comparison's as each one's (stranger81
            # 007: "the database differs from that module", which holds no trigger).
            result.append(d)
            continue
        if cause is not None:
            result.append(
                replace(d, hint=_database_causes(causes), fix=_fix_of(d, cause, cause.right_source))
            )
            continue
        if module is not None and d.kind == "stale_allowance":
            # The fix is in domain.yaml alone: no schema changes, no revision (stranger57 043).
            around = ("the modules show the same stale allowance: ", "")
            fix = module.fix
        elif module is not None and _virtual_elsewhere(module):
            # A table one side's database has as a virtual table (stranger58): declaring it
            # for one dialect is a change to domain.yaml alone, no revision.
            around = (
                "each database matches its module: ",
                " (declaring it in domain.yaml needs no revision)",
            )
            fix = _fix_of(d, module, None)
        elif module is not None:
            around = (
                "each database matches its module: the modules differ (",
                "); see this comparison's note",
            )
            fix = _fix_of(d, module, None)
            noted = True
        else:
            result.append(d)
            continue
        result.append(replace(_within(d, module, *around), fix=fix))
    notes = [Note(MODULES_DIFFER_NOTE, "the modules", MODULES_DIFFER)] if noted else []
    return result, notes


def _one_each(causes: Sequence[Difference]) -> list[Difference]:
    """The first of ``causes`` on each database (by its URL), in their order: where both
    databases left their modules on one object, each is a cause (stranger78 004)."""
    seen: dict[str | None, Difference] = {}
    for c in causes:
        seen.setdefault(c.right_source, c)
    return list(seen.values())


def _within(d: Difference, module: Difference, before: str, after: str) -> Difference:
    """``d`` with its hint the hint of its modules' twin ``module`` between ``before`` and
    ``after``, and the allowance that hint offers kept as data (``Difference.offer``), where
    it offers one: ``init --allow-existing`` writes it (``offers``)."""
    offer = module.hint_offer()
    if offer is None:
        return replace(d, hint=before + module.hint + after, offer=None, then="")
    return d.offering(replace(offer, before=before + offer.before, after=offer.after + after))


def _database_causes(causes: Sequence[Difference]) -> str:
    """The hint of a live pair difference whose causes are ``causes``, one a database that
    differs from its module (each named by its module: its URL is in the headers already),
    each with its own index's name where it is an index (the names each side gives it)."""
    said = [
        f"the database of {c.left_source} differs from that module here{' too' if i else ''}: "
        f"fix that (the hint of [live] {c.left_source} <> its database)"
        + (f", its index {c.name} on {c.table}" if c.kind == "index" and c.name else "")
        for i, c in enumerate(causes)
    ]
    if len(said) == 1:
        return f"{said[0]}, and this difference goes with it"
    return "; and ".join(said) + "; this difference goes once both are fixed"


def _module_twin(d: Difference, candidates: Sequence[Difference]) -> Difference | None:
    """The modules' difference that is the live pair's ``d`` (its ``candidates``: those of its
    kind, table and column), whose hint and allowance are then ``d``'s: the one of its name
    too where there is one, else the one of the same object by what each side has and names
    (two unnamed CHECKs of a table; a CHECK the PostgreSQL database named ``t_a_check``, its
    module not); None where none is. Taking the last of one name gave a one-sided CHECK the
    allowance of another CHECK of its table (stranger72 001: ``json_valid(meta)`` was offered
    the species CHECK's ``{kind: check, checks: ...}``)."""
    named = [m for m in candidates if _key(m) == _key(d)]
    if len(named) == 1:
        return named[0]
    return next((m for m in named or candidates if _same_object(d, m)), None)


def _same_object(d: Difference, m: Difference) -> bool:
    """Whether two differences of one kind, table and column (a live pair's and the modules')
    are of the same object: on the same sides, and a side's name or text the same (a text up
    to spaces and parentheses, which PostgreSQL's catalog adds: ``CHECK ((a > 0))``)."""
    if (d.left is None, d.right is None) != (m.left is None, m.right is None):
        return False
    names = zip(d.names or (), m.names or (), strict=False)
    if any(a is not None and a == b for a, b in names):
        return True
    return any(
        a is not None and b is not None and _bare(a) == _bare(b)
        for a, b in ((d.left, m.left), (d.right, m.right))
    )


def _bare(text: str) -> str:
    """``text`` without spaces and parentheses: how two readings of one expression are told
    to be one where only one of several candidates can be (``_same_object``)."""
    return re.sub(r"[\s()]", "", text)


def _pair_state(pair: Sequence[Difference], stale: Difference, line: str) -> str:
    """What the two databases do on the table of a live pair's ``stale`` allowance (at
    ``line``), which the modules still need: agree, or differ otherwise than it declares (the
    kinds of what is left there, a CHECK edited by hand: stranger66 004)."""
    kinds = sorted({d.kind for d in pair if d.table == stale.table and d.kind != stale.kind})
    if not kinds:
        return (
            f"the databases agree here where the modules differ as this allowance ({line}) declares"
        )
    return (
        f"the databases differ here ({', '.join(kinds)} on {stale.table}), but not as this "
        f"allowance ({line}) declares, as the modules do"
    )


def _same_allowance(a: Difference, b: Difference) -> bool:
    """Whether two ``stale_allowance`` warnings are of the one allowance (its file and line)."""
    return (
        a.kind == b.kind == "stale_allowance"
        and a.fix is not None
        and b.fix is not None
        and (a.fix.file, a.fix.line) == (b.fix.file, b.fix.line)
    )


def _virtual_elsewhere(module: Difference) -> bool:
    """True for the modules' ``table_missing`` of a table the other side's database holds as
    a virtual table: the only one whose fix names the side that has the table
    (``compare.tables``, ``drop_from``), where any other names the side that lacks it."""
    fix = module.fix
    return (
        module.kind == "table_missing"
        and fix is not None
        and fix.side is not None
        and module.holds(fix.side)
    )
