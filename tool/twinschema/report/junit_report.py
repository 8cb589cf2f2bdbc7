"""JUnit XML for CI systems: a test suite per compared pair, a test case per table, so a failure
names the layer and the table, and its text lists the differences with their hints."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from twinschema.check import ERROR, SKIPPED, Report
from twinschema.differences import Difference


def render(report: Report, verbose: bool, color: bool) -> str:
    """The report as a JUnit ``<testsuites>`` document."""
    root = ET.Element("testsuites", name="twinschema")
    by_pair: dict[tuple[str, str, str], dict[str, list[Difference]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for d in report.differences:
        by_pair[(d.layer, d.left_source, d.right_source)][d.table or "(schema)"].append(d)
    total = failures = errors = skipped = 0
    for layer in report.layers:
        suite = ET.SubElement(root, "testsuite", name=f"{layer.name}: {layer.left} <> {layer.right}")
        tables = by_pair.get((layer.name, layer.left, layer.right), {})
        cases = 0
        if layer.status in (ERROR, SKIPPED):
            case = ET.SubElement(suite, "testcase", classname=layer.name, name=layer.name)
            tag = "error" if layer.status == ERROR else "skipped"
            ET.SubElement(case, tag, message=layer.message or layer.status)
            cases = 1
            errors += layer.status == ERROR
            skipped += layer.status == SKIPPED
        for table in sorted(tables):
            case = ET.SubElement(suite, "testcase", classname=layer.name, name=table)
            differences = tables[table]
            failure = ET.SubElement(
                case, "failure", message=f"{len(differences)} difference(s) in {table}",
                type="drift",
            )
            failure.text = "\n".join(f"{d.kind}: {d.message} (hint: {d.hint})" for d in differences)
            cases += 1
            failures += 1
        if cases == 0:
            ET.SubElement(suite, "testcase", classname=layer.name, name="in sync")
            cases = 1
        suite.set("tests", str(cases))
        total += cases
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
