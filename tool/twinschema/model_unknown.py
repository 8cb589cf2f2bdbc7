"""The record of a column name that an expression of a table names and the table does not have
(re-exported by ``model``): a metadata module that writes one cannot create its table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnknownName:
    """A name that an expression of a table reads as a column the table does not have on the
    source's dialect (stranger60 017, 032, 033): creating the table fails there (SQLite: "no
    such column", PostgreSQL: "column ... does not exist").

    ``what`` is the object (``CHECK``, ``index``, ``generated column``), ``name`` its name
    (None for an unnamed CHECK; the column's for a generated column), ``text`` the expression
    as the source wrote it, ``column`` the name as written, ``table`` the table's own name,
    ``columns`` its columns' own names, and ``meant`` the column the name was likely meant
    for, as the expression should write it: the one ``domain.yaml`` gives that logical name on
    this dialect (``names:``, a rename), else one of that name in another letter case (a
    PostgreSQL ``"totalCents"`` written bare); None where there is none."""

    what: str
    name: str | None
    text: str
    column: str
    table: str
    columns: tuple[str, ...]
    meant: str | None = None
