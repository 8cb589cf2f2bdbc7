"""The migration engine that ``twinschema migrate`` and the migrations layer share: which
database a migration runs on and its Alembic chain configured in code (``migrate_chain``),
the connection it runs in (``migrate_connect``: one transaction, SQLite's write lock and foreign
keys, PostgreSQL's advisory lock) and what it can end in (``migrate_errors``).
It imports nothing above the servers it may start (floor 1 of ``tests/test_import_graph.py``),
and Alembic only in the modules that run it: importing this package imports neither."""

# The table Alembic keeps a database's revisions in: every chain's environment
# (``twinschema.alembic_env``) configures it, the migrations layer reads it.
VERSION_TABLE = "alembic_version"
