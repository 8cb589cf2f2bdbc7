"""``Declared``, where the metadata modules ``init`` wrote before it moved import it from: the
type lives in ``twinschema.declared_types`` (it needs nothing but SQLAlchemy, and the Alembic
environment renders and compares it)."""

from twinschema.declared_types import Declared

__all__ = ["Declared"]
