"""Just enough of SQLite's lexer to see keywords, parentheses and commas outside
strings, quoted identifiers and comments. Speed matters (it runs over every table's SQL), so the
hot scans run over an ASCII-lower-cased copy of the statement (same length, same offsets) with
patterns whose every branch starts with a literal character: the regex engine then skips to
candidate positions in C, and Python sees only the few tokens that matter. A keyword's left word
boundary is checked in Python (a look-behind would defeat that skip).
"""

from __future__ import annotations

import re

_LITERALS = r"""
      '[^']*(?:''[^']*)*'           # string literal, '' escapes a quote
    | "[^"]*(?:""[^"]*)*"           # quoted identifier
    | `[^`]*(?:``[^`]*)*`           # MySQL-style quoted identifier
    | \[[^\]]*\]                    # MS-style quoted identifier
    | --[^\n]*                      # line comment
    | /\*(?:.*?\*/|.*)              # block comment (unterminated runs to the end)
"""


# The first characters of the lexemes above: a scan meeting one must step over a string,
# quoted name or comment.
SKIPPED = frozenset("'\"`[-/")


def lexer(extra: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern matching strings, quoted names and comments, plus the ``extra`` branches."""
    return re.compile(_LITERALS + extra, re.VERBOSE | re.DOTALL | flags)


def keywords(*words: str) -> str:
    """Pattern branches for ``lexer`` matching each of ``words`` (lower-case) as a whole word."""
    return "".join(f"| {word}(?![\\w$])" for word in words)


# Every token, words included: only for the rare paths (constraint names, virtual-table modules).
# A word starts with [A-Za-z_] or any non-ASCII character and goes on with those, digits and $;
# written as the ASCII characters it excludes ([^...]), which Python's regex compiler takes in
# 0.5 ms, where the ranges up to \U0010ffff took 5 ms of every process that reads a SQLite file.
_NOT_WORD_START = r"\x00-\x40\x5b-\x5e\x60\x7b-\x7f"  # all of ASCII but A-Z a-z _
_NOT_WORD_PART = r"\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f"  # ... but those, 0-9 $
TOKEN = lexer(f"| [(),] | [^{_NOT_WORD_START}][^{_NOT_WORD_PART}]*")


_QUOTES = {'"': '"', "`": "`", "[": "]"}


def starts_word(text: str, pos: int) -> bool:
    """True when ``text[pos]`` is not in the middle of a word (``xcheck`` holds no ``check``)."""
    if pos == 0:
        return True
    before = text[pos - 1]
    return not (before.isalnum() or before in "_$")


def next_token(sql: str, pos: int) -> re.Match[str] | None:
    """The first token at or after ``pos`` that is not a comment."""
    while True:
        match = TOKEN.search(sql, pos)
        if match is None or not match.group().startswith(("--", "/*")):
            return match
        pos = match.end()


def unquote(text: str) -> str:
    """An identifier token as a name: ``"a""b"`` -> ``a"b``, ``[x]`` -> ``x``, ``'s'`` -> ``s``."""
    first = text[0]
    if first in _QUOTES:
        return text[1:-1].replace(first * 2, first) if first != "[" else text[1:-1]
    if first == "'":  # SQLite accepts a string literal where an identifier is expected
        return text[1:-1].replace("''", "'")
    return text
