"""What a migration chain did on an empty scratch database, kept under ``var/`` between runs.

The migrations layer upgrades an empty scratch database to head (one revision at a time on a
linear chain), downgrades it one revision at a time and to base and upgrades it again
(``migrations_layer``): seconds on a small project, most of a ``check``. What that round trip
gives depends only on what runs, so a run is kept, and reused while all of these are unchanged
(the **key**):

* every file of the chain's folder (``env.py``, each revision, any SQL file beside them), by
  content;
* the project files the chain imported when it last ran (the metadata modules, whatever a
  revision imports from the project), by content, plus ``domain.yaml`` and the configuration
  file, by content;
* twinschema itself (each file of the package, by size and modification time), the versions of
  SQLAlchemy, Alembic and psycopg, Python's SQLite library;
* the scratch server (its URL without the password, and its ``version()``), the dialect and the
  reflection options.

A changed migration file, metadata module or server is run again. Only a run without a failure
is kept (a failure may come from the scratch server, not the chain). What is kept are the
schemas the scratch database had (as read, before they are made canonical; on a linear chain
also before each revision's upgrade and after its downgrade) and what the downgrade left
behind: every comparison with the metadata module and the live database is made again on each
run. Not tracked: files a revision reads from outside its folder (``open()`` of a file
elsewhere), packages it imports from outside the project (beyond the versions above), and
environment variables it reads; ``TWINSCHEMA_NO_CACHE=1`` runs the chain every time.

The cache is a folder of JSON files under ``var/cache/migrations`` of the project, never a
database, and never a pickle: a kept run is read back as the records it names and nothing else
(``model_json``), so a file someone else could write (a shared or restored cache folder) cannot
run code in a check. A file that is not one (a pickle of an older version, a foreign or damaged
file) is a miss, and replaced by the next run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata as dist_metadata
from pathlib import Path

import sqlalchemy

from twinschema import model_json
from twinschema.config import Config
from twinschema.model import Schema
from twinschema.paths import make_kept_folder

NO_CACHE_ENV = "TWINSCHEMA_NO_CACHE"
# Bumped when what a cache file holds changes shape.
# 2: a run keeps its step-by-step schemas (StepRun); 3: JSON, not a pickle; 4: each revision's
# table renames (ChainFacts); 5: the triggers its SQLite batch copies lose (ChainFacts.lost).
_FORMAT = 5


@dataclass
class StepRun:
    """What a step-by-step run read (``migrations_steps``): per revision above the first, the
    schema before its upgrade and after its downgrade; the first step that failed, with its
    error."""

    before: dict[str, Schema] = field(default_factory=dict)
    after: dict[str, Schema] = field(default_factory=dict)
    failed: tuple[str, str, str] | None = None  # (doing, revision, error)


@dataclass(frozen=True)
class ScratchRun:
    """What a chain did on an empty scratch database: the schema at head (``first``), what each
    revision's downgrade gave on a linear chain (``steps``), what a downgrade to base left
    behind (``(what, name, table)``), the schema after upgrading again (``again``), and the
    one-line error of the step that failed (``None`` for none; the steps after a failed one did
    not run)."""

    first: Schema | None = None
    upgrade_error: str | None = None
    steps: StepRun = field(default_factory=StepRun)
    left_behind: tuple[tuple[str, str, str | None], ...] = ()
    downgrade_error: str | None = None
    again: Schema | None = None
    again_error: str | None = None

    @property
    def failed(self) -> bool:
        """True when a step failed."""
        return self.steps.failed is not None or any(
            e is not None for e in (self.upgrade_error, self.downgrade_error, self.again_error)
        )


@dataclass(frozen=True)
class ChainFacts:
    """A chain's heads and its revisions as ``(id, domain version, file, tables renamed)``, base
    first: read by importing each revision (and recording its upgrade()), so kept with its run."""

    heads: tuple[str, ...]
    revisions: tuple[tuple[str, int | None, str, tuple[tuple[str, str], ...]], ...]
    # Each trigger a SQLite batch copy loses, made nowhere after it, with no marker letting it
    # go: (revision, path:line, table, trigger, the op.execute that keeps it) (stranger71 007).
    lost: tuple[tuple[str, str, str, str, str], ...] = ()


@dataclass(frozen=True)
class Kept:
    """One cache entry: the chain's facts and its scratch run."""

    facts: ChainFacts
    run: ScratchRun


def enabled() -> bool:
    """False when ``TWINSCHEMA_NO_CACHE`` is set to anything but empty or 0."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def folder(config: Config) -> Path:
    """Where a project's kept runs live."""
    return config.var / "cache" / "migrations"


def key(config: Config, dialect: str, chain_folder: Path, options: object, server: str) -> str:
    """The key of a chain's run (see the module docstring; ``server`` names the scratch server
    and its version, ``options`` are the reflection options)."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    add(str(_FORMAT), dialect, server, repr(options), *_versions(), _tool_fingerprint())
    for path in _chain_files(chain_folder):
        add(path.relative_to(chain_folder).as_posix(), path.read_bytes())
    for name in (config.source, config.domain):
        if name is not None and Path(name).is_file():
            add(str(name), Path(name).read_bytes())
    return digest.hexdigest()


def load(config: Config, dialect: str, run_key: str) -> Kept | None:
    """The run kept under ``run_key`` when the project files it imported are unchanged; None
    otherwise (a file that cannot be read is a miss, never an error)."""
    if not enabled():
        return None
    path = folder(config) / f"{dialect}-{run_key}.json"
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):  # absent, unreadable, not UTF-8 or not JSON
        return None
    if not isinstance(stored, dict) or stored.get("format") != _FORMAT:
        return None
    depends = stored.get("depends")
    if not isinstance(depends, dict):
        return None
    for name, expected in depends.items():
        if _file_digest(config.root / name) != expected:
            return None
    try:
        return model_json.load(Kept, stored.get("kept"))
    except ValueError:  # not the records this version keeps
        return None


def store(config: Config, dialect: str, run_key: str, kept: Kept, chain_folder: Path) -> None:
    """Keep a run without failure under ``run_key`` (other runs of ``dialect`` are removed),
    with the digests of the project files imported so far (what the chain may have used); a
    cache that cannot be written is skipped, never an error."""
    if not enabled() or kept.run.failed:
        return
    depends = {
        path.relative_to(config.root).as_posix(): digest
        for path in _project_modules(config.root, chain_folder)
        if (digest := _file_digest(path)) is not None
    }
    document = {"format": _FORMAT, "depends": depends, "kept": model_json.dump(kept)}
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    where = folder(config)
    target = where / f"{dialect}-{run_key}.json"
    try:
        make_kept_folder(config.var, where)
        partial = where / f".{target.name}.{os.getpid()}.tmp"
        partial.write_bytes(data)
        os.replace(partial, target)
        # Other runs of the dialect go, and so does a pickle an older version kept (unread).
        for old in [*where.glob(f"{dialect}-*.json"), *where.glob(f"{dialect}-*.pickle")]:
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        return


@functools.cache
def _versions() -> tuple[str, ...]:
    """The versions in the key: Python's, SQLite's, SQLAlchemy's, Alembic's and psycopg's. Read
    once per process (each chain's key asked again: ``importlib.metadata`` walks ``sys.path``
    for each name): what runs is what the process imported, whatever is installed after."""
    found = [sys.version, sqlite3.sqlite_version, sqlalchemy.__version__]
    for name in ("alembic", "psycopg"):
        try:
            found.append(f"{name} {dist_metadata.version(name)}")
        except dist_metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return tuple(found)


# twinschema's package folder (this module is in its ``migrations/``): its files are in the key
# by ``_tool_fingerprint``, and are no project file ``_project_modules`` digests, also when the
# package sits under the project's root (an editable install, as in this repository).
_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def _tool_fingerprint() -> str:
    """twinschema's own files by path, size and modification time (an edited file of an
    editable install changes the key; reading them all would cost more than the rest). Read
    once per process, where each chain's key read it again (some 480 files, a stat each): the
    code a process runs is the code it imported, so a file edited after is not what runs."""
    parts = []
    for directory, subfolders, files in os.walk(_PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                stat = os.stat(os.path.join(directory, name))
                parts.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def _chain_files(chain_folder: Path) -> list[Path]:
    return sorted(
        path
        for path in chain_folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _project_modules(root: Path, chain_folder: Path) -> Iterable[Path]:
    """The files of the modules imported so far that belong to the project: under ``root``,
    outside the chain's folder (in the key already), twinschema's package (its fingerprint is)
    and any virtual environment or ``var/`` folder under it."""
    root = root.resolve()
    skip = [
        str(chain_folder.resolve()),
        str(_PACKAGE),
        str(Path(sys.prefix).resolve()),
        str(root / "var"),
    ]
    seen: set[str] = set()
    folders: dict[str, str] = {}
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if not isinstance(name, str):
            continue
        path = _resolved(name, folders)
        if path in seen or not _under(path, str(root)):
            continue
        if any(_under(path, s) for s in skip) or "site-packages" in path.split(os.sep):
            continue
        seen.add(path)
    return sorted(Path(path) for path in seen)


def _under(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` or inside it (both absolute and normalised, as
    ``os.path.realpath`` gives them): ``Path.is_relative_to`` on strings, without building a
    ``Path`` for each of the process's modules."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _resolved(file: str, folders: dict[str, str]) -> str:
    """``file`` with its symlinks resolved, as ``Path(file).resolve()`` gives it, with each
    folder resolved once per call (in ``folders``): the ~900 modules of a check live in a few
    hundred folders, and resolving each file's every path component (an lstat each) was about
    70 ms of CPU per kept run (one per dialect when a check misses the cache). A file that is
    itself a symlink is resolved whole."""
    head, tail = os.path.split(file)
    if tail in ("", ".", "..") or os.path.islink(file):
        return os.path.realpath(file)
    real = folders.get(head)
    if real is None:
        real = folders[head] = os.path.realpath(head)
    return os.path.join(real, tail)


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
