"""Probe values of text, bytes and JSON columns (see ``probes.values_for``): the expressions' string
literals and what a comparison, a LIKE pattern or a length makes of them, and JSON documents
for the keys and paths an expression reads."""

from __future__ import annotations

from typing import Any

_REWRITTEN = '{"b":[1,2],"a":1}'
# Documents spelled with blanks jsonb drops ('[ ]' is stored as '[]'; SQLite keeps the text):
# ``json_array_length(t) > 0 OR t = '[]'`` refuses '[ ]', ``jsonb_typeof(t) = 'array'`` takes
# it (stranger61 009); inside an array, at its start, and nested; and JSON's other blanks, a
# newline, a tab and a carriage return (a pretty-printed '[\n]': ``replace(t, ' ', '') <> '[]'``
# lets it through, jsonb reads [] and refuses it; stranger63 035).
_BLANKED = ("[ ]", "{ }", " []", "[1 ]", "[[ ]]", "[\n]", "[\t]", "[\r]", "{\n}")


def json_documents(strings: tuple[str, ...], lengths: tuple[int, ...] = ()) -> list[Any]:
    """JSON documents: each kind of document (a whole and a non-whole number, both booleans:
    ``jsonb_typeof(c) = 'number'`` against ``json_type(c) = 'integer'`` parts on 1.5, ``'true'``
    against ``'boolean'`` on false), the literals that parse as JSON, and, for each literal used
    as a key or a path, a document where it holds null, a number and a string (a JSON null is
    not SQL NULL, 1 is not "1": where -> and ->>, json_extract and ->> part), and the key as an
    array element and as a bare string (jsonb's ``?`` matches both, ``->`` neither), and as
    written, an array of two numbers and a number with an exponent, whose text each side prints
    its own way (SQLite's json_extract gives '[1,2]' and 10000.0, jsonb's ->> '[1, 2]' and
    '10000', json's '1e4': ``length(...)`` parts them; stranger48 026), and the members
    ``probe_json.member_documents`` makes of the other literals and of ``lengths``; and empty
    and short documents spelled with blanks (``_BLANKED``)."""
    import json

    from twinschema.evaluate.probe_json import member_documents

    # and a document written without spaces, its keys out of order, which jsonb rewrites
    # ('{"a": 1, "b": [1, 2]}': ``length(doc)`` against ``length(doc::text)``; stranger48 029)
    found: list[str] = ["{}", "[]", "null", "1", "1.5", '"1"', "true", "false", _REWRITTEN]
    for s in strings:
        try:
            json.loads(s)
            found.append(s)
        except ValueError:
            pass
        key = s.removeprefix("$.").strip('"')
        for value in ("null", "1", "1.5", '"1"', "true", "false", "{}"):
            found.append(json.dumps({key: json.loads(value)}))
        found += [json.dumps([key]), json.dumps(key)]
        found += [f"{{{json.dumps(key)}:{spelled}}}" for spelled in ("[1,2]", "1e4")]
    return found + member_documents(strings, lengths) + list(_BLANKED)  # last: least telling


def json_texts(lengths: tuple[int, ...]) -> list[str]:
    """For each length an expression compares, JSON documents of that many characters and one
    less and more, written without spaces (``{"aaaa":1}``) and with more than jsonb keeps
    (``{ "a" : 1 }``): PostgreSQL's jsonb rewrites a document's text (``{"aaaa": 1}``), json
    and SQLite's text keep it, so ``length(doc)`` against ``length(doc::text)`` parts
    (stranger48 029)."""
    found: list[str] = []
    for n in lengths:
        for m in (n - 1, n, n + 1):
            found += [f'{{"{"a" * (m - 6)}":1}}'] if m > 6 else []
            found += [f'{{ "{"a" * (m - 10)}" : 1 }}'] if m > 10 else []
    return found


def text_pairs(strings: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pairs of texts two text columns are probed with side by side (``crossed_rows.cross``),
    which a cut cross product of their long lists misses: a letter and the one it folds onto
    (``upper(c0) <> upper(c1)`` against ``lower(...)`` parts on the dotless i and i), and a
    literal cut at another literal in it, or at its end (``first || ' ' || last <> 'Jo
    Brian'``: ('Jo', 'Brian'); ``c0 || c1 <> 'its'``: ('its', ''))."""
    found: list[tuple[str, str]] = []
    for char, letter in FOLDS_ONTO.items():
        found += [(char, letter), (char, letter.upper())]
    for whole in strings:
        found += [(whole, ""), ("", whole)]
        for cut in strings:
            if cut and cut != whole and cut in whole:
                head, tail = whole.split(cut, 1)
                found += [(head, tail), (head + cut, tail), (head, cut + tail)]
    return list(dict.fromkeys(found))


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
        found += ["x" + s, s + "É", s + "é", "É" + s]  # a letter lower() folds only beyond ASCII
        found += part_flips(s)
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
        # What a GLOB or regular expression matches at its shortest, and past it by one
        # character ('AA0000' against GLOB '[A-Z][A-Z][0-9][0-9][0-9]' and ~ '^[A-Z]{2}[0-9]{3}',
        # which has no $; stranger34): ``pattern_samples``.
        found += pattern_samples(s) + pattern_fills(s, lengths)
        # The literal cut at another one in it: what two columns concatenated around it hold.
        found += [
            part for cut in strings if cut and cut != s and cut in s for part in s.split(cut, 1)
        ]
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
        # ...and fewer of them, which a strict bound on the byte length parts from one on the
        # characters: 'ééé' has 3 characters and 6 bytes (``length(c) < 5`` against
        # ``octet_length(c) < 5``; fuzz41 R3).
        found += ["é" * m for m in {max(n - 1, 0), (n + 1) // 2}]
        found += ["x" * n + s for s in strings if s]
        # What a LIKE pattern matches, padded to each length either side of n: a length bound
        # beside the pattern in one AND (``length(e) <= 255 AND e LIKE '%@%'`` against ``<=
        # 254``) parts on a 255-character text the pattern matches (stranger43).
        for pattern in (s for s in strings if "%" in s or "_" in s):
            text = pattern.replace("%", "").replace("_", "a")
            found += ["x" * (m - len(text)) + text for m in (n - 1, n, n + 1) if m >= len(text)]
    # Blanks on one end only and on both: trim, ltrim and rtrim each keep another text.
    found += ["", " ", "a", " a", "a ", " a ", "A", "abc", "ABC", "0", "1", "-1", "1.5", "12"]
    found += ["x" * 40]
    # A tab and a newline, which trim() keeps and trim(s, ' ' || char(9)) or btrim(s, E' \t')
    # does not (fuzz37).
    found += ["\t", "a\n"]
    # Letters beyond ASCII, which SQLite's LIKE, lower() and upper() do not fold.
    found += ["É", "é", "Éa", "éa", "ß", *FOLDS_ONTO]
    found += case_parts((), lengths)
    # ...and the letters they fold onto, in each case: the long s (U+017F) and s are one under upper() only.
    found += sorted({c for letter in FOLDS_ONTO.values() for c in (letter, letter.upper())})
    return found


def part_flips(literal: str) -> list[str]:
    """``literal`` with the case of a part of it changed: its tail ('oPEN'), its head ('Open')
    and its last letter ('opeN'). SQLite's NOCASE, LIKE, lower() and upper() fold ASCII
    letters only and PostgreSQL's every letter, but the whole literal in the other case is a
    witness no other CHECK may let in: ``status IN ('open', 'closed')`` under NOCASE beside
    ``status GLOB '[a-z]*'`` refuses 'OPEN' and stores 'oPEN', which PostgreSQL's IN list
    refuses (stranger70 011). None for a literal with fewer than two letters."""
    if sum(c.isalpha() for c in literal) < 2:
        return []
    flips = (
        literal[:1] + literal[1:].swapcase(),
        literal[:1].swapcase() + literal[1:],
        literal[:-1] + literal[-1:].swapcase(),
    )
    return [f for f in dict.fromkeys(flips) if f not in (literal, literal.swapcase())]


# An ASCII letter in each case, then one beyond ASCII in each: text a CHECK on the first letter
# (``code GLOB '[A-Z]*'``, ``code ~ '^[a-z]'``) lets in, whose case SQLite folds in part only
# ('Aé' = upper('Aé') on SQLite; PostgreSQL's upper() gives 'AÉ'; stranger70 009, 010).
_ASCII_HEADS = ("A", "a")
_BEYOND = ("É", "é")


def case_parts(strings: tuple[str, ...], lengths: tuple[int, ...]) -> list[str]:
    """Text whose case SQLite's ASCII-only NOCASE, lower() and upper() fold in part and
    PostgreSQL's in full, shaped to pass the CHECKs that narrow a text's first letter or its
    length: an ASCII letter then a letter beyond ASCII, each in both cases ('Aé', 'AÉ'); so
    padded to each length in ``lengths`` ('aaé' and 'aaÉ' for ``length(code) = 3``); each
    of ``strings`` (the literals of the expressions and of their table's CHECKs) followed by
    such a letter and with a part of it in the other case (``part_flips``). Whole-string case
    flips and lone non-ASCII letters miss them once a CHECK narrows the first letter or the
    length (stranger70 009-011)."""
    found = [h + b for h in _ASCII_HEADS for b in _BEYOND]
    for n in (n for n in lengths if 1 < n <= 64):
        found += [h * (n - 1) + b for h in _ASCII_HEADS for b in _BEYOND]
    for s in strings:
        if any(c.isalpha() for c in s) and "%" not in s and "[" not in s:
            found += [s + b for b in _BEYOND] + part_flips(s)
    return list(dict.fromkeys(found))


# What one element of a pattern stands for at its shortest: a class by its first character.
_CLASS_SHORTHANDS = {"d": "0", "w": "a", "s": " ", "D": "a", "W": " ", "S": "a"}


def pattern_samples(pattern: str) -> list[str]:
    """Texts a GLOB or POSIX regular expression ``pattern`` matches at its shortest, each
    element as its first character (``[A-Z]`` as 'A', ``\\d`` as '0', a ``{n}`` repeat n
    times, ``*`` none, ``+`` once), then with its last element once more, a letter or a digit
    after it, its last character dropped, and in each letter case: probes where a pattern with
    an anchor (``$``) or a count parts from one without. None for a text with no class,
    repeat or anchor (a plain literal, or a LIKE pattern, which ``texts`` fills itself)."""
    parsed = _pattern_atoms(pattern)
    if parsed is None:
        return []
    atoms, _ = parsed
    shortest = "".join(atoms)
    last = next((a for a in reversed(atoms) if a), "")
    found = [shortest, shortest + last, shortest + "A", shortest + "0", shortest[:-1]]
    return list(dict.fromkeys(f for t in found for f in (t, t.lower(), t.upper()) if t))


def pattern_fills(pattern: str, lengths: tuple[int, ...]) -> list[str]:
    """Texts a GLOB ``pattern`` with a ``*`` matches at each length in ``lengths`` and one
    either side, its first ``*`` filled with letters: a length bound beside the pattern in one
    AND leaves no short sample through. ``length(x) = 15 AND x GLOB '[0-9]*'`` pins the first
    character only; '0aaaaaaaaaaaaaa' passes it and fails ``x ~ '^[0-9]{15}$'`` (stranger81
    002; '[0-9]*[0-9]' beside ``BETWEEN 10 AND 15``: '0aaaaaaaa0')."""
    parsed = _pattern_atoms(pattern)
    if parsed is None or parsed[1] is None:
        return []
    atoms, star = parsed
    head, tail = "".join(atoms[:star]), "".join(atoms[star:])
    sizes = {m for n in lengths for m in (n - 1, n, n + 1) if len(head + tail) < m <= 256}
    return [head + "a" * (m - len(head + tail)) + tail for m in sorted(sizes)]


def _pattern_atoms(pattern: str) -> tuple[list[str], int | None] | None:
    """What each element of a GLOB or regular expression ``pattern`` stands for at its shortest
    (``pattern_samples``), and where its first ``*`` is among them (None: no ``*``); None for
    a text with no class, repeat or anchor, or one this reading cannot follow."""
    if not any(mark in pattern for mark in ("[", "{", "\\", "^", "$")):
        return None
    atoms: list[str] = []
    star: int | None = None
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "[":
            end = pattern.find("]", at + 2)
            if end < 0:
                return None
            body = pattern[at + 1 : end]
            atoms.append("x" if body.startswith(("^", "!")) else body[0])
            at = end + 1
        elif char == "\\" and at + 1 < len(pattern):
            atoms.append(_CLASS_SHORTHANDS.get(pattern[at + 1], pattern[at + 1]))
            at += 2
        elif char == "{" and atoms and (close := pattern.find("}", at)) > 0:
            low = pattern[at + 1 : close].split(",")[0]
            if not low.isdigit() or int(low) > 64:
                return None
            atoms[-1:] = atoms[-1:] * int(low)
            at = close + 1
        elif char == "*":
            # GLOB: any text, at its shortest none; regex: the atom before, kept once
            star = len(atoms) if star is None else star
            at += 1
        elif char in "^$+?":
            atoms.append("a" if char == "?" else "")  # GLOB's ? is one character
            at += 1
        else:
            atoms.append("a" if char == "." else char)
            at += 1
    return atoms, star


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


# An interval column's own values: its fields count apart (a month is no 30 days to extract(day),
# 800 hours no days at all; a year compares as 360 days and its epoch is 365.25; stranger57
# 132/205), so each field is probed alone and past the next one up; and mixed-sign spans, whose
# fields part the other way (checked on PostgreSQL 16, stranger57 217): '1 year -365 days' compares
# below interval '0' (as -5 days) while its epoch is 21600; '-1 year 361 days' compares above it
# (1 day), its epoch -367200; '1 mon -30 days' and '1 day -24 hours' are equal to interval '0',
# their fields not 0.
INTERVALS = [
    "1 mon", "1 year", "800 hours", "30 days", "-1 day", "1 day 25:00:00", "00:00:00.5",
    "1 year -365 days", "-1 year 361 days", "1 mon -30 days", "1 day -24 hours",
]  # fmt: skip
