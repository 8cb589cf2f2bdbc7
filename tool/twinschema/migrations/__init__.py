"""Everything about Alembic chains, on three floors of ``tests/test_import_graph.py`` (each module
is named there with its own):

- floor 1, the migration engine that ``twinschema migrate`` and the migrations layer share: which
  database a migration runs on and its Alembic chain configured in code (``migrate_chain``), the
  connection it runs in (``migrate_connect``: one transaction, SQLite's write lock and foreign
  keys, PostgreSQL's advisory lock) and what it can end in (``migrate_errors``). It imports
  nothing above the servers it may start;
- floor 5, the migrations layer's work (``migrations_*``; ``twinschema.layers.migrations`` is the
  layer's entry point);
- floor 7, the migration commands: ``migrate*``, ``lint*``, ``revision*``, ``history``.

Alembic is imported only in the modules that run it: importing this package imports nothing."""

# The table Alembic keeps a database's revisions in: every chain's environment
# (``twinschema.alembic_env``) configures it, the migrations layer reads it.
VERSION_TABLE = "alembic_version"
