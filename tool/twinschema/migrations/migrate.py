"""``twinschema migrate``: bring one side's database to the head of its Alembic chain.

Alembic is configured in code, never from an ``alembic.ini``: ``alembic_config`` points
``script_location`` at ``[tool.twinschema.<dialect>].migrations`` and hands the database to the
chain's ``env.py`` through ``Config.attributes`` (so a URL with a password is never written to a
file, and never printed: output names databases with ``urls.redact``):

* ``attributes["connection"]``: an open SQLAlchemy connection to run on (online mode); the caller
  owns its transaction, so a later lock or check can share it;
* ``attributes["url"]``: the URL, for offline ``--sql`` rendering (and online when no connection
  is given).

The steps are small functions so later commands can build on them: ``resolve_target`` (which
database), ``alembic_config`` (a chain's Config), ``head_revision`` / ``current_revisions`` /
``pending_revisions`` (where a chain and a database are), ``connect`` / ``sqlite_transaction``
(one real transaction, SQLite foreign keys handled), ``acquire_migration_lock`` (PostgreSQL),
``upgrade`` / ``downgrade``, ``capture_statements`` (a dry run's SQL), and ``migrate`` (the
command: all of the above, linted first, reported in lines; see its docstring for the order and
the guarantees).

A ``--to`` behind the database downgrades, only with ``--yes-downgrade`` (or ``--dry-run``),
in the same transaction and with the lint read over the ``downgrade()`` of what it undoes.
``stamp`` (``migrate_stamp``) writes ``alembic_version`` only, in the same kind of transaction.

Exit codes: 0 done (or nothing to do); 1 the destructive-change lint refused a revision
(``Refused``, nothing applied); 2 bad flags or chain (``--to`` behind the database without
``--yes-downgrade``, an unknown revision, several heads); 3 the database could not be reached
(within ``connect_timeout``), the migration lock (PostgreSQL) or the file's write lock (SQLite)
was not granted within
``--lock-timeout``, or the migration failed and was rolled back (``MigrationFailed``: a
statement, the revision's own Python, or SQLite's foreign key check found orphans); 130 / 143
SIGINT / SIGTERM stopped it, and it was rolled back (``MigrationInterrupted``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import sqlalchemy as sa

from twinschema.config import SIDE_OF, Config
from twinschema.migrations.migrate_chain import (
    DOWNGRADE,
    HEAD,
    UPGRADE,
    Target,
    alembic_config,
    current_revisions,
    downgrade,
    head_revision,
    is_behind,
    pending_revisions,
    refuse_ahead,
    resolve_target,
    resolve_to,
    revisions_text,
    side_dialect,
    sqlite_path,
    undone_revisions,
    upgrade,
)
from twinschema.migrations.migrate_connect import (
    Waits,
    acquire_migration_lock,
    check_foreign_keys,
    connect,
    notice_a_dead_client,
)
from twinschema.migrations.migrate_dryrun import capture_statements, write_sql
from twinschema.migrations.migrate_enum_labels import (
    LabelNotCommitted,
    label_not_committed,
    second_part_offline,
    split_line,
)
from twinschema.migrations.migrate_errors import (
    MigrationFailed,
    RollBack,
    Signalled,
    as_user_errors,
    interrupted_message,
    interruption,
    signals_roll_back,
)
from twinschema.migrations.migrate_files import remove_if_empty
from twinschema.migrations.migrate_lint import cause_of, lint_pending, refuse_downgrade
from twinschema.urls import parse_url, redact

# The command's names. Its parts are modules of their own: migrate_dryrun, migrate_lint, and
# the engine it shares with the migrations layer (migrations/: migrate_chain, migrate_connect,
# migrate_errors).
__all__ = ["Outcome", "left_alone", "migrate", "on_side"]


@dataclass(frozen=True)
class Outcome:
    """What ``migrate`` did (or, in a dry run, would do)."""

    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    head: str | None
    dry_run: bool = False
    action: str = "upgrade"  # or "downgrade" (``--yes-downgrade``), "stamp"

    @property
    def changed(self) -> bool:
        """True when the database moved (or, in a dry run, would move)."""
        return self.before != self.after

    def describe(self) -> str:
        """One line: ``<url>: upgraded from base to 0001 (head)`` or ``... already at ...``."""
        after = revisions_text(self.after) + (" (head)" if self.after == (self.head,) else "")
        if not self.changed:
            return f"{self.label}: already at {after}; nothing to do"
        verb = f"would {self.action}" if self.dry_run else f"{self.action.rstrip('e')}ed"
        return f"{self.label}: {verb} from {revisions_text(self.before)} to {after}"


def migrate(
    config: Config,
    side: str,
    *,
    to: str = HEAD,
    dry_run: bool = False,
    lock_timeout: float | None = None,
    echo: Callable[[str], None] = print,
    output: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    url: str | None = None,
    allow_downgrade: bool = False,
) -> Outcome:
    """Upgrade ``side`` (``local`` or ``remote``) to ``to``, reporting in lines through ``echo``.

    A ``to`` behind the database (a revision it is past, ``base``, or ``-N``) is a downgrade:
    refused with one line naming what it would undo (``UsageError``, exit 2, nothing changed)
    unless ``allow_downgrade`` (``--yes-downgrade``) or ``dry_run``. It runs as an upgrade
    does, in one transaction with every guarantee below, and the destructive-change lint reads
    the ``downgrade()`` of each revision undone (``allow_destructive_downgrade`` lets a change
    through; a table or column that holds no data on the live database loses nothing).

    The database is ``url`` (``--sqlite-url`` / ``--postgres-url``) when given, else the side's
    variable, ``default_url`` or the embedded server (``Config.database``).

    In order, inside one transaction: take the migration lock (PostgreSQL: other runs wait up to
    ``lock_timeout`` seconds, ``config.migrate_lock_timeout`` by default), read where the database
    is, lint the revisions about to be applied (``Refused``, exit 1, when one is destructive
    without an allow marker), upgrade, check foreign keys (SQLite), COMMIT. Any failure rolls
    back everything: the database stays at the revision it had (``MigrationFailed``, exit 3).
    The one exception: where PostgreSQL refuses an enum label added by an earlier pending
    revision (``migrate_enum_labels``), the run is rolled back and done again in two parts, the
    first up to that revision, each with all of the above.

    A dry run does all of that and then rolls back, printing the statements it sent to
    ``output`` (stdout): exactly what a real run would send, SQLite batch operations included
    (rendered against the live tables, which Alembic's offline mode cannot reflect). The report
    lines are prefixed with ``-- `` so that the whole output stays valid SQL. A SQLite file that
    does not exist is never created: the dry run runs on an empty in-memory database instead.
    """
    say = (lambda line: echo(f"-- {line}")) if dry_run else echo

    def run(upto: str) -> Outcome:
        return on_side(
            config,
            side,
            say,
            lambda target: (
                lambda connection, state: _upgrade_in(
                    config, target, connection, upto, dry_run, say, state, allow_downgrade
                )
            ),
            chosen=(environ, url, lock_timeout),
            dry_run=dry_run,
            output=output,
        )

    while True:  # each split commits a revision: the pending list shrinks
        try:
            outcome = run(to)
            break
        except LabelNotCommitted as split:
            say(split_line(split, to, dry_run))
            if dry_run:  # the second part cannot run before the first commits
                first = run(split.adder)
                say(first.describe())
                second_part_offline(config, side_dialect(side), split, to, (say, output))
                after = (first.head,) if to == HEAD and first.head else (to,)
                outcome = Outcome(first.label, first.before, after, first.head, dry_run=True)
                break
            say(run(split.adder).describe())
    say(outcome.describe())
    return outcome


def on_side(
    config: Config,
    side: str,
    say: Callable[[str], None],
    body_for: Callable[[Target], _Body],
    *,
    chosen: tuple[Mapping[str, str] | None, str | None, float | None],
    dry_run: bool = False,
    output: TextIO | None = None,
    create: bool = True,
) -> Outcome:
    """What ``migrate`` and ``stamp`` share: ``side``'s database chosen (``chosen``: the
    environment, an explicit URL and lock timeout, each None for the default) and its note
    said, then ``body_for(target)`` run by ``_migrate``, a failure a user's error."""
    environ, url, lock_timeout = chosen
    timeout = config.migrate_lock_timeout if lock_timeout is None else lock_timeout
    with resolve_target(config, side_dialect(side), environ, url) as target:
        if target.note:
            say(target.note)
        with as_user_errors(target.label):
            return _migrate(
                config, target, dry_run, timeout, say, output, body_for(target), create=create
            )


def left_alone(
    config: Config,
    side: str,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """``migrate --owned-only`` (``make check-sync``): None when ``side``'s database is one the
    project owns (the embedded server, the ``default_url`` file under ``var/``), which may be
    migrated; else the one line saying that the user's database is left as it is, for ``check``
    to report (``migration_state``) if it is behind its chain."""
    chosen = config.database(side_dialect(side), url, environ)
    if chosen.owned:
        return None
    if chosen.url is None:
        why = chosen.note or f"{config.url_env_name(chosen.dialect)} is not set"
        return f"no {chosen.dialect} database ({why}): nothing to migrate"
    label = redact(parse_url(chosen.url))
    why = f"named by {chosen.origin}" if chosen.named else "outside the project's var/"
    return (
        f"{label}: {why}, not a database this project owns: left as it is (--owned-only); "
        f"`twinschema check` says whether it is behind its chain"
    )


# The work ``_migrate`` runs in its transaction: (connection, state) -> what it did. ``state``
# receives "before" (the revisions the database was at) and, for a dry run, "statements".
_Body = Callable[[sa.Connection, dict[str, Any]], Outcome]


def _migrate(
    config: Config,
    target: Target,
    dry_run: bool,
    timeout: float,
    say: Callable[[str], None],
    output: TextIO | None,
    body: _Body,
    create: bool = True,
) -> Outcome:
    """``body`` (an upgrade, a downgrade, a stamp) in one transaction, with the migration lock
    (PostgreSQL) or the write lock and foreign keys handled (SQLite), SIGINT and SIGTERM turned
    into a rollback. ``create``: a missing SQLite file may be created (a stamp may not)."""
    work = target
    path = sqlite_path(target.url) if target.dialect == "sqlite" else None
    if dry_run and path is not None and not path.exists():
        work = Target("sqlite", parse_url("sqlite://"))  # connecting would create the file
    state: dict[str, Any] = {}
    waits = Waits.of(config, lock_timeout=timeout, say=say)
    new_file = path if path is not None and not dry_run and not path.exists() else None
    try:
        return _run_body(
            target, work, (dry_run, create, timeout), waits, (say, output), state, body
        )
    except BaseException:
        if new_file is not None:
            remove_if_empty(new_file)
        raise


def _run_body(
    target: Target,
    work: Target,
    how: tuple[bool, bool, float],
    waits: Waits,
    out: tuple[Callable[[str], None], TextIO | None],
    state: dict[str, Any],
    body: _Body,
) -> Outcome:
    """``_migrate``'s transaction, with SIGINT and SIGTERM turned into a rollback; ``out``:
    where a line is said, and where a dry run writes its SQL; ``how``: dry run, create, the
    lock's timeout."""
    say, output = out
    dry_run, create, timeout = how
    with signals_roll_back() as guard:
        try:
            with connect(
                work, create=create and not dry_run, write=True, waits=waits
            ) as connection:
                if target.dialect == "postgresql":
                    notice_a_dead_client(connection)
                    acquire_migration_lock(connection, timeout, say, target.label)
                outcome = body(connection, state)
                if dry_run and outcome.changed:
                    raise RollBack
                guard.armed = False  # COMMIT (and SQLite's foreign key check) is not cut short
        except RollBack:
            write_sql(output, target.dialect, state["statements"])
        except Signalled as exc:
            raise interruption(interrupted_message(target, state), exc.signum) from None
        except MigrationFailed as exc:
            if isinstance(exc, LabelNotCommitted):
                raise  # ``migrate`` upgrades in two transactions
            rolled_back = "" if dry_run else "; rolled back"
            where = f"the database is still at {revisions_text(state.get('before', ()))}"
            raise MigrationFailed(f"{target.label}: {exc.message}{rolled_back}: {where}") from None
    if guard.received is not None:
        say(outcome.describe())
        raise interruption(
            f"{target.label}: interrupted while committing; the migration completed first: "
            f"the database is at {revisions_text(outcome.after)}",
            guard.received,
        )
    return outcome


def _upgrade_in(
    config: Config,
    target: Target,
    connection: sa.Connection,
    to: str,
    dry_run: bool,
    say: Callable[[str], None],
    state: dict[str, Any],
    allow_downgrade: bool = False,
) -> Outcome:
    """The upgrade (or downgrade) inside the caller's transaction (which the caller commits or
    rolls back)."""
    applied: list[str] = []
    cfg = alembic_config(config, target.dialect, url=target.url, connection=connection)
    cfg.attributes["on_version_apply"] = lambda *, step, **_: applied.append(step.up_revision_id)
    cfg.attributes["say"] = say  # what a SQLite batch copy leaves out (``alembic_declared``)
    head = head_revision(cfg)
    before = state["before"] = current_revisions(connection)
    refuse_ahead(cfg, target.label, before)
    asked, to = to, resolve_to(cfg, before, to)
    down = is_behind(cfg, before, to)
    if down:
        pending = undone_revisions(cfg, before, to)
        if not (allow_downgrade or dry_run):
            refuse_downgrade(target, before, asked if asked == to else f"{asked} ({to})", pending)
    else:
        pending = pending_revisions(cfg, before, to)
    if not pending:
        return Outcome(target.label, before, before, head, dry_run=dry_run)
    lint_pending(config, target, connection, pending, say, DOWNGRADE if down else UPGRADE)
    with capture_statements(connection) as statements:
        state["statements"] = statements
        try:
            (downgrade if down else upgrade)(cfg, to)
            if target.dialect == "sqlite" and dry_run:
                check_foreign_keys(connection)  # a real run checks just before its COMMIT
        except Exception as exc:  # a statement, or the revision's own Python: rolled back
            failed = next((s.revision for s in pending if s.revision not in applied), "?")
            record = None if down else f"twinschema stamp {SIDE_OF[target.dialect]} {failed}"
            message = f"revision {failed} failed: {cause_of(exc, record, statements)}"
            split = None
            if not down:
                split = label_not_committed(exc, pending, failed, message, target.label)
            raise split or MigrationFailed(message) from None
    after = current_revisions(connection)
    return Outcome(
        target.label, before, after, head, dry_run=dry_run, action=DOWNGRADE if down else UPGRADE
    )
