"""Text for people: layers with their status, then differences grouped by layer and table, each on
one line with both sides and a hint naming what to change."""

from __future__ import annotations

from collections import defaultdict

import click

from twinschema.check import DRIFT, ERROR, IN_SYNC, SKIPPED, Report
from twinschema.differences import Difference

_STATUS_COLOR = {IN_SYNC: "green", DRIFT: "red", ERROR: "red", SKIPPED: "yellow"}


def render(report: Report, verbose: bool, color: bool) -> str:
    """The report as lines of text; colour only when asked (on a terminal)."""

    def style(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    lines: list[str] = []
    for layer in report.layers:
        status = style(f"{layer.status:8}", _STATUS_COLOR.get(layer.status))
        why = f"  ({layer.message})" if layer.message else ""
        lines.append(f"{status} {layer.name:10} {layer.left} <> {layer.right}{why}")
    groups: dict[tuple[str, str, str], dict[str, list[Difference]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for d in report.differences:
        groups[(d.layer, d.left_source, d.right_source)][d.table or "-"].append(d)
    for (layer, left, right), tables in groups.items():
        lines.append("")
        lines.append(style(f"[{layer}] {left} <> {right}", bold=True))
        for table, differences in tables.items():
            lines.append(f"  {style(table, bold=True)}")
            for d in differences:
                sides = f"  left: {d.left or '-'} | right: {d.right or '-'}"
                lines.append(f"    {style(d.kind, 'red')}: {d.message}.{sides}")
                lines.append(f"      hint: {d.hint}")
    if verbose and report.equivalences:
        lines.append("")
        lines.append(style("equivalences (accepted as the same):", bold=True))
        for e in report.equivalences:
            where = e.table + (f".{e.column}" if e.column else "")
            lines.append(f"  [{e.layer}] {where}: {e.left} ~ {e.right}  (rule: {e.rule})")
    if report.not_compared:
        lines.append("")
        lines.append("not compared (present, but no layer compares them yet):")
        for source, counts in report.not_compared.items():
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            lines.append(f"  {source}: {listed}")
    lines.append("")
    n = len(report.differences)
    errors = sum(1 for layer in report.layers if layer.status == ERROR)
    if errors:
        summary = style(f"could not check {errors} comparison(s); {n} difference(s) found", "red")
    elif n:
        summary = style(f"{n} difference(s) found", "red")
    else:
        summary = style("in sync", "green")
    lines.append(summary)
    return "\n".join(lines) + "\n"
