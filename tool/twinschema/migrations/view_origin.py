"""Whether a view difference twin revisions show lasts to the chains' heads, and which twin pair
made it (stranger85 003, 007; recheck84 (3)).

``twin_views`` runs a view the last twin pair that changed it left on both chains, over the
tables as that pair left them. Two things it cannot see there:

* a later pair that changes the view's tables and not the view (a CHECK that refuses the rows
  the two views part on: ``json_type(playlist) = 'array'`` against ``jsonb_typeof(playlist) =
  'array'`` makes ``json_array_length`` and ``jsonb_array_length`` agree): at the heads, what
  every database migrated to head holds, the two views return the same rows. Alembic users
  deploy by upgrading to head (``migrate`` does, an application's start-up does); a database
  left at the revision between the two pairs is one that is not at its chain's head, which
  ``migration_state`` reports, and the live layer compares what it holds. So a difference that
  lasts only between two pairs is no difference of the chains: it is said as an equivalence
  (``--verbose``), the revisions between which it held named (``at_heads``);
* a pair that did not make the difference: a column renamed under the view (SQLite rewrites the
  view's text, PostgreSQL prints the new name), or a view column renamed by re-creating the
  view with the same filters, changes the view's definition on both chains, yet the two
  returned other rows before the pair already. The pair that made it is found walking back
  over the pairs that changed the view (``made_by``): the first whose schema before it runs
  the two views alike (or could not run both) made it; where none does, the views differed
  since the chains' first twins (a baseline ``init`` wrote from two existing databases), which
  the migrations layer leaves to what domain.yaml declares and to the live layer, as it did
  before the pair.

Dialect-free: it runs the views through the evaluation stage and reads each chain's scratch run.
"""

from __future__ import annotations

from twinschema.evaluate import Evaluator
from twinschema.evaluate.view_answers import ViewVerdict, compare_view, views_to_run
from twinschema.migrations.twin_spans import TwinSide, version_spans
from twinschema.model import OBJECT_VIEW, Schema
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical


def at_heads(
    sides: tuple[TwinSide, TwinSide],
    version: int,
    name: str,
    domain: Domain | None,
    evaluator: Evaluator,
) -> ViewVerdict | None:
    """View ``name`` run at both chains' heads (over the head's tables) where a revision after
    the twin pair of domain version ``version`` changed either chain; None where both twins are
    their chain's head revision (the pair's run is the heads')."""
    heads = (sides[0].run.first, sides[1].run.first)
    if heads[0] is None or heads[1] is None:
        return None
    if all(_last_version(side) == version for side in sides):
        return None
    return _run((heads[0], heads[1]), name, domain, evaluator)


def made_by(
    sides: tuple[TwinSide, TwinSide],
    version: int,
    name: str,
    domain: Domain | None,
    evaluator: Evaluator,
) -> int | None:
    """The domain version of the twin pair that made view ``name`` return other rows on the
    two chains, where the pair of ``version`` (the last to change it) leaves it so: walking
    back over the pairs that changed it, the first before which the two views return the same
    rows, or could not both be run (absent, other columns, not compared: the pair changed what
    was there, so the difference is its own); None where the two differed before every such
    pair (since the chains' first twins)."""
    found = (version_spans(sides[0], domain), version_spans(sides[1], domain))
    if found[0] is None or found[1] is None:
        return version
    spans = (found[0], found[1])
    changing = sorted(
        (
            v
            for v in set(spans[0]) & set(spans[1])
            if v <= version
            and any(k[0] == OBJECT_VIEW and k[2] == name for s in spans for k in s[v].changes)
        ),
        reverse=True,
    )
    for v in changing:
        before = tuple(
            side.run.steps.before.get(span[v].revisions[0].revision)
            for side, span in zip(sides, spans, strict=True)
        )
        if before[0] is None or before[1] is None:
            return v
        verdict = _run((before[0], before[1]), name, domain, evaluator)
        if verdict is None or verdict.same is not False:
            return v
    return None


def _run(
    schemas: tuple[Schema, Schema], name: str, domain: Domain | None, evaluator: Evaluator
) -> ViewVerdict | None:
    """View ``name`` of two schemas run on the same probe rows; None where it cannot be run on
    both (absent from one, or its columns differ: ``views_to_run``)."""
    canonical = (make_canonical(schemas[0], domain), make_canonical(schemas[1], domain))
    if name not in views_to_run(*canonical):
        return None
    dialects = (canonical[0].dialect, canonical[1].dialect)
    backends = (evaluator.backend(dialects[0]), evaluator.backend(dialects[1]))
    return compare_view(canonical, name, backends)


def _last_version(side: TwinSide) -> int | None:
    """The domain version of a chain's head revision (None: no revision declares one)."""
    revisions = side.chain.revisions
    return revisions[-1].domain_version if revisions else None
