"""``twinschema init``: a project from two existing databases."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from twinschema.records import Difference
from twinschema.cli.app import cli, notice


@cli.command("init")
@click.option("--sqlite-url", help="The SQLite database (default: LOCAL_DATABASE_URL).")
@click.option("--postgres-url", help="The PostgreSQL database (default: DATABASE_URL).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="The domain file to write (default: [tool.twinschema] domain, else domain.yaml).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite the files init writes (domain, modules) if they exist."
)
@click.option(
    "--stamp",
    is_flag=True,
    help="Also WRITE to both databases: record each at a revision of its chain (alembic_version); "
    "a new chain at the baseline init writes, a chain with revisions at its head only if the "
    "database has exactly the schema that head builds.",
)
@click.option(
    "--allow-existing",
    is_flag=True,
    help="Also allow in domain.yaml each difference the two databases already have (the entry "
    "its hint offers, pinned to both sides, its reason saying it was inherited at adoption and "
    "wants review), so that `revision` works before they are fixed.",
)
def init_command(
    sqlite_url: str | None,
    postgres_url: str | None,
    output: str | None,
    force: bool,
    stamp: bool,
    allow_existing: bool,
) -> None:
    """Write a project from two existing databases: domain.yaml (tables and columns paired by name:
    exact, case, PascalCase/snake_case, singular/plural), [tool.twinschema] in pyproject.toml,
    both metadata modules, both Alembic environments with a baseline revision that creates the
    schema as it is. Reads the databases only, unless --stamp."""
    from twinschema import adopt
    from twinschema.adopt.project import layout
    from twinschema.config import load_config

    config = load_config()
    urls = {
        "sqlite": adopt.database_url(config, "sqlite", sqlite_url, notice),
        "postgresql": adopt.database_url(config, "postgresql", postgres_url, notice),
    }
    path = Path(output) if output else adopt.default_output(config)
    # A library's warning (SQLAlchemy's "Did not recognize type 'pair' of column 'p'") is said
    # in one line of the tool's, not as Python prints it (the message, then a source line).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = adopt.run_init(config, urls, path, force=force, stamp=stamp)
    for line in adopt.summary(result):
        click.echo(line)
    root = layout(config, path).root
    for line in _inherited(root / "pyproject.toml", allow_existing, urls):
        click.echo(line)
    shown = [w for w in caught if not issubclass(w.category, _HIDDEN) and not _handled(w)]
    for said in dict.fromkeys(_one_line(w) for w in shown):
        notice(f"note: {said}")


def _inherited(pyproject: Path, allow: bool, urls: Mapping[str, str | None]) -> list[str]:
    """What init says of the differences between the two modules it wrote (``revision``
    refuses while there are any): with ``allow``, how many allowances it wrote (for the
    modules' differences and the two databases' at ``urls``) and what no allowance holds, each
    once however many comparisons report it; without, that ``--allow-existing`` would allow
    them."""
    from twinschema.adopt.inherited import allow_inherited, differences_left

    if not allow:
        left = differences_left(pyproject, evaluate=False)  # init starts no scratch server
        if not left:
            return []
        return [
            f"the two metadata modules differ in {len(left)} place(s) before evaluation "
            "(`twinschema check --layer models` judges and lists them): `twinschema revision` "
            "refuses while any is left unfixed in a metadata module or not allowed in "
            "domain.yaml; `twinschema init --allow-existing` writes an allowance for each, "
            "pinned to both sides, for you to review"
        ]
    done = allow_inherited(pyproject, urls)
    lines = [
        f"allowed {done.written} difference(s) the two databases already had in domain.yaml "
        "(reason: inherited at adoption; review each)"
    ]
    for d, count in _once(done.left):
        where = ".".join(part for part in (d.table, d.column) if part) or d.name or "-"
        more = f" (and {count - 1} more comparison(s))" if count > 1 else ""
        lines.append(f"  not allowed (no allowance holds it): {d.kind}: {where}: {d.message}{more}")
    return lines


def _once(found: tuple[Difference, ...]) -> list[tuple[Difference, int]]:
    """Each object's difference once (the first comparison's: the modules, else the
    databases), with how many comparisons report it (a trigger one database lacks is reported
    by its module's comparison and the databases')."""
    first: dict[tuple[str | None, ...], tuple[Difference, int]] = {}
    for d in found:
        key = (d.kind, d.table, d.column, d.name)
        seen = first.get(key)
        first[key] = (d, 1) if seen is None else (seen[0], seen[1] + 1)
    return list(first.values())


def _one_line(warning: warnings.WarningMessage) -> str:
    """A warning as one line: who said it (SQLAlchemy, Alembic) and its words."""
    who = _LIBRARIES.get(type(warning.message).__module__.split(".", 1)[0])
    words = " ".join(str(warning.message).split())
    return f"{who}: {words}" if who else words


def _handled(warning: warnings.WarningMessage) -> bool:
    """True for a library's warning about what twinschema does itself: SQLAlchemy's skipped
    SQLite expression index, which init reads from SQLite's own statement and writes (stranger50
    052: the note said it was skipped)."""
    from twinschema.alembic_indexes import SKIPPED_WARNINGS

    return str(warning.message).startswith(SKIPPED_WARNINGS)


_LIBRARIES = {"sqlalchemy": "SQLAlchemy", "alembic": "Alembic"}
# The warnings Python's default filters do not show (a library's deprecations): not shown.
_HIDDEN = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)
