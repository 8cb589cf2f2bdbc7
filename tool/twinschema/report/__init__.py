"""Reporters: the same ``Report`` rendered for people (text; ``rich`` on a terminal), machines
(json), CI (junit), GitHub (annotations) and code-scanning dashboards (sarif). An explicit dict
maps format names to renderer modules, imported only when used."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from twinschema.records import Report

Renderer = Callable[[Report, bool, bool], str]  # (report, verbose, color) -> text

# Format name -> the module whose ``render(report, verbose, color)`` writes it.
RENDERERS: dict[str, str] = {
    "text": "twinschema.report.text_report",
    "json": "twinschema.report.json_report",
    "junit": "twinschema.report.junit_report",
    "github": "twinschema.report.github_report",
    "sarif": "twinschema.report.sarif_report",
}

FORMATS = tuple(RENDERERS)


def render(report: Report, fmt: str, *, verbose: bool = False, color: bool = False) -> str:
    """The report in format ``fmt`` (one of ``FORMATS``); ``color`` only matters to ``text``."""
    try:
        module_name = RENDERERS[fmt]
    except KeyError:
        from twinschema.errors import UsageError, suggestion

        raise UsageError(
            f"unknown report format {fmt!r}"
            + (suggestion(fmt, FORMATS) or f" ({', '.join(FORMATS)})")
        ) from None
    if fmt == "text" and color:
        # A terminal: the rich rendering, imported only then (rich is slow to import).
        module_name = "twinschema.report.rich_report"
    renderer: Renderer = import_module(module_name).render
    return renderer(report, verbose, color)
