"""Canonical text for the definitions of views, triggers and functions.

A definition is compared only with one of the same dialect, so its canonical form keeps the
dialect's own SQL: it is the statement's tokens, one space apart, with what cannot change its
meaning made uniform. Comments are dropped, whitespace is one space, unquoted words are lower
case (SQL folds them), and a quoted identifier that needs no quotes loses them. String literals
keep their case and spelling: ``'A'`` is not ``'a'``. On SQLite, where every identifier is
case-insensitive, quoted identifiers (``"T"``, ```T```, ``[T]``) are folded like unquoted ones.

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
# subscript.
_SQLITE = re.compile(_COMMON.replace("{extra}", r"|`(?:[^`]|``)*`|\[[^\]]*\]"), re.X | re.S)
_POSTGRESQL = re.compile(_COMMON.replace("{extra}", ""), re.X | re.S)
# The dollar-quote tags pg_get_functiondef gives a body (a numbered one when the body holds it).
_BODY_TAGS = ("function", "procedure")
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def canonical_sql(text: str, fold_quoted: bool) -> str:
    """The canonical text of one SQL statement (see the module). ``fold_quoted`` folds quoted
    identifiers to lower case, as SQLite compares them; PostgreSQL keeps their case."""
    return _canonical(text, fold_quoted)


@lru_cache(maxsize=4096)
def _canonical(text: str, fold_quoted: bool) -> str:
    lexer = _SQLITE if fold_quoted else _POSTGRESQL
    tokens: list[str] = []
    for match in lexer.finditer(text):
        group = match.lastgroup
        token = match.group()
        if group in ("ws", "comment", None):
            continue
        if group == "word":
            tokens.append(token.lower())
        elif group == "quoted":
            tokens.append(_identifier(token, fold_quoted))
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
    return " ".join(tokens)


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
