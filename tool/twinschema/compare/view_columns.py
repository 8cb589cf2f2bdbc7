"""The columns of a view both sides hold, across dialects (s73views).

A view's definition is each dialect's own SQL and is not compared across dialects; its columns
are not: an application reads the view's rows by column name (``row["sold"]``) on each side, and
a name one side has and the other lacks (an alias on one side only: ``count(*) AS sold`` against
``count(*)``, which each dialect names as it likes) or another order (``SELECT *``-style
readers, ``INSERT INTO ... SELECT * FROM`` the view) breaks it on one side only. So a view that
both sides hold, each with its columns read, is a ``view`` difference when its column lists
differ. Names are compared as each adapter reads them (``SchemaObject.columns``).

Pure and dialect-free.
"""

from __future__ import annotations

from collections.abc import Sequence

from twinschema.compare.objects_alone import ObjectDifference
from twinschema.model import OBJECT_VIEW, Schema
from twinschema.records import Difference


def shown(columns: Sequence[str]) -> str:
    """How a view's columns stand for its side in the difference (``left``/``right``)."""
    return f"columns ({', '.join(columns)})"


def of_columns(difference: Difference) -> bool:
    """Whether ``difference`` is a view's columns difference (``view_columns``'s own, or the
    migrations layer's made of it): each side's value is its columns as ``shown`` writes
    them, never a definition (stranger82 006: a view allowance written for the rows is not
    written for these)."""
    return difference.kind == OBJECT_VIEW and all(
        t is not None and t.startswith(shown(())[:-1]) for t in (difference.left, difference.right)
    )


def columns_hint(view: str) -> str:
    """The fix of ``view`` whose columns differ between two sources, as its hint says it (and
    the chains' comparison says it before naming where the revision goes: ``chain_views``)."""
    return (
        f"give view {view} the same columns on both sides, in the same order (name each one "
        "with AS)"
    )


def view_columns(left: Schema, right: Schema, labels: tuple[str, str]) -> list[ObjectDifference]:
    """Each view both schemas hold whose columns (names, in order) differ; views whose columns
    either side did not read are left to be counted as not compared."""
    theirs = {o.key: o for o in right.objects if o.kind == OBJECT_VIEW and o.columns}
    found = []
    for mine in sorted(left.objects, key=lambda o: o.key):
        other = theirs.get(mine.key)
        if mine.kind != OBJECT_VIEW or other is None or not mine.columns:
            continue
        if mine.columns == other.columns:
            continue
        texts = (", ".join(mine.columns), ", ".join(other.columns))
        only = (
            [c for c in mine.columns if c not in other.columns],
            [c for c in other.columns if c not in mine.columns],
        )
        said = "; ".join(
            f"only {label} has {', '.join(names)}"
            for label, names in zip(labels, only, strict=True)
            if names
        )
        why = said or "the same names in another order"
        found.append(
            ObjectDifference(
                OBJECT_VIEW,
                mine.name,
                mine.name,
                shown(mine.columns),
                shown(other.columns),
                f"the columns of view {mine.name} differ: ({texts[0]}) vs ({texts[1]}): {why}. "
                "An application reading the view by column name or position gets other "
                "columns on each side",
                hint=columns_hint(mine.name),
            )
        )
    return found
