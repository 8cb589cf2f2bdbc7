"""Equivalence by evaluation: expressions judged by running them on scratch databases.

``Evaluator`` (``evaluator``) runs expressions, each distinct one once per run, on databases of
their own dialect that nobody's data lives in (``backends``: SQLite in memory; ``pg_backend``:
a PostgreSQL scratch database). ``evaluate`` (``stage``) is the stage that, after the comparer,
settles what a canonical form cannot: defaults (``defaults``), CHECKs (``checks``), partial-index
predicates and generated columns (``computed``), and warns of values that cross the sync
boundary (``crossing``).
"""

from twinschema.evaluate.pg_scratch import PostgreSQLScratch
from twinschema.evaluate.stage import Evaluation, Evaluator, evaluate

__all__ = ["Evaluation", "Evaluator", "PostgreSQLScratch", "evaluate"]
