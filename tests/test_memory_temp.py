"""A run's temporary files go to a memory file system only where ``/dev/shm`` is one with room
(``support.memory_temp``), and then all of them: the servers', the SQLite files', the tests'."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from support.memory_temp import MEMORY, NEEDED, memory_root


def _room() -> bool:
    found = os.statvfs(MEMORY)
    return found.f_bavail * found.f_frsize >= NEEDED and os.access(MEMORY, os.W_OK | os.X_OK)


@pytest.mark.parametrize(
    "line",
    [
        "/dev/vda / ext4 rw 0 0",  # no /dev/shm at all
        "shm /dev/shm ext4 rw 0 0",  # /dev/shm on a disk
        "tmpfs /dev/shmx tmpfs rw 0 0",  # another folder's tmpfs
        "tmpfs /dev tmpfs rw 0 0",  # its parent's
    ],
)
def test_no_tmpfs_at_dev_shm_keeps_the_disk(tmp_path: Path, line: str) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"proc /proc proc rw 0 0\n{line}\n", encoding="utf-8")
    assert memory_root(mounts) is None


def test_a_tmpfs_at_dev_shm_with_room_is_used(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/vda / ext4 rw 0 0\ntmpfs /dev/shm tmpfs rw,relatime 0 0\n", "utf-8")
    assert memory_root(mounts) == (MEMORY if MEMORY.is_dir() and _room() else None)
    assert memory_root(tmp_path / "absent") is None  # no mount table: the disk


def test_the_run_s_temporary_files_are_where_its_folder_is(tmp_path: Path) -> None:
    """The run's folder (the parent of its ``XDG_RUNTIME_DIR``) is on ``/dev/shm`` exactly when
    this process's temporary folder is that folder's ``tmp/``: pytest's basetemp, the servers'
    folders and every process's temporary files go to the same place. A test's own folder is
    under the temporary root (conftest forgets the modules a scratch project there imported by
    that: with basetemp beside ``tmp/``, test_bad_input's next project imported the last one's
    ``app_sqlite``)."""
    run = Path(os.environ["XDG_RUNTIME_DIR"]).parent
    assert run.name.startswith("twinschema-run-"), run
    here = Path(tempfile.gettempdir())
    assert tmp_path.resolve().is_relative_to(here.resolve()), (tmp_path, here)
    if run.parent == MEMORY:
        assert here == run / "tmp", (run, here)
        assert os.environ["TMPDIR"] == str(run / "tmp")
    else:
        assert not here.is_relative_to(MEMORY), here
