"""SQLite tables as a chain's migrations reflect them: a batch migration's copy of a table keeps
the types its database declares, and expression indexes, which SQLAlchemy cannot reflect, are
left to ``alembic_indexes`` without a warning."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import sqlalchemy as sa

from twinschema.alembic_indexes import SKIPPED_WARNINGS


def _declared_reflected(inspector: Any, table: sa.Table, column_info: Any) -> None:
    """A SQLite column reflected for a batch migration's copy of its table keeps the type its
    database declares (``tinyint(1)``, ``INT``), which SQLAlchemy reads back as another
    (INTEGER): the copy would declare that instead, and a downgrade would not undo its upgrade."""
    from twinschema.declared_types import Declared, spelled

    bind = inspector.bind
    if not isinstance(bind, sa.Connection) or bind.dialect.name != "sqlite":
        return
    row = bind.exec_driver_sql(
        "SELECT type FROM pragma_table_info(?, ?) WHERE name = ?",
        (table.name, table.schema or "main", column_info["name"]),
    ).first()
    if row is None or not row[0]:
        return
    reflected = column_info["type"]
    try:
        compiled = str(reflected.compile(dialect=bind.dialect))
    except sa.exc.CompileError:
        return
    if spelled(str(row[0])) != spelled(compiled):
        column_info["type"] = Declared(str(row[0]), reflected)


@contextmanager
def declared_types_kept(say: Callable[[str], None] | None = None) -> Iterator[None]:
    """While a chain's migrations run, SQLite tables reflected for a batch copy keep their
    declared types (``_declared_reflected``); the listener is removed after, so that nothing
    else the process reflects is touched. What a batch copy leaves out of the table (an unnamed
    CHECK, an index on an expression) is said in one line each through ``say`` (``migrate``:
    the database loses it); without ``say`` (autogenerate, the migrations layer's scratch runs,
    which report it themselves) it is not shown."""
    sa.event.listen(sa.Table, "column_reflect", _declared_reflected)
    try:
        with warnings.catch_warnings():
            # SQLAlchemy warns that it read ``tinyint(1)`` as INTEGER: the copy declares
            # ``tinyint(1)`` all the same.
            warnings.filterwarnings("ignore", _NO_ARGUMENTS, sa.exc.SAWarning)
            # SQLite expression indexes, which SQLAlchemy cannot reflect: compared by name and
            # written into the revision by ``alembic_indexes`` instead.
            for skipped in (*SKIPPED_WARNINGS, _UNNAMED_CHECK):
                warnings.filterwarnings("ignore", skipped)
            if say is not None:
                _say_losses(say)
            yield
    finally:
        sa.event.remove(sa.Table, "column_reflect", _declared_reflected)


# Alembic's warning of a batch copy leaving out an unnamed CHECK.
_UNNAMED_CHECK = "Unnamed CHECK constraint on reflected table"


def _say_losses(say: Callable[[str], None]) -> None:
    """Within the caller's ``catch_warnings``: the warnings of what a batch copy leaves out go
    to ``say``, as one line each; every other warning is shown as before."""
    shown, seen = warnings.showwarning, set()
    lost = (SKIPPED_WARNINGS[0], _UNNAMED_CHECK)
    for start in lost:
        warnings.filterwarnings("always", start)

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        if not text.startswith(lost):
            shown(message, category, filename, lineno, file, line)
            return
        what = text.split(";")[0].rstrip(".")
        fix = "name the CHECK" if text.startswith(_UNNAMED_CHECK) else "create it after the batch"
        said = (
            f"warning: a SQLite batch migration recreated a table without what SQLAlchemy "
            f"cannot reflect ({what}): this database loses it; {fix}, or pass it in "
            "batch_alter_table(..., table_args=...)"
        )
        if said not in seen:  # reflected more than once in one batch
            seen.add(said)
            say(said)

    warnings.showwarning = show


_NO_ARGUMENTS = "Could not instantiate type .* with reflected arguments"
