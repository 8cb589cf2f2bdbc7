"""A project adopted once per test process, and copied into each later test that starts from it.

Most tests of ``revision`` start from a project in sync: each database made by the same
statements, then ``init --stamp`` and ``check`` (``test_init_project.adopt_in_sync``). That start
was about 0.5 s of the test process's CPU and 0.45 s of the server's per test, 40% of what the
commands of test_revision_renamed_fk cost (measured per command, 9 tests), the same in every test
of a module. Now the first test of a process that asks for a start builds it as before, in its
own folder and databases, and keeps a copy: the project folder and the SQLite file by file copy,
the PostgreSQL database by ``CREATE DATABASE ... TEMPLATE`` (``DatabasePool.copy_of``). A later
test asking for the same start (``prepared``'s key) gets a copy of each in its own place: its
project folder and SQLite file, and its own database, dropped and made again under its name
as a copy of the kept one (``DatabasePool.refill``). What it then runs finds the same files,
bytes and catalog rows as building again would have made. What the build printed is given
back with the building test's folder replaced by this test's.

Copies are made only where a build would have started from nothing: the project folder and the
SQLite file (and its journal) do not exist yet, and the PostgreSQL database is one the
session's pool handed out that nothing was made in (``DatabasePool.is_new``). A build is kept
only where nothing of it tells where it was built: no file of the project names its folder or
its database, what it printed does not name its database, it made nothing beside the project
and the SQLite file, and it left no SQLite journal. Otherwise every test builds its own, as
before. The key must hold whatever else the build depends on (its statements, its
environment): a test that patches code the build runs must build its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from support.dbpool import DatabasePool
from support.reaper import reap_after

_JOURNALS = ("-journal", "-wal", "-shm")
_FOLDER = "adopted:folder"  # the pool's ``kept`` entry for the folder the kept copies are in


@dataclass(frozen=True)
class _Kept:
    folder: Path  # the building test's project folder and SQLite file, as they were there
    template: str  # the copy of its PostgreSQL database
    built_in: str  # the building test's folder (the project's parent)
    texts: tuple[str, ...]  # what the build returned


@dataclass(frozen=True)
class _Place:
    pool: DatabasePool
    database: str
    sqlite: Path
    relative: str  # the SQLite file's path from the project's parent
    before: frozenset[str]  # the names in the project's parent before the build
    key: tuple[object, ...]


def prepared(
    project: Path,
    sqlite_url: str,
    pg_url: str,
    key: tuple[object, ...],
    build: Callable[[], tuple[str, ...]],
) -> tuple[str, ...]:
    """Make the project folder ``project`` and the databases ``sqlite_url`` (a file) and
    ``pg_url`` (the session pool's) as ``build()`` does, which returns texts that may name the
    project's parent folder: by ``build()`` itself, or by a copy of what an earlier call with
    the same ``key`` built (see the module's docstring); what ``build()`` returned then, with
    this project's parent in place of that one's."""
    place = _place(project, sqlite_url, pg_url, key)
    if place is None:
        return build()
    kept = place.pool.kept.get(place.key)
    if isinstance(kept, _Kept):
        return _copy(kept, project, place)
    texts = build()
    _keep(project, place, texts)
    return texts


def _place(project: Path, sqlite_url: str, pg_url: str, key: tuple[object, ...]) -> _Place | None:
    """Where a build would start from nothing, what it would be kept under; else None."""
    if not sqlite_url.startswith("sqlite:///") or "?" in sqlite_url:
        return None
    sqlite = Path(sqlite_url.removeprefix("sqlite:///"))
    parent = project.parent
    if not (project.is_absolute() and sqlite.is_absolute() and parent.is_dir()):
        return None
    if os.path.lexists(project) or not sqlite.parent.is_dir():
        return None
    if not sqlite.is_relative_to(parent) or sqlite.is_relative_to(project):
        return None
    if any(os.path.lexists(f"{sqlite}{end}") for end in ("", *_JOURNALS)):
        return None
    found = DatabasePool.handing_out(pg_url)
    if found is None or not found[0].is_new(found[1]):
        return None
    pool, database = found
    relative = sqlite.relative_to(parent).as_posix()
    before = frozenset(os.listdir(parent))
    return _Place(pool, database, sqlite, relative, before, (key, project.name, relative))


def _keep(project: Path, place: _Place, texts: tuple[str, ...]) -> None:
    """Keep a copy of what the build made, where nothing of it tells where it was made."""
    parent = project.parent
    top = place.relative.split("/")[0]
    if set(os.listdir(parent)) - place.before - {project.name, top}:
        return  # the build made something else beside them
    if not place.sqlite.is_file() or any(
        os.path.lexists(f"{place.sqlite}{end}") for end in _JOURNALS
    ):
        return
    if any(place.database in text for text in texts):
        return
    names = {str(parent), str(parent.resolve()), place.database}
    for path in project.rglob("*"):
        if path.is_symlink():
            return
        if path.is_file():
            data = path.read_bytes()
            if any(name.encode() in data for name in names):
                return
    template = place.pool.copy_of(place.database)
    if template is None:
        return
    folder = Path(tempfile.mkdtemp(dir=_folder(place.pool)))
    shutil.copytree(project, folder / project.name)
    (folder / place.relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(place.sqlite, folder / place.relative)
    place.pool.kept[place.key] = _Kept(folder, template, str(parent), texts)


def _copy(kept: _Kept, project: Path, place: _Place) -> tuple[str, ...]:
    """``kept`` copied to the test's project folder, SQLite file and database."""
    shutil.copytree(kept.folder / project.name, project, copy_function=shutil.copy)
    shutil.copy(kept.folder / place.relative, place.sqlite)
    place.pool.refill(place.database, kept.template)
    return tuple(text.replace(kept.built_in, str(project.parent)) for text in kept.texts)


def _folder(pool: DatabasePool) -> Path:
    """The folder the pool's kept copies of projects are in, removed when the pool closes (or,
    should the process die, by the reaper)."""
    found = pool.kept.get(_FOLDER)
    if isinstance(found, Path):
        return found
    folder = Path(tempfile.mkdtemp(prefix="twinschema-adopted-"))
    reap_after(folder)
    pool.kept[_FOLDER] = folder
    pool.cleanups.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    return folder
