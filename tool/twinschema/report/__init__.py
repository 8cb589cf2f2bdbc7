"""Reporters: the same ``Report`` rendered for people (text), machines (json), CI (junit) and
GitHub (annotations). An explicit dict maps format names to renderers."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from twinschema.check import Report

Renderer = Callable[[Report, bool, bool], str]  # (report, verbose, color) -> text

FORMATS = ("text", "json", "junit", "github")


def render(report: Report, fmt: str, *, verbose: bool = False, color: bool = False) -> str:
    """The report in format ``fmt``."""
    module = import_module(f"twinschema.report.{fmt}_report")
    renderer: Renderer = module.render
    return renderer(report, verbose, color)
