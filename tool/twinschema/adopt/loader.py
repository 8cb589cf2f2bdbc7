"""The domain loader module ``init`` writes beside the metadata modules (``schemas/domain.py``):
``domain.yaml`` as attribute access that fails at import time on a typo."""

from __future__ import annotations

LOADER = '''"""The domain loader: ``domain.yaml`` as attribute access that fails at import time on a typo.

    N = names("postgresql")
    t = N.album                              # DomainNameError at once if the table is misspelled
    sa.Table(t.__tablename__, metadata, sa.Column(t.album_id, ...))   # ... or the column

``VALUES.customers.tier`` gives an enum column's values from the same file.
Written by `twinschema init`; yours to edit.
"""

from __future__ import annotations

from pathlib import Path

from twinschema.domain_load import load_domain
from twinschema.domain_model import Domain, DomainNames, TableNames

__all__ = ["DOMAIN", "VALUES", "TableNames", "names"]

DOMAIN_FILE = Path(__file__).resolve().parent / {relative!r}
DOMAIN: Domain = load_domain(DOMAIN_FILE)


def names(dialect: str) -> DomainNames:
    """The physical table and column names of ``dialect`` (``sqlite`` or ``postgresql``)."""
    return DOMAIN.names(dialect)


VALUES = DOMAIN.values()
'''


def render_loader(relative_domain: str) -> str:
    """The text of the domain loader module, reading the domain file at ``relative_domain``
    (a POSIX path relative to the loader's folder)."""
    return LOADER.format(relative=relative_domain)
