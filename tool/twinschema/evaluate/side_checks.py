"""A side's CHECKs on a table over some columns, gathered to judge probe rows by: the columns
its CHECKs read beside them (``sharing``, ``with_sharing``), those CHECKs as one conjunction
(``checks_within``, with what a MATCH FULL key refuses, ``matched_in_full``), and generated
columns read as what they compute (``through_generated``). Columns are matched by their key in
the side's dialect (``catalog_key``): PostgreSQL's ``"At"`` and ``at`` are two columns."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from functools import partial

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import expression_reads
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.generated_inline import inline_generated, read_from, sources
from twinschema.model import MATCH_FULL, Table
from twinschema.records import Side


def sharing(side_of: Side, table: str, columns: set[str]) -> set[str]:
    """``columns`` and every column a side's CHECK on ``table`` reads beside one of them, until
    none is added (CHECK (a + b > 0) adds b to a), by logical name (folded): domain.yaml may
    name a column otherwise on each dialect (``unitPrice`` on SQLite, ``unit_price``). A
    generated column a CHECK reads counts as the columns it computes from (``sources``: CHECK
    (g2 <= 20) over ``g2 AS (g1 * 2)``, ``g1 AS (x + y)`` adds y to x)."""
    found, _ = find(side_of, table, "")
    logical = partial(logical_name, side_of, table)
    dialect = side_of.schema.dialect
    checks = expression_reads.table_checks(dialect, found)
    read = [{logical(c) for c in sources(dialect, found, cols)} for _, cols, _ in checks]
    wanted = {logical(c) for c in columns}
    while True:
        more = set().union(*(r for r in read if r & wanted)) - wanted
        if not more:
            return wanted
        wanted |= more


def with_sharing(st: StageContext, table: str, texts: tuple[str, str]) -> tuple[str, str]:
    """Two CHECK texts to make probe rows for, each joined by its side's CHECKs over the
    columns the two read and those that share one with them (``sharing``, on both sides until
    none is added): every column a table judges such a row by then gets values, from those
    CHECKs' literals too (``length(c0) = 3`` beside ``lower(c0) = c0``: 'ÉÉÉ', three letters
    SQLite's lower() keeps), and ``accepted_by_table`` runs those CHECKs too (``CHECK (a > 5
    AND b > 0)`` refuses a = 1 whatever b holds). The texts as they are where no CHECK joins."""
    sides = (st.left, st.right)
    reads = [expression_reads.reads(s.schema.dialect, t) for s, t in zip(sides, texts, strict=True)]
    if reads[0] is None or reads[1] is None:
        return texts
    read = {
        logical_name(side_of, table, c)
        for side_of, r in zip(sides, reads, strict=True)
        if r is not None
        for c in r.columns
    }
    columns = read
    while (wider := sharing(st.right, table, sharing(st.left, table, columns))) != columns:
        columns = wider
    joined = [checks_within(s, table, columns) for s in sides]
    left, right = (
        t if j == "TRUE" else f"({t}) AND {j}" for t, j in zip(texts, joined, strict=True)
    )
    return left, right


def wider_only(st: StageContext, table: str, texts: tuple[str, str]) -> tuple[str, str]:
    """``with_sharing``'s texts where its CHECKs add a column the two expressions do not read
    (a generated ``gx AS (x * 1000)`` beside ``CHECK (g2 <= 20)`` over ``x + y``: y, so that
    a witness is a row that table stores, stranger50 050); else ``texts``, as they are."""
    wide = with_sharing(st, table, texts)
    sides = (st.left, st.right)
    read = [
        {logical_name(s, table, c) for c in r.columns}
        for s, t in zip(sides, texts, strict=True)
        if (r := expression_reads.reads(s.schema.dialect, t)) is not None
    ]
    more = [
        {logical_name(s, table, c) for c in r.columns}
        for s, t in zip(sides, wide, strict=True)
        if (r := expression_reads.reads(s.schema.dialect, t)) is not None
    ]
    return wide if set().union(*more) - set().union(*read) else texts


def through_generated(st: StageContext, table: str, texts: tuple[str, str]) -> tuple[str, str]:
    """Two expressions of ``table`` with each generated column read as its side's expression
    (``read_from`` the table's other columns): a row holds what the expression computes
    there, never a value of its own, so ``CHECK (total <= 50)`` beside ``total AS (qty * price)``
    is ``qty * price <= 50``, and no probe row gives total 51 beside qty = price = 0."""
    left, right = (
        generated_inlined(side.schema.dialect, find(side, table, "")[0], text)
        for side, text in zip((st.left, st.right), texts, strict=True)
    )
    return left, right


def generated_inlined(dialect: str, table: Table | None, text: str) -> str:
    """``text``, an expression of ``table`` on ``dialect``, with each generated column it reads
    as its expression over the table's stored columns (``through_generated``, one side's); no
    INSERT gives a generated column a value, so a witness names what computes it."""
    stored = (
        {catalog_key(dialect, c.own_name) for c in table.columns if c.generated is None}
        if table
        else set()
    )
    generated = read_from(dialect, table, stored)
    reads = expression_reads.reads(dialect, text) if generated else None
    if reads is None or not reads.keys & generated.keys():
        return text
    return inline_generated(dialect, text, generated) or text


def checks_within(
    side_of: Side, table: str, columns: set[str], skip: str | None = None,
    leave_out: Collection[str] = (),
) -> str:  # fmt: skip
    """A side's CHECKs on ``table`` that read only ``columns``, as one conjunction; ``TRUE``
    (every row its columns hold) when it has none. A CHECK that also reads generated columns
    computed from ``columns`` alone is one of them, each such column read as its expression
    (``read_from``): ``g AS (x * 2) CHECK (g < 80)`` refuses x = 40 as ``x < 40`` does;
    so is what a MATCH FULL foreign key over ``columns`` refuses (``matched_in_full``).
    ``columns`` are logical names or the side's own, read as the side's own (``own_names``).
    A CHECK that reads the column ``skip`` (the side's own name, folded) is left out, and so is
    each whose text (``raw``, else its expression) ``leave_out`` holds: the CHECK judged
    against the rest of its own table (``one_sided``)."""
    found, _ = find(side_of, table, "")
    if found is not None and leave_out:
        kept = tuple(c for c in found.checks if (c.raw or c.expression) not in leave_out)
        found = replace(found, checks=kept)
    columns = own_names(side_of, table, columns)
    dialect = side_of.schema.dialect
    generated = read_from(dialect, found, columns)
    texts = []
    for text, cols, _ in expression_reads.table_checks(dialect, found):
        if skip is not None and skip in cols:
            continue
        if cols <= columns:
            texts.append(text)
        elif cols <= columns | generated.keys():
            inlined = inline_generated(dialect, text, generated)
            if inlined is not None:
                texts.append(inlined)
    texts += matched_in_full(found, columns)
    return " AND ".join(f"({text})" for text in texts) or "TRUE"


def own_names(side_of: Side, table: str, columns: set[str]) -> set[str]:
    """``columns`` (folded) as ``side_of``'s own expressions read them: a logical name
    domain.yaml names otherwise on its dialect is that name (``unit_price``: ``unitprice``)."""
    found = find(side_of, table, "")[0]
    dialect = side_of.schema.dialect
    return {catalog_key(dialect, found.own_name_of(n) if found is not None else n) for n in columns}


def matched_in_full(table: Table | None, columns: set[str]) -> list[str]:
    """What each MATCH FULL foreign key of ``table`` over ``columns`` alone refuses, as a
    CHECK: a key with some but not all of its columns NULL (``(a IS NULL) = (b IS NULL)`` for
    two), so that such a row is no witness of a CHECK the key's table lacks. ``columns`` and
    the texts are in the table's own names."""
    found: list[str] = []
    if table is None:
        return found
    for fk in table.foreign_keys:
        own = [table.own_name_of(n) for n in fk.columns]
        if fk.match != MATCH_FULL or not {c.lower() for c in own} <= columns:
            continue
        names = [f'"{c}"' for c in own]
        nulls = " AND ".join(f"{n} IS NULL" for n in names)
        values = " AND ".join(f"{n} IS NOT NULL" for n in names)
        found.append(f"({nulls}) OR ({values})")
    return found
