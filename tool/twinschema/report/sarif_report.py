"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning and others).

One run; its driver lists every difference kind as a rule (``twinschema check --explain KIND``
says the same); one result per difference (and per value warning, at level ``warning``), at
the file and line where the fix goes (see ``locate``) with the table and column as logical
locations, and a fingerprint that stays the same from run to run while the difference does, so
a dashboard tracks it rather than reopening it. A layer that could not look is a tool execution
notification, and the invocation is then not successful. The run's ``properties.evaluation``
says, per layer, how many pairs the evaluation stage ran and where. Paths are relative to the
working directory (``%SRCROOT%``), as GitHub expects.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from twinschema.errors import EXIT_DATABASE
from twinschema.records import DIFFERENCE_KINDS, Difference, Report, Severity, Status
from twinschema.report.locate import Location, Locator

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("twinschema")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + (dot.strip() if dot else "")


def _rule(kind: str) -> dict[str, Any]:
    meaning = DIFFERENCE_KINDS.get(kind, f"A difference of kind {kind}.")
    return {
        "id": kind,
        "name": "".join(part.capitalize() for part in kind.split("_")),
        "shortDescription": {"text": _first_sentence(meaning)},
        "fullDescription": {"text": meaning},
        "help": {"text": f"{meaning} (twinschema check --explain {kind})"},
        "defaultConfiguration": {"level": "error"},
    }


def _artifact(location: Location, root: Path) -> dict[str, Any]:
    path = Path(location.path)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(root.resolve())
        except ValueError:
            return {"uri": path.as_uri()}
    return {"uri": path.as_posix(), "uriBaseId": SRCROOT}


def _fingerprint(d: Difference) -> str:
    key = "|".join(
        str(part)
        for part in (d.layer, d.kind, d.table, d.column, d.name, d.left_source, d.right_source)
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _logical(d: Difference) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if d.table:
        out.append({"name": d.table, "fullyQualifiedName": d.table, "kind": "resource"})
        if d.column:
            qualified = f"{d.table}.{d.column}"
            out.append({"name": d.column, "fullyQualifiedName": qualified, "kind": "member"})
    return out


def sarif_document(report: Report, root: Path | None = None) -> dict[str, Any]:
    """The report as a SARIF log (a dict ready for ``json.dumps``)."""
    root = root or Path.cwd()
    locator = Locator.for_report(report, root)
    kinds = list(DIFFERENCE_KINDS)
    findings = [*report.differences, *report.warnings]  # warnings: level "warning"
    kinds += sorted({d.kind for d in findings} - set(kinds))
    index = {kind: i for i, kind in enumerate(kinds)}
    results = []
    for d in findings:
        location: dict[str, Any] = {}
        where = locator.locate(d)
        if where is not None:
            location["physicalLocation"] = {
                "artifactLocation": _artifact(where, root),
                "region": {"startLine": where.line},
            }
        logical = _logical(d)
        if logical:
            location["logicalLocations"] = logical
        result: dict[str, Any] = {
            "ruleId": d.kind,
            "ruleIndex": index[d.kind],
            "level": "warning" if d.severity == Severity.WARNING else "error",
            "message": {"text": f"{d.message}. {d.hint}"},
            "partialFingerprints": {"twinschemaDifference/v1": _fingerprint(d)},
            "properties": {
                "layer": d.layer,
                "table": d.table,
                "column": d.column,
                "name": d.name,
                "left": d.left,
                "right": d.right,
                "leftSource": d.left_source,
                "rightSource": d.right_source,
            },
        }
        if location:
            result["locations"] = [location]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{layer.name}: {layer.left} <> {layer.right}: {layer.message}"},
        }
        for layer in report.layers
        if layer.status == Status.ERROR
    ]
    # What several results' hints refer to ("see this comparison's note"), once each
    notifications += [
        {
            "level": "note",
            "message": {"text": f"{layer.name}: {layer.left} <> {layer.right}: {note.text}"},
        }
        for layer in report.layers
        for note in layer.notes
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": report.exit_code != EXIT_DATABASE,
        "exitCode": report.exit_code,
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "twinschema",
                        "version": _version(),
                        "rules": [_rule(kind) for kind in kinds],
                    }
                },
                "invocations": [invocation],
                "results": results,
                # What domain.yaml accepted, as JSON's ``accepted`` records: in the run's
                # properties, never results (a dashboard that ignores ``suppressions`` would
                # open an alert for each).
                "properties": {
                    "evaluation": _evaluation(report),
                    "accepted": [a.to_dict() for a in report.accepted],
                },
            }
        ],
    }


def _evaluation(report: Report) -> list[dict[str, Any]]:
    """Per layer that ran the evaluation stage: the pairs it evaluated, could not, and where."""
    return [
        {
            "layer": layer.name,
            "left": layer.left,
            "right": layer.right,
            "evaluated": layer.evaluated,
            "notEvaluated": layer.not_evaluated,
            "evaluatedOn": layer.evaluated_on,
        }
        for layer in report.layers
        if layer.evaluated or layer.not_evaluated
    ]


def render(report: Report, verbose: bool, color: bool) -> str:
    """The SARIF log as indented JSON."""
    return json.dumps(sarif_document(report), indent=2) + "\n"
