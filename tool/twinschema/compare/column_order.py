"""The order of the columns two sources of one table share (stranger60 022).

A positional ``INSERT INTO t VALUES (...)`` (a seed script, a fixture) and ``INSERT ... SELECT
*`` (a copy between twins) fill a table's columns in their order: where two twins order the
columns they share otherwise, such a statement stores values in other columns on one side, or
fails there (``'great'`` into a smallint). An application that names its columns (an ORM) is
not affected, so this is a warning (``column_order``), which ``domain.yaml`` may allow; it
leaves the exit code alone. Only the columns both sides have are compared (a column of one
dialect only, ``dialects: [...]``, is no order difference), and only between twins: a metadata
module and its own database, or a chain and its module, may order them otherwise (a column a
later revision adds comes last in the database wherever the module lists it).
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.compare.context import Context
from twinschema.model import Table
from twinschema.records import Comparison, Severity
from twinschema.records.hint_ways import Offer

KIND = "column_order"
# The layers whose comparisons pair a source with its own database or chain (its own order).
_OWN = frozenset({"live", "migrations"})


def column_order(ctx: Context, left: Table, right: Table) -> None:
    """A ``column_order`` warning where the columns both tables have are in another order."""
    if ctx.layer in _OWN and ctx.left.role != ctx.right.role:
        return
    lnames = [c.name for c in left.columns]
    rnames = [c.name for c in right.columns]
    shared = set(lnames) & set(rnames)
    lorder = [n for n in lnames if n in shared]
    rorder = [n for n in rnames if n in shared]
    if lorder == rorder:
        return
    lshown, rshown = ", ".join(lorder), ", ".join(rorder)
    ctx.diff(
        KIND,
        left.name,
        None,
        None,
        f"({lshown})",
        f"({rshown})",
        f"the columns of {ctx.table_shown(left.name)} are in another order: ({lshown}) in "
        f"{ctx.label('left')}, ({rshown}) in {ctx.label('right')}: a positional INSERT INTO "
        f"{ctx.own_table(left.name)} VALUES (...) or INSERT ... SELECT * fills other columns on each side "
        "(a value refused, or stored in another column); a statement that names its columns "
        "is not affected",
        hint=Offer(
            f"if anything inserts into {ctx.own_table(left.name)} without naming its columns, "
            "put them in one order on both sides (a table rebuild); else ",
            ", {kind: column_order, reason: ...}",
        ),
    )


def as_warnings(comparison: Comparison) -> None:
    """Move the ``column_order`` findings the allowances left to the comparison's warnings:
    they leave the status and the exit code alone."""
    found = [d for d in comparison.differences if d.kind == KIND]
    if not found:
        return
    comparison.differences = [d for d in comparison.differences if d.kind != KIND]
    comparison.warnings.extend(replace(d, severity=Severity.WARNING) for d in found)
