"""gcpause: the collector is paused while schemas are built, and always comes back."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from twinschema.gcpause import paused, without_gc


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_running_after() -> None:
    gc.enable()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_restored_when_the_block_raises() -> None:
    gc.enable()

    @without_gc
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        fails()
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads() -> None:
    """A background pause that ends first does not restart the collector under the main
    thread's pause, and the collector runs again when the last pause ends."""
    gc.enable()
    started, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def background() -> None:
        with paused():
            started.set()
            release.wait(10)
        seen.append(gc.isenabled())

    worker = threading.Thread(target=background)
    worker.start()
    started.wait(10)
    with paused():
        release.set()
        worker.join(10)
        assert seen == [False]  # the worker's pause ended while the main one held
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_was_made_goes_to_the_oldest_generation_unwalked() -> None:
    """The first collection after a pause does not walk everything the pause made."""
    gc.enable()
    gc.collect()
    with paused():
        made = [[n] for n in range(50_000)]
    assert gc.get_count()[0] < 100  # no young collection pending over the 50,000 lists
    young = gc.get_objects(generation=0) + gc.get_objects(generation=1)
    assert not any(obj is made[0] for obj in young)
    assert any(obj is made[0] for obj in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0


def test_objects_the_process_froze_stay_frozen() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused():
            _ = [[n] for n in range(1_000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
