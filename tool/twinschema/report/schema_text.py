"""One schema as people read it: a table per table, the way psql's ``\\d`` shows one
(``twinschema inspect --format text``)."""

from __future__ import annotations

from twinschema.model import MATCH_SIMPLE, Column, ForeignKey, Index, Policy, Schema, Table


def render_schema(schema: Schema) -> str:
    """Every table of ``schema``, sorted by name, with its columns, keys, indexes and CHECKs."""
    out = [f"{schema.dialect} schema of {schema.source}" if schema.source else schema.dialect]
    for name in sorted(schema.tables):
        out += ["", *_table(schema.tables[name])]
    if schema.objects:  # views, triggers, functions, sequences, by kind then name
        out += ["", "Objects (compared by definition within one dialect):"]
        out += [
            f"  {o.kind} {o.name}" + (f" on {o.table}" if o.table else "") for o in schema.objects
        ]
    counted = {kind: n for kind, n in sorted(schema.not_compared.items()) if n}
    if counted:
        out += ["", "Not compared: " + ", ".join(f"{n} {kind}" for kind, n in counted.items())]
    return "\n".join(out) + "\n"


def _table(table: Table) -> list[str]:
    rows = [("Column", "Type", "Nullable", "Default")]
    rows += [_column_row(c) for c in table.columns]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f'Table "{table.name}"']
    for n, row in enumerate(rows):
        lines.append(" " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("-" + "-+-".join("-" * w for w in widths) + "-")
    lines = [line.rstrip() for line in lines]
    if table.primary_key:
        timing = ""
        if table.primary_key_deferrable:
            timing = " DEFERRABLE INITIALLY " + (
                "DEFERRED" if table.primary_key_initially_deferred else "IMMEDIATE"
            )
        lines.append(f"Primary key: ({', '.join(table.primary_key)}){timing}")
    sections: list[tuple[str, list[str]]] = [
        (
            "Unique",
            [
                f"({', '.join(u.columns)})"
                + ("" if u.nulls_distinct else " NULLS NOT DISTINCT")
                + (" " + u.timing() if u.deferrable else "")
                + _named(u.name)
                for u in table.uniques
            ],
        ),
        ("Indexes", [_index(i) for i in table.indexes]),
        (
            "Foreign keys",
            [_foreign_key(fk) for fk in table.foreign_keys],
        ),
        (
            "Check constraints",
            [f"CHECK ({c.shown()})" + _named(c.name) for c in table.checks],
        ),
        ("Policies", [_policy(p) for p in table.policies]),
    ]
    for title, items in sections:
        if items:
            lines.append(f"{title}:")
            lines += [f"    {item}" for item in sorted(items)]
    if table.row_level_security:
        lines.append(
            "Row-level security: on" + (" (forced)" if table.force_row_level_security else "")
        )
    elif table.force_row_level_security:
        lines.append("Row-level security: off (forced when enabled)")
    if table.unlogged:
        lines.append("Unlogged")
    if table.options:  # SQLite's STRICT and WITHOUT ROWID, as CREATE TABLE ends with them
        lines.append("Table options: " + ", ".join(o.upper() for o in table.options))
    if table.partitioned:
        lines.append(f"Partitioned by {table.partitioned}")
    return lines


def _foreign_key(fk: ForeignKey) -> str:
    """``(a) -> t(id) ON DELETE ... ON UPDATE ...`` with MATCH and DEFERRABLE when not defaults."""
    on_delete = fk.on_delete + (
        f" ({', '.join(fk.on_delete_columns)})" if fk.on_delete_columns else ""
    )
    text = (
        f"({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})"
        f" ON DELETE {on_delete} ON UPDATE {fk.on_update}"
    )
    if fk.match != MATCH_SIMPLE:
        text += f" MATCH {fk.match}"
    elif fk.match_declared and fk.match_declared != fk.match:
        text += f" MATCH {fk.match_declared} (enforced as {fk.match})"
    if fk.deferrable:
        text += " DEFERRABLE INITIALLY " + ("DEFERRED" if fk.initially_deferred else "IMMEDIATE")
    return text + _named(fk.name)


def _policy(policy: Policy) -> str:
    text = f"{policy.name} AS {'PERMISSIVE' if policy.permissive else 'RESTRICTIVE'} FOR {policy.command}"
    if policy.declared is None or "roles" in policy.declared:
        text += f" TO {', '.join(policy.roles)}"
    return text


def _column_row(column: Column) -> tuple[str, str, str, str]:
    default = column.raw_default or column.default or ""
    if column.identity:
        default = (default + " " if default else "") + f"(identity: {column.identity})"
    if column.generated is not None:
        default = column.generated.describe()
    spelling = column.type.raw or column.type.spelling()
    if column.collation is not None:
        spelling += f" COLLATE {column.collation.name}"
    return (
        column.name,
        spelling,
        "" if column.nullable else "not null",
        default,
    )


def _index(index: Index) -> str:
    return index.describe() + _named(index.name)


def _named(name: str | None) -> str:
    return f'  "{name}"' if name else ""
