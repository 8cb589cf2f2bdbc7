"""Generated columns read as their expressions over a table's other columns (``computed_from``,
``inline_generated``): no INSERT gives a generated column a value, so a probe row, and a witness,
holds only the columns an INSERT sets. A generated column that reads another is read through it
in turn (``half AS (total / 2)`` beside ``total AS (qty * price)`` is ``(qty * price) / 2``:
stranger48 011 named (price, qty, total) = (2, 2, NULL), a row no INSERT can give).
"""

from __future__ import annotations

from functools import partial

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import expression_reads
from twinschema.evaluate.statements import type_sql
from twinschema.model import Column, Table
from twinschema.records import POSTGRESQL, SQLGLOT_DIALECTS
from twinschema.sql_expression import parse_expression

# A chain read through is given up past this many characters (SQLite's affinity names each
# inner expression six times).
_LONGEST = 20000


def computed_from(dialect: str, table: Table | None, columns: set[str]) -> dict[str, str]:
    """The generated columns of ``table`` outside ``columns`` whose expressions read only
    ``columns``, or generated columns that do in turn (folded name: the expression as the
    column stores it, over ``columns`` alone). On PostgreSQL the expression is cast to the
    column's type, as storing it casts (an int4 into a smallint fails, 2.5 into an integer is
    3), except a length-bound text, whose cast would cut what storing refuses; SQLite's column
    affinity is not a CAST, so its expression stays bare (a column made of this type applies
    it), but where another generated column reads it, its numeric affinity is (``_as_stored``:
    INTEGER keeps 1.0 as 1, so ``total / 2`` divides integers)."""
    return _inlined(dialect, table, columns)[0]


def read_from(dialect: str, table: Table | None, columns: set[str]) -> dict[str, str]:
    """``computed_from``'s columns as a CHECK or another expression of ``table`` reads them:
    what the column holds once stored, SQLite's numeric affinity too (``total NUMERIC AS (qty
    * price)`` holds 2 * 1.5 as the integer 3, so a ``half AS (total / 2)`` beside it divides
    integers, 1, where ``(qty * price) / 2`` is 1.5: stranger50 014)."""
    return _inlined(dialect, table, columns)[1]


def _inlined(
    dialect: str, table: Table | None, columns: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(``computed_from``, ``read_from``)."""
    found: dict[str, str] = {}
    stored: dict[str, str] = {}  # as another generated column reads it
    pending = [
        c
        for c in (table.columns if table is not None else ())
        if c.generated is not None and catalog_key(dialect, c.own_name) not in columns
    ]
    while pending:
        left = []
        for column in pending:
            assert column.generated is not None
            text = column.generated.raw or column.generated.expression
            got = expression_reads.reads(dialect, text)
            read = set(got.keys) if got is not None else None
            if read is None or not read <= columns | found.keys():
                left.append(column)
                continue
            through = {n: stored[n] for n in read & found.keys()}
            inlined = inline_generated(dialect, text, through) if through else text
            if inlined is None or len(inlined) > _LONGEST:
                continue  # sqlglot cannot write it back (or too long): never read through
            name = catalog_key(dialect, column.own_name)
            found[name] = _as_stored(dialect, column, inlined, bare=True)
            stored[name] = _as_stored(dialect, column, inlined, bare=False)
        if len(left) == len(pending):
            break
        pending = left
    return found, stored


def sources(dialect: str, table: Table | None, columns: frozenset[str]) -> frozenset[str]:
    """``columns`` (keys, ``catalog_key``) with each generated column of ``table`` among them read as the
    stored columns it computes from, through generated columns it reads in turn (``g2 AS (g1
    * 2)`` beside ``g1 AS (x + y)``: x and y): the columns an INSERT sets that decide what a
    CHECK over them holds (stranger50 050). A generated column whose expression does not
    parse stays as it is."""
    generated = {
        catalog_key(dialect, c.own_name): c.generated.raw or c.generated.expression
        for c in (table.columns if table is not None else ())
        if c.generated is not None
    }
    found: set[str] = set()
    pending, seen = list(columns), set(columns)
    while pending:
        name = pending.pop()
        got = expression_reads.reads(dialect, generated[name]) if name in generated else None
        if got is None:
            found.add(name)
            continue
        for read in got.keys:
            if read not in seen:
                seen.add(read)
                pending.append(read)
    return frozenset(found)


def _as_stored(dialect: str, column: Column, text: str, bare: bool) -> str:
    """``text``, a generated column's expression, as the column stores what it computes: cast
    to its type on PostgreSQL (not a length-bound text or an enum: numeric(12,2) rounds 0.125
    to 0.13 before another column reads it); on SQLite bare where ``bare``, else with its
    column's affinity on a number (``_affinity``, ``_text_affinity``; a blob's stays bare)."""
    ctype = column.type
    if dialect == POSTGRESQL:
        if ctype.length is None and ctype.values is None:
            return f"CAST(({text}) AS {type_sql(ctype)})"
        return text
    name = ctype.name.upper()
    if bare or not name or ("INT" not in name and "BLOB" in name):
        return text
    if "INT" not in name and any(f in name for f in ("CHAR", "CLOB", "TEXT")):
        return _text_affinity(f"({text})")
    real = "INT" not in name and any(f in name for f in ("REAL", "FLOA", "DOUB"))
    return _affinity(f"({text})", real)


def _text_affinity(v: str) -> str:
    """SQLite's TEXT affinity on what ``v`` computes, as an expression: a number is stored as
    its text, a REAL as SQLite writes it (1.0 is '1.0', so ``t TEXT AS (r)`` over ``r REAL AS
    (x)`` holds '1.0' at x = 1, whose length is 3: stranger52 011); a text, a blob and NULL
    stay as they are."""
    return f"CASE WHEN typeof({v}) IN ('integer', 'real') THEN CAST({v} AS TEXT) ELSE {v} END"


def _affinity(v: str, real: bool) -> str:
    """SQLite's numeric affinity on the number ``v`` computes, as an expression: REAL makes an
    integer a REAL; INTEGER and NUMERIC make a whole REAL inside the 64-bit integers (but their
    smallest, as SQLite's ``sqlite3VdbeIntegerAffinity``) an integer. ``CAST(v AS NUMERIC)``
    is not that: it keeps 3.0 a REAL (SQLite 3.40), where the column stores 3, so ``total /
    2`` divides integers (stranger50 014). A text is left as it is (the column would turn
    '3.0' into 3, not 'abc' into 0 as a CAST does)."""
    if real:
        return f"CASE WHEN typeof({v}) = 'integer' THEN CAST({v} AS REAL) ELSE {v} END"
    whole = f"{v} = CAST({v} AS INTEGER) AND {v} <> -9223372036854775808"
    return f"CASE WHEN typeof({v}) = 'real' AND {whole} THEN CAST({v} AS INTEGER) ELSE {v} END"


def inline_generated(dialect: str, text: str, generated: dict[str, str]) -> str | None:
    """``text`` with each column of ``generated`` read as its expression, in parentheses;
    None where sqlglot cannot read or write it back. Each expression goes in as written, not
    as sqlglot writes it back: its SQLite dialect writes ``CAST(x AS NUMERIC)`` as ``CAST(x AS
    REAL)``, which keeps 3.0 a REAL where NUMERIC affinity stores the integer 3 (stranger50
    014)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    read = partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect])
    try:
        for t in generated.values():
            parse_expression(read, t)  # each must read: else the text is not inlined
        marks = {n: f"twinschema_inlined_{k}_" for k, n in enumerate(generated)}
        if any(m in text.lower() for m in marks.values()):
            return None

        def swap(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and node.name.lower() in marks:
                return exp.column(marks[node.name.lower()])
            return node

        tree = parse_expression(read, text).transform(swap)
        written = tree.sql(dialect=SQLGLOT_DIALECTS[dialect])
    except (SqlglotError, ValueError):
        return None
    for name, mark in marks.items():
        written = written.replace(mark, f"({generated[name]})")
    return written
