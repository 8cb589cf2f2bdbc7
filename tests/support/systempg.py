"""The system's PostgreSQL (a distribution's ``/usr/lib/postgresql/<major>/bin``), run in a
temporary directory: a second major version next to the embedded one, for the tests that prove
the supported versions.

The server gets a fresh data directory, trust authentication, a Unix socket in its own directory
and no TCP listener (``listen_addresses=''``), so it touches nothing outside that directory and
cannot clash with a running server. PostgreSQL refuses to run as root: under root, ``initdb`` and
``pg_ctl`` run as an unprivileged system user (pgserver's ``pgserver`` user when it exists, else
``twinschema-pg``, created once), through ``runuser``. Nothing is installed here: missing binaries
are an error that says which package provides them.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from support.reaper import reap_after
from twinschema.errors import DatabaseError
from twinschema.testing import THROWAWAY_SETTINGS

ROOT_DIR = Path("/usr/lib/postgresql")
USERS = ("pgserver", "twinschema-pg")  # reused in this order; the last is created when needed
_TOOLS = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True)
class SystemServer:
    """A running system server: its major version and a URL to one of its databases."""

    major: int
    bindir: Path
    datadir: Path
    socket_dir: Path

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql+psycopg`` URL over the server's Unix socket, as the superuser."""
        return f"postgresql+psycopg://postgres@/{database}?host={quote(str(self.socket_dir))}"


def installed_majors(root: Path = ROOT_DIR) -> list[int]:
    """The majors whose server binaries (initdb, pg_ctl, postgres) are all installed, ascending."""
    found = []
    for folder in root.glob("*/bin") if root.is_dir() else ():
        major = folder.parent.name
        if re.fullmatch(r"[0-9]+", major) and all((folder / t).is_file() for t in _TOOLS):
            found.append(int(major))
    return sorted(found)


def find_bindir(exclude: Sequence[int] = (), root: Path = ROOT_DIR) -> tuple[int, Path]:
    """The newest installed major not in ``exclude`` and its ``bin`` folder; an error naming the
    package to install when there is none."""
    majors = [m for m in installed_majors(root) if m not in exclude]
    if not majors:
        others = ", ".join(map(str, installed_majors(root))) or "none"
        raise DatabaseError(
            f"no system PostgreSQL server binaries in {root}/<major>/bin (initdb, pg_ctl, "
            f"postgres) other than major(s) {', '.join(map(str, exclude)) or '-'} (found: "
            f"{others}); install them, e.g. on Debian 12: apt-get install -y postgresql-15"
        )
    return majors[-1], root / str(majors[-1]) / "bin"


def _server_user() -> str:
    """The unprivileged user to run the server as under root (created if none exists)."""
    for name in USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    name = USERS[-1]
    _run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        "create the system user to run PostgreSQL as",
    )
    return name


def _run(command: list[str], doing: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DatabaseError(f"cannot {doing}: {' '.join(command[:3])}...: {' / '.join(tail)}")


@contextmanager
def system_server(bindir: Path, major: int) -> Iterator[SystemServer]:
    """Start the server of ``bindir`` in a new temporary directory; stop it and delete the
    directory when the block ends.

    Should this process die without its teardown (SIGKILL, or xdist ending a worker), a reaper
    stops the server and deletes the directory: registered before ``initdb``, as the embedded
    servers' are, since a process killed while ``pg_ctl start`` ran left a postmaster behind."""
    workdir = Path(tempfile.mkdtemp(prefix=f"twinschema-pg{major}-"))
    reap_after(workdir)
    datadir, socket_dir, log = workdir / "data", workdir / "sock", workdir / "server.log"
    socket_dir.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = _server_user()
        entry = pwd.getpwnam(user)
        for path in (workdir, socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir)]
    started = False
    try:
        _run(
            [*prefix, str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            f"initialise a PostgreSQL {major} data directory in {datadir}",
        )  # fmt: skip
        # In UTC as the suite's own server (``testing.in_utc``), whatever the machine's TZ.
        options = f"-c listen_addresses='' -k {socket_dir} -c TimeZone=UTC" + "".join(
            f" -c {name}={value}" for name, value in THROWAWAY_SETTINGS.items()
        )
        _run(
            [*ctl, "-l", str(log), "-o", options, "-w", "-t", "60", "start"],
            f"start PostgreSQL {major} (log: {log})",
        )
        started = True
        yield SystemServer(major, bindir, datadir, socket_dir)
    finally:
        try:
            if started:
                _run([*ctl, "-m", "fast", "-w", "stop"], f"stop PostgreSQL {major}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
