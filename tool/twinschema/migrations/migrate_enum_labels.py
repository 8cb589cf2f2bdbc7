"""A PostgreSQL enum label added by one revision and used by a later one of the same run.

PostgreSQL lets a transaction use a label that ``ALTER TYPE ... ADD VALUE`` added only once the
transaction that added it has committed (``unsafe use of new value``, SQLSTATE 55P04), unless
the type itself was made in that transaction (a new database). ``migrate`` runs every pending
revision in one transaction, so a server one revision behind could never reach the head in one
run, though neither revision is wrong (stranger73 011). Where that happens, the run is rolled
back as any failure is, and ``migrate`` upgrades in two transactions instead: to the revision
that adds the label, then to the target. Alembic's own answer, ``autocommit_block``, needs the
transaction to be Alembic's; this keeps each part of the run whole.

A dry run cannot commit the first part, and the second cannot run before it is committed: it
shows the split (the same line), the first part as a dry run sends it, and the second as
Alembic renders it offline (``--sql``: the statements a revision writes, none it computes from
what it reads), then exits as the real run would (stranger75 013: exit 3, no SQL)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from alembic import command
from alembic.script import Script

from twinschema.config import Config
from twinschema.migrations.migrate_chain import alembic_config
from twinschema.migrations.migrate_errors import MigrationFailed

# PostgreSQL's unsafe_new_enum_value_usage.
_UNSAFE_NEW_ENUM_VALUE = "55P04"
_ADDS_A_LABEL = re.compile(r"\bALTER\s+TYPE\b[^;]*?\bADD\s+VALUE\b", re.IGNORECASE | re.DOTALL)


class LabelNotCommitted(MigrationFailed):
    """Revision ``failed`` used an enum label that the earlier pending revision ``adder`` adds in
    the same transaction; ``migrate`` commits ``adder`` first and goes on."""

    def __init__(self, message: str, label: str, failed: str, adder: str) -> None:
        super().__init__(message)
        self.label = label  # the database's, redacted
        self.failed = failed
        self.adder = adder


def label_not_committed(
    exc: Exception, pending: Sequence[Script], failed: str, message: str, label: str
) -> LabelNotCommitted | None:
    """``LabelNotCommitted`` when ``exc`` is PostgreSQL's refusal to use an uncommitted enum
    label and a pending revision before ``failed`` adds a label (the last such one: the run is
    cut just after it); None otherwise (the failure is reported as it is)."""
    if not unsafe_enum_use(exc):
        return None
    before = [s for s in pending[: _index(pending, failed)] if _adds_a_label(s)]
    if not before:
        return None
    return LabelNotCommitted(message, label, failed, before[-1].revision)


def unsafe_enum_use(exc: BaseException) -> bool:
    """True when ``exc`` is PostgreSQL refusing a label added in the same transaction."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == _UNSAFE_NEW_ENUM_VALUE


def split_line(split: LabelNotCommitted, to: str, dry_run: bool = False) -> str:
    """What ``migrate`` says before it upgrades in two transactions (a dry run: would)."""
    now = "a real run upgrades" if dry_run else "rolled back, now upgrading"
    return (
        f"{split.label}: revision {split.failed} uses an enum label that {split.adder} adds (ALTER "
        "TYPE ... ADD VALUE), which PostgreSQL lets a transaction use only once the one that "
        f"added it has committed; {now} to {split.adder} and then to {to}, one transaction each"
    )


def second_part_offline(
    config: Config,
    dialect: str,
    split: LabelNotCommitted,
    to: str,
    out: tuple[Callable[[str], None], TextIO | None],
) -> None:
    """A dry run's second part, from ``split.adder`` to ``to``, as Alembic renders it offline
    to ``out``'s stream (stdout when None), framed in its own transaction, after a line said
    through ``out``'s ``say``: it cannot run on the database before the first part commits."""
    say, output = out
    say(
        f"{split.label}: the second transaction, from {split.adder} to {to}, as Alembic writes "
        "it offline (it cannot run before the first commits):"
    )
    cfg = alembic_config(config, dialect, url=sa.engine.make_url(f"{dialect}://"), output=output)
    try:
        command.upgrade(cfg, f"{split.adder}:{to}", sql=True)
    except Exception as exc:  # a revision that reads the database cannot be rendered offline
        say(f"{split.label}: it cannot be shown: {' '.join(str(exc).split())}")


def _index(pending: Sequence[Script], revision: str) -> int:
    return next((i for i, s in enumerate(pending) if s.revision == revision), len(pending))


def _adds_a_label(script: Script) -> bool:
    try:
        return _ADDS_A_LABEL.search(Path(script.path).read_text(encoding="utf-8")) is not None
    except OSError:
        return False
