"""Importing the user's metadata module: a module:attribute spec resolved against the project
root, its own output kept off stdout, and its failures told in one line naming the user's file
and line."""

from __future__ import annotations

import importlib
import os
import sys
import sysconfig
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa

from twinschema.errors import TwinschemaError, UsageError, suggestion
from twinschema.paths import first_on_path, shown


def import_metadata(spec: str, root: Path | None = None) -> tuple[sa.MetaData, str]:
    """Import ``package.module:attribute`` and return the ``MetaData`` with its file path.

    Every way this can fail is the user's to fix, so each becomes a one-line ``UsageError``.
    """
    module_name, _, attribute = spec.partition(":")
    attribute = attribute or "metadata"
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise UsageError(
            f"not a metadata module path: {spec!r} (expected package.module:attribute)"
        )
    base = str(root or Path.cwd())
    first_on_path(base)
    module = _import(module_name)
    path = getattr(module, "__file__", None) or module_name
    rel = shown(path, base)
    if not hasattr(module, attribute):
        metadatas = [n for n, v in vars(module).items() if isinstance(v, sa.MetaData)]
        raise UsageError(
            f"{rel}: module {module_name!r} has no attribute {attribute!r}"
            + (suggestion(attribute, metadatas) or suggestion(attribute, vars(module)))
        )
    metadata = getattr(module, attribute)
    if not isinstance(metadata, sa.MetaData):
        raise UsageError(
            f"{rel}: {module_name}:{attribute} is {_a(type(metadata).__name__)}, not a MetaData"
        )
    return metadata, rel


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: ``an int``, ``a str``."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _import(module_name: str) -> ModuleType:
    """Import the user's module. What it prints goes to stderr (stdout holds the report only);
    anything it raises, ``sys.exit()`` included, is a ``UsageError`` naming it; only Ctrl-C
    goes through."""
    try:
        with _stdout_to_stderr():
            return importlib.import_module(module_name)
    except TwinschemaError as exc:
        # e.g. a DomainNameError from a typo: also say which line of the user's module asked.
        frames = _user_frames(exc)
        if not frames:
            raise
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
        raise type(exc)(f"{exc.message} (asked by {where})") from None
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UsageError(f"cannot import metadata module {module_name!r}: not found") from None
        raise UsageError(
            f"metadata module {module_name!r} fails to import: {_where(exc)}"
        ) from None
    except SystemExit as exc:
        raise UsageError(
            f"metadata module {module_name!r} called sys.exit({exc.code!r}) while being imported"
            f"{_location(exc)}: a metadata module must define tables, not end the program"
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise UsageError(
            f"metadata module {module_name!r} fails to import: {_where(exc)}"
        ) from None


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Python's stdout and file descriptor 1 (C code, ``os.write(1, ...)``) both go to stderr."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1: only Python's stdout can be redirected
        saved = -1
    try:
        if saved >= 0:
            os.dup2(2, 1)
        with redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        if saved >= 0:
            os.dup2(saved, 1)
            os.close(saved)


def _user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of ``exc`` in the user's code: neither importlib's nor twinschema's."""
    package = str(Path(__file__).resolve().parent.parent)
    return [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "importlib" not in f.filename and not str(Path(f.filename).resolve()).startswith(package)
    ]


def _location(exc: BaseException) -> str:
    """`` (file.py:12)``: where in the user's code ``exc`` was raised, or nothing. A library's
    frame is passed over (SQLAlchemy's ``schema.py`` raises "Table 'users' is already defined";
    the line to fix is the user's second ``Table``), unless no frame is the user's."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "importlib" not in f.filename]
    libraries = {
        str(Path(p).resolve()) for key in ("stdlib", "purelib", "platlib") if (p := _paths.get(key))
    }
    own = [  # neither a library's file nor code a library generated ("<... wrapper ...>")
        f
        for f in frames
        if not f.filename.startswith("<")
        and not any(str(Path(f.filename).resolve()).startswith(lib) for lib in libraries)
    ]
    user = own or frames
    return f" ({Path(user[-1].filename).name}:{user[-1].lineno})" if user else ""


_paths = sysconfig.get_paths()


def _where(exc: BaseException) -> str:
    """``ExcType: message (file.py:12)``: the user's innermost frame, never a traceback."""
    location = _location(exc)
    message = " ".join(str(exc).split())
    if isinstance(exc, SyntaxError) and exc.filename:
        # str() of a SyntaxError already says "(file.py, line 2)": say it once, our way.
        message, location = exc.msg, f" ({Path(exc.filename).name}:{exc.lineno})"
    return f"{type(exc).__name__}: {message}{location}"
