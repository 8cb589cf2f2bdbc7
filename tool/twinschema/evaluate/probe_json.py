"""Probe documents of a JSON column (see ``probe_strings.json_documents``) that hold at each key
an expression reads what the dialects' member accessors read apart:

- each string literal of the expressions as the member, alone and as a one-element array: jsonb
  reads a scalar as a one-element array (``'"y"'::jsonb ->> 0`` is 'y', ``->> -1`` too), json
  and SQLite's ``$.k[0]`` give NULL (``doc -> 'tags' ->> 0 <> 'y'`` against
  ``json_extract(doc, '$.tags[0]') <> 'y'`` parts on ``{"tags": "y"}``; stranger50 043);
- each number literal spelled as written and with ``.0``: SQLite's ``->`` gives the member's
  JSON text as written, compared as text ('1.0' is not '1'), jsonb's ``->`` a jsonb value
  (1.0 = 1; ``doc -> 'n' = '1'`` parts on ``{"n": 1.0}``; stranger50 056);
- for each length an expression compares, a string whose text is of about that length without
  its quotes and with them, an array of small numbers whose text is near it (jsonb reprints
  ``[1,2,3,4]`` as ``[1, 2, 3, 4]``) and a string of letters written as ``\\u`` escapes (jsonb
  and ``->>`` unescape them, SQLite's ``->`` keeps them): ``length(json_extract(doc, '$.k'))``
  against SQLite's ``length(doc -> 'k')`` parts on ``{"k": "abcdefghi"}`` under ``<= 10``, and
  SQLite's ``length(doc -> 'k')`` against jsonb's ``length((doc -> 'k')::text)`` on
  ``{"k": [1,2,3,4]}`` and ``{"k": "\\u00e9\\u00e9"}`` (stranger50 057, 058);
- at each SQLite path, array indexes included, a JSON null, true, false, 1 and 0: SQLite's
  json_extract gives SQL NULL for a JSON null and 1 for true, jsonb's ``->`` the jsonb 'null'
  and 'true' (``json_extract(doc, '$.a[1]') IS NULL`` against ``doc -> 'a' -> 1 IS NULL``
  parts on ``{"a": [1, null]}``), and for two paths, true at one beside 1 at the other
  (``json_extract(doc, '$.n') <> json_extract(doc, '$.m')`` against ``(doc -> 'n') <> (doc ->
  'm')`` parts on ``{"n": true, "m": 1}``; stranger52 010, 014).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

# At most this many key paths, and literals each holds: the documents grow as their product.
_PATHS, _LITERALS = 6, 6
# A member of a SQLite path: ``.name`` or ``."a.b"``; an array index (``[0]``) ends the keys.
_SEGMENT = re.compile(r'\.(?:"([^"]*)"|([^.\[\]"]+))')
# An array index of a SQLite path: ``[1]`` or ``[#-1]``.
_INDEX = re.compile(r"\[(#-)?([0-9]+)\]")
# The scalars put at each path, and the pairs put at two paths (SQLite reads true as 1).
_SCALARS = ("null", "true", "false", "1", "0")
_PAIRS = (("true", "1"), ("false", "0"), ("1", "true"), ("0", "false"))
_Step = str | tuple[bool, int]  # a key, or an array index as (from the end, n)
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
# A string literal that is a plain number ('3'): a member's value, not a key.
_NUMBERED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# A view casting a JSON member's text to boolean, ``(mat->>'valid')::boolean``: PostgreSQL's
# boolean input reads the JSON strings "true" and "yes" as true and fails on 2, where SQLite's
# ``WHERE json_extract(mat, '$.valid')`` reads those strings as 0 and 2 as true (stranger94a
# 006: the documents held JSON's true and false only, "the same rows on 30 probe rows").
_TO_BOOLEAN = re.compile(r"::\s*bool(?:ean)?\b|\bas\s+bool(?:ean)?\b", re.I)
_BOOLEAN_MEMBERS = ('"true"', '"yes"', '"false"', "2")


def member_documents(strings: tuple[str, ...], lengths: tuple[int, ...]) -> list[str]:
    """The documents (JSON text) described above, for each key path of ``strings`` (a SQLite
    path's keys before its first array index, or a plain literal as one key) and each of the
    other literals, and for each length in ``lengths``."""
    paths = list(dict.fromkeys(p for s in strings if (p := path_keys(s))))[:_PATHS]
    literals = [s for s in dict.fromkeys(strings) if not s.startswith(("$", "{"))][:_LITERALS]
    found: list[str] = []
    for path in paths:
        for literal in literals:
            if (literal,) == path:
                continue
            members = [json.dumps(literal), f"[{json.dumps(literal)}]"]
            if re.fullmatch(_NUMBER, literal):  # '1' compared with -> : 1 and 1.0
                members += [literal, f"[{literal}]"]
                members += [f"{literal}.0"] if literal.lstrip("-").isdigit() else []
            found += [_document(path, m) for m in members]
        found += [_document(path, m) for n in lengths for m in _near_length(n)]
    return list(dict.fromkeys(found + _scalar_documents(strings)))


def view_documents(
    strings: tuple[str, ...], numbers: tuple[Decimal, ...], text: str = ""
) -> list[str]:
    """Documents holding, at each key path a view names (a SQLite path's keys, a chain of
    ``->`` and ``->>`` keys in the views' ``text``, a PostgreSQL ``#>>`` path's keys, nested
    objects where it has several keys;
    else a literal as one key: PostgreSQL's ``->> 'lvl'``),
    each of the view's number literals and the numbers beside it, each as a JSON number and as
    a JSON string: SQLite's json_extract gives a string member as text, which sorts after
    every number (``json_extract(prefs, '$.lvl') > 3`` is true on ``{"lvl": "2"}``), where
    PostgreSQL's ``(prefs ->> 'lvl')::numeric > 3`` reads 2 (stranger76 010); and each other
    string literal as a string member. ``doc -> 'a' ->> 'b' = 1`` took ``{"a": 1}`` and
    ``{"b": 1}`` only, on which no view returned a row: not compared."""
    plain = [s for s in strings if not s.startswith(("$", "{")) and not _NUMBERED.fullmatch(s)]
    keys = [p for s in strings if s.startswith("$") and (p := path_keys(s))]
    keys += arrow_paths(text) + pg_paths(text)
    keys = keys or [p for s in plain if (p := path_keys(s))]  # no path: keys alone
    # nested paths first: their steps alone (``-> '$.flags' ->> '$.pin'``'s) would fill the cut
    paths = sorted(dict.fromkeys(keys), key=len, reverse=True)[:_PATHS]
    named = {k for path in keys for k in path}
    said = [Decimal(s) for s in strings if _NUMBERED.fullmatch(s)]
    near = [m for n in dict.fromkeys([*numbers, *said]) for m in (n, n - 1, n + 1)]
    members = [m for n in dict.fromkeys(near) for m in (str(n), json.dumps(str(n)))]
    # JSON's own true and false: SQLite's json_extract gives them as 1 and 0, PostgreSQL's
    # ->> as 'true' and 'false' (stranger78 005: `= 'true'` and `= 1` part on {"auto": true}).
    members += ["true", "false"]
    if _TO_BOOLEAN.search(text):  # JSON text cast to boolean: its spellings first (the cut)
        members = [*_BOOLEAN_MEMBERS, *members]
    members += [json.dumps(s) for s in [s for s in plain if s not in named][:_LITERALS]]
    return list(dict.fromkeys(_document(path, m) for path in paths for m in members))


def _scalar_documents(strings: tuple[str, ...]) -> list[str]:
    """Documents holding ``_SCALARS`` at each SQLite path of ``strings`` (its array indexes
    too: ``'$.a[1]'`` gives ``{"a": [1, null]}``), and ``_PAIRS`` at each two of them."""
    steps = list(dict.fromkeys(p for s in strings if s.startswith("$") and (p := _steps(s))))
    steps = steps[:_PATHS]
    found = [_nested(path, scalar) for path in steps for scalar in _SCALARS]
    for i, one in enumerate(steps):
        for other in steps[i + 1 :]:
            if one[0] != other[0] and isinstance(one[0], str) and isinstance(other[0], str):
                for left, right in _PAIRS:
                    found.append(_pair(one, left, other, right))
    return found


def _steps(text: str) -> tuple[_Step, ...] | None:
    """The keys and array indexes of a SQLite path, outermost first (an index as (from the
    end, n): ``[#-1]`` is (True, 1)); None for a path that names none or is not read whole."""
    steps: list[_Step] = []
    at = 1
    while at < len(text):
        if (key := _SEGMENT.match(text, at)) is not None:
            steps.append(key.group(1) if key.group(1) is not None else key.group(2))
            at = key.end()
        elif (index := _INDEX.match(text, at)) is not None and int(index.group(2)) < 8:
            steps.append((index.group(1) is not None, int(index.group(2))))
            at = index.end()
        else:
            return None
    return tuple(steps) or None


def _nested(path: tuple[_Step, ...], member: str) -> str:
    """The JSON text of a document holding ``member`` at ``path`` (keys and indexes): an
    index's array holds 1 at each other place (``[1]``: ``[1, null]``; ``[#-1]``: ``[null]``)."""
    text = member
    for step in reversed(path):
        if isinstance(step, str):
            text = "{" + f"{json.dumps(step)}: {text}" + "}"
        else:
            from_end, n = step
            others = ["1"] * (n - 1 if from_end else n)
            text = "[" + ", ".join([text, *others] if from_end else [*others, text]) + "]"
    return text


def _pair(one: tuple[_Step, ...], left: str, other: tuple[_Step, ...], right: str) -> str:
    """A document holding ``left`` at path ``one`` and ``right`` at ``other`` (whose first
    keys differ): the two one-key documents merged."""
    merged = {**json.loads(_nested(one, left)), **json.loads(_nested(other, right))}
    return json.dumps(merged)


def _near_length(n: int) -> list[str]:
    """Members (JSON text) whose text, as SQLite's ``->`` or json_extract gives it or as jsonb
    prints it, is of length ``n`` or one either side: strings of n - 1 to n + 1 letters with
    and without room for their quotes, arrays of ones written without spaces, and a string of
    'é' escaped, whose escapes make SQLite's ``->`` text longer than n where jsonb's is not."""
    found = [json.dumps("x" * m) for m in range(max(n - 3, 0), n + 2)]
    found += [f"[{','.join('1' * k)}]" for k in {max(n // 2 - 1, 1), max(n // 2, 1)}]
    escaped = max(1, min(n - 2, (n - 2) // 6 + 1))
    found += [json.dumps("é" * k) for k in dict.fromkeys((escaped, max(n, 1)))]
    return found


def path_keys(text: str) -> tuple[str, ...] | None:
    """The keys a literal names, outermost first: a SQLite path's up to its first array index
    (``'$.tags[0]'``: tags), or the literal itself as one key; None for none (``'$'``)."""
    if not text.startswith("$"):
        return (text,) if 0 < len(text) <= 64 else None
    keys: list[str] = []
    at = 1
    while (found := _SEGMENT.match(text, at)) is not None:
        keys.append(found.group(1) if found.group(1) is not None else found.group(2))
        at = found.end()
    return tuple(keys) or None


def _document(path: tuple[str, ...], member: str) -> str:
    """The JSON text of a document holding ``member`` (JSON text) at ``path``."""
    text = member
    for key in reversed(path):
        text = "{" + f"{json.dumps(key)}: {text}" + "}"
    return text


# One ``-> 'key'`` or ``->> 'key'`` of a chain, as written or as PostgreSQL prints it again
# (``((doc -> 'a'::text) ->> 'b'::text)``): the next one of the chain starts where it ends.
_ARROW = re.compile(r"->>?\s*'((?:[^']|'')*)'(?:::text)?\)*\s*")


def arrow_paths(text: str) -> list[tuple[str, ...]]:
    """The key paths of two keys or more that chains of ``->``/``->>`` in ``text`` read, keys
    outermost first (``doc -> 'a' ->> 'b'``: ('a', 'b')); a chain of one key is a literal's."""
    found: list[tuple[str, ...]] = []
    chain: list[str] = []
    end = -1
    for match in _ARROW.finditer(text):
        if match.start() != end and len(chain) > 1:
            found.append(tuple(chain))
        if match.start() != end:
            chain = []
        key = match.group(1).replace("''", "'")
        # a SQLite path as a step (``-> '$.flags' ->> '$.pin'``): its keys
        chain += path_keys(key) or () if key.startswith("$") else [key]
        end = match.end()
    if len(chain) > 1:
        found.append(tuple(chain))
    return list(dict.fromkeys(found))


# A PostgreSQL path operand of ``#>`` or ``#>>``, as written or printed (``'{flags,pin}'::text[]``).
_PG_PATH = re.compile(r"#>>?\s*'((?:[^']|'')*)'")
# One element of a text[] literal: double-quoted (backslash escapes) or bare (spaces trimmed).
_ELEMENT = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,"{}]*?))\s*(?:,|$)')


def pg_paths(text: str) -> list[tuple[str, ...]]:
    """The key paths the ``#>`` and ``#>>`` of ``text`` read, keys outermost first, up to the
    first array index (``prefs #>> '{flags,pin}'``: ('flags', 'pin'); ``'{tags,0}'``: ('tags',)):
    a view reading a nested member only so met documents holding it nowhere, and was "not
    compared" against SQLite's ``prefs -> '$.flags' ->> '$.pin'`` (viewfit81)."""
    found: list[tuple[str, ...]] = []
    for match in _PG_PATH.finditer(text):
        literal = match.group(1).replace("''", "'").strip()
        if not (literal.startswith("{") and literal.endswith("}")) or len(literal) > 200:
            continue
        keys: list[str] = []
        for element in _ELEMENT.finditer(literal[1:-1]):
            if element.end() == element.start():
                break
            quoted, bare = element.group(1), element.group(2)
            key = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
            if quoted is None and (re.fullmatch(r"-?[0-9]+|(?i:null)", key) or not key):
                break  # an array index (or NULL, or nothing) ends the keys
            keys.append(key)
        if keys:
            found.append(tuple(keys))
    return list(dict.fromkeys(found))
