"""Reading ``[tool.twinschema]``'s values (see ``config``): each value checked for its kind,
and every error one line naming the file (and, where the file shows it, the line) and the key."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from typing import Any

from twinschema.errors import UsageError, suggestion

if sys.version_info >= (3, 14):
    import tomllib as toml_parser
else:
    # tomllib's own parser as a package (TOML 1.0; pyproject pins it below the release that
    # reads TOML 1.1): its errors carry their line and column as fields, which tomllib's do
    # only from Python 3.14 (before, only inside the message's text).
    import tomli as toml_parser


class UnknownKey(UsageError):
    """A key ``[tool.twinschema]`` does not know, in ``section`` (e.g. ``tool.twinschema``);
    ``top`` lists the keys of ``[tool.twinschema]`` itself (one set under a dialect is pointed there)."""

    def __init__(
        self, label: str, section: str, key: str, allowed: tuple[str, ...], top: tuple[str, ...]
    ) -> None:
        self.label, self.section, self.key = label, section, key
        advice = suggestion(key, allowed)
        if not advice and key in top and section != "tool.twinschema":
            advice = f" ({key} is set under [tool.twinschema], for both databases)"
        super().__init__(f"{label} [{section}]: unknown key {key!r}{advice}")

    def located(self, text: str) -> str:
        """The message with the key's line (``pyproject.toml:12 [...]: unknown key``), when
        the file shows it under its section's header."""
        line = _key_line(text, self.section, self.key)
        if line is None:
            return self.message
        return self.message.replace(self.label, f"{self.label}:{line}", 1)


def _key_line(text: str, section: str, key: str) -> int | None:
    """The line of ``key = ...`` under the header ``[section]`` (None when not written so)."""
    header = ""
    assignment = re.compile(
        rf"""\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*="""
    )
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            header = re.sub(r"[\s\"']", "", stripped.split("#", 1)[0].strip("[] \t"))
            header = header.rstrip("]")
        elif header == section and assignment.match(line):
            return number
    return None


def read_toml(label: str, text: str) -> dict[str, Any]:
    """``text`` as TOML; a refusal is one ``UsageError`` that starts with ``file:line:column``,
    from the parser error's own fields (``lineno``, ``colno``, ``msg``)."""
    try:
        return toml_parser.loads(text)
    except toml_parser.TOMLDecodeError as exc:
        where = f"{label}:{exc.lineno}:{exc.colno}"
        raise UsageError(f"{where}: not valid TOML: {exc.msg}") from None


def check_keys(
    table: Mapping[str, Any], allowed: tuple[str, ...], where: str, top: tuple[str, ...]
) -> None:
    """Refuse the first key of ``table`` not in ``allowed`` (``UnknownKey``)."""
    label, _, section = where.rpartition(" [")
    for key in table:
        if key not in allowed:
            raise UnknownKey(label, section.rstrip("]"), key, allowed, top)


def string(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{where}: {key} must be a non-empty string")
    return value


def seconds(value: Any, where: str, key: str) -> float:
    """A number of seconds: finite and positive (TOML's ``inf`` and ``nan``, and an integer too
    large for a float, would make a wait endless or break it)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not finite_positive(value):
        raise UsageError(
            f"{where}: {key} must be a finite positive number of seconds, not {value!r}"
        )
    return float(value)


def finite_positive(value: float) -> bool:
    """True for a finite number above zero (never for ``nan`` or ``inf``)."""
    try:
        return math.isfinite(value) and value > 0
    except OverflowError:  # an int beyond a float's range
        return False


def strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key} must be a list of strings")
    return tuple(value)
