"""One schema as people read it: a table per table, the way psql's ``\\d`` shows one
(``twinschema inspect --format text``)."""

from __future__ import annotations

from twinschema.model import Column, Index, Schema, Table


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
        lines.append(f"Primary key: ({', '.join(table.primary_key)})")
    sections: list[tuple[str, list[str]]] = [
        ("Unique", [f"({', '.join(u.columns)})" + _named(u.name) for u in table.uniques]),
        ("Indexes", [_index(i) for i in table.indexes]),
        (
            "Foreign keys",
            [
                f"({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})"
                f" ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}" + _named(fk.name)
                for fk in table.foreign_keys
            ],
        ),
        (
            "Check constraints",
            [f"CHECK ({c.raw or c.expression})" + _named(c.name) for c in table.checks],
        ),
        ("Policies", [f"{p.name} FOR {p.command}" for p in table.policies]),
    ]
    for title, items in sections:
        if items:
            lines.append(f"{title}:")
            lines += [f"    {item}" for item in sorted(items)]
    if table.row_level_security:
        lines.append("Row-level security: on")
    return lines


def _column_row(column: Column) -> tuple[str, str, str, str]:
    default = column.raw_default or column.default or ""
    if column.identity:
        default = (default + " " if default else "") + f"(identity: {column.identity})"
    return (
        column.name,
        column.type.raw or column.type.spelling(),
        "" if column.nullable else "not null",
        default,
    )


def _index(index: Index) -> str:
    text = ("UNIQUE " if index.unique else "") + f"({', '.join(index.expressions)})"
    if index.method != "btree":
        text = f"USING {index.method} {text}"
    return text + (f" WHERE {index.where}" if index.where else "") + _named(index.name)


def _named(name: str | None) -> str:
    return f'  "{name}"' if name else ""
