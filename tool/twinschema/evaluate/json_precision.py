"""A JSON number written past a double's precision (``{"v": 100.00000000000000000001}``):
SQLite's ``json_extract`` and ``->>`` read it as a double (100.0), jsonb keeps it as a numeric,
so ``json_extract(doc, '$.v') <> 100`` against ``(doc -> 'v') <> '100'::jsonb`` parts on it
(stranger52 010 j4; ``{"n": 1, "m": 1.00000000000000000001}`` parts ``json_extract(doc, '$.n')
<> json_extract(doc, '$.m')`` from jsonb's ``(doc -> 'n') <> (doc -> 'm')``, 014 k8). Such a
spelling is rare, as ``{"a":1e999999}`` is: where the CHECKs of a JSON column pair agree on the
same documents with each number as written, one that one side stores and the other rejects
is a ``value_compatibility`` warning naming it, not a difference.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.expression_reads import Reads
from twinschema.evaluate.json_twice import Store
from twinschema.evaluate.probe_json import path_keys
from twinschema.records.dialects import DIALECT_NAMES

# At most this many keys, and numbers, the documents are made of.
_KEYS, _NUMBERS = 4, 4
# A whole number written as a string literal (jsonb's ``'100'::jsonb``).
_WHOLE = re.compile(r"-?[0-9]{1,15}")


def documents(reads: list[Reads]) -> list[tuple[str, str]]:
    """Pairs of documents, each holding at the keys the CHECKs read (a SQLite path of one key,
    or a plain literal) a number they name (1 when none), the second writing one of them
    with 20 decimals, past a double's precision: (``{"v": 100}``, ``{"v":
    100.00000000000000000001}``)."""
    texts = [t for read in reads for t in read.strings]
    keyed = (path_keys(t) for t in texts if not _WHOLE.fullmatch(t))
    keys = list(dict.fromkeys(k[0] for k in keyed if k and len(k) == 1))[:_KEYS]
    numbers = [n for read in reads for n in read.numbers if n.is_finite() and abs(n) < 2**53]
    numbers += [Decimal(t) for t in texts if _WHOLE.fullmatch(t)]
    found: list[tuple[str, str]] = []
    for number in list(dict.fromkeys([*numbers, Decimal(1)]))[:_NUMBERS]:
        plain = f"{number:f}"
        finer = plain + ("" if "." in plain else ".") + "0" * 19 + "1"
        members = {k: plain for k in keys}
        for key in keys:
            found.append((_document(members), _document(members | {key: finer})))
    return found


def finding(dialects: tuple[str, str], reads: list[Reads], store: Store) -> tuple[bool, str] | None:
    """A document of ``documents`` with a number past a double's precision that one side's
    copy of the column stores and the other rejects, as a warning's text with whether it
    breaks a push (SQLite stores it, PostgreSQL rejects it); None where there is none, or
    where the sides already part on a document with the numbers as written (their CHECKs
    differ: that is the CHECK's own difference)."""
    pairs = documents(reads)
    if not pairs:
        return None
    docs = [doc for pair in pairs for doc in pair]
    got = [store(d, docs) for d in dialects]
    if got[0] is None or got[1] is None:
        return None
    kept = [[v is not REJECTED for v in got[0]], [v is not REJECTED for v in got[1]]]
    if kept[0][0::2] != kept[1][0::2]:
        return None
    for (_, finer), a, b in zip(pairs, kept[0][1::2], kept[1][1::2], strict=True):
        if a != b:
            keeps, refuses = (dialects[0], dialects[1]) if a else (dialects[1], dialects[0])
            keeper, refuser = DIALECT_NAMES[keeps], DIALECT_NAMES[refuses]
            said = (
                f"the text '{finer}' (a number past a double's precision, which SQLite reads "
                f"as a double, PostgreSQL's jsonb as written): {keeper} stores it, {refuser} "
                f"rejects it (a {keeper} to {refuser} sync fails)"
            )
            return keeps == "sqlite", said
    return None


def _document(members: dict[str, str]) -> str:
    """A document's JSON text, each member's number as written."""
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in members.items()) + "}"
