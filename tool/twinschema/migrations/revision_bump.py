"""The version line of ``domain.yaml`` set by ``twinschema revision``, nothing else changed.

A round-trip YAML library rewrites the file with its comments, key order, quoting and styles,
in the file's own indentation.
"""

from __future__ import annotations

import io

from ruamel.yaml import YAML


def bumped(text: str, version: int) -> str:
    """The text of a domain file with its top-level ``version`` set to ``version``, written by a
    round-trip YAML library so that comments, key order, quoting and styles survive, with the
    file's own indentation (see ``_indentation``)."""
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    mapping, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    data = yaml.load(text)
    data["version"] = version
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _indentation(text: str) -> tuple[int, int]:
    """How far a block mapping's keys, and a block list's dashes, sit right of their parent key
    (2 and 0 when the file does not show it). The first nested key and list tell."""
    mapping: int | None = None
    offset: int | None = None
    parent: int | None = None  # the indentation of a key that opens a block
    for line in text.splitlines():
        body = line.split(" #", 1)[0].rstrip()
        stripped = body.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(body) - len(stripped)
        if parent is not None and indent > parent:
            if stripped.startswith("- ") or stripped == "-":
                offset = indent - parent if offset is None else offset
            else:
                mapping = indent - parent if mapping is None else mapping
        parent = indent if body.endswith(":") and not stripped.startswith("- ") else None
    return mapping or 2, offset or 0
