"""``twinschema init``: a whole project from two databases that were kept in step by hand.

Both databases are read (never written, but for ``--stamp``), their tables and columns paired by
name (``naming``), each pair given the kind both sides agree on (``kinds``), and the project
written (``project`` says where):

* ``domain.yaml`` (``domain_file``); ``[tool.twinschema]`` merged into ``pyproject.toml``;
* the two metadata modules (``models``) and the domain loader they import (``loader``);
* both Alembic environments (``chains``) with a baseline revision each that creates the schema
  as it exists (``baseline``), when the project has no revision yet;
* a ``Makefile`` with ``check-sync``, ``migrate-local`` and ``migrate-remote`` (``chains``);
* with ``--stamp``, both databases recorded at their chain's head (``stamp``).

The written metadata modules are imported back before any database is stamped; when that, the
stamp or anything after the first file fails, every file is put back as it was (``undo``).

A file that exists is never overwritten without ``--force`` (``pyproject.toml`` is merged, never
overwritten; an existing chain's files are kept). What could not be paired is reported, and
left for a person to declare: never written as declared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from twinschema.adopt import baseline, loader, models, reflection
from twinschema.adopt.chains import chain_files, makefile
from twinschema.adopt.domain_file import render
from twinschema.adopt.naming import pair_names, snake_case, words
from twinschema.adopt.project import Layout, layout, merged_pyproject, relative
from twinschema.adopt.proposal import Proposal, name_map, propose
from twinschema.adopt.stamp import WriteRefused, apply_stamp, plan_stamp
from twinschema.adopt.trigger_pairs import add_triggers
from twinschema.adopt.undo import Undo
from twinschema.config import Config, load_config
from twinschema.domain_load import parse_domain
from twinschema.errors import DomainError, InternalError, UsageError
from twinschema.model import Schema
from twinschema.records import DIALECTS
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.sources import reflect_url
from twinschema.sources.metadata_import import import_metadata

__all__ = [
    "InitResult",
    "database_url",
    "default_output",
    "pair_names",
    "propose",
    "run_init",
    "snake_case",
    "summary",
    "words",
]

SQLITE, POSTGRESQL = DIALECTS


@dataclass(frozen=True)
class InitResult:
    """What ``init`` wrote and did, for its summary."""

    output: Path
    proposal: Proposal
    stamped: Mapping[str, str] = field(default_factory=dict)  # dialect -> revision
    created: tuple[Path, ...] = ()  # baseline revision files
    written: tuple[Path, ...] = ()  # every file written
    kept: tuple[Path, ...] = ()  # files that existed and were left as they were


def database_url(
    config: Config, dialect: str, given: str | None, say: Callable[[str], None] | None = None
) -> str:
    """The database of ``dialect`` as ``Config.database`` decides it: the flag (of the wrong
    dialect: refused), else its environment variable (of the wrong dialect: ignored, and ``say``
    gets the notice), else its default; never the embedded server."""
    chosen = config.database(dialect, given)
    if chosen.ignored and say is not None:
        say(chosen.ignored)
    flag = "--sqlite-url" if dialect == SQLITE else "--postgres-url"
    if chosen.url is None:
        raise UsageError(f"twinschema init: no {dialect} database: pass {flag}")
    return chosen.url


def default_output(config: Config) -> Path:
    """The configured domain file, else ``domain.yaml`` in the project's root."""
    return config.domain or config.root / "domain.yaml"


def _read_from(dialect: str) -> str:
    """What the written files say they were read from: the side, never its URL (a host name or
    a path can be private even with the password masked, and files are committed)."""
    return f"the {DIALECT_NAMES[dialect]} database given to `twinschema init`"


def _has_revisions(folder: Path) -> bool:
    return any((folder / "versions").glob("*.py"))


def _domain_text(proposal: Proposal, output: Path, urls: Mapping[str, str]) -> str:
    text = render(proposal, output, {d: _read_from(d) for d in DIALECTS})
    try:
        parse_domain(text, str(output))
    except DomainError as exc:  # a bug here, never the user's: say so
        raise InternalError(f"twinschema init wrote a domain file it cannot read: {exc}") from None
    return text


def project_files(
    config: Config,
    where: Layout,
    urls: Mapping[str, str],
    raw: Mapping[str, Schema],
    proposal: Proposal,
) -> tuple[dict[Path, str], dict[Path, str], dict[str, Path]]:
    """The files to write: those a person owns (refused without --force when they exist and
    differ), the chains' scaffolding (kept when it exists), and the baseline of each new chain."""
    owned: dict[Path, str] = {where.domain: _domain_text(proposal, where.domain, urls)}
    loader_file = where.module_file(where.loader)
    owned[loader_file] = loader.render_loader(relative(where.domain, loader_file.parent))
    scaffold: dict[Path, str] = {p: "" for p in where.packages() if not p.exists()}
    scaffold.update({p: text for p, text in makefile(where.root).items() if not p.exists()})
    baselines: dict[str, Path] = {}
    new_chains = not any(_has_revisions(where.chains[d]) for d in DIALECTS)
    for dialect in DIALECTS:
        options = config.reflect_options(dialect)
        names = name_map(proposal, dialect)
        reflected = reflection.reflect_tables(urls[dialect], options, names.tables)
        reflection.complete(reflected, raw[dialect])
        owned[where.module_file(where.modules[dialect])] = models.render_module(
            dialect, reflected, names, raw[dialect], where.loader, _read_from(dialect)
        )
        folder = where.chains[dialect]
        scaffold.update(
            chain_files(dialect, folder, where.root, where.modules[dialect], where.loader)
        )
        if not new_chains:
            continue
        if dialect == SQLITE:
            up, down = baseline.sqlite_bodies(urls[dialect], options, reflected)
        else:
            up, down = baseline.postgresql_bodies(urls[dialect], options, reflected)
        path = folder / "versions" / f"{baseline.revision_id(dialect)}.py"
        owned[path] = baseline.revision_file(dialect, up, down, _read_from(dialect))
        baselines[dialect] = path
    return owned, scaffold, baselines


def run_init(
    config: Config,
    urls: Mapping[str, str],
    output: Path,
    *,
    force: bool = False,
    stamp: bool = False,
) -> InitResult:
    """Reflect both databases, write the project, and with ``stamp`` record both at a revision."""
    if output.exists() and not force:
        raise UsageError(f"{output} already exists: pass --force to overwrite it")
    if output.is_dir() or not output.resolve().parent.is_dir():
        raise UsageError(f"{output}: not a file in an existing directory")
    where = layout(config, output)
    raw = {d: reflect_url(urls[d], config.reflect_options(d)) for d in DIALECTS}
    proposal = propose(raw[SQLITE], raw[POSTGRESQL])
    add_triggers(proposal, raw)
    _refuse_nothing_to_adopt(raw, proposal)
    with reflection.one_connection_each():  # closed before anything is written or stamped
        owned, scaffold, baselines = project_files(config, where, urls, raw, proposal)
    clashes = [p for p, text in owned.items() if p.exists() and _differs(p, text)]
    if clashes and not force:
        shown = ", ".join(relative(p, where.root) for p in clashes)
        raise UsageError(f"{shown}: already exist(s): pass --force to overwrite")
    pyproject = where.root / "pyproject.toml"
    url_env = {d: config.url_env_name(d) for d in DIALECTS}
    merged = merged_pyproject(pyproject, where, url_env)  # refused before anything is written
    revisions = {d: baseline.revision_id(d) for d in baselines}
    plan = plan_stamp(config, urls, revisions) if stamp else None
    undo = Undo()
    try:
        written, kept = _write(undo, owned, scaffold, force)
        if _differs(pyproject, merged):
            undo.write(pyproject, merged)
            written.append(pyproject)
        written_config = load_config(pyproject)
        _read_back(written_config)
        if plan is not None:
            apply_stamp(written_config, plan)
    except WriteRefused as exc:
        undo.restore()
        raise UsageError(
            f"--stamp failed: {exc}; every file init wrote was removed again and no database "
            "was stamped: run `twinschema init` again without --stamp (or with URLs it may "
            "write to)"
        ) from None
    except BaseException:
        undo.restore()  # never a half-written project: a second init starts afresh
        raise
    created = tuple(baselines[d] for d in DIALECTS if d in baselines)
    stamped = {d: s.revision for d, s in plan.items()} if plan is not None else {}
    return InitResult(output, proposal, stamped, created, tuple(written), tuple(kept))


def _refuse_nothing_to_adopt(raw: Mapping[str, Schema], proposal: Proposal) -> None:
    """Refuse (exit 2) databases with no table ``domain.yaml`` could hold: ``init`` adopts
    tables that exist, and a domain file with none is no project (stranger61 004)."""
    if proposal.tables:
        return
    sides = " nor in ".join(f"the {DIALECT_NAMES[d]} database" for d in DIALECTS)
    if not any(raw[d].tables for d in DIALECTS):
        why = f"both databases are empty (no table in {sides})"
    else:
        why = "no table of either database can be written to domain.yaml (" + (
            "; ".join(proposal.unpaired) + ")"
        )
    raise UsageError(
        f"twinschema init: {why}: nothing to adopt, init starts a project from tables that"
        " exist; create your first table in both databases (or write domain.yaml and the two"
        " metadata modules by hand), then run init again; nothing was written"
    )


def _read_back(config: Config) -> None:
    """Import both metadata modules as every command will: one that fails is init's to undo,
    before any database is stamped."""
    for dialect in DIALECTS:
        spec = config.side(dialect).metadata
        if spec is not None:
            import_metadata(spec, config.root)


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except FileNotFoundError:
        return True


def _write(
    undo: Undo, owned: Mapping[Path, str], scaffold: Mapping[Path, str], force: bool
) -> tuple[list[Path], list[Path]]:
    written, kept = [], []
    for path, text in {**scaffold, **owned}.items():
        if not _differs(path, text):
            continue
        if path.exists() and path in scaffold and not force:
            kept.append(path)
            continue
        undo.write(path, text)
        written.append(path)
    return sorted(written), sorted(kept)


def summary(result: InitResult) -> list[str]:
    """The lines ``init`` prints."""
    p = result.proposal
    stages = ", ".join(f"{n} {stage}" for stage, n in p.stages.items())
    lines = [
        f"wrote {result.output}: {p.paired_tables} tables and {p.paired_columns} columns paired"
        + (f" (by name: {stages})" if stages else ""),
    ]
    if p.unpaired:
        lines.append(f"could not pair {len(p.unpaired)} (listed as comments in the file):")
        lines += [f"  {line}" for line in p.unpaired]
    lines += [f"wrote {path}" for path in result.written if path != result.output]
    lines += [f"kept {path} (it exists; --force overwrites it)" for path in result.kept]
    for path in result.created:
        lines.append(f"created baseline revision {path}")
    for dialect, revision in result.stamped.items():
        lines.append(f"stamped the {dialect} database at {revision}")
    return lines
