"""An external content FTS table made again, under the new names, when a SQLite revision renames
the table or a column it reads (stranger65 007).

An FTS4 or FTS5 table with ``content='notes'`` reads ``notes`` by name, its rowid by the column
``content_rowid`` names, and its own columns by the same names there. SQLite's ``ALTER TABLE
... RENAME`` (table or column) rewrites triggers, views and keys, never a virtual table's
arguments: after the rename the FTS table names a table or column that is gone, and every query
of it fails (checked on SQLite 3.40: 'no such table: main.notes', 'no such column: T.body').
Its statement is all it is (its index is made from the content table), so the revision drops
it, creates it again with the new names and rebuilds its index from the content table
(``INSERT INTO fts(fts) VALUES('rebuild')``), after the renames; the downgrade does the same
with the old statement after the renames back. Read from the scratch database at the chain's
head (the revision's ``context``), where the table renames are made already
(``revision_tables.rename_at_head``) and the column renames are the upgrade's
``alter_column(..., new_column_name=...)``. Not where a column of the FTS table itself is
renamed and a trigger names the FTS table (the usual ``INSERT INTO notes_fts(rowid, body)``
keeping it in step): SQLite rewrites ``new.body`` in it, not the FTS table's column list, so
once the FTS table has ``text_body`` every insert into ``notes`` fails ('table notes_fts has
no column named body', checked on SQLite 3.40); that revision is left to the person, with a
note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from alembic.operations import ops

from twinschema.alembic_batch_fts import rebuild_statement
from twinschema.dialects.sqlite_fts5_tokenize import dequote
from twinschema.dialects.sqlite_virtual import external_content, module_arguments
from twinschema.migrations.chain_renames import Renamed


def rebuild_renamed_readers(context: Any, script: Any, tables: Sequence[Renamed]) -> list[str]:
    """End a SQLite MigrationScript's upgrade with each external content FTS table whose
    content table (``tables``: renamed, as (old, new)) or read column the upgrade renames
    dropped, created with the new names and rebuilt, and its downgrade with the same under the
    old statement (see the module docstring). What a person should hear at once: each FTS
    table left as it is because a trigger names it."""
    renamed_tables = {old.lower(): new for old, new in tables}
    rows = context.connection.exec_driver_sql(
        "SELECT type, name, sql FROM main.sqlite_master WHERE type = 'trigger' "
        "OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%')"
    ).all()
    triggers = [(str(name), str(sql)) for kind, name, sql in rows if kind == "trigger"]
    notes: list[str] = []
    for container, back in zip(script.upgrade_ops_list, script.downgrade_ops_list, strict=False):
        columns = _column_renames(container.ops)
        for kind, name, sql in rows:
            new_sql = (
                renamed_statement(str(sql), renamed_tables, columns) if kind == "table" else None
            )
            if new_sql is None:
                continue
            naming = _naming(str(name), triggers) if _columns(new_sql) != _columns(str(sql)) else []
            if naming:
                notes.append(
                    f"external content FTS table {name} is not made again under its renamed "
                    f"column(s): trigger(s) {', '.join(naming)} insert into its columns by their "
                    "old names, which SQLite does not rewrite; write its DROP TABLE, CREATE "
                    "VIRTUAL TABLE and 'rebuild' and those triggers again by hand"
                )
                continue
            container.ops = [*container.ops, *_made_again(str(name), new_sql)]
            back.ops = [*back.ops, *_made_again(str(name), str(sql))]
    return notes


def _columns(sql: str) -> tuple[str, ...]:
    """The columns (lower-case) an external content FTS table's statement reads."""
    found = external_content(sql)
    return tuple(c.lower() for c in found[2]) if found else ()


def _naming(fts: str, triggers: Sequence[tuple[str, str]]) -> list[str]:
    """The triggers (name, statement) whose statement names table ``fts`` (as a word)."""
    word = re.compile(rf"(?<![\w$]){re.escape(fts)}(?![\w$])", re.IGNORECASE)
    return [name for name, sql in triggers if word.search(sql)]


def _made_again(fts: str, sql: str) -> list[Any]:
    """The statements that drop FTS table ``fts``, make it by ``sql`` and rebuild its index."""
    return [
        ops.ExecuteSQLOp(f"DROP TABLE {_name(fts)}"),
        ops.ExecuteSQLOp(sql),
        ops.ExecuteSQLOp(rebuild_statement(fts)),
    ]


def _column_renames(items: Sequence[Any]) -> dict[tuple[str, str], str]:
    """(table, old column), lower-case -> the new name, of each ``alter_column`` renaming a
    column among ``items`` (in a batch block too)."""
    found: dict[tuple[str, str], str] = {}
    for op in items:
        inner = op.ops if isinstance(op, ops.ModifyTableOps) else [op]
        for alter in inner:
            if isinstance(alter, ops.AlterColumnOp) and alter.modify_name is not None:
                key = (alter.table_name.lower(), alter.column_name.lower())
                found[key] = alter.modify_name
    return found


def renamed_statement(
    sql: str, tables: dict[str, str], columns: dict[tuple[str, str], str]
) -> str | None:
    """The CREATE VIRTUAL TABLE ``sql`` of an external content FTS table with its content table
    (``tables``: old name, lower-case -> new), its ``content_rowid`` and its columns renamed
    (``columns``: (content table's new name, old column), lower-case -> new column); None when
    it is no external content table or names nothing renamed."""
    found = external_content(sql)
    parsed = module_arguments(sql)
    if found is None or parsed is None:
        return None
    content = tables.get(found[0].lower(), found[0])
    changed = content != found[0]

    def column(old: str) -> str:
        return columns.get((content.lower(), old.lower()), old)

    _, start, end, arguments = parsed
    written = []
    for tokens in arguments:
        key = tokens[0].lower() if len(tokens) >= 3 and tokens[1] == "=" else None
        if key in ("content", "content_rowid"):
            value = " ".join(dequote(t) for t in tokens[2:])
            new = content if key == "content" else column(value)
            changed |= new != value
            written.append(f"{tokens[0]}='{new.replace(chr(39), chr(39) * 2)}'")
        elif tokens and "=" not in tokens:  # a column: its name, then UNINDEXED or nothing
            old = dequote(tokens[0])
            new = column(old)
            changed |= new != old
            written.append(" ".join([_name(new) if new != old else tokens[0], *tokens[1:]]))
        else:
            written.append(" ".join(tokens))
    return sql[:start] + ", ".join(written) + sql[end:] if changed else None


def _name(name: str) -> str:
    """``name`` as SQL: bare when it is a plain word, else in double quotes."""
    return name if re.fullmatch(r"[A-Za-z_][\w$]*", name) else '"' + name.replace('"', '""') + '"'
