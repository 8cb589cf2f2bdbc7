"""Progress of long runs, told to whoever listens (the CLI's spinner on a terminal), else to no
one: the layers and loaders call ``step`` and never know how, or whether, it is shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_listener: ContextVar[Callable[[str], None] | None] = ContextVar(
    "twinschema_progress", default=None
)


def step(message: str) -> None:
    """Say what the run is doing now (``reading schemas/sqlite.py``, ``loading dump.sql``)."""
    listener = _listener.get()
    if listener is not None:
        listener(message)


@contextmanager
def listening(listener: Callable[[str], None]) -> Iterator[None]:
    """Send every ``step`` of the block to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
