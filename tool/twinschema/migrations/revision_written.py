"""What ``revision`` wrote, and what it says of it at once: each new revision's notes, and each
change in it that ``twinschema lint`` refuses, as ``migrate`` will wherever the data may go,
until an allow marker lets it through. A narrowing revision (integer to numeric(10,3)) was
written silently and refused at the deploy step (stranger84 007)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from twinschema.config import Config
from twinschema.migrations.lint import MARKER, chain_scripts, lint_scripts
from twinschema.migrations.lint_findings import Finding
from twinschema.migrations.migrate_chain import alembic_config, script_directory
from twinschema.paths import shown


@dataclass(frozen=True)
class Written:
    """One new revision file, and whether autogenerate found anything for it."""

    dialect: str
    revision: str
    path: Path
    empty: bool
    notes: tuple[str, ...] = ()  # what it writes that a person should hear of at once


def say_written(config: Config, written: Sequence[Written], echo: Callable[[str], None]) -> None:
    """Each new revision's notes, then each change the lint refuses in it, as warnings that
    name its file (the refusal's line: where the marker goes)."""
    for w in written:
        for note in w.notes:
            echo(f"warning: {shown(w.path, config.root)}: {note}")
    for finding in _refused(config, written):
        change = finding.change
        echo(
            f"warning: {finding.where}: revision {finding.revision} {change.message}: "
            "`twinschema lint` refuses it, and `migrate` will on a database where it loses "
            f'data; {change.waiver}, add to that revision {MARKER} = {{"{change.key}": '
            f'"<why>"}}; {change.keep}'
        )


def _refused(config: Config, written: Sequence[Written]) -> Iterator[Finding]:
    """The lint's refusals in the new revisions, each chain linted from its base as
    ``twinschema lint`` does (a change is judged on the tables the chain made before it)."""
    for dialect in sorted({w.dialect for w in written if not w.empty}):
        cfg = alembic_config(config, dialect)
        folder = Path(cfg.get_main_option("script_location") or dialect)
        scripts = chain_scripts(script_directory(cfg))
        found = lint_scripts(scripts, dialect, shown(folder, config.root), config.root)
        new = {w.revision for w in written if w.dialect == dialect}
        yield from (f for f in found.refused if f.revision in new and not f.change.broken)
