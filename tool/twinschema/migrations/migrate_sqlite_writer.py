"""Who holds the write lock on a SQLite file, named so a user can look it up: what a migration
that waits for the lock, or gives up on it, says (``migrate_connect``)."""

from __future__ import annotations

from pathlib import Path

# SQLite's write lock in rollback-journal mode: a POSIX lock on the RESERVED byte, one past
# PENDING_BYTE (0x40000000), held from BEGIN IMMEDIATE to COMMIT.
_RESERVED_BYTE = 0x40000001


_SOMEONE = "another connection (another migration, or the application writing)"


def sqlite_writer(path: Path | None) -> str:
    """Who holds the write lock on a SQLite file, as a user can look it up: the process and its
    command, read from Linux's ``/proc/locks`` (``another migration (process 123: twinschema
    migrate local)``); a general phrase where that cannot be told (another system, WAL mode)."""
    if path is None:
        return _SOMEONE
    try:
        found = path.stat()
        locks = Path("/proc/locks").read_text()
    except OSError:
        return _SOMEONE
    for line in locks.splitlines():
        # "1: POSIX  ADVISORY  WRITE 4242 fe:00:2147318 1073741825 1073741825" (waiters: "->").
        # Matched by inode number alone: on overlay file systems (containers) the device shown
        # is the layer's, not the one stat() gives; SQLite's lock byte makes a mix-up unlikely.
        fields = line.split()
        if len(fields) < 8 or fields[1] != "POSIX":
            continue
        if fields[5].rpartition(":")[2] != str(found.st_ino):
            continue
        start, end = int(fields[6]), fields[7]
        if start <= _RESERVED_BYTE and (end == "EOF" or int(end) >= _RESERVED_BYTE):
            return _process(int(fields[4]))
    return _SOMEONE


def _process(pid: int) -> str:
    """A process by its id and what it runs, e.g. ``another migration (process 123: twinschema
    migrate local)``. Only the program's name is shown, and for twinschema its command and side:
    never the rest of a command line, which may hold a password."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return f"another connection (process {pid})"
    names = [Path(arg).name for arg in argv if arg]
    if "twinschema" not in names:
        return f"another connection (process {pid}: {names[0] if names else '?'})"
    words = names[names.index("twinschema") + 1 :][:2]
    if words and words[0] == "migrate" and words[1:] in (["local"], ["remote"]):
        return f"another migration (process {pid}: twinschema {' '.join(words)})"
    return f"another connection (process {pid}: twinschema)"
