"""JSON documents for a CHECK that reads a text column as JSON: SQLite's JSON (NUMERIC affinity)
or a text column on either side, whose CHECKs call JSON functions (``json_type(details) =
'object'`` against ``details::jsonb IS NOT NULL``), is probed with a document of each JSON type
(object, array, string, number, null, boolean), with and without each key the CHECKs name (a
LIKE pattern's too: '%"kind"%' names kind). Probed as numbers and text only, such a pair was
"equal on 20 probes" though '["kind"]' is refused by SQLite's CHECK and stored by PostgreSQL's
(fix84b)."""

from __future__ import annotations

import json
import re
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.typemap_storage import JSON_DOCUMENT_TYPES
from twinschema.evaluate.probe_strings import json_documents
from twinschema.model import Column

# A call of a JSON function, a cast to json or jsonb, or a JSON operator, in either dialect.
_READS_JSON = re.compile(r"\bjsonb?_\w+\s*\(|::\s*jsonb?\b|\bAS\s+jsonb?\b|->>?|#>>?|@>|<@", re.I)
# What a LIKE or GLOB pattern holds besides a key: its wildcards.
_WILDCARDS = re.compile(r"[%_*?\[\]]")


def documents(
    columns: tuple[Column, Column], texts: tuple[str, str], strings: tuple[str, ...] | list[str],
    have: list[Any],
) -> list[str]:  # fmt: skip
    """The JSON documents ``have`` lacks, where one of ``texts`` (the two expressions) reads
    JSON and each column holds a document as text (text, or SQLite's JSON); none otherwise
    (a json/jsonb column is probed with documents already)."""
    if not any(_READS_JSON.search(text) for text in texts):
        return []
    if not all(_as_text(c) for c in columns):
        return []
    keys = tuple(dict.fromkeys(k for k in (_key(s) for s in strings) if k))
    found = json_documents(keys) + [json.dumps(k) for k in keys]
    seen = {v for v in have if isinstance(v, str)}
    return [d for d in dict.fromkeys(found) if d not in seen]


def _as_text(column: Column) -> bool:
    """True for a column that keeps a JSON document as its text: a text kind, or a type
    ``JSON_DOCUMENT_TYPES`` names (SQLite's JSON); not an array (text[] against JSON text is
    a list of its own, ``json_lists``)."""
    if column.type.array:
        return False
    kinds = typemap.kinds_of(column.type)
    documents = JSON_DOCUMENT_TYPES.get(column.type.dialect, frozenset())
    return "text" in kinds or column.type.name in documents


def _key(literal: str) -> str | None:
    """The key a literal names: a path's last step ('$.kind'), a pattern's text ('%"kind"%'),
    a word; None for one that is JSON itself or holds no word."""
    text = _WILDCARDS.sub("", literal.removeprefix("$.")).strip().strip('"')
    return text if re.fullmatch(r"\w+", text) else None
