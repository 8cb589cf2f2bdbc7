"""Probe values of text, bytes and JSON columns (see ``probes.values_for``): the expressions' string
literals and what a comparison, a LIKE pattern or a length makes of them, and JSON documents
for the keys and paths an expression reads."""

from __future__ import annotations

from typing import Any


def json_documents(strings: tuple[str, ...]) -> list[Any]:
    """JSON documents: the literals that parse as JSON, and, for each literal used as a key or a
    path, a document where it holds null, a number and a string (a JSON null is not SQL NULL,
    1 is not "1": where -> and ->>, json_extract and ->> part)."""
    import json

    found: list[str] = ["{}", "[]", "null", "1", '"1"', "true"]
    for s in strings:
        try:
            json.loads(s)
            found.append(s)
        except ValueError:
            pass
        key = s.removeprefix("$.").strip('"')
        for value in ("null", "1", '"1"', "true", "{}"):
            found.append(json.dumps({key: json.loads(value)}))
    return found


def texts(strings: tuple[str, ...], lengths: tuple[int, ...]) -> list[Any]:
    """Text probes: each literal in each letter case and with a character more or less, what a
    LIKE pattern matches, strings of each length that matters, and a fixed set (ASCII and
    other letters, digits, blanks)."""
    found: list[str] = []
    # The characters a LIKE may name as its ESCAPE: a backslash, and any one-character literal
    # that is no letter, digit or wildcard.
    escapes = ["\\", *(e for e in strings if len(e) == 1 and not e.isalnum() and e not in "%_\\")]
    for s in strings:
        found += [s, s.upper(), s.lower(), s.swapcase(), s + "x", s[:-1], " " + s, s + " "]
        # Ending as the literal (substr from the end), and a LIKE pattern's text without its
        # wildcards or without its backslashes (where PostgreSQL's escape and SQLite part).
        found += ["x" + s, s + "É", "É" + s]  # and a letter lower() folds only beyond ASCII
        # The literal with a letter spelled by another character whose case folds onto it
        # (``FOLDS_ONTO``: the Kelvin sign's lower() is 'k' on PostgreSQL; SQLite's lower(),
        # upper() and NOCASE fold ASCII only): 'oK' is lower(s) = 'ok' on one, not the other.
        found += [f for f in (s.translate(t) for t in _FOLDING) if f != s]
        if any(c in s for c in "%_\\"):
            found += [s.replace("\\", ""), "a" + s.replace("%", "").replace("_", "") + "b"]
        # What a LIKE pattern matches with its wildcards filled by a letter at either end of
        # the alphabet, in each case, and by one SQLite's lower() and upper() keep: SQLite's
        # LIKE ignores ASCII case, and another CHECK on the column may keep the bare pattern
        # out ('Az' passes > 'Ab' where 'A' does not; 'xÉ' passes LIKE 'x%' where 'É' does not).
        for fill in ("z", "a", "É") if any(c in s for c in "%_") else ():
            text = s.replace("%", fill).replace("_", fill)
            found += [text, text.upper(), text.capitalize(), text.swapcase()]
            found.append(text[:1] + text[1:].upper())  # 'aZC' passes > 'B', 'AZC' does not
        # The text a pattern with an escape matches ('a\%' ESCAPE '\' matches 'a%'), in each
        # letter case: SQLite's LIKE ignores ASCII case, PostgreSQL's does not ('A%').
        for escape in escapes:
            if escape in s and len(s) > 1:
                text = _unescaped(s, escape)
                found += [text, text.upper(), text.lower(), text.swapcase()]
    # Strings of each length that matters (one an expression compares length() with, the
    # column's declared length), and one either side.
    for n in lengths:
        found += ["x" * n, "x" * (n + 1), "x" * max(n - 1, 0)]
        # n characters and a space or a literal beyond them (trim, replace), and n characters
        # of two bytes each (length against octet_length), in each case (SQLite's lower() and
        # upper() keep 'ÉÉÉ', PostgreSQL's do not)
        found += ["x" * n + " ", " " + "x" * n, "é" * n, "É" * n]
        found += ["x" * n + s for s in strings if s]
    # Blanks on one end only and on both: trim, ltrim and rtrim each keep another text.
    found += ["", " ", "a", " a", "a ", " a ", "A", "abc", "ABC", "0", "1", "-1", "1.5", "12"]
    found += ["x" * 40]
    # Letters beyond ASCII, which SQLite's LIKE, lower() and upper() do not fold.
    found += ["É", "é", "Éa", "éa", "ß", *FOLDS_ONTO]
    # ...and the letters they fold onto, in each case: the long s (U+017F) and s are one under upper() only.
    found += sorted({c for letter in FOLDS_ONTO.values() for c in (letter, letter.upper())})
    return found


def byte_strings(lengths: tuple[int, ...]) -> list[bytes]:
    """Bytes of each length that matters (one ``length(b)`` or ``octet_length(b)`` is compared
    with), and one either side: ``length(b) < 4`` against ``<= 4`` part on 4 bytes only."""
    return [b"x" * m for n in lengths for m in (n + 1, n, n - 1) if m >= 0]


def _unescaped(pattern: str, escape: str) -> str:
    """The text ``pattern`` matches where each character after ``escape`` is itself."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        out.append(next(chars, "") if char == escape else char)
    return "".join(out)


# Characters whose lower or upper case is another letter than their own case pair (what
# PostgreSQL's lower() and upper() fold onto it; SQLite's fold ASCII only), by that letter: the
# Kelvin sign (lower 'k'), the long s (upper 'S'), the dotless i (upper 'I'), the dotted
# capital I (lower 'i'), the capital sharp s (lower 'ß'), the angstrom sign (lower 'å'), the
# ohm sign (lower 'ω'). A witness names each by its code point (``values.look_alikes``): most
# look like the letter.
FOLDS_ONTO = {
    "\u212a": "k",
    "\u017f": "s",
    "\u0131": "i",
    "\u0130": "i",
    "\u1e9e": "ß",
    "\u212b": "å",
    "\u2126": "ω",
}
_FOLDING = tuple(
    str.maketrans({c: char for c in {letter, letter.upper()} if len(c) == 1})
    for char, letter in FOLDS_ONTO.items()
)
