"""The reports' section of the differences ``domain.yaml`` accepted. Text: one line by default
(how many, by how many allowances), each difference with its allowance's place and reason with
``--verbose`` (the plain and the ``rich`` renderings both write these lines); JUnit writes the
lines in its suite's ``system-out``, GitHub one ``::notice`` per allowance (``by_allowance``), on
its line of domain.yaml. A reviewer of a CI log sees what was accepted and why."""

from __future__ import annotations

from twinschema.definitions import visible_sql
from twinschema.records import Accepted, Report

# (file, line, entry): one allowance of domain.yaml, as an accepted difference names it.
AllowanceKey = tuple[str, int, str]


def accepted_heading(report: Report, verbose: bool) -> str | None:
    """The section's heading, None when nothing was accepted: ``accepted by domain.yaml: 3
    difference(s), by 2 allowance(s) (the exit code ignores them; ...)``; without ``verbose`` it
    stands for the list and says how to see it."""
    accepted = report.accepted
    if not accepted:
        return None
    allowances = len(by_allowance(accepted))
    text = (
        f"accepted by domain.yaml: {len(accepted)} difference(s), by {allowances} allowance(s) "
        "(the exit code ignores them"
    )
    return text + ("):" if verbose else "; --verbose or --format json lists each with its reason)")


def accepted_line(a: Accepted) -> str:
    """One accepted difference: its layer, kind and message, both sides, then the allowance
    that accepted it (file:line and entry) and its reason, on one line."""
    sides = f"left: {visible_sql(a.left or '-')} | right: {visible_sql(a.right or '-')}"
    return (
        f"  [{a.layer}] {a.kind}: {visible_sql(a.message)}. [{sides}] accepted by "
        f"{a.file}:{a.line} ({a.allowance}), reason: {visible_sql(a.reason)}"
    )


def accepted_lines(report: Report, verbose: bool) -> list[str]:
    """The section as plain lines (a blank line first), empty when nothing was accepted."""
    heading = accepted_heading(report, verbose)
    if heading is None:
        return []
    return ["", heading, *(accepted_line(a) for a in report.accepted if verbose)]


def by_allowance(accepted: list[Accepted]) -> dict[AllowanceKey, list[Accepted]]:
    """The accepted differences under each allowance that accepted them, in the order of the
    allowances' lines (the differences in report order under each)."""
    found: dict[AllowanceKey, list[Accepted]] = {}
    for a in accepted:
        found.setdefault((a.file, a.line, a.allowance), []).append(a)
    return dict(sorted(found.items(), key=lambda item: item[0][:2]))
