"""Equivalence by evaluation: expressions judged by running them on scratch databases.

``Evaluator`` runs expressions (each distinct one once per run) on databases of their own
dialect that nobody's data lives in; ``evaluate`` is the stage that, after the comparer,
settles the default findings a canonical form cannot (see ``stage``).
"""

from twinschema.evaluate.pg_backend import PostgreSQLScratch
from twinschema.evaluate.stage import Evaluation, Evaluator, evaluate

__all__ = ["Evaluation", "Evaluator", "PostgreSQLScratch", "evaluate"]
