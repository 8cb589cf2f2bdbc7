"""GitHub Actions workflow commands: one ``::error`` (or ``::warning``) annotation per difference,
on the file and line where the fix goes (a metadata module's ``Table``/``Column``/``Index`` call,
or the table's or column's key in domain.yaml; see ``locate``), plus one per layer that could
not look, one ``::warning`` per value warning with ``--verbose`` (else one that counts them),
and one ``::notice`` per layer that found or evaluated something, naming its two sides in full
(annotations name a database shortly), with how many differences it found and how many pairs
the evaluation stage ran and where, and one ``::notice`` per allowance of domain.yaml that
accepted something, on its line. Without a file (two database URLs and no metadata module in
the report) the annotation is still written, on the run rather than on a file."""

from __future__ import annotations

from twinschema.records import Report, Severity, Status
from twinschema.report.accepted_text import by_allowance
from twinschema.report.locate import Locator
from twinschema.report.text_report import (
    evaluation_line,
    other_warnings,
    value_warnings,
    values_line,
    warnings_heading,
)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, verbose: bool, color: bool) -> str:
    """One workflow command per line."""
    locator = Locator.for_report(report)
    lines = []
    values = value_warnings(report)
    # The value warnings, one per column pair, as the text report lists them: each with
    # ``verbose``, else one annotation that counts them (stranger84 009: an in-sync project's
    # 124 filled a step's annotations, of which GitHub shows the first ten).
    shown = report.warnings if verbose else other_warnings(report)
    for d in [*report.differences, *shown]:  # warnings: ``::warning``
        where = locator.locate(d)
        props = f"file={_prop(where.path)},line={where.line}," if where else ""
        title = f"twinschema {d.layer}: {d.kind} {d.table or ''}" + (
            f".{d.column}" if d.column else ""
        )
        level = "warning" if d.severity == Severity.WARNING else "error"
        lines.append(f"::{level} {props}title={_prop(title)}::{_escape(d.message + '. ' + d.hint)}")
    if values and not verbose:
        title = _prop(f"twinschema: {len(values)} value_compatibility warning(s)")
        lines.append(f"::warning title={title}::{_escape(warnings_heading(report, False))}")
    for layer in report.layers:
        # One notice per comparison that found or evaluated something: annotations name a
        # database shortly ("the SQLite database"), this line names it in full (URL redacted).
        found = f"{len(layer.differences)} difference(s)" if layer.differences else None
        # Its notes too: what several of its annotations' hints refer to ("see this
        # comparison's note": stranger80 005)
        notes = (f"note: {n.text}" for n in layer.notes)
        said = "; ".join(filter(None, (found, evaluation_line(layer), values_line(layer), *notes)))
        if said:
            lines.append(
                f"::notice title={_prop('twinschema ' + layer.name)}::"
                # As the text report's header: "[live] A <> B" (a URL right after "::" would
                # read to the output's secret masking as a user name before its password).
                f"{_escape(f'[{layer.name}] {layer.left} <> {layer.right}: {said}')}"
            )
        if layer.status == Status.ERROR:
            lines.append(
                f"::error title={_prop('twinschema ' + layer.name)}::"
                # "[layer] " first, as in the notice: "migrations::postgresql://app@host" read
                # to the secret masking as "user:password@" and lost its "::" (stranger69 008).
                f"{_escape(f'[{layer.name}] {layer.left} <> {layer.right}: {layer.message}')}"
            )
    lines += _accepted(report)
    return "\n".join(lines) + ("\n" if lines else "")


def _accepted(report: Report) -> list[str]:
    """One ``::notice`` per allowance of domain.yaml that accepted something, on its line:
    what it accepted in each layer and its reason (a reviewer sees it beside the entry)."""
    lines = []
    for (file, line, entry), accepted in by_allowance(report.accepted).items():
        what = "; ".join(f"[{a.layer}] {a.kind}: {a.message}" for a in accepted)
        title = f"twinschema accepted by domain.yaml: {entry}"
        text = f"{what}. reason: {accepted[0].reason}"
        lines.append(
            f"::notice file={_prop(file)},line={line},title={_prop(title)}::{_escape(text)}"
        )
    return lines
