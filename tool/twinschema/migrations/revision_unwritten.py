"""What ``twinschema revision`` says once it has written the twins: each difference the chains,
with the new revisions, still have with their metadata modules or with each other (``twinschema
check --layer migrations``: a view whose columns the twins make differ, stranger73 007), as a
warning line. What autogenerate does not write (a changed or unnamed CHECK)
was left without a word, and found only by a later ``check`` (stranger40). The revisions stay
written: the lines say what to add. A chain that no longer builds an empty database is named by
its new revision's file, which is what fails (the chain built one before it was written), not by
an empty location (stranger48 W2: ``not written: -: upgrading an empty database ...``); a
downgrade that fails is named by the file of the revision whose downgrade it is, which may be an
older one (stranger54 U3). A step of a new revision itself that fails is also handed back
(``Left.failing``), for ``revision`` to end with an error: it exited 0, and the chains split
once the server was migrated first (stranger74 009)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from twinschema.config import Config
from twinschema.errors import DatabaseError
from twinschema.paths import shown
from twinschema.records.differences import Difference


@dataclass(frozen=True)
class Left:
    """What the chains, with the new revisions, still have with their modules: how many
    differences, and each step of a new revision that fails on a scratch database, as (the
    revision file, what fails)."""

    count: int
    failing: tuple[tuple[str, str], ...]


def say_unwritten(
    config: Config,
    echo: Callable[[str], None],
    scratch_server: str | None,
    written: Sequence[Path],
    empty: str = "",
) -> Left:
    """Echo a warning for each difference the chains still have with their modules, then one
    that sums them up (see the module docstring); ``written``: the new revision files;
    ``empty``: what the summing line adds when the new revisions are all empty. What is left,
    and which new revision fails where (an older revision's failing downgrade is said, not
    handed back: the new revisions did not break it)."""
    from twinschema.check import run_check
    from twinschema.layers.plan import CheckPlan

    plan = CheckPlan(config=config, layers=("migrations",), urls={}, scratch_url=scratch_server)
    left = [d for d in run_check(plan).differences if d.kind != "migration_state"]
    files = [shown(path, config.root) for path in written]
    unwritten = failing = 0
    new: list[tuple[str, str]] = []
    for d in left:
        where = ".".join(part for part in (d.table, d.column) if part) or d.name
        if where:
            unwritten += 1
            echo(f"warning: not written: {where}: {d.message}")
        else:
            failing += 1
            file = _failing(d, files)
            echo(f"warning: {file}: {d.message}")
            if Path(file).name in {path.name for path in written}:  # not an older one's
                new.append((file, d.message))
    if left:
        echo(f"warning: {_summed(unwritten, failing)}{empty}")
    return Left(len(left), tuple(new))


def _summed(unwritten: int, failing: int) -> str:
    """The summing warning: how many ``not written:`` lines and how many failing steps were
    listed, each said as what it is (stranger68 005: one failing downgrade was summed as "1
    difference(s) with the metadata modules (listed above)", and no such line was above)."""
    parts = []
    if unwritten:
        parts.append(
            f"leave {unwritten} difference(s) with the metadata modules or between the "
            "chains (the `not written:` line(s) above): write them into the revisions by hand"
        )
    if failing:
        parts.append(
            f"have {failing} step(s) that fail on a scratch database (the line(s) above naming "
            "the revision file): fix the revision that fails"
        )
    return (
        f"the new revisions {'; and '.join(parts)} "
        "(`twinschema check --layer migrations` shows them with hints)"
    )


def _failing(d: Difference, files: Sequence[str]) -> str:
    """The revision file whose step failed where ``d`` names one (an older revision's
    downgrade: stranger54 U3), else the new revision file in the chain ``d`` is about (its
    left side), else the chain."""
    if d.fix is not None and d.fix.file is not None:
        return d.fix.file
    chain = d.left_source
    return next((f for f in files if chain and f.startswith(f"{chain}/")), chain or "a chain")


def failing_error(failing: Sequence[tuple[str, str]], back: str) -> DatabaseError:
    """The error ``revision`` ends with (exit 3, as ``migrate`` of that revision would) when a
    step of a revision it wrote fails on its scratch database: the first such file and what
    fails; that the files stay written, to be fixed by hand as the lines above say, or taken
    back (``back``: how); and that neither database is to be migrated until then (the other
    chain migrated alone puts the two out of step)."""
    file, message = failing[0]
    more = f" (and {len(failing) - 1} more step(s) above)" if len(failing) > 1 else ""
    return DatabaseError(
        f"{file}: the revision just written fails: {message}{more}; it stays written with its "
        f"twin: fix it before migrating either database, or {back}"
    )
