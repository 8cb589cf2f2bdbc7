"""The PostgreSQL servers twinschema starts or borrows (floor 1 of ``tests/test_import_graph.py``):
``embedded``, the project's own server under var/pg, and ``scratch``, the throwaway databases a
check works in (never on the server being checked)."""
