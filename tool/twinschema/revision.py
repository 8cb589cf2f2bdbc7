"""``twinschema revision -m MESSAGE``: twin revisions, one in each chain, that move together.

For each dialect, an Alembic autogenerate run compares the chain's metadata module with a scratch
database upgraded to the chain's head: a temporary SQLite file, and a scratch database created on
a PostgreSQL server (the embedded one by default, or ``--scratch-server``) and dropped after. The
user's own databases are never used. Both new revisions declare ``domain_version = N`` (N the
domain version plus one), their ids share a stem (``0002_add_nickname_sqlite`` and
``0002_add_nickname_postgresql``), and only then is the ``version:`` line of ``domain.yaml``
rewritten to N (nothing else in the file changes). When autogenerate finds nothing for a dialect,
the twin is written anyway, empty, so that the chains stay in step. If anything fails, no file
is left behind and ``domain.yaml`` is untouched.

Autogenerate compares types and server defaults too (``alembic_env.compare_server_default``:
defaults are judged by twinschema's canonical expressions, as the migrations layer judges them,
so a default added or changed is in the revision, and a spelling Alembic reads back differently
is not mistaken for a change; identity and computed columns are left to Alembic's own
comparison, and an identity added, changed or dropped is written as statements that apply,
``revision_identity``). Nothing is written while the models layer (the two metadata
modules against each other) has differences: twins generated from drifted models would carry
the drift into both chains. ``ModelsOutOfSync`` (exit 1) lists them.
"""

from __future__ import annotations

import argparse
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.util import CommandError
from ruamel.yaml import YAML

from twinschema import scratch
from twinschema.config import Config
from twinschema.domain_load import load_domain
from twinschema.errors import EXIT_DRIFT, DatabaseError, TwinschemaError, UsageError
from twinschema.migrate_chain import HEAD, Target, alembic_config, head_revision, script_directory
from twinschema.migrate_connect import connect
from twinschema.paths import shown
from twinschema.records import DIALECTS
from twinschema.revision_identity import fix_identity_alterations
from twinschema.urls import first_line, parse_url, scrub

# alembic_version.version_num is VARCHAR(32): the longest id, "NNNN_<slug>_postgresql", must fit.
MAX_REVISION_ID = 32


def bumped(text: str, version: int) -> str:
    """The text of a domain file with its top-level ``version`` set to ``version``, written by a
    round-trip YAML library so that comments, key order, quoting and styles survive, with the
    file's own indentation (see ``_indentation``)."""
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    mapping, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    data = yaml.load(text)
    data["version"] = version
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _indentation(text: str) -> tuple[int, int]:
    """How far a block mapping's keys, and a block list's dashes, sit right of their parent key
    (2 and 0 when the file does not show it). The first nested key and list tell."""
    mapping: int | None = None
    offset: int | None = None
    parent: int | None = None  # the indentation of a key that opens a block
    for line in text.splitlines():
        body = line.split(" #", 1)[0].rstrip()
        stripped = body.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(body) - len(stripped)
        if parent is not None and indent > parent:
            if stripped.startswith("- ") or stripped == "-":
                offset = indent - parent if offset is None else offset
            else:
                mapping = indent - parent if mapping is None else mapping
        parent = indent if body.endswith(":") and not stripped.startswith("- ") else None
    return mapping or 2, offset or 0


class ModelsOutOfSync(TwinschemaError):
    """The models layer has differences: no revision is made (exit 1, as for drift: the
    metadata modules, listed line by line before this error, need work first)."""

    exit_code = EXIT_DRIFT


@dataclass(frozen=True)
class Written:
    """One new revision file, and whether autogenerate found anything for it."""

    dialect: str
    revision: str
    path: Path
    empty: bool


def stem_of(version: int, message: str) -> str:
    """``NNNN_<slug of message>``, short enough for every dialect's suffix to fit 32 characters."""
    prefix = f"{version:04d}_"
    room = MAX_REVISION_ID - len(prefix) - len("_postgresql")
    words = re.sub(r"[^a-z0-9]+", " ", message.lower()).split()
    slug = ""
    for word in words:  # whole words only, as many as fit (issue 13)
        longer = f"{slug}_{word}" if slug else word
        if len(longer) > room:
            break
        slug = longer
    if not slug and words:  # a first word longer than the room: the only one cut
        slug = words[0][:room]
    return prefix + (slug or "revision")


def make_revisions(
    config: Config,
    message: str,
    *,
    scratch_server: str | None = None,
    echo: Callable[[str], None] = print,
) -> list[Written]:
    """Write the twin revisions and bump ``domain.yaml``; see the module docstring."""
    if not message.strip():
        raise UsageError("a revision needs a message: -m MESSAGE")
    if config.domain is None:
        raise UsageError(f"{config.source}: [tool.twinschema] sets no 'domain'")
    domain = load_domain(config.domain)
    text = config.domain.read_text(encoding="utf-8")
    version = domain.version + 1
    new_text = bumped(text, version)
    stem = stem_of(version, message)
    for dialect in DIALECTS:
        _check_head(config, dialect, domain.version, f"{stem}_{dialect}")
    _refuse_drifted_models(config, echo)
    written: list[Written] = []
    try:
        with tempfile.TemporaryDirectory(prefix="twinschema-revision-") as tmp:
            urls = {"sqlite": f"sqlite:///{Path(tmp) / 'scratch.db'}"}
            with (
                scratch.server(config, scratch_server) as server,
                scratch.database(
                    server, prefix="twinschema_revision", connect_timeout=config.connect_timeout
                ) as pg_url,
            ):
                urls["postgresql"] = pg_url
                for dialect in DIALECTS:
                    written.append(
                        _autogenerate(config, dialect, urls[dialect], message, stem, version)
                    )
    except BaseException as exc:
        for w in written:
            w.path.unlink(missing_ok=True)
        if isinstance(exc, CommandError):
            raise UsageError(f"Alembic: {scrub(str(exc))}") from None
        if isinstance(exc, sa.exc.DBAPIError):
            raise DatabaseError(f"scratch database: {first_line(exc)}") from None
        raise
    config.domain.write_text(new_text, "utf-8")
    for w in written:
        note = (
            f"  (empty: autogenerate found no change for {w.dialect}; the twin keeps the "
            "chains in step)"
            if w.empty
            else ""
        )
        echo(f"{shown(w.path, config.root)}{note}")
    echo(f"{shown(config.domain, config.root)}: version {domain.version} -> {version}")
    return written


def _refuse_drifted_models(config: Config, echo: Callable[[str], None]) -> None:
    """``ModelsOutOfSync`` when the two metadata modules differ (``twinschema check --layer
    models``: no database read), after listing each difference through ``echo``."""
    from twinschema.check import run_check
    from twinschema.layers.plan import CheckPlan

    report = run_check(CheckPlan(config=config, layers=("models",), urls={}))
    if not report.differences:
        return
    for d in report.differences:
        where = ".".join(part for part in (d.table, d.column) if part) or d.name or "-"
        echo(f"models: {d.kind}: {where}: {d.message}")
    raise ModelsOutOfSync(
        f"the models layer has {len(report.differences)} difference(s) (listed above): twin "
        "revisions made now would carry them into both chains; make the metadata modules agree "
        "(or allow the difference in domain.yaml), then run `twinschema revision` again "
        "(`twinschema check --layer models` shows them with hints)"
    )


def _check_head(config: Config, dialect: str, version: int, revision: str) -> None:
    cfg = alembic_config(config, dialect)
    head = head_revision(cfg)
    script = script_directory(cfg)
    folder = cfg.get_main_option("script_location")
    if head is not None:
        declared = getattr(script.get_revision(head).module, "domain_version", None)
        if declared != version:
            raise UsageError(
                f"{folder}: head {head} declares domain_version {declared}, but domain.yaml is "
                f"at version {version}: {_in_step(declared, version)}"
            )
    if revision in {s.revision for s in script.walk_revisions("base", "heads")}:
        raise UsageError(f"{folder}: revision {revision} exists already")


def _in_step(declared: object, version: int) -> str:
    """What to do when a chain's head and domain.yaml disagree: a version bumped by hand ahead
    of the chains is set back, since ``revision`` bumps it itself (the user's likely mistake)."""
    if isinstance(declared, int) and declared < version:
        return (
            f"set version: {declared} back in domain.yaml (the chains' head version) and run "
            "`twinschema revision` again: it bumps the version itself"
        )
    return "bring the chains in step first (twinschema check --layer migrations)"


def _autogenerate(
    config: Config, dialect: str, url: str, message: str, stem: str, version: int
) -> Written:
    revision = f"{stem}_{dialect}"
    found: dict[str, bool] = {}

    def directives(context: Any, revisions: Any, generated: list[Any]) -> None:
        found["empty"] = all(d.upgrade_ops.is_empty() for d in generated)
        for script in generated:
            fix_identity_alterations(context, script)

    with connect(Target(dialect, parse_url(url))) as connection:
        cfg = alembic_config(config, dialect, connection=connection, output=io.StringIO())
        # Alembic's own "Generating ... done" line is not ours to print.
        cfg.cmd_opts = argparse.Namespace(quiet=True)
        command.upgrade(cfg, HEAD)
        cfg.attributes["domain_version"] = version
        result = command.revision(
            cfg,
            message=message,
            autogenerate=True,
            rev_id=revision,
            process_revision_directives=directives,
        )
    scripts = result if isinstance(result, list) else [result]
    if len(scripts) != 1 or scripts[0] is None:
        raise UsageError(f"{dialect}: autogenerate made {len(scripts)} revisions, expected one")
    return Written(dialect, revision, Path(scripts[0].path), found.get("empty", True))
