"""``twinschema check --explain KIND``: what a difference kind means and how to fix it.

The text is ``differences.DIFFERENCE_KINDS`` (the same the SARIF rules carry); this adds whether
``domain.yaml`` may declare the kind as an allowed dialect difference, with the shape of such an
allowance. It needs no configuration and no database.
"""

from __future__ import annotations

import textwrap

from twinschema.errors import UsageError, suggestion
from twinschema.records import ALLOWABLE_KINDS, DIFFERENCE_KINDS, VIEW_ALLOWABLE_KINDS

ALL = "all"
# Kinds no allowance names, of which an allowance of another kind leaves some out (README: a
# view's columns apart at the chains' heads go where the pair of databases' do).
_THROUGH = {
    "migration_parity": "a view allowance of the view's name pinned to its columns (sides:) "
    "leaves its columns apart at the chains' heads out (above); the rest is fixed in the files.",
}
_WIDTH = 100


def explain(kind: str) -> str:
    """The explanation of ``kind`` (``all``: of every kind); an unknown kind is a usage error
    that suggests the closest kind."""
    key = kind.strip().lower().replace("-", "_")
    if key == ALL:
        return "\n".join(_one(k) for k in DIFFERENCE_KINDS)
    if key not in DIFFERENCE_KINDS:
        raise UsageError(
            f"unknown difference kind {kind!r}"
            + (suggestion(key, DIFFERENCE_KINDS) or "")
            + f"; kinds: {', '.join(DIFFERENCE_KINDS)} (or {ALL})"
        )
    return _one(key)


def _one(kind: str) -> str:
    lines = [kind]
    lines += textwrap.wrap(
        DIFFERENCE_KINDS[kind], _WIDTH, initial_indent="  ", subsequent_indent="  "
    )
    if kind in ALLOWABLE_KINDS:
        lines.append(
            "  When the difference is on purpose, declare it under the table in domain.yaml:"
        )
        lines += [
            "    allow:",
            f"      - kind: {kind}",
            "        dialect: postgresql   # where only that side has it; without: it differs",
            "        name: ...             # the object's name, or column: ... (optional)",
            "        reason: why the two dialects differ here",
        ]
    elif kind in VIEW_ALLOWABLE_KINDS:
        lines.append(
            "  When the view differs across dialects on purpose, declare it under the view in "
            "domain.yaml:"
        )
        lines += [
            "    views:",
            "      v:",
            "        allow:",
            f"          - kind: {kind}",
            "            reason: why the two dialects differ here",
        ]
    elif kind in _THROUGH:
        said = f"domain.yaml cannot allow this kind by its own name: {_THROUGH[kind]}"
        lines += textwrap.wrap(said, _WIDTH, initial_indent="  ", subsequent_indent="  ")
    else:
        lines.append("  domain.yaml cannot allow this kind: it is always fixed in the files.")
    return "\n".join(lines) + "\n"
