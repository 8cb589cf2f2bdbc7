"""GitHub Actions workflow commands: one ``::error`` annotation per difference, on the file where
the fix goes (a metadata module, or domain.yaml), plus a notice per layer that could not look."""

from __future__ import annotations

from twinschema.check import ERROR, Report


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, verbose: bool, color: bool) -> str:
    """One workflow command per line."""
    lines = []
    for d in report.differences:
        # The fix goes to the side that lacks the object, else to the left (the reference).
        target = d.right_source if d.right is None and d.left is not None else d.left_source
        file = target if not target.startswith(("sqlite:", "postgresql")) else ""
        props = f"file={_prop(file)}," if file.endswith((".py", ".yaml", ".yml")) else ""
        title = f"twinschema {d.layer}: {d.kind} {d.table or ''}" + (f".{d.column}" if d.column else "")
        level = "warning" if d.severity == "warning" else "error"
        lines.append(f"::{level} {props}title={_prop(title)}::{_escape(d.message + '. ' + d.hint)}")
    for layer in report.layers:
        if layer.status == ERROR:
            lines.append(f"::error title={_prop('twinschema ' + layer.name)}::"
                         f"{_escape(f'{layer.left} <> {layer.right}: {layer.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
