"""JUnit XML for CI systems: a test suite per compared pair, a test case per table, so a CI's test
view lists every table of every layer and a failure names the layer and the table; its text lists
the differences with their hints. A pair that could not look (or was skipped) is one test case in
error (or skipped). A failing case carries the file where the fix goes (see ``locate``). A
suite's properties say how many pairs the evaluation stage ran and where; its value warnings
and the differences domain.yaml accepted (which fail nothing) are in its ``system-out``."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from twinschema.records import Difference, LayerResult, Report, Status
from twinschema.report.accepted_text import accepted_line
from twinschema.report.locate import Locator

SCHEMA_LEVEL = "(schema)"  # the test case of differences that belong to no table (migrations)


def render(report: Report, verbose: bool, color: bool) -> str:
    """The report as a JUnit ``<testsuites>`` document."""
    locator = Locator.for_report(report)
    root = ET.Element("testsuites", name="twinschema")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for layer in report.layers:
        suite = ET.SubElement(
            root, "testsuite", name=f"{layer.name}: {layer.left} <> {layer.right}"
        )
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        tables: dict[str, list[Difference]] = defaultdict(list)
        for d in layer.differences:
            tables[d.table or SCHEMA_LEVEL].append(d)
        if layer.status in (Status.ERROR, Status.SKIPPED):
            case = ET.SubElement(suite, "testcase", classname=layer.name, name=layer.name)
            tag = "error" if layer.status == Status.ERROR else "skipped"
            ET.SubElement(case, tag, message=layer.message or layer.status)
            counts["tests"] += 1
            counts["errors" if layer.status == Status.ERROR else "skipped"] += 1
        names = sorted(set(layer.tables) | tables.keys())
        for table in names:
            case = ET.SubElement(suite, "testcase", classname=layer.name, name=table)
            counts["tests"] += 1
            differences = tables.get(table)
            if not differences:
                continue
            where = locator.locate(differences[0])
            if where is not None:
                case.set("file", where.path)
                case.set("line", str(where.line))
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(differences)} difference(s) in {table}",
                type="drift",
            )
            failure.text = "\n".join(
                [f"{d.kind}: {d.message} (hint: {d.hint})" for d in differences]
                + [f"note: {n.text}" for n in layer.notes]  # what the hints refer to
            )
            counts["failures"] += 1
        if counts["tests"] == 0:
            ET.SubElement(suite, "testcase", classname=layer.name, name="in sync")
            counts["tests"] = 1
        _evaluation(suite, layer)
        _accepted(suite, layer)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _evaluation(suite: ET.Element, layer: LayerResult) -> None:
    """The layer's evaluation tally as suite properties, and its value warnings (which fail
    no test: the exit code ignores them) in the suite's ``system-out``."""
    if layer.evaluated or layer.not_evaluated:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="evaluated", value=str(layer.evaluated))
        ET.SubElement(properties, "property", name="not_evaluated", value=str(layer.not_evaluated))
        for dialect, place in layer.evaluated_on.items():
            ET.SubElement(properties, "property", name=f"evaluated_on.{dialect}", value=place)
    warnings = layer.warnings
    if warnings:
        out = ET.SubElement(suite, "system-out")
        out.text = "\n".join(f"warning: {w.kind}: {w.message} (hint: {w.hint})" for w in warnings)


def _accepted(suite: ET.Element, layer: LayerResult) -> None:
    """The differences domain.yaml accepted in this layer (failing no test), each with its
    allowance's line and reason, in the suite's ``system-out`` after its value warnings."""
    if not layer.accepted:
        return
    out = suite.find("system-out")
    if out is None:
        out = ET.SubElement(suite, "system-out")
    said = [out.text] if out.text else []
    out.text = "\n".join([*said, *(accepted_line(a).strip() for a in layer.accepted)])
