"""``--stamp``: record each database at a revision of its chain (Alembic's ``alembic_version``).

An empty chain first gets its baseline revision (see ``baseline``); a chain with revisions is
stamped at its head only when the database has exactly the schema that head builds (checked on a
scratch database upgraded to head, on ``TWINSCHEMA_SCRATCH_URL`` or the embedded server, never on
the server being stamped), never otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import command
from alembic.util import CommandError

from twinschema.compare import Side, compare
from twinschema.config import SIDE_OF, Config
from twinschema.dialects import write_refused
from twinschema.errors import UsageError
from twinschema.migrations import VERSION_TABLE, migrate_chain, migrate_connect
from twinschema.paths import shown
from twinschema.records import DIALECTS
from twinschema.servers import scratch
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import first_line, parse_url, redact, scrub


class WriteRefused(UsageError):
    """A database refused the stamp's write (opened read-only, or a role that may not write):
    the user's URL or rights, exit 2; ``init`` says what it undid and what to run instead."""


@dataclass(frozen=True)
class StampStep:
    """One database to stamp: at ``revision``, which ``create`` says is a new baseline."""

    dialect: str
    url: str
    revision: str
    create: bool = False
    done: bool = False  # already at that revision


def _current(config: Config, dialect: str, url: str) -> tuple[str, ...]:
    target = migrate_chain.Target(dialect, parse_url(url))
    with migrate_connect.connect(target, create=False) as connection:
        return migrate_chain.current_revisions(connection)


def plan_stamp(
    config: Config, urls: Mapping[str, str], baselines: Mapping[str, str] | None = None
) -> dict[str, StampStep]:
    """Decide each database's revision, refusing (before anything is written) when the chains or
    the databases do not allow a safe stamp. ``baselines``: the chains ``init`` is about to
    start, dialect -> the baseline revision it writes."""
    baselines = baselines or {}
    heads: dict[str, str | None] = {}
    for dialect in DIALECTS:
        if dialect in baselines:
            heads[dialect] = None
            continue
        heads[dialect] = migrate_chain.head_revision(migrate_chain.alembic_config(config, dialect))
    empty = [d for d in DIALECTS if heads[d] is None and d not in baselines]
    if empty and len(empty) < len(DIALECTS) - len(baselines):
        bare = empty[0]
        (other,) = (d for d in DIALECTS if d != bare)
        raise UsageError(
            f"--stamp: the {bare} chain ({config.side(bare).migrations}) has no revision but the "
            f"{other} chain has; give the {bare} chain its revisions first, then stamp"
        )
    plan: dict[str, StampStep] = {}
    for dialect in DIALECTS:
        url = urls[dialect]
        current = _current(config, dialect, url)
        head = heads[dialect]
        if head is None:
            if current:
                chain = config.side(dialect).migrations
                where = (
                    f"the {dialect} chain {shown(chain)} has no revision"
                    if chain is not None
                    else f"this project has no {dialect} chain yet (init would start one)"
                )
                raise UsageError(
                    f"--stamp: {redact(url)} is already stamped at {', '.join(current)}, but "
                    f"{where}: restore the chain it was stamped from instead of starting a new "
                    "one, or drop its alembic_version table to start afresh"
                )
            plan[dialect] = StampStep(dialect, url, baselines[dialect], create=True)
            continue
        if current == (head,):
            plan[dialect] = StampStep(dialect, url, head, done=True)
            continue
        if current:
            raise UsageError(
                f"--stamp: {redact(url)} is at {', '.join(current)}, not at the head {head} of "
                f"{config.side(dialect).migrations}; upgrade it (twinschema migrate "
                f"{SIDE_OF[dialect]}) instead of stamping"
            )
        mismatch = head_mismatch(config, dialect, url)
        if mismatch:
            raise UsageError(
                f"--stamp: {redact(url)} does not have the schema that the head {head} of "
                f"{config.side(dialect).migrations} builds, so it cannot be stamped there "
                f"({len(mismatch)} difference(s): {'; '.join(mismatch[:3])}"
                + ("; ..." if len(mismatch) > 3 else "")
                + "): add a revision that makes the chain build this schema, or migrate the "
                "database by hand"
            )
        plan[dialect] = StampStep(dialect, url, head)
    return plan


def head_mismatch(config: Config, dialect: str, url: str) -> list[str]:
    """How the live database differs from the schema its chain's head builds (upgraded on a
    scratch database of the same dialect; empty when they are the same)."""
    options = config.reflect_options(dialect)
    with scratch.empty_database(config, dialect) as head_url:
        target = migrate_chain.Target(dialect, parse_url(head_url))
        try:
            with migrate_connect.connect(target) as connection:
                migrate_chain.upgrade(
                    migrate_chain.alembic_config(config, dialect, connection=connection)
                )
        except CommandError as exc:
            raise UsageError(f"--stamp: Alembic: {scrub(str(exc))}") from None
        head = make_canonical(reflect_url(head_url, options), None)
    live = make_canonical(reflect_url(url, options), None)
    comparison = compare(
        Side(head, "the chain's head", "the chain", role="chain"),
        Side(live, redact(url), "the database"),
        layer="stamp",
    )
    return [d.message for d in comparison.differences]


def apply_stamp(config: Config, plan: Mapping[str, StampStep]) -> None:
    """Stamp each database of the plan at its revision (the baselines are written by then).
    When one fails, those this call stamped are stamped back to no revision (``plan_stamp``
    let only a database at no revision be stamped), and an ``alembic_version`` table this call
    created is dropped again (stranger46 001): never one database stamped alone, nor a table
    left behind."""
    done: list[tuple[StampStep, bool]] = []
    try:
        for step in plan.values():
            if step.done:
                continue
            done.append((step, _stamp(config, step, step.revision)))
    except BaseException:
        for step, created in done:
            with contextlib.suppress(Exception):
                _stamp(config, step, "base", drop=created)
        raise


def _stamp(config: Config, step: StampStep, revision: str, drop: bool = False) -> bool:
    """Stamp ``step``'s database at ``revision`` (``drop``: then drop ``alembic_version``, in the
    same transaction); whether the version table was created by this stamp."""
    target = migrate_chain.Target(step.dialect, parse_url(step.url))
    with migrate_connect.connect(target, create=False) as connection:
        had = sa.inspect(connection).has_table(VERSION_TABLE)
        cfg = migrate_chain.alembic_config(config, step.dialect, connection=connection)
        try:
            command.stamp(cfg, revision)
        except CommandError as exc:
            raise UsageError(f"--stamp: Alembic: {scrub(str(exc))}") from None
        except sa.exc.DBAPIError as exc:
            if write_refused(exc.orig):
                raise WriteRefused(f"{redact(step.url)}: {first_line(exc)}") from None
            raise
        if drop and sa.inspect(connection).has_table(VERSION_TABLE):
            sa.Table(VERSION_TABLE, sa.MetaData()).drop(connection)
        return not had
