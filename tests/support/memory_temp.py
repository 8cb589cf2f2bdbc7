"""Where a test run keeps its temporary files: a memory file system (``/dev/shm``) when the
machine has one with room, else the system's temporary folder.

The suite's PostgreSQL servers create, write and remove a file for every table, index and
sequence its tests make (a CREATE DATABASE copies some 300 of them, a DROP removes them), its
SQLite files commit with fsync, and its tests copy whole projects. On this machine's disk
(ext4 mounted with ``discard``) creating an 8 kB file cost about 1.1 ms and on ``/dev/shm``
0.08 ms. One process, runs alternated: the golden corpus's ``-k sl-pg.default`` (245 tests)
took 32.8 and 32.8 s on the disk and 25.0 and 26.2 s in memory under a load of 11-12, but 24.4
and 17.7 s against 17.3 and 17.0 s under 4-5 (it writes few files); test_sqlfile_untrusted's
3,000 tables with test_revision_pg_domain (3 tests, a file per relation) 102.1 and 110.2 s
against 74.3 and 60.5 s under 5-7. The files are thrown away at the end of the run, so nothing
is lost by keeping them in memory; a run that finds no such file system, or too little room in
it, uses the disk as before.
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY = Path("/dev/shm")
# The room a run needs there at most: each worker's server (its data and write-ahead log,
# checkpointed at every DROP DATABASE) and those of the second major and the password tests.
NEEDED = 4 << 30


def memory_root(mounts: Path = Path("/proc/mounts")) -> Path | None:
    """``/dev/shm`` when it is a tmpfs this process may write in with ``NEEDED`` bytes free;
    else None (the system's temporary folder is used)."""
    try:
        lines = mounts.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not any(f.split()[1:3] == [str(MEMORY), "tmpfs"] for f in lines if len(f.split()) > 2):
        return None
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK)):
        return None
    found = os.statvfs(MEMORY)
    return MEMORY if found.f_bavail * found.f_frsize >= NEEDED else None
