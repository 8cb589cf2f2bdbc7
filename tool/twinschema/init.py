"""``twinschema init``: the command's functions, kept under their old module name.

The work is done by the ``twinschema.adopt`` package, one module per job (pairing and naming
conventions, kinds, domain.yaml, metadata modules, Alembic environments, baseline revisions,
stamping); this module only re-exports what the CLI calls.
"""

from __future__ import annotations

from twinschema.adopt import (
    InitResult,
    database_url,
    default_output,
    pair_names,
    propose,
    run_init,
    snake_case,
    summary,
    words,
)

__all__ = [
    "InitResult",
    "database_url",
    "default_output",
    "pair_names",
    "propose",
    "run_init",
    "snake_case",
    "summary",
    "words",
]
