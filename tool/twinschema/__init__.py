"""twinschema: one application, a SQLite schema and a PostgreSQL schema, and proof they agree."""

__version__ = "0.1.0"
