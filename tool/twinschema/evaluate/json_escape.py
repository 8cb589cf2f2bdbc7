"""A JSON document that writes a key with a ``\\u`` escape (``{"pl\\u0061n": 1}``): SQLite's
JSON path lookup (``json_extract``, ``json_type``, ``->``, ``->>``; 3.40) compares a path with
an object's keys as written, so it does not find that key; PostgreSQL's json and jsonb unescape
keys (``?``, ``->``, ``->>``, ``#>>`` find it). Such a document is a rare spelling, as a key
written twice is (``json_twice``): where the CHECKs of a pair agree on their probe rows
(``checks.run_on_probes``), a row whose JSON column holds one of those rows' documents with each
key (or each string value) so escaped, and on which the CHECKs part by what each side stores,
is a ``value_compatibility`` warning, not a difference. The CHECKs may read other columns
beside the JSON one (``json_type(d, '$.plan') IS NOT NULL OR p IS NULL``): the probe rows hold
their values. A string value so escaped (``{"k": "\\u0061"}``) is unescaped by SQLite's
``json_extract`` and ``->>`` as by PostgreSQL, but SQLite's ``->`` gives the member's JSON text
as written, jsonb's ``->`` the value: ``d -> '$.k' = '"a"'`` parts on it. A generated column's
escaped keys are tried in ``json_twice.generated_finding``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from twinschema.records.dialects import DIALECT_NAMES

if TYPE_CHECKING:
    from twinschema.evaluate.context import StageContext
    from twinschema.evaluate.probe_sets import ProbeSet
    from twinschema.evaluate.stored_rows import Parting
    from twinschema.model import ColumnType


def check_warnings(
    st: StageContext, table: str, texts: tuple[str, str], found: ProbeSet, agree: bool
) -> None:
    """Where ``agree`` (no witness, errors reject), for two CHECKs of ``table`` (``texts``, as
    run) that agree on the probe rows ``found`` across SQLite and PostgreSQL: the first row
    with a JSON column's document escaped (``json_twice.escaped``) on which they part by what each side
    stores becomes a warning of that column, kept in ``st.later`` for the
    ``value_compatibility`` warnings (one a column and kind). The documents: those of ``found`` and,
    as ``json_twice`` makes them, each key the CHECKs name holding each value they compare
    with (``{"tag": "x"}``), beside the first ``_OTHERS`` values of the other columns."""
    from twinschema.evaluate.probe_sets import accept_vectors
    from twinschema.evaluate.stored_rows import accepted_by_table, partings

    if not agree or not st.cross or "sqlite" not in st.dialects:
        return
    made = _rows(st, texts, found)
    if not made:
        return
    rows = replace(found, rows=tuple(made))
    both = accepted_by_table(st, table, rows, accept_vectors(rows, *texts, True))
    for parting in partings(st, table, rows, texts, both):
        k, keys, name, doc = made[parting.row]
        lt, rt = st.left.schema.tables.get(table), st.right.schema.tables.get(table)
        lc = lt.column(found.names[k]) if lt is not None else None
        rc = rt.column(found.names[k]) if rt is not None else None
        tag = f"{found.names[k]}: a document writing {'key' if keys else 'the string'} "
        if lc is None or rc is None or any(tag in w[-1] for w in st.later):
            continue  # one warning a column for its keys, one for its values
        said = _said(st, (table, lc.name), (keys, name, doc), found.names, parting)
        st.later.append((parting.left == (st.dialects[0] == "sqlite"), table, lc, rc, said))


_OTHERS, _PATHS = 8, 8  # at most this many values of the other columns, and key paths


def _rows(
    st: StageContext, texts: tuple[str, str], found: ProbeSet
) -> dict[tuple[Any, ...], tuple[int, bool, str, str]]:
    """The rows to run, each with its JSON column's index, whether its keys (else its string
    values) are escaped, the first one escaped and the escaped document."""
    from twinschema.evaluate import expression_reads
    from twinschema.evaluate.json_twice import VALUES, document, escaped, key_path, member_values

    pairs = list(enumerate(zip(found.left, found.right, strict=True)))
    columns = [k for k, ((_, lt), (_, rt)) in pairs if _documents(lt, rt)]
    if not columns:
        return {}
    reads = [
        r for d, t in zip(st.dialects, texts, strict=True) if (r := expression_reads.reads(d, t))
    ]
    paths = list(dict.fromkeys(p for r in reads for s in r.strings if (p := key_path(s))))
    values = sorted(member_values(reads), key=lambda v: v not in VALUES)  # {"k": 1} first
    values += [s for r in reads for s in r.strings if _json(s)]  # '"a"' compared with ->
    built = [document(p, [v]) for p in paths[:_PATHS] for v in values]
    made: dict[tuple[Any, ...], tuple[int, bool, str, str]] = {}
    for k in columns:
        docs = [*built, *(r[k] for r in found.rows if isinstance(r[k], str))]
        others = list(dict.fromkeys((*r[:k], *r[k + 1 :]) for r in found.rows))[:_OTHERS]
        for keys in (True, False):
            for doc in dict.fromkeys(docs):
                got = escaped(doc, keys)
                for other in others if got is not None else []:
                    assert got is not None
                    row = (*other[:k], got[0], *other[k:])
                    made.setdefault(row, (k, keys, got[1], got[0]))
    return made


def _documents(left: ColumnType, right: ColumnType) -> bool:
    """True for a column pair holding JSON documents on both sides: of the json kind on both
    (SQLite's TEXT beside json or jsonb), or SQLite's JSON or JSONB (NUMERIC affinity, what
    ``sa.JSON`` renders on SQLite; it keeps a document as its text) beside json or jsonb
    (``typemap_storage.documents_pair``; stranger82 003). Not beside PostgreSQL's text, whose
    CHECKs read no key unless they cast."""
    from twinschema.canonical import typemap, typemap_storage

    return typemap.shared_kind(left, right) == "json" or typemap_storage.documents_pair(left, right)


def _json(text: str) -> bool:
    """True when ``text`` is JSON text."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _said(
    st: StageContext, at: tuple[str, str], doc: tuple[bool, str, str], names: tuple[str, ...],
    parting: Parting,
) -> str:  # fmt: skip
    """The warning's text: ``at`` the table and column, ``doc`` whether a key (else a string
    value) is escaped, the first one and the document."""
    from twinschema.evaluate.witness_rows import row_text

    keys, name, text = doc
    what = f"key {json.dumps(name)}" if keys else f"the string {json.dumps(name)}"
    reads = "SQLite does not find it" if keys else "SQLite keeps it as written"
    keeps = st.dialects[0] if parting.left else st.dialects[1]
    keeper = DIALECT_NAMES[keeps]
    refuser = DIALECT_NAMES[st.dialects[1] if keeps == st.dialects[0] else st.dialects[0]]
    return (
        f"{at[0]}.{at[1]}: a document writing {what} with an escape ({text}): {reads}, "
        f"PostgreSQL {'does' if keys else 'unescapes it'}; a CHECK on {at[0]} parts on "
        f"({', '.join(names)}) = {row_text(st.dialects, parting.row)}: {parting.said(st)} "
        f"(a {keeper} to {refuser} sync fails)"
    )
