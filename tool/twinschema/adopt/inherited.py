"""``init --allow-existing``: an allowance in ``domain.yaml`` for each difference the two adopted
databases already had (stranger84 008: ``revision`` refuses every change while the models layer
differs, and a real app adopted as it is may differ in dozens of places). Each entry is the one
the difference's hint offers (``allowance_entry``, pinned to what each side shows, so a later
change to either side is reported), with a reason that says it was inherited and wants review."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from twinschema.adopt.inherited_entries import DIALECTS, Entries, placed
from twinschema.compare.allowance_entries import Schemas
from twinschema.records import Difference, Report
from twinschema.records.domain import Domain

__all__ = ["INHERITED_REASON", "Inherited", "allow_inherited", "differences_left"]

# The reason each entry gives: no date, so that two inits of the same pair write the same file.
INHERITED_REASON = (
    "inherited at adoption (twinschema init --allow-existing): the two databases already "
    "differed so; review it, then fix a metadata module or write the real reason"
)


@dataclass(frozen=True, slots=True)
class Inherited:
    """What ``allow_inherited`` did: the entries it wrote, and the differences no allowance
    holds (left as they were: ``check`` still reports them)."""

    written: int
    left: tuple[Difference, ...]


def allow_inherited(pyproject: Path, urls: Mapping[str, str | None]) -> Inherited:
    """Allow in the project's ``domain.yaml`` each difference of the two metadata modules and
    of the two databases at ``urls`` (dialect -> URL) one allowance can hold (``placed``: a
    table's ``allow:``, a view's), then check again as ``check`` does (every layer): what is
    left. The databases' own differences are the live layer's (a view the two define
    otherwise; stranger85 004: they were neither allowed nor listed, and the first check was
    red).

    Two checks, on purpose (tidy94 counted them: ``run_check`` twice, the first of the models
    and live layers, the second of all four): what is left cannot be read off the first report,
    since an allowance is matched inside the comparer, before and after the evaluation stage
    (held kinds, stale and false allowances), and the second also runs the domain and
    migrations layers on the domain.yaml just written, as the next ``check`` does."""
    from twinschema.config import load_config
    from twinschema.domain_load import load_domain

    domain_path = load_config(pyproject).domain
    if domain_path is None:
        return Inherited(0, ())
    report = _checked(pyproject, ("models", "live"), urls)
    domain = load_domain(domain_path)
    entries = placed(_across(report), domain, _modules(pyproject, domain), INHERITED_REASON)
    written = _write(domain_path, entries)
    after = _checked(pyproject, ("domain", "models", "live", "migrations"), urls)
    return Inherited(written, tuple(after.differences))


def differences_left(pyproject: Path, evaluate: bool = True) -> tuple[Difference, ...]:
    """The models layer's differences in the project ``pyproject`` configures, as ``revision``
    finds them before it refuses (without ``evaluate``: the comparer's alone, no scratch server
    started, as ``init`` without ``--allow-existing`` promises)."""
    return tuple(_checked(pyproject, ("models",), {}, evaluate).differences)


def _checked(
    pyproject: Path, layers: tuple[str, ...], urls: Mapping[str, str | None], evaluate: bool = True
) -> Report:
    """The report of ``layers`` in the project ``pyproject`` configures, on the databases at
    ``urls`` (the scratch server ``TWINSCHEMA_SCRATCH_URL`` names, else the embedded one)."""
    from twinschema.check import run_check
    from twinschema.config import load_config
    from twinschema.layers.plan import CheckPlan
    from twinschema.servers.scratch import SCRATCH_URL_ENV

    plan = CheckPlan(
        config=load_config(pyproject),
        layers=layers,
        urls=dict(urls),
        evaluate=evaluate,
        scratch_url=os.environ.get(SCRATCH_URL_ENV) or None,
    )
    return run_check(plan)


def _modules(pyproject: Path, domain: Domain) -> Schemas:
    """The two metadata modules' canonical schemas (SQLite's left), where an allowance reads
    an index's columns by their logical names."""
    from twinschema.config import load_config
    from twinschema.layers.plan import CheckPlan
    from twinschema.layers.sources import Sources

    plan = CheckPlan(config=load_config(pyproject), layers=("models",), urls={})
    sources = Sources(plan, domain)
    return {side: sources.model(dialect).schema for side, dialect in DIALECTS.items()}


def _across(report: Report) -> list[Difference]:
    """The differences of the comparisons across the dialects: the models layer's (the two
    modules) and the live layer's last (the two databases: ``live_layer`` compares each module
    with its database first), whose left side is SQLite's and right PostgreSQL's."""
    models = [d for r in report.layers if r.name == "models" for d in r.differences]
    live = [r for r in report.layers if r.name == "live"]
    return models + (live[-1].differences if live else [])


def _write(domain: Path, entries: Entries) -> int:
    """Each entry appended to the ``allow:`` of its table or view in ``domain`` (comments and
    layout kept; a view's entry made under ``views:`` where it has none): how many were
    written."""
    if not entries:
        return 0
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 16
    yaml.preserve_quotes = True  # each entry quoted as its hint quotes it
    data = yaml.load(domain.read_text("utf-8"))
    count = 0
    for (section, key), listed in sorted(entries.items()):
        if data.get(section) is None:
            data[section] = CommentedMap()
        if data[section].get(key) is None:
            data[section][key] = CommentedMap()
        node = data[section][key]
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
