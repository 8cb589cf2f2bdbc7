"""How files are named in output: as people typed them, relative to where they work."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` relative to ``root`` (the working directory by default) when it lies inside it,
    else as it is."""
    base = Path.cwd() if root is None else Path(root)
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def user_cache_dir() -> Path:
    """twinschema's folder in the user's cache (``$XDG_CACHE_HOME/twinschema``, else
    ``~/.cache/twinschema``; ``%LOCALAPPDATA%\\twinschema`` on Windows): what it keeps outside a
    project, never in the folder a command runs in."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    return (Path(base) if base else Path.home() / ".cache") / "twinschema"
