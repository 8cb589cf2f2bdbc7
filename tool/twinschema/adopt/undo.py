"""What ``init`` wrote, put back as it was when ``init`` fails after writing (stranger44 019).

``init`` writes a project of some fifteen files, then reads it back (its metadata modules must
import) and, with ``--stamp``, records both databases. A failure in between used to leave the
files behind, and a second ``init`` refused because ``domain.yaml`` existed. ``Undo`` remembers
each file's text before it is written (None: it did not exist) and each folder it had to make;
``restore`` writes the old texts back, deletes the new files, the bytecode an import compiled
from them, and the folders that are empty again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path


class Undo:
    """The files and folders ``init`` is about to write, as they were before."""

    def __init__(self) -> None:
        self._before: dict[Path, str | None] = {}
        self._folders: list[Path] = []

    def write(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` (its folders made as needed), remembering what was there."""
        if path not in self._before:
            self._before[path] = path.read_text(encoding="utf-8") if path.exists() else None
        missing = [p for p in reversed(path.parents) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        self._folders += missing
        path.write_text(text, encoding="utf-8")

    def restore(self) -> None:
        """Every file as it was before the first ``write``; new folders removed once empty."""
        for path, text in self._before.items():
            with contextlib.suppress(OSError):
                if text is None:
                    path.unlink(missing_ok=True)
                    _forget_bytecode(path)
                else:
                    path.write_text(text, encoding="utf-8")
        for folder in sorted(self._folders, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                (folder / "__pycache__").rmdir()
            with contextlib.suppress(OSError):
                folder.rmdir()  # only an empty one: never what a person put there


def _forget_bytecode(source: Path) -> None:
    """Remove what importing ``source`` compiled (``__pycache__/name.cpython-311.pyc``)."""
    cache = source.parent / "__pycache__"
    for compiled in cache.glob(f"{source.stem}.*.pyc"):
        compiled.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        cache.rmdir()
