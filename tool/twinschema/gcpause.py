"""Python's cyclic garbage collector paused while schemas are built and compared.

Reading a schema allocates hundreds of thousands of small objects that all stay alive, and every
few thousand allocations the collector walks them again, along with every object the process
already holds (a large ``MetaData``): at 1,000 tables that was 30-60% of the time. Between two
paused steps, the first collection then had tens of thousands of young objects to walk (about
4 ms). What is made here stays alive, except parsed expression trees: a little cyclic garbage
that the collector frees when it runs again afterwards.

Pauses nest and may overlap across threads (a background reflection and the main thread): the
collector runs again when the last one ends, and only if it was running before the first.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused (see the module)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _promote_without_walking()
                if _was_enabled:
                    gc.enable()


def _promote_without_walking() -> None:
    """Move every tracked object to the oldest generation, without a collection.

    While paused, the young generation's allocation count kept growing: the first collection
    after it would walk every object made here (at 1,000 tables, 5-10 ms) only to find them
    alive. gc.freeze() moves all tracked objects aside and resets that count, and gc.unfreeze()
    puts them back into the oldest generation, which only full collections walk. Skipped when
    the process froze objects itself (unfreezing would release those too).
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run inside ``paused()``."""

    @functools.wraps(fn)
    def run_paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return fn(*args, **kwargs)

    return run_paused
