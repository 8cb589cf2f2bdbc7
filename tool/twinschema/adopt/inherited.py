"""``init --allow-existing``: an allowance in ``domain.yaml`` for each difference the two adopted
databases already had (stranger84 008: ``revision`` refuses every change while the models layer
differs, and a real app adopted as it is may differ in dozens of places). Each entry is the one
the difference's hint offers (``allowance_entry``, pinned to what each side shows, so a later
change to either side is reported), with a reason that says it was inherited and wants review."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from twinschema.compare.allowance_entries import allowance_entry, offers
from twinschema.records import Difference, FixSide

__all__ = ["INHERITED_REASON", "Inherited", "allow_inherited", "differences_left"]

# The reason each entry gives: no date, so that two inits of the same pair write the same file.
INHERITED_REASON = (
    "inherited at adoption (twinschema init --allow-existing): the two databases already "
    "differed so; review it, then fix a metadata module or write the real reason"
)
# The models layer compares the SQLite module (left) with the PostgreSQL one (right).
_DIALECTS = {FixSide.LEFT: "sqlite", FixSide.RIGHT: "postgresql"}


@dataclass(frozen=True, slots=True)
class Inherited:
    """What ``allow_inherited`` did: the entries it wrote, and the differences no allowance
    holds (left as they were: ``check`` still reports them)."""

    written: int
    left: tuple[Difference, ...]


def allow_inherited(pyproject: Path) -> Inherited:
    """Allow in the project's ``domain.yaml`` each models-layer difference of the project
    ``pyproject`` configures whose hint offers an allowance (a table's ``allow:``; a difference
    of no table, or whose hint offers none, is left), then compare again: what is left."""
    from twinschema.config import load_config

    found = differences_left(pyproject)
    entries: dict[str, list[str]] = {}
    for d in found:
        if d.table is not None and offers(d):
            entry = allowance_entry(d, _DIALECTS, reason=INHERITED_REASON)
            if entry not in entries.setdefault(d.table, []):
                entries[d.table].append(entry)
    domain = load_config(pyproject).domain
    written = _write(domain, entries) if domain is not None else 0
    return Inherited(written, differences_left(pyproject))


def differences_left(pyproject: Path, evaluate: bool = True) -> tuple[Difference, ...]:
    """The models layer's differences in the project ``pyproject`` configures, as ``revision``
    finds them before it refuses (without ``evaluate``: the comparer's alone, no scratch server
    started, as ``init`` without ``--allow-existing`` promises)."""
    from twinschema.check import run_check
    from twinschema.config import load_config
    from twinschema.layers.plan import CheckPlan

    config = load_config(pyproject)
    plan = CheckPlan(config=config, layers=("models",), urls={}, evaluate=evaluate)
    return tuple(run_check(plan).differences)


def _write(domain: Path, entries: dict[str, list[str]]) -> int:
    """Each table's entries appended to its ``allow:`` in ``domain`` (comments and layout
    kept): how many were written."""
    if not entries:
        return 0
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 16
    yaml.preserve_quotes = True  # each entry quoted as its hint quotes it
    data = yaml.load(domain.read_text("utf-8"))
    count = 0
    for table, listed in sorted(entries.items()):
        node = data["tables"][table]
        allow = node.get("allow")
        if allow is None:
            allow = node["allow"] = CommentedSeq()
        for text in listed:
            entry = yaml.load(text)
            assert isinstance(entry, CommentedMap)
            entry.fa.set_flow_style()
            allow.append(entry)
            count += 1
    out = io.StringIO()
    yaml.dump(data, out)
    domain.write_text(out.getvalue(), "utf-8")
    return count
