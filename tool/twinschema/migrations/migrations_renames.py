"""The schema a live database's Alembic chain gives at the revision that database is at, built on
an empty scratch database: what a database behind its chain is compared with to find what was
renamed by hand (``layers.renamed``), which a pending revision naming it by the chain's name
would fail on. Read only for a database behind its chain (one more upgrade, on a scratch
database, never on the database checked), which then goes on to the chain's head: where that
fails, the pending revisions fail on the database too, whatever it holds (stranger32 case
055), and migrating it is not the fix."""

from __future__ import annotations

from collections.abc import Callable

from twinschema.dialects import ReflectOptions
from twinschema.errors import TwinschemaError
from twinschema.layers.plan import CheckPlan
from twinschema.model import Schema
from twinschema.servers import scratch
from twinschema.sources import reflect_url


def chain_at_revision(
    plan: CheckPlan, dialect: str, options: ReflectOptions
) -> tuple[Schema, str | None] | None:
    """The schema ``dialect``'s chain builds up to the one revision its live database is at,
    read as ``options`` read that database, and why upgrading it on from there to the chain's
    head fails (None when it does not); empty when it is at base (no scratch database needed:
    the chain has made nothing yet; whether its upgrade fails is not tried there); None when the
    database is at head, on several branches, or when the chain or the database cannot be read
    (the migrations layer says why) or the upgrade to that revision fails."""
    config = plan.config
    url = plan.urls.get(dialect)
    if url is None or config.side(dialect).migrations is None:
        return None
    # Imported here: a check whose databases are at head never imports Alembic for this.
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from twinschema.migrations import migrate_chain
    from twinschema.migrations.migrations_alembic import run_step
    from twinschema.migrations.migrations_state import current_revisions

    unreadable = (TwinschemaError, CommandError, RevisionError, SQLAlchemyError, OSError)
    try:
        script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
        heads = set(script.get_heads())
        current = current_revisions(url, config.postgres_schema, config.lock_timeout)
    except unreadable:
        return None
    except Exception:  # Alembic imports each revision module here: whatever the user's code raises
        return None
    if not current and heads:  # at base: adopted without ``init --stamp`` (stranger32 case 073)
        return Schema(dialect, {}), None
    if len(current) != 1 or current[0] in heads:
        return None
    try:
        script.get_revision(current[0])  # ahead of the chain: a revision it does not know
    except Exception:
        return None
    try:
        with scratch.empty_database(config, dialect, plan.scratch_url) as built:
            if run_step(config, (dialect, built), "upgrade", current[0]) is not None:
                return None
            at = reflect_url(built, options)
            return at, run_step(config, (dialect, built), "upgrade", "heads")
    except unreadable:
        return None


def chain_head(plan: CheckPlan, dialect: str) -> str:
    """The revision ``dialect``'s chain ends at, as ``twinschema stamp`` takes it: its one head's
    id, else ``head`` (several heads, or a chain that cannot be read)."""
    from twinschema.migrations import migrate_chain

    try:
        heads = migrate_chain.script_directory(
            migrate_chain.alembic_config(plan.config, dialect)
        ).get_heads()
    except Exception:  # Alembic imports each revision module here: whatever the user's code raises
        return "head"
    return str(heads[0]) if len(heads) == 1 else "head"


def next_revision(plan: CheckPlan, dialect: str) -> str:
    """The revision ``dialect``'s live database would run first on its way to its chain's one
    head (the one ``migrate`` names when it fails on what was made by hand, and the one to stamp
    where the database holds exactly what it makes: stranger61 007); ``head`` when that cannot
    be told (several heads, a chain or database that cannot be read)."""
    from twinschema.migrations import migrate_chain
    from twinschema.migrations.migrations_state import current_revisions

    config, url = plan.config, plan.urls.get(dialect)
    try:
        script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
        heads = script.get_heads()
        current = current_revisions(url, config.postgres_schema, config.lock_timeout) if url else ()
        if len(heads) != 1 or len(current) > 1:
            return "head"
        pending = list(script.iterate_revisions(heads[0], current[0] if current else "base"))
    except Exception:  # Alembic imports each revision module here: whatever the user's code raises
        return "head"
    pending = [r for r in pending if not current or r.revision != current[0]]
    return str(pending[-1].revision) if pending else "head"


def revision_making(
    plan: CheckPlan, dialect: str, options: ReflectOptions, makes: Callable[[Schema], bool]
) -> tuple[str, str] | None:
    """The first pending revision of ``dialect``'s chain after which the schema it builds
    ``makes`` something (what was made by hand ahead of it), and the revision before it (where
    the live database must be migrated first, so that no other revision is skipped:
    stranger82 008, a column 0005 adds, with 0004 pending too). Built on a scratch database,
    one revision at a time; None when the chain or database cannot be read, has several heads,
    or no pending revision makes it."""
    config, url = plan.config, plan.urls.get(dialect)
    if url is None or config.side(dialect).migrations is None:
        return None
    from twinschema.migrations import migrate_chain
    from twinschema.migrations.migrations_alembic import run_step
    from twinschema.migrations.migrations_state import current_revisions

    try:
        script = migrate_chain.script_directory(migrate_chain.alembic_config(config, dialect))
        heads = script.get_heads()
        current = current_revisions(url, config.postgres_schema, config.lock_timeout)
        if len(heads) != 1 or len(current) > 1:
            return None
        start = current[0] if current else "base"
        pending = [
            str(r.revision)
            for r in reversed(list(script.iterate_revisions(heads[0], start)))
            if r.revision != start
        ]
        before = start
        with scratch.empty_database(config, dialect, plan.scratch_url) as built:
            for revision in pending:
                if run_step(config, (dialect, built), "upgrade", revision) is not None:
                    return None
                if makes(reflect_url(built, options)):
                    return revision, before
                before = revision
    except Exception:  # Alembic imports each revision module here: whatever the user's code raises
        return None
    return None


def chain_head_built(plan: CheckPlan, dialect: str, options: ReflectOptions) -> Schema | None:
    """The schema ``dialect``'s chain builds at its head on an empty scratch database, read as
    ``options`` read its live database: what the pending revisions make, to tell whether what
    a database behind its chain holds by the same names is exactly that (stranger86 004: a
    column made by hand as ``varchar(20) NOT NULL DEFAULT ''`` where the revision makes
    ``text`` NULL is no database to stamp). None where the chain cannot be read or upgraded."""
    config = plan.config
    if config.side(dialect).migrations is None:
        return None
    from twinschema.migrations.migrations_alembic import run_step

    try:
        with scratch.empty_database(config, dialect, plan.scratch_url) as built:
            if run_step(config, (dialect, built), "upgrade", "heads") is not None:
                return None
            return reflect_url(built, options)
    except Exception:  # Alembic runs the user's revision modules: whatever they raise
        return None
