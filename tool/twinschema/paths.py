"""How files are named in output: as people typed them, relative to where they work."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def shown(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` relative to ``root`` (the working directory by default) when it lies inside it,
    else as it is."""
    base = Path.cwd() if root is None else Path(root)
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def first_on_path(folder: str | Path) -> None:
    """Put ``folder`` first on ``sys.path``, moving it there if it is already further down: the
    project's own ``schemas`` package must win over one of the same name that an earlier
    project in this process (a test run's scratch project) put before it."""
    entry = str(folder)
    while entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def user_cache_dir() -> Path:
    """twinschema's folder in the user's cache (``$XDG_CACHE_HOME/twinschema``, else
    ``~/.cache/twinschema``; ``%LOCALAPPDATA%\\twinschema`` on Windows): what it keeps outside a
    project, never in the folder a command runs in."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    return (Path(base) if base else Path.home() / ".cache") / "twinschema"


def make_kept_folder(var: Path, folder: Path, *, make: bool = True) -> None:
    """Make ``folder``, ``var`` itself or a folder in it, where ``var`` is the folder twinschema
    keeps what it makes in (a project's ``var/``: the embedded server's data, the migrations
    cache, the ``default_url`` file). When ``var`` or its entry that holds ``folder`` is new,
    ``var`` gets a ``.gitignore`` of ``*`` so that git leaves what twinschema keeps alone, as a
    virtualenv's own ``.gitignore`` does; one already there (the user's own) is never replaced.
    Whichever of them comes first writes it: the migrations cache of a first check made ``var/``
    and the server's data, later, was left to git (stranger32 case 079). ``make=False`` makes
    ``folder``'s parent only (pgserver makes its data directory itself). Raises ``OSError`` when
    a folder cannot be made; a ``.gitignore`` that cannot be written is left out. A ``folder``
    outside ``var`` is made and nothing more."""
    try:
        inside = folder.resolve().relative_to(var.resolve()).parts
        new = not (var / inside[0] if inside else var).exists()
    except ValueError:
        new = False
    (folder if make else folder.parent).mkdir(parents=True, exist_ok=True)
    if not new:
        return
    try:
        with (var / ".gitignore").open("x", encoding="utf-8") as ignore:
            ignore.write("*\n")
    except OSError:
        return
