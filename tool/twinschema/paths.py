"""How files are named in output: as people typed them, relative to where they work."""

from __future__ import annotations

from pathlib import Path


def shown(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` relative to ``root`` (the working directory by default) when it lies inside it,
    else as it is."""
    base = Path.cwd() if root is None else Path(root)
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
