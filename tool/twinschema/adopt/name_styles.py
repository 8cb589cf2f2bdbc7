"""``diff`` without a domain of two sources that spell their names two ways (stranger77 009).

Two databases of one application, one in PascalCase (``InvoiceLine.InvoiceLineId``), the other
in snake_case (``invoice_line.invoice_line_id``), compared with no ``domain.yaml``: the comparer
pairs by name, so every such table and column is one-sided twice over, each with "add it ... or
remove it" (Chinook: 102 differences). ``init`` pairs those names by its conventions
(``naming.pair_names``). Where most of the one-sided tables and columns pair so, the diff says it
once, as a warning naming the pairing and the way out (``init``, or ``--domain``); a pair of
sources whose one-sided names do not mostly pair so (tables really added) gets none."""

from __future__ import annotations

from collections.abc import Sequence

from twinschema.adopt.naming import pair_names
from twinschema.records import NAMES_SPELLED_APART, Difference, Severity

KIND = NAMES_SPELLED_APART
_SHOWN = 3  # pairs named in the message


def spelled_apart(found: Sequence[Difference], layer: str) -> Difference | None:
    """One warning when more than half of the tables and columns only one side has among
    ``found`` (a diff's differences, no domain) are paired by ``init``'s naming conventions,
    naming a few such pairs; None otherwise."""
    one_sided = [
        d
        for d in found
        if d.kind in ("table_missing", "column_missing") and (d.left is None) != (d.right is None)
    ]
    groups: dict[str | None, tuple[list[str], list[str]]] = {}
    for d in one_sided:
        within = d.table if d.kind == "column_missing" else None
        name = (d.column if d.kind == "column_missing" else d.table) or ""
        groups.setdefault(within, ([], []))[0 if d.right is None else 1].append(name)
    pairs: list[str] = []
    for within, (left, right) in sorted(groups.items(), key=lambda g: g[0] is not None):
        prefix = f"{within}." if within is not None else ""
        pairs += [f"{prefix}{a} = {prefix}{b}" for a, b, _ in pair_names(left, right).pairs]
    if not pairs or 2 * 2 * len(pairs) <= len(one_sided):  # each pair stands for two of them
        return None
    shown = ", ".join(pairs[:_SHOWN]) + (", ..." if len(pairs) > _SHOWN else "")
    return Difference(
        layer=layer,
        kind=KIND,
        table=None,
        column=None,
        name=None,
        left=None,
        right=None,
        message=f"{2 * len(pairs)} of the {len(one_sided)} tables and columns that only one side "
        "has are one name spelled two ways by the conventions `twinschema init` pairs "
        f"(PascalCase or camelCase against snake_case, singular against plural): {shown}; "
        "their differences are not tables or columns to add or remove",
        hint="compare them as pairs: `twinschema init --sqlite-url ... --postgres-url ...` on the "
        "two databases writes a domain.yaml naming each side's spelling, then pass it "
        "(`--domain domain.yaml`)",
        severity=Severity.WARNING,
    )
