"""JSON for machines: the stable contract documented in README.md."""

from __future__ import annotations

import json

from twinschema.records import Report


def render(report: Report, verbose: bool, color: bool) -> str:
    """``{"in_sync", "layers", "differences", "equivalences", "not_compared", "warnings",
    "accepted"}``."""
    document = {
        "in_sync": report.in_sync,
        "exit_code": report.exit_code,
        "layers": [layer.summary() for layer in report.layers],
        "differences": [d.to_dict() for d in report.differences],
        "equivalences": [e.to_dict() for e in report.equivalences],
        "not_compared": report.not_compared,
        "warnings": [w.to_dict() for w in report.warnings],
        # What domain.yaml accepted: each difference with its allowance's reason and line.
        "accepted": [a.to_dict() for a in report.accepted],
    }
    return json.dumps(document, indent=2) + "\n"
