"""The text report for a terminal, with ``rich``: a summary table of the layers, then the
differences of each compared pair in a table grouped by table, each with its hint.

Imported only when the report goes to a terminal (``text`` with colour): ``rich`` costs more to
import than the whole check command otherwise does, and the plain text renderer
(``text_report``) stays the format of files, pipes and CI logs.
"""

from __future__ import annotations

import io
import shutil

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from twinschema.definitions import visible_sql
from twinschema.records import Difference, Report, Status
from twinschema.report.accepted_text import accepted_heading, accepted_line
from twinschema.report.text_report import (
    by_table,
    evaluation_line,
    not_compared_heading,
    other_warnings,
    other_warnings_heading,
    skipped_note,
    spelled_line,
    value_warnings,
    values_line,
    warnings_heading,
)

_STATUS_STYLE = {
    Status.IN_SYNC: "green",
    Status.DRIFT: "bold red",
    Status.ERROR: "bold red",
    Status.SKIPPED: "yellow",
}
_STATUS_TEXT = {
    Status.IN_SYNC: "in sync",
    Status.DRIFT: "drift",
    Status.ERROR: "error",
    Status.SKIPPED: "skipped",
}


def console(width: int | None = None) -> Console:
    """A console that writes to a string, as a terminal of the current width would show it."""
    return Console(
        file=io.StringIO(),
        force_terminal=True,
        width=width or shutil.get_terminal_size((100, 24)).columns,
        highlight=False,
        soft_wrap=False,
    )


def render(report: Report, verbose: bool, color: bool, width: int | None = None) -> str:
    """The report as a terminal shows it (ANSI styles and box drawing)."""
    out = console(width)
    out.print(_renderable(report, verbose))
    file = out.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def _renderable(report: Report, verbose: bool) -> RenderableType:
    parts: list[RenderableType] = [_layers(report)]
    for result in report.layers:  # each comparison's own (two named alike stay two)
        if not result.differences:
            continue
        parts.append(_differences(result.name, result.left, result.right, by_table(result)))
        # What several of its differences share, said once (their hints refer to it)
        parts += [Text(f"note: {n.text}", style="cyan") for n in result.notes]
    if value_warnings(report):
        lines = Text(warnings_heading(report, verbose), style="yellow")
        for w in value_warnings(report) if verbose else ():
            lines.append(f"\n  [{w.layer}] {w.kind}: {w.message}", style="yellow")
        parts.append(lines)
    if other_warnings(report):  # few, each with its own fix: always listed
        lines = Text(other_warnings_heading(report), style="yellow")
        for w in other_warnings(report):
            lines.append(f"\n  [{w.layer}] {w.kind}: {w.message}. hint: {w.hint}", style="yellow")
        parts.append(lines)
    heading = accepted_heading(report, verbose)
    if heading is not None:  # what domain.yaml accepted, and why: its own section
        lines = Text(heading, style="dim")
        for a in report.accepted if verbose else ():
            lines.append(f"\n{accepted_line(a)}", style="dim")
        parts.append(lines)
    if verbose and report.equivalences:
        parts.append(_equivalences(report))
    if report.not_compared:
        lines = Text(not_compared_heading(report.not_compared), style="dim")
        for source, counts in report.not_compared.items():
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            lines.append(f"\n  {source}: {listed}", style="dim")
        parts.append(lines)
    parts.append(_summary(report))
    return Group(*parts)


def _count(tables: dict[str, list[Difference]]) -> int:
    return sum(len(rows) for rows in tables.values())


def _pair(left: str, right: str) -> Text:
    """Both sources in full (a long URL folds onto the next line, it is never cut)."""
    return Text(f"{left} <> {right}", overflow="fold")


def _layers(report: Report) -> Table:
    """One row per layer: status, layer, its count of differences, what it compared (in full,
    in the last column, so that at 80 columns it wraps rather than being cut) and its note."""
    table = Table(
        title=Text("layers", style="bold"),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("status", no_wrap=True)
    table.add_column("layer", style="bold", no_wrap=True)
    table.add_column("diffs", justify="right", no_wrap=True)
    table.add_column("left <> right", overflow="fold", ratio=1)
    for layer in report.layers:
        n = len(layer.differences)
        compared = _pair(layer.left, layer.right)
        said = (layer.scope, evaluation_line(layer), values_line(layer), spelled_line(layer))
        note = "; ".join(filter(None, (layer.message, *said)))
        if note:
            compared.append(f"\n{note}", style="dim")
        table.add_row(
            Text(_STATUS_TEXT.get(layer.status, layer.status), _STATUS_STYLE.get(layer.status, "")),
            layer.name,
            str(n) if layer.status in (Status.IN_SYNC, Status.DRIFT) else "-",
            compared,
        )
    return table


def _differences(layer: str, left: str, right: str, tables: dict[str, list[Difference]]) -> Table:
    """The differences of one compared pair: its title names both sources in full and the
    count (the layers table's); each row holds the message, both sides' values and the hint in
    one column wide enough for 80-column terminals."""
    title = Text(f"[{layer}] ", style="bold")
    title.append_text(_pair(left, right))
    title.append(f": {_count(tables)} difference(s)")
    table = Table(
        title=title,
        title_justify="left",
        box=box.ROUNDED,
        show_lines=False,
    )
    table.add_column("table", style="bold", overflow="fold", max_width=24)
    table.add_column("kind", style="red", overflow="fold", max_width=22)
    table.add_column("difference, left | right, and fix", overflow="fold", ratio=1)
    names = list(tables)
    for i, name in enumerate(names):
        rows = tables[name]
        for j, d in enumerate(rows):
            what = Text(d.message, overflow="fold")
            what.append(f"\nleft: {d.left or '-'} | right: {d.right or '-'}", style="dim")
            what.append(f"\nhint: {d.hint}", style="cyan")
            table.add_row(
                name if j == 0 else "",
                d.kind,
                what,
                end_section=j == len(rows) - 1 and i < len(names) - 1,
            )
    return table


def _equivalences(report: Report) -> Table:
    table = Table(
        title=Text("equivalences (accepted as the same)", style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("layer", "where", "left", "right", "rule"):
        table.add_column(column)
    for e in report.equivalences:
        where = e.table + (f".{e.column}" if e.column else "")
        # Text, not markup ('[0:2]={1,2,3}' is a value), one line per value (``visible_sql``)
        cells = (visible_sql(t) for t in (e.left, e.right, e.rule))
        table.add_row(e.layer, Text(where), *(Text(c) for c in cells))
    return table


def _summary(report: Report) -> Text:
    n = len(report.differences)
    errors = len(report.errors)
    if errors:
        return Text(f"could not check {errors} comparison(s); {n} difference(s) found", "bold red")
    if n:
        return Text(f"{n} difference(s) found", "bold red").append(skipped_note(report), "yellow")
    return Text("in sync", "bold green").append(skipped_note(report), "yellow")
