"""A JSON document that writes a key twice (``{"kind": "a", "kind": "b"}``): SQLite's
``json_extract`` and ``->>`` read the first, PostgreSQL's ``->``, ``->>``, ``#>>``, ``?`` and
``jsonb_typeof`` the last (jsonb stores only the last; json keeps the text, its operators read
the last). Such input is a rare spelling, as a trailing space past a varchar's length is: where
the CHECKs of a JSON column pair agree on every document that writes each key once, a document
that writes one twice and parts them is a ``value_compatibility`` warning, not a difference.

The documents are made from the keys and paths the CHECKs name (``'$.a.b'``, ``'{a,b}'``,
``'kind'``): first each key once with each of a few values, then, for a value both sides keep
and one both refuse, the key written twice with the two in either order (the innermost key of
a path: ``{"a": {"b": "x", "b": "y"}}``). A key written with a ``\\u`` escape (``escaped``) is
the same kind of rare spelling (``json_escape``); a generated column is tried on it here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from twinschema.evaluate.backends import REJECTED, Backend
from twinschema.evaluate.expression_reads import Reads
from twinschema.model import Column, Table
from twinschema.records.dialects import DIALECT_NAMES

# What a column pair's copies store of documents: each dialect's run (``Crossing.stored``),
# None where its column cannot be made.
Store = Callable[[str, list[str]], "list[Any] | None"]

# The values a key is written with, as JSON text, beside the CHECKs' own literals.
VALUES = ("1", '"x"', "null", "1.5", '"1"', "true", "false", "{}", "[1]")
_PATHS, _PAIRS = 8, 3  # at most this many keys tried, and values of each side of a pair
_SEGMENT = re.compile(r'\.(?:"([^"]*)"|([^.\[\]"]+))')
# A JSON string token, and whether a colon follows it (a key).
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?')


def key_path(text: str) -> tuple[str, ...] | None:
    """The keys a literal names, outermost first: a SQLite path ``'$.a.b'`` (``'$."a.b"'`` is
    one key), a PostgreSQL path ``'{a,b}'``, or a plain key ``'kind'``; None for a path with
    an array index or no key (``'$'``, ``'$.tags[0]'``), or text too long to be a key."""
    if text.startswith("$"):
        keys, at = [], 1
        while at < len(text):
            found = _SEGMENT.match(text, at)
            if found is None:
                return None
            keys.append(found.group(1) if found.group(1) is not None else found.group(2))
            at = found.end()
        return tuple(keys) or None
    if text.startswith("{") and text.endswith("}"):
        keys = [k.strip().strip('"') for k in text[1:-1].split(",")]
        return tuple(keys) if all(keys) else None
    return (text,) if 0 < len(text) <= 64 else None


def document(path: tuple[str, ...], values: list[str]) -> str:
    """The JSON text of a document whose innermost key of ``path`` is written once for each
    of ``values`` (JSON texts), in order: ``{"a": {"b": "x", "b": "y"}}``."""
    inner = path[-1]
    text = "{" + ", ".join(f"{json.dumps(inner)}: {v}" for v in values) + "}"
    for key in reversed(path[:-1]):
        text = "{" + f"{json.dumps(key)}: {text}" + "}"
    return text


def escaped(doc: str, keys: bool) -> tuple[str, str] | None:
    """``doc`` (JSON text) with the first letter of each key (``keys``) or of each string value
    written as a ``\\u`` escape (``{"\\u0070lan": 1}``), with the first key or value so
    rewritten (unescaped); None when nothing is rewritten or ``doc`` is no JSON object or
    array."""
    if not doc.lstrip().startswith(("{", "[")):
        return None
    first: list[str] = []

    def spelled(m: re.Match[str]) -> str:
        text, colon = m.group(1), m.group(2)
        if (colon is not None) != keys or not text[:1].isalpha() or not text[:1].isascii():
            return m.group(0)
        first.append(text)
        return f'"\\u{ord(text[0]):04x}{text[1:]}"{colon or ""}'

    out = _STRING.sub(spelled, doc)
    return (out, first[0]) if first else None


def member_values(reads: list[Reads]) -> list[str]:
    """The values a key is written with: the CHECKs' strings and numbers (and the whole
    numbers beside each: ``> 5`` keeps 6), then ``VALUES``."""
    found: list[str] = []
    for read in reads:
        found += [json.dumps(s) for s in read.strings if not s.startswith(("$", "{"))]
        for n in read.numbers:
            if n.is_finite():
                found += [str(n), *(str(n + step) for step in (Decimal(1), Decimal(-1)))]
    return list(dict.fromkeys([*found, *VALUES]))


def finding(dialects: tuple[str, str], reads: list[Reads], store: Store) -> tuple[bool, str] | None:
    """A document writing a key twice that one side's copy of the column stores and the other
    rejects, as a warning's text with whether it breaks a push (SQLite stores it, PostgreSQL
    rejects it); None where no such document is found, or where
    the sides already part on a document that writes each key once (their CHECKs differ: that
    is the CHECK's own difference)."""
    paths = list(dict.fromkeys(p for r in reads for s in r.strings if (p := key_path(s))))
    paths = paths[:_PATHS]
    if not paths:
        return None
    values = member_values(reads)
    once = [(path, value) for path in paths for value in values]
    got = [store(d, [document(p, [v]) for p, v in once]) for d in dialects]
    if got[0] is None or got[1] is None:
        return None
    kept = [a is not REJECTED for a in got[0]]
    if kept != [b is not REJECTED for b in got[1]]:
        return None
    twice: list[tuple[tuple[str, ...], str]] = []
    for path in paths:
        keeps = [v for (p, v), k in zip(once, kept, strict=True) if p == path and k][:_PAIRS]
        refuses = [v for (p, v), k in zip(once, kept, strict=True) if p == path and not k]
        refuses.sort(key=lambda v: v not in VALUES)  # a plain value first: {"n": 6, "n": 1}
        for k in keeps:
            for r in refuses[:_PAIRS]:
                twice += [(path, document(path, [k, r])), (path, document(path, [r, k]))]
    if not twice:
        return None
    docs = [d for _, d in twice]
    ran = [store(d, docs) for d in dialects]
    if ran[0] is None or ran[1] is None:
        return None
    for (path, doc), a, b in zip(twice, ran[0], ran[1], strict=True):
        if (a is REJECTED) != (b is REJECTED):
            keeper, refuser = (dialects[1], dialects[0]) if a is REJECTED else dialects
            return keeper == "sqlite", _said(path, doc, keeper, refuser)
    return None


def _said(path: tuple[str, ...], doc: str, keeps: str, refuses: str) -> str:
    first, last = ("first", "last") if keeps == "sqlite" else ("last", "first")
    keeper, refuser = DIALECT_NAMES[keeps], DIALECT_NAMES[refuses]
    return (
        f"a document writing key {json.dumps(path[-1])} twice ({doc}): {keeper} reads the "
        f"{first}, {refuser} the {last}; {keeper} stores it, {refuser} rejects it (a {keeper} "
        f"to {refuser} sync fails)"
    )


# What a generated column computes from documents: each dialect's values, comparable across
# dialects (``value_convert.convert``), None where it cannot be run.
Compute = Callable[[str, list[str]], "list[Any] | None"]


def generated_finding(
    dialects: tuple[str, str], reads: list[Reads], compute: Compute, name: str
) -> list[str]:
    """A document writing a key twice, and one writing a key with a ``\\u`` escape
    (``json_escape``), on which the generated column ``name`` of both sides computes different
    values, as warnings' texts (at most one of each); none where the sides already part on a
    document that writes each key once (the column's own difference)."""
    paths = list(dict.fromkeys(p for r in reads for s in r.strings if (p := key_path(s))))
    paths, values = paths[:_PATHS], member_values(reads)
    once = [(path, value) for path in paths for value in values]
    got = [compute(d, [document(p, [v]) for p, v in once]) for d in dialects]
    if not once or got[0] is None or got[1] is None or got[0] != got[1]:
        return []
    tried: list[tuple[tuple[str, ...], str, str | None]] = []  # the escaped key, if one is
    for path in paths:
        made = [(v, g) for (p, v), g in zip(once, got[0], strict=True) if p == path]
        plain = sorted(made, key=lambda m: m[0] not in VALUES)
        pairs = [(a, b) for a, ga in made for b, gb in plain if ga != gb][: _PAIRS * _PAIRS]
        tried += [(path, document(path, [a, b]), None) for a, b in pairs]
    for path, value in sorted(once, key=lambda o: o[1] not in VALUES):
        if (spelled := escaped(document(path, [value]), True)) is not None:
            tried.append((path, *spelled))
    ran = [compute(d, [doc for _, doc, _ in tried]) for d in dialects] if tried else [None, None]
    if ran[0] is None or ran[1] is None:
        return []
    found: dict[bool, str] = {}
    first, last = (0, 1) if dialects[0] == "sqlite" else (1, 0)
    for (path, doc, key), a, b in zip(tried, ran[0], ran[1], strict=True):
        if a != b and (key is None) not in found:
            how = (
                f"twice ({doc}): SQLite reads the first, PostgreSQL the last"
                if key is None
                else f"with an escape ({doc}): SQLite does not find it, PostgreSQL does"
            )
            found[key is None] = (
                f"a document writing key {json.dumps(key or path[-1])} {how}; the generated "
                f"column {name} is {_shown((a, b)[first])} on SQLite, {_shown((a, b)[last])} "
                "on PostgreSQL"
            )
    return list(found.values())


def _shown(value: Any) -> str:
    """A computed value as ``compute`` gave it (converted, or an error's marker)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return "NULL" if value is None else "an error" if value == ("failed",) else str(value)


def generated_warnings(
    dialects: tuple[str, str],
    backends: dict[str, Backend],
    tables: tuple[Table, Table],
    columns: tuple[Column, Column],
) -> list[str]:
    """For a JSON column pair (``columns``, of ``tables``, of ``dialects``), the warnings of
    ``generated_finding`` on each generated column both tables have that reads that column
    alone (its text run as each side wrote it)."""
    from twinschema.canonical import typemap
    from twinschema.evaluate import expression_reads
    from twinschema.evaluate.value_convert import convert

    found: list[str] = []
    for gl in tables[0].columns:
        gr = tables[1].column(gl.name)
        if gl.generated is None or gr is None or gr.generated is None:
            continue
        texts = [g.raw or g.expression for g in (gl.generated, gr.generated)]
        reads = [expression_reads.reads(d, t) for d, t in zip(dialects, texts, strict=True)]
        own = [{c.name.lower()} for c in columns]
        if any(r is None or set(r.columns) != o for r, o in zip(reads, own, strict=True)):
            continue
        kind = typemap.shared_kind(gl.type, gr.type)

        def compute(
            dialect: str, docs: list[str], gens: tuple[Column, Column] = (gl, gr), kind: Any = kind
        ) -> Any:
            n = dialects.index(dialect)
            generated, column = gens[n], columns[n]
            assert generated.generated is not None
            text = generated.generated.raw or generated.generated.expression
            got = backends[dialect].computed(
                [(column.name, column.type)], text, generated.type, [(d,) for d in docs]
            )
            if got is None:
                return None
            return [
                ("none",) if g is None else convert(g[1], kind) if g[0] else ("failed",)
                for g in got
            ]

        found += generated_finding(dialects, [r for r in reads if r is not None], compute, gl.name)
    return found


def index_warnings(
    dialects: tuple[str, str],
    backends: dict[str, Backend],
    tables: tuple[Table, Table],
    columns: tuple[Column, Column],
) -> list[str]:
    """For a JSON column pair, a warning where the one unique index of each table over that
    column alone (no WHERE) takes the same documents as one key on both sides, each key
    written once, but a document writing a key twice and one writing it once as one key on a
    side, two on the other (``{"kind": "a", "kind": 1}`` and ``{"kind": "a"}``)."""
    from twinschema.evaluate import expression_reads

    found = []
    for table, column, dialect in zip(tables, columns, dialects, strict=True):
        own = {column.name.lower()}
        for ix in table.indexes:
            texts = ix.raw_expressions or ix.expressions
            read = [expression_reads.reads(dialect, t) for t in texts]
            kept = [r for r in read if r is not None and set(r.columns) == own]
            if ix.unique and ix.where is None and len(kept) == len(texts):
                found.append((ix, texts, kept))
    if len(found) != 2 or found[0][0] is found[1][0]:
        return []  # only the one unique index of each side: none to pair by guess
    reads = found[0][2] + found[1][2]
    paths = list(dict.fromkeys(p for r in reads for s in r.strings if (p := key_path(s))))
    paths, values = paths[:_PATHS], member_values(reads)
    once = [document(path, [v]) for path in paths for v in values]
    twice = [
        (path, document(path, [a, b]), document(path, [a]))
        for path in paths
        for a in values[:_PAIRS]
        for b in sorted(values, key=lambda v: v not in VALUES)[: _PAIRS * _PAIRS]
        if a != b
    ]
    rows = [(doc,) for doc in [*once, *(t for _, t, _ in twice), *(s for _, _, s in twice)]]
    runs = [
        backends[d].keys([(c.name, c.type)], (tuple(f[1]), None), rows)
        for d, c, f in zip(dialects, columns, found, strict=True)
    ]
    if runs[0] is None or runs[1] is None:
        return []
    single = set(range(len(once)))
    if {p for p in runs[0][1] if set(p) <= single} != {p for p in runs[1][1] if set(p) <= single}:
        return []  # the indexes part without a key written twice: their own difference
    pairs = (runs[0][1], runs[1][1])
    for k, (path, doc, alone) in enumerate(twice):
        pair = (len(once) + k, len(once) + len(twice) + k)
        one = [pair in run for run in pairs]
        if one[0] != one[1]:
            ones, twos = (0, 1) if one[0] else (1, 0)
            return [
                f"a document writing key {json.dumps(path[-1])} twice ({doc}): SQLite reads "
                f"the first, PostgreSQL the last; the unique index {found[0][0].name} takes it "
                f"and {alone} as one key on {DIALECT_NAMES[dialects[ones]]}, two on "
                f"{DIALECT_NAMES[dialects[twos]]}"
            ]
    return []
