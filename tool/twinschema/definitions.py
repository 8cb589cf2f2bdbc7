"""Canonical text for the definitions of views, triggers and functions.

A definition is compared only with one of the same dialect, so its canonical form keeps the
dialect's own SQL: it is the statement's tokens, one space apart, with what cannot change its
meaning made uniform. Comments are dropped, whitespace is one space, unquoted words are lower
case (SQL folds them), and a quoted identifier that needs no quotes loses them. String literals
keep their case and spelling: ``'A'`` is not ``'a'``. On SQLite, where every identifier is
case-insensitive, quoted identifiers (```T```, ``[T]``, and ``"T"`` where only a name can stand)
are folded like unquoted ones; elsewhere ``"T"`` may be the text 'T' and keeps its case.

PostgreSQL prints its own definitions (``pg_get_viewdef`` and friends), already in one spelling
whatever was written, so this only has to absorb what the catalog keeps verbatim: SQLite's stored
CREATE statements and the bodies of PostgreSQL functions.
"""

from __future__ import annotations

import re
from functools import lru_cache

_COMMON = r"""
 (?P<ws>\s+)
|(?P<comment>--[^\n]*|/\*.*?\*/)
|(?P<string>[eEnNxXbBuU]?'(?:[^']|'')*')
|(?P<dollar>\$(?P<tag>[A-Za-z_][A-Za-z0-9_]*|)\$.*?\$(?P=tag)\$)
|(?P<quoted>"(?:[^"]|"")*"{extra})
|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
|(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
|(?P<op>::|<=|>=|<>|!=|\|\||->>|->|\S)
"""
# SQLite also quotes identifiers with backticks and square brackets; PostgreSQL's ``[`` is a
# subscript. Pattern texts, compiled at first use (re's cache), not at import: a check that
# reads no view or trigger text never needs them.
_SQLITE = "(?xs)" + _COMMON.replace("{extra}", r"|`(?:[^`]|``)*`|\[[^\]]*\]")
_POSTGRESQL = "(?xs)" + _COMMON.replace("{extra}", "")
# SQLite reads "x" as the text 'x' where no column x is in scope (a view's ``s = "x"``, a
# trigger's ``SET s = "X"``), so outside the places only a name can stand (after these words,
# before ``.`` or ``(``, a trigger's table) a double-quoted token keeps its case and quotes:
# "X" is not "x". A view SQLite compiles has each one settled by SQLite itself first
# (``sqlite_quoted``).
_NAME_AFTER = frozenset(
    {".", "as", "from", "join", "into", "update", "view", "trigger", "table", "index", "exists"}
)
# A trigger's ``ON "t"`` is followed by one of these (a join's ``ON "x" = y`` by an operator).
_TRIGGER_TABLE_BEFORE = frozenset({"for", "when", "begin", ""})
# The dollar-quote tags pg_get_functiondef gives a body (a numbered one when the body holds it).
_BODY_TAGS = ("function", "procedure")
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def canonical_sql(text: str, fold_quoted: bool) -> str:
    """The canonical text of one SQL statement (see the module). ``fold_quoted`` folds quoted
    identifiers to lower case, as SQLite compares them; PostgreSQL keeps their case."""
    return _canonical(text, fold_quoted)


@lru_cache(maxsize=4096)
def _canonical(text: str, fold_quoted: bool) -> str:
    return " ".join(sql_tokens(text, fold_quoted))


def sql_tokens(text: str, fold_quoted: bool, keep_quoted: bool = False) -> list[str]:
    """The tokens of ``canonical_sql(text, fold_quoted)``, one string each (a string literal or a
    quoted name whole, spaces and all): what a dialect adapter rewrites before joining them.
    ``keep_quoted`` keeps quoted names as written, so that a name spelled like a keyword
    (``"not"``, which PostgreSQL's printer always quotes) is never read as that keyword."""
    lexer = _SQLITE if fold_quoted else _POSTGRESQL
    matches = [m for m in re.finditer(lexer, text) if m.lastgroup not in ("ws", "comment", None)]
    tokens: list[str] = []
    for n, match in enumerate(matches):
        group = match.lastgroup
        token = match.group()
        if group == "word":
            tokens.append(token.lower())
        elif group == "quoted" and fold_quoted and token[0] == '"' and not keep_quoted:
            after = matches[n + 1].group() if n + 1 < len(matches) else ""
            before = tokens[-1] if tokens else ""
            named = (
                before in _NAME_AFTER
                or after in (".", "(")
                or (before == "on" and after.lower() in _TRIGGER_TABLE_BEFORE)
            )
            tokens.append(_identifier(token, True) if named else token)
        elif group == "quoted":
            tokens.append(token if keep_quoted else _identifier(token, fold_quoted))
        elif group == "string":
            prefix, _, rest = token.partition("'")
            tokens.append(prefix.lower() + "'" + rest)
        elif group == "dollar" and (match.group("tag") or "").startswith(_BODY_TAGS):
            # The body pg_get_functiondef prints: it is code, so it is made canonical too.
            tag = f"${match.group('tag')}$"
            body = token[len(tag) : -len(tag)]
            tokens.append(f"{tag} {_canonical(body, fold_quoted)} {tag}")
        else:
            tokens.append(token)
    while tokens and tokens[-1] == ";":
        tokens.pop()
    return tokens


def spans(text: str, fold_quoted: bool) -> list[tuple[str, int, int]]:
    """Where each token of ``text`` lies (comments and whitespace left out): its lexer group
    (``word``, ``quoted``, ``string``, ``number``, ``op``...), start and end offsets."""
    lexer = _SQLITE if fold_quoted else _POSTGRESQL
    return [
        (m.lastgroup or "", m.start(), m.end())
        for m in re.finditer(lexer, text)
        if m.lastgroup not in ("ws", "comment", None)
    ]


def _identifier(token: str, fold: bool) -> str:
    """A quoted identifier: bare when it needs no quotes, else in double quotes."""
    close = {'"': '"', "`": "`", "[": "]"}[token[0]]
    name = token[1:-1]
    if close != "]":
        name = name.replace(close * 2, close)
    if fold:
        name = name.lower()
    if _PLAIN.fullmatch(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def without_words(text: str, words: str) -> str:
    """``text`` (canonical) without the first occurrence of the canonical token run ``words``
    (e.g. SQLite's optional ``for each row``), matched on whole tokens only."""
    padded = f" {text} "
    found = padded.find(f" {words} ")
    if found < 0:
        return text
    return (padded[:found] + padded[found + len(words) + 1 :]).strip()


# A string literal: an optional prefix letter (E'...' already holds escapes), then the body.
_LITERAL = re.compile(r"(?P<prefix>\b[eE])?'(?P<body>(?:[^']|'')*)'", re.S)
# A run of blanks holding a line break or a tab (outside a string literal, once those are escaped).
_BLANKS = re.compile(r"[ \t\r\n\f\v]*[\t\r\n\f\v][ \t\r\n\f\v]*")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _control(c: str) -> bool:
    return ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029"


def _escaped(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    return f"\\x{ord(c):02X}" if ord(c) < 0x100 else f"\\u{ord(c):04X}"


def visible_sql(text: str) -> str:
    """SQL text (an expression, a value as SQL writes it) as a one-line message shows it, the
    same for both dialects: a string literal holding a control character (a newline, a tab) is
    written in PostgreSQL's escape form, ``E'a\\nb'``, its backslashes doubled; one without
    stays as it is. So SQLite's ``'a\\nb'`` (a backslash, then n) reads apart from a string
    holding a newline, and no value breaks a report line. A control character outside any
    literal is escaped the same way, but for a line break or a tab between words: a CHECK written
    over several lines (Sakila's film) shows on one line, each run of blanks that holds one a
    single space (stranger70 012-4: it showed ``or\\n`` and sixty spaces). Only the message
    changes: the SQL that runs is never this text."""
    if not any(_control(c) for c in text):
        return text

    def literal(m: re.Match[str]) -> str:
        body = m.group("body")
        if not any(_control(c) for c in body):
            return m.group(0)
        if m.group("prefix"):  # already an escape string: its backslashes are escapes
            return (
                m.group("prefix")
                + "'"
                + "".join(_escaped(c) if _control(c) else c for c in body)
                + "'"
            )
        value = body.replace("''", "'")
        shown = "".join(
            _escaped(c) if _control(c) else "\\\\" if c == "\\" else "\\'" if c == "'" else c
            for c in value
        )
        return f"E'{shown}'"

    done = _BLANKS.sub(" ", _LITERAL.sub(literal, text))  # a literal's are escaped by now
    return "".join(_escaped(c) if _control(c) else c for c in done)
