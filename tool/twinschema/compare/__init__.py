"""The comparer: two canonical schemas in, typed differences and equivalences out.

Pure: no database access and no knowledge of any dialect. Dialect facts reach it only as data
(the type table in ``typemap``) and as canonical expressions made by ``normalize``. ``left`` and
``right`` are the two sides as the caller names them (``expected``/``actual`` in spirit for a
metadata module against its database; two peers for the two dialects).

One module per kind of object, each a set of functions over a shared ``Context`` (the two
sides and the ``Comparison`` being recorded): ``tables`` (which tables, and which comparators a
pair needs), ``columns``, ``types``, ``keys`` (primary and foreign), ``indexes`` (UNIQUE rules
and indexes), ``checks``, ``security`` (row-level security, policies), ``storage`` (table
options, UNLOGGED, partitioning), ``objects`` (views, triggers, functions, sequences) and
``allowances`` (what ``domain.yaml`` allows). Where the two sides' dialects matter, a comparator
asks a named fact of ``pairing.Pairing`` (computed once per comparison), never a dialect name;
``tests/test_compare_is_dialect_free.py`` keeps it so.
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.canonical import folding
from twinschema.canonical.domains_alike import read_alike
from twinschema.compare.allowances import NOTHING_HELD, Held, apply_allowances
from twinschema.compare.column_order import as_warnings
from twinschema.compare.context import Comparison, Context, Side
from twinschema.compare.objects import objects
from twinschema.compare.tables import tables
from twinschema.compare.types import satisfies
from twinschema.compare.unknown_columns import unknown_columns
from twinschema.records.domain import Domain

__all__ = ["Comparison", "Side", "compare", "satisfies"]


def compare(
    left: Side,
    right: Side,
    *,
    layer: str,
    domain: Domain | None = None,
    held: Held = NOTHING_HELD,
) -> Comparison:
    """Every difference between two sides, minus those ``domain.yaml`` declares as allowed;
    those ``held`` stay, for the caller to allow after the evaluation stage judged
    them (``allow_evaluated``): an allowance of a difference it settles is stale."""
    aligned, renamed = folding.align(left.schema, right.schema)
    if renamed:
        right = replace(right, schema=aligned)
    lread, rread = read_alike(left.schema, right.schema)
    if lread is not left.schema or rread is not right.schema:
        left, right = replace(left, schema=lread), replace(right, schema=rread)
    ctx = Context(left, right, layer, domain)
    for table, column, spelling in renamed:  # names one dialect matches whatever their case
        ctx.same(table, column, "identifier case", column or table, spelling)
    tables(ctx)
    unknown_columns(ctx)
    objects(ctx)
    if ctx.pairing.allowances_apply and domain is not None:
        apply_allowances(ctx, held)
    as_warnings(ctx.result)
    return ctx.result
