"""The work behind ``check``, ``diff`` and ``inspect``, kept out of ``cli`` so the CLI stays thin."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinschema.check import run_check
from twinschema.config import URL_FLAG, Config
from twinschema.domain_load import load_domain
from twinschema.domain_model import Domain
from twinschema.errors import DatabaseError, UsageError
from twinschema.layers.pairs import compared, evaluator_for
from twinschema.layers.plan import CheckPlan
from twinschema.model import Schema
from twinschema.paths import shown
from twinschema.records import (
    DIALECTS,
    Difference,
    Equivalence,
    FixSite,
    LayerResult,
    Report,
    Severity,
    Side,
    Status,
)
from twinschema.servers.scratch import SCRATCH_URL_ENV
from twinschema.sources import (
    MODULE,
    SQL_FILE,
    URL,
    as_source,
    classify,
    label_of,
    make_canonical,
    metadata_file,
    read_dialects,
    read_metadata,
    read_sql_file,
    reflect_url,
    url_dialect,
)
from twinschema.urls import redact

if TYPE_CHECKING:
    from twinschema.migrations.lint import ChainLint

if TYPE_CHECKING:
    from twinschema.migrations.lint import ChainLint


def plan_check(
    config: Config,
    layers: Sequence[str],
    sqlite_url: str | None,
    postgres_url: str | None,
    stack: ExitStack,
    say: Callable[[str], None] | None = None,
) -> CheckPlan:
    """Resolve each side's database as ``Config.database`` does (flag, then variable, then
    ``default_url``, then for PostgreSQL the embedded server, started only when the live or
    migrations layer needs it). A flag of the wrong dialect is a ``UsageError`` before anything
    is read; ``say`` gets the one line of each note (a variable ignored, the embedded server
    used) when the layers read databases."""
    chosen = {
        "sqlite": config.database("sqlite", sqlite_url),
        "postgresql": config.database("postgresql", postgres_url),
    }
    urls: dict[str, str | None] = {dialect: found.url for dialect, found in chosen.items()}
    plan = CheckPlan(
        config=config, layers=layers, urls=urls, scratch_url=os.environ.get(SCRATCH_URL_ENV) or None
    )
    for dialect, found in chosen.items():
        if found.url is not None and found.origin == URL_FLAG[dialect]:
            plan.url_flags[dialect] = f"{found.origin} {redact(found.url)}"
    needs_db = "live" in layers or "migrations" in layers
    if not needs_db:
        return plan
    for dialect, found in chosen.items():
        if found.note and say is not None and (found.url is not None or dialect in config.dialects):
            say(found.note)
    if urls["postgresql"] is None and "postgresql" in config.dialects:
        _start_embedded(config, plan, stack)
    return plan


def _start_embedded(config: Config, plan: CheckPlan, stack: ExitStack) -> None:
    """The embedded server as the PostgreSQL side, stopped with ``stack``; a server that cannot
    start makes the layers that need it ``error``."""
    from twinschema.servers import embedded

    try:
        server = embedded.start(config.embedded_dir, var=config.var)
    except DatabaseError as exc:
        plan.url_errors["postgresql"] = exc.message
        return
    stack.callback(server.stop)
    plan.urls["postgresql"] = server.url()
    plan.labels["postgresql"] = f"embedded PostgreSQL ({shown(config.embedded_dir)})"
    plan.scratch_url = plan.scratch_url or server.url()


def check(
    config: Config,
    layers: Sequence[str],
    sqlite_url: str | None,
    postgres_url: str | None,
    say: Callable[[str], None] | None = None,
    evaluate: bool = True,
    require_all: bool = False,
) -> Report:
    """Run ``twinschema check`` and return its report (``say``: see ``plan_check``;
    ``evaluate``: run the evaluation stage, off with ``--no-evaluate``; ``require_all``: a
    comparison skipped for want of a database is an error, ``--require-all``)."""
    with ExitStack() as stack:
        plan = plan_check(config, layers, sqlite_url, postgres_url, stack, say)
        plan.evaluate = evaluate
        plan.require_all = require_all
        return run_check(plan)


@contextmanager
def open_source(
    spec: str, dialect: str | None, config: Config, domain: Domain | None
) -> Iterator[Side]:
    """A source given on the command line, read and made canonical, as one side of a diff."""
    kind = classify(spec)
    if kind == MODULE and dialect is None:
        # A module that is not there is told as such, before the dialect it would need.
        path = metadata_file(spec, config.root)
        raise UsageError(
            f"{path}: cannot tell the dialect of metadata module {spec}: pass --dialect "
            "sqlite|postgresql"
        )
    if kind == URL:
        raw = reflect_url(spec, config.reflect_options(url_dialect(spec)))
        yield _side(raw, label_of(spec), domain, file=None)
    elif kind == SQL_FILE:
        with read_sql_file(spec, dialect, config.reflect_options(dialect or "postgresql")) as raw:
            yield _side(raw, spec, domain, file=spec)
    else:
        assert dialect is not None
        raw, path = read_metadata(spec, dialect, config.reflect_options(dialect), config.root)
        yield _side(raw, path, domain, file=path)


def _side(raw: Schema, label: str, domain: Domain | None, file: str | None) -> Side:
    """A source as one side of a diff; ``file``: the file its fixes go to (none for a
    database: a diff does not know which module builds it)."""
    return Side(make_canonical(raw, domain), label, label, file=file)


def source_dialect(spec: str, config: Config) -> str | None:
    """The dialect a source states by itself: a URL's, or a configured metadata module's."""
    kind = classify(spec)
    if kind == URL:
        return url_dialect(spec)
    if kind == MODULE:
        for dialect in DIALECTS:
            if config.side(dialect).metadata == spec:
                return dialect
    return None


def _diff_dialect(spec: str, other: str, config: Config, flag: str | None) -> str | None:
    """The dialect ``spec`` is read in: a URL's own; a metadata module's configured one, else
    that of the live database it is compared with, else ``--dialect``; a SQL file's
    ``--dialect``, else (None) what its content says."""
    own = source_dialect(spec, config)
    if own is not None:
        return own
    if classify(spec) == MODULE and classify(other) == URL:
        return url_dialect(other)
    return flag


def diff(
    config: Config,
    a: str,
    b: str,
    domain_path: str | None,
    dialect: str | None,
    evaluate: bool = True,
    dialects: tuple[str | None, str | None] = (None, None),
) -> Report:
    """Run ``twinschema diff`` on any two sources and return its report: the comparer, then
    (``evaluate``, off with ``--no-evaluate``) the evaluation stage, whose PostgreSQL
    expressions run on a scratch database (``TWINSCHEMA_SCRATCH_URL`` or the embedded server),
    never on a source. ``dialects`` (``--dialect-a``/``--dialect-b``) name one side's dialect,
    over ``dialect`` (``--dialect``, both sides): a SQLite file and a PostgreSQL file can be
    compared when detection fails on one of them."""
    domain = load_domain(domain_path) if domain_path else None
    a, b = as_source(a), as_source(b)
    da = _diff_dialect(a, b, config, dialects[0] or dialect)
    db = _diff_dialect(b, a, config, dialects[1] or dialect)
    da, db = read_dialects((a, b), (da, db))
    report = Report()
    plan = CheckPlan(
        config=config,
        layers=(),
        urls={},
        scratch_url=os.environ.get(SCRATCH_URL_ENV) or None,
        evaluate=evaluate,
        # Inside a project that configures PostgreSQL, check has a scratch server at hand (the
        # embedded one it starts for the live or migrations layer): so does diff, or a pair
        # only the server settles (a default out of int4's range) was in sync here alone. A
        # diff with a PostgreSQL side starts it too, outside a project as well: a PostgreSQL
        # SQL file starts it to load itself, and a live database got no value probes where
        # its SQL dump got them (stranger60 004).
        embedded="postgresql" in (*config.dialects, da, db),
    )
    with (
        open_source(a, da, config, domain) as left,
        open_source(b, db, config, domain) as right,
        evaluator_for(plan) as evaluator,
    ):
        left, right = named_databases(left, right)
        result = LayerResult("diff", left.label, right.label, Status.IN_SYNC)
        for side in (left, right):
            result.note_not_compared(side.label, side.schema.not_compared)
        report.add(result.record(*compared(left, right, "diff", domain, evaluator, config.fail_on)))
        if domain is None:  # one name spelled two ways, said once (stranger77 009)
            from twinschema.adopt.name_styles import spelled_apart

            result.warnings += [w for w in [spelled_apart(result.differences, "diff")] if w]
    return report


def named_databases(left: Side, right: Side) -> tuple[Side, Side]:
    """The two sides of a diff, a database (named by its URL, which the report's header shows)
    named shortly in messages and hints, "the SQLite database", when the other side is not a
    database of the same dialect (two of them keep their URLs: nothing shorter tells them apart)."""
    from dataclasses import replace

    from twinschema.records.dialects import database_named

    def named(side: Side, other: Side) -> Side:
        dialect = side.schema.dialect
        if classify(side.label) != URL or (
            classify(other.label) == URL and other.schema.dialect == dialect
        ):
            return side
        short = database_named(dialect)
        return replace(side, short=short, fix=short)

    return named(left, right), named(right, left)


def inspect(config: Config, spec: str, dialect: str | None, fmt: str) -> str:
    """The neutral model of one source, as JSON or YAML, or as text for people."""
    spec = as_source(spec)
    dialect = source_dialect(spec, config) or dialect
    with open_source(spec, dialect, config, None) as side:
        schema = side.schema
    if fmt == "text":
        from twinschema.report.schema_text import render_schema

        return render_schema(schema)
    document = _schema_document(schema)
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(document, sort_keys=False))
    return json.dumps(document, indent=2) + "\n"


def _schema_document(schema: Schema) -> dict[str, Any]:
    return {
        "dialect": schema.dialect,
        "source": schema.source,
        "tables": {name: asdict(table) for name, table in schema.tables.items()},
        "not_compared": dict(schema.not_compared),
        # Views, triggers, functions and sequences, with the canonical definitions compared.
        "objects": [asdict(o) for o in schema.objects],
    }


def check_output_path(output: str | None) -> None:
    """Refuse, before any work, an output file whose directory does not exist."""
    if output and not Path(output).resolve().parent.is_dir():
        raise UsageError(f"{output}: the output directory does not exist")


# ---------------------------------------------------------------------------------------------
# ``twinschema lint`` as a report (here, not in ``lint``: it reads the chains through
# ``migrate``, which runs the lint before it applies a revision)


def add_to_report(report: Report, lint: ChainLint, target: str | None = None) -> None:
    """The chain's lint as a ``lint`` layer: refused changes and stale markers as differences,
    allowed changes as equivalences (shown with ``--verbose``, with their reasons); ``target``:
    the database the revisions are about to be applied to, none named by default."""
    from twinschema.migrations.lint import ANY_DATABASE, KIND, LAYER, MARKER
    from twinschema.migrations.lint_fts import difference as fts_difference

    target = target or ANY_DATABASE
    span = f"{len(lint.revisions)} revision(s)"
    layer = LayerResult(LAYER, lint.chain, target, Status.IN_SYNC, span if lint.ok else None)
    for finding in lint.findings:
        change = finding.change
        if finding.refused:
            layer.differences.append(
                Difference(
                    layer=LAYER,
                    kind=KIND,
                    table=change.table,
                    column=change.column,
                    name=change.key,
                    left=change.before,
                    right=change.after,
                    message=f"revision {finding.revision} {change.message}",
                    hint=(
                        f"at {finding.where}: fix the revision's Python (a missing import?), then lint again"
                        if change.broken
                        else f"at {finding.where}: {change.waiver}, add to that revision "
                        f'{MARKER} = {{"{change.key}": "<why>"}}; {change.keep}'
                    ),
                    severity=Severity.ERROR,
                    left_source=lint.chain,
                    right_source=target,
                    fix=FixSite(file=finding.path, line=finding.line),
                )
            )
        else:
            layer.equivalences.append(
                Equivalence(
                    layer=LAYER,
                    table=change.table or "-",
                    column=change.column,
                    rule=f"{'no data lost at' if finding.noted else 'allowed by'} "
                    f"{finding.where}: {finding.reason}",
                    left=change.before,
                    right=change.after,
                    left_source=lint.chain,
                    right_source=target,
                )
            )
    for revision, where, key in lint.stale:
        path, _, line = where.rpartition(":")
        layer.differences.append(
            Difference(
                layer=LAYER,
                kind="stale_allowance",
                table=None,
                column=None,
                name=key,
                left=key,
                right="no such operation",
                message=f"revision {revision} allows {key!r}, but does no such thing",
                hint=f"fix the key or remove it from {MARKER} at {where}",
                left_source=lint.chain,
                right_source=target,
                fix=FixSite(file=path, line=int(line)) if line.isdigit() else None,
            )
        )
    layer.differences.extend(fts_difference(r, lint.chain, target) for r in lint.renumbered)
    if not lint.ok:
        layer.status = Status.DRIFT
    report.add(layer)


def lint_project(config: Config, dialects: Sequence[str] = DIALECTS) -> Report:
    """``twinschema lint``: every revision of each configured chain, without a database (a NOT
    NULL column added without a default is refused whenever its table may have rows)."""
    from twinschema.migrations.lint import ANY_DATABASE, LAYER, chain_scripts, lint_scripts
    from twinschema.migrations.migrate_chain import alembic_config, script_directory

    report = Report()
    for dialect in dialects:
        if config.side(dialect).migrations is None:
            report.layers.append(
                LayerResult(
                    LAYER, dialect, ANY_DATABASE, Status.SKIPPED, "no migrations configured"
                )
            )
            continue
        cfg = alembic_config(config, dialect)
        folder = Path(cfg.get_main_option("script_location") or dialect)
        scripts = chain_scripts(script_directory(cfg))
        add_to_report(
            report,
            lint_scripts(scripts, dialect, shown(folder, config.root), config.root, fts=True),
        )
    return report
