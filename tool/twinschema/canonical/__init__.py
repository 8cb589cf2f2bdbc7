"""Canonical form (floor 2 of ``tests/test_import_graph.py``): expressions parsed and rewritten to
one spelling (``expressions``, ``expr_*``, ``folding``), identifiers folded (``identifiers``), the
type table (``typemap*``) and ``normalize``, which makes a raw schema canonical in the domain's
logical names. It imports only records, dialects and sources' readers below it."""
