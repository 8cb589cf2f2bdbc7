"""An external content FTS table a revision makes over a content table the chain made before it,
with no 'rebuild' after: its index is empty (fix79c, beside stranger78 007's drop and make again,
``lint_findings.remade_unrebuilt``).

``CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='id')``
indexes nothing of what ``notes`` holds: SQLite fills the index only on ``INSERT INTO
notes_fts(notes_fts) VALUES('rebuild')`` (on 3.40, ``MATCH`` finds no row of ``notes`` until
then). Where ``notes`` was made by an earlier revision, a database it runs on may hold rows
there, so the revision is refused (its marker lets it through) unless a 'rebuild' follows.
Near misses, let be: a contentless (``content=''``) or normal FTS table (it indexes what is
inserted into it); a content table the same revision makes (empty when the index is made); an
FTS table made again after its drop (``remade_unrebuilt`` says that one); on ``migrate``, a
content table the live database holds no row in, with nothing written before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.alembic_batch_fts import rebuild_statement, rebuilds
from twinschema.dialects.sqlite_virtual import external_content
from twinschema.migrations.lint_classify import Change, RowsProbe
from twinschema.migrations.lint_findings import CREATE_VIRTUAL
from twinschema.migrations.lint_fts import executed_sql

KIND = "fts_unrebuilt"


def made_unrebuilt(
    operations: Sequence[tuple[Any, int]], before: set[str], rows: RowsProbe | None = None
) -> list[tuple[Change, int]]:
    """Each ``op.execute`` of ``operations`` (a revision's, in order) making an external
    content FTS table whose content table is among ``before`` (the tables and views, lower-case,
    the chain made before the revision) and that is not (the FTS table's own name not among
    them either), with no 'rebuild' of it after: the change refusing it, and its line.
    ``rows``, where the rows it finds are all the content table holds (a live database, nothing
    written before): a content table it finds empty is let be (the empty index is right)."""
    found: list[tuple[Change, int]] = []
    for n, (operation, line) in enumerate(operations):
        text = executed_sql(operation)
        made = CREATE_VIRTUAL.match(text) if text is not None else None
        content = external_content(text) if text is not None and made is not None else None
        if made is None or content is None:
            continue
        fts = made.group("name")
        if content[0].lower() not in before or fts.lower() in before:
            continue
        if rows is not None and rows(content[0]) is False:
            continue
        later = {rebuilds(executed_sql(op) or "") for op, _ in operations[n + 1 :]}
        if fts.lower() not in later:
            found.append((unrebuilt(fts, content[0]), line))
    return found


def unrebuilt(fts: str, content: str) -> Change:
    """The refusal of making ``fts`` over ``content`` without a 'rebuild' after it."""
    statement = f'op.execute("{rebuild_statement(fts)}")'
    return Change(
        f"{KIND}:{fts}",
        fts,
        None,
        f"external content FTS table {fts} over {content}",
        "made without rebuild",
        f"makes the external content FTS table {fts} over {content}, which an earlier revision "
        f"made and may hold rows, without rebuilding its index: {fts} finds none of them until "
        f"{rebuild_statement(fts)}; add {statement} after its CREATE VIRTUAL TABLE",
        waiver=f"if {fts} may find nothing until it is rebuilt",
        keep=f"otherwise add {statement} after it",
        fix=statement,
    )
