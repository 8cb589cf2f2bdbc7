"""``twinschema current`` and ``twinschema history``: where each chain and each database are,
as Alembic users ask it (``alembic current``, ``alembic history``), for both sides at once.

Neither ever writes. ``current`` reads ``alembic_version`` through a read-only connection (SQLite
``mode=ro``, a missing file an error; PostgreSQL ``READ ONLY``) of the database ``migrate`` would
use (``Config.database``: the flag, the variable, ``default_url``, the embedded server).
``history`` reads the chains only; with ``indicate_current`` it also marks the revision each
database is at, read as ``current`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from alembic.script import Script

from twinschema.config import SIDES, Config
from twinschema.errors import UsageError
from twinschema.migrations.migrate_chain import (
    BASE,
    alembic_config,
    resolve_target,
    script_directory,
    side_dialect,
)
from twinschema.paths import shown


@dataclass(frozen=True)
class Where:
    """Where one side's database is on its chain."""

    side: str
    label: str  # the database, redacted
    current: tuple[str, ...]
    heads: tuple[str, ...]
    unknown: tuple[str, ...]  # revisions the database records that the chain does not have
    behind: int  # revisions an upgrade to head would apply

    def describe(self) -> str:
        """One line: ``local: sqlite:///var/local.db: 0001_initial_sqlite (head)``."""
        revs = ", ".join(self.current) if self.current else BASE
        if self.unknown:
            state = (  # never "stamp": that records a schema it does not have (stranger61 027)
                f"ahead of its chain, which does not know {', '.join(self.unknown)}: the code "
                "checked out is older than the database; check out the code that has it"
            )
        elif set(self.current) == set(self.heads):
            state = "head"
        elif not self.heads:
            state = "the chain is empty"
        else:
            state = (
                f"behind head {', '.join(self.heads)} by {self.behind} revision(s): "
                f"twinschema migrate {self.side}"
            )
        return f"{self.side}: {self.label}: {revs} ({state})"


def sides_of(config: Config, side: str | None) -> list[str]:
    """``side`` alone, or every side whose dialect has a migrations chain (local first)."""
    if side is not None:
        side_dialect(side)
        return [side]
    found = [s for s, dialect in SIDES.items() if config.side(dialect).migrations is not None]
    if not found:
        raise UsageError(f"{config.source}: [tool.twinschema] configures no migrations chain")
    return found


def where(
    config: Config,
    side: str,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
    say: Callable[[str], None] | None = None,
) -> Where:
    """Where ``side``'s database is on its chain, read-only (see the module docstring)."""
    from twinschema.migrations.migrations_state import current_revisions

    dialect = side_dialect(side)
    cfg = alembic_config(config, dialect)
    script = script_directory(cfg)
    known = {s.revision for s in script.walk_revisions(BASE, "heads")}
    heads = tuple(sorted(script.get_heads()))
    with resolve_target(config, dialect, environ, url) as target:
        if target.note and say is not None:
            say(target.note)
        current = current_revisions(target.secret_url, config.postgres_schema, config.lock_timeout)
        label = target.label
    unknown = tuple(r for r in current if r not in known)
    behind = 0
    if not unknown:
        applied: set[str] = set()
        for revision in current:
            applied |= {s.revision for s in script.walk_revisions(BASE, revision)}
        behind = len(known - applied)
    return Where(side, label, current, heads, unknown, behind)


def history_lines(config: Config, side: str, current: Sequence[str] | None = None) -> list[str]:
    """The chain of ``side``, newest first, as ``alembic history`` prints it (``down -> rev
    (head), message``) with the ``domain_version`` each revision declares; ``current`` marks
    the revisions the database is at."""
    dialect = side_dialect(side)
    cfg = alembic_config(config, dialect)
    script = script_directory(cfg)
    folder = config.side(dialect).migrations
    chain = shown(folder, config.root) if folder is not None else dialect
    lines = [f"{chain} ({side}, {dialect}):"]
    scripts = list(script.walk_revisions(BASE, "heads"))
    if not scripts:
        lines.append("  (no revisions)")
    for revision in scripts:
        lines.append(f"  {_entry(revision, current or ())}")
    return lines


def _entry(revision: Script, current: Sequence[str]) -> str:
    """``down -> rev (head) (current), message [domain_version N]``."""
    text = revision.cmd_format(
        False, include_branches=True, include_doc=False, include_parents=True
    )
    if revision.revision in current:
        text += " (current)"
    if revision.doc:
        text += f", {revision.doc}"
    version = getattr(revision.module, "domain_version", None)
    return f"{text} [domain_version {version}]" if version is not None else text
