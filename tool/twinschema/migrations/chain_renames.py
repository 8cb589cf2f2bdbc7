"""The tables a migration chain renamed: each ``op.rename_table(old, new)`` its revisions'
upgrade() calls, read from their files (stranger64 009 and 004).

``revision`` reads them to know the names a table had (a table renamed twice: its second old name
is in no file but the chain), and the migrations layer's round trip to follow a table under the
name it had before a revision renamed it. Only literal names count: a rename computed at run time
is no name a file can show.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

# One table renamed: (its name before, its name after).
Renamed = tuple[str, str]


def chain_renames(sources: Sequence[str]) -> list[Renamed]:
    """The ``op.rename_table(old, new)`` of each upgrade() in ``sources`` (the chain's revision
    files, base first), in order: the names a table had, the rename written by ``revision``."""
    found: list[Renamed] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name != "upgrade":
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "rename_table"
                    and len(call.args) == 2
                ):
                    old, new = (getattr(a, "value", None) for a in call.args)
                    if isinstance(old, str) and isinstance(new, str):
                        found.append((old, new))
    return found
