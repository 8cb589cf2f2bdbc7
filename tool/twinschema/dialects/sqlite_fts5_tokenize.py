"""An FTS5 ``tokenize`` option as FTS5 reads it (``sqlite_virtual.definition`` compares its
statements so): the tokenizer names regardless of case, each argument word quoted or bare
alike, and the arguments that restate a tokenizer's defaults left out.

What FTS5 3.40 reads (``fts5_tokenize.c``; each checked on real SQLite 3.40 with fts5vocab and
MATCH, tests/test_sqlite_virtual.py, stranger65 001): a tokenizer is found by name regardless of
case; its arguments are words, each bare or quoted (``'remove_diacritics' '2'`` is
``remove_diacritics 2``); unicode61 reads key-value pairs, its keys regardless of case, and
defaults to ``remove_diacritics 1`` and ``categories 'L* N* Co'`` (the last of each key wins; a
categories list is a set of categories, its order and repeats meaningless, each word read by
its first two characters, a class's star its every member, and LC, "cased letter", no character
of its own: SQLite files those under Lu or Ll, so 'Lu Ll Lt Lm Lo Nd Nl No Co' is the default,
checked over every code point with fts5vocab, s66msg); trigram reads
``case_sensitive`` and defaults to 0; porter wraps the tokenizer its next word names, unicode61
unless told otherwise. ``tokenchars`` and ``separators`` are compared by what they change
(``exceptions``, stranger67 004): FTS5 reads the categories first, then each tokenchars /
separators value in order; an ASCII character takes the verdict of the last list naming it (kept
only where that differs from its category), a non-ASCII one is flipped from its category by the
list that disagrees with it (a combining diacritic never is), so it is kept only where the lists
make it other than its category says, as SQLite itself answers (``sqlite_fts5_chars``; stranger68
007: Arabic-Indic digits in ``tokenchars`` are token characters already). Cn and Cs in a
categories list select nothing (``_SELECTS_NOTHING``). Anything FTS5 refuses (an odd number of
words, an unknown key) is kept as written.
"""

from __future__ import annotations

from twinschema.dialects.sqlite_fts5_chars import token_characters
from twinschema.dialects.sqlite_lexer import lexer

# A tokenizer argument word: a string or quoted name whole, else a run of non-space characters.
_WORD = lexer(r"| [^\s'\"`\[]+")

# Tokenizer -> (key -> its default value, as FTS5 reads it): a pair restating one is left out.
_DEFAULTS = {
    "unicode61": {"remove_diacritics": "1", "categories": "Co L* N*"},
    "trigram": {"case_sensitive": "0"},
}
# Keys whose value is a set of words (order and repeats meaningless).
_WORD_SETS = frozenset({"categories"})
# unicode61's categories by class, as FTS5 3.40 reads them (``sqlite3Fts5UnicodeCatParse``):
# ``X*`` is each member of class X. LC (cased letter) is among L*'s but selects nothing: SQLite
# gives its characters Lu or Ll (tests/test_sqlite_virtual.py, over every code point).
_CATEGORIES = {
    "C": ("Cc", "Cf", "Cn", "Co", "Cs"),
    "L": ("Ll", "Lm", "Lo", "Lt", "Lu"),
    "M": ("Mc", "Me", "Mn"),
    "N": ("Nd", "Nl", "No"),
    "P": ("Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps"),
    "S": ("Sc", "Sk", "Sm", "So"),
    "Z": ("Zl", "Zp", "Zs"),
}
# Members that select no character of their own, each proved over every code point
# 1..U+10FFFF with fts5vocab on SQLite 3.40 (tests/test_sqlite_fts5_exceptions.py): LC;
# Cs, as FTS5's UTF-8 reader reads a surrogate as U+FFFD; Cn, as SQLite's table files no
# character under it: a code point its table lacks (unassigned) is of category 0, which any
# categories list that names a category makes a token character. ``categories 'Cn'`` is the
# one word written for a list selecting only those (``categories ''`` selects none at all).
_SELECTS_NOTHING = frozenset({"Cn", "Cs", "LC"})
_ONLY_UNASSIGNED = "Cn"
_CASED_LETTER = "LC"
# The ASCII characters of each category as SQLite 3.40's unicode61 reads them (fts5vocab over
# each character 1-127 under ``categories 'Xx'``, tests/test_sqlite_fts5_exceptions.py); those of
# a category not listed here: none.
ASCII_BY_CATEGORY = {
    "Cc": "".join(map(chr, [*range(1, 32), 127])),
    "Ll": "abcdefghijklmnopqrstuvwxyz",
    "Lu": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "Nd": "0123456789",
    "Pc": "_",
    "Pd": "-",
    "Pe": ")]}",
    "Po": "!\"#%&'*,./:;?@\\",
    "Ps": "([{",
    "Sc": "$",
    "Sk": "^`",
    "Sm": "+<=>|~",
    "Zs": " ",
}
_EXCEPTIONS = ("tokenchars", "separators")


def dequote(token: str) -> str:
    """A quoted or bare argument word as FTS5 reads it: ``'a''b'`` -> ``a'b``."""
    first = token[:1]
    if first in ("'", '"', "`") and len(token) >= 2:
        return token[1:-1].replace(first * 2, first)
    if first == "[" and len(token) >= 2:
        return token[1:-1]
    return token


def tokenizer(value: str) -> str:
    """An FTS5 ``tokenize`` value (dequoted) as compared: the tokenizer names lower-cased, each
    argument word dequoted and quoted again only where it holds a space or quote, words apart
    by one space, and what restates FTS5's defaults left out (see the module docstring):
    'porter unicode61 remove_diacritics 1' is 'porter', 'trigram case_sensitive 0' is
    'trigram'. Two values FTS5 reads alike compare alike; a value FTS5 refuses is kept."""
    words = [dequote(w.group()) for w in _WORD.finditer(value)]
    names = 2 if words[:1] and words[0].lower() == "porter" else 1
    words = [w.lower() if n < names else w for n, w in enumerate(words)]
    if words[:1] == ["porter"] and len(words) > 1 and words[1] in _DEFAULTS:
        arguments = _arguments(words[1], words[2:])
        if words[1] == "unicode61" and not arguments:
            return "porter"
        return _joined(["porter", words[1], *arguments])
    if words[:1] == ["porter"] and len(words) == 1:
        return "porter"
    if words and words[0] in _DEFAULTS:
        return _joined([words[0], *_arguments(words[0], words[1:])])
    return _joined(words)


def settings(value: str) -> tuple[tuple[str, str], ...]:
    """What an FTS5 ``tokenize`` value sets, one part each, its defaults included, as a
    message names them (``("tokenize", "unicode61")``, ``("tokenize remove_diacritics",
    "2")``, ``("tokenize categories", "'Co L* N*'")``, ``tokenchars`` and ``separators`` each
    once with all their values): so a difference names the setting, not the whole value. A
    tokenizer whose arguments are not read here (ascii, an odd word count) is one part, its
    value as compared (``tokenizer``)."""
    words = [dequote(w.group()) for w in _WORD.finditer(value)] or ["unicode61"]
    names = [w.lower() for w in words[: 2 if words[0].lower() == "porter" else 1]]
    rest = words[len(names) :]
    names = ["porter", "unicode61"] if names == ["porter"] else names
    if names[-1] not in _DEFAULTS or len(rest) % 2:
        return (("tokenize", tokenizer(value)),)
    found = dict(_DEFAULTS[names[-1]])
    lists: list[tuple[str, str]] = []
    for at in range(0, len(rest), 2):
        key, given = rest[at].lower(), rest[at + 1]
        if key in _WORD_SETS:
            found[key] = categories(given)
        elif names[-1] == "unicode61" and key in _EXCEPTIONS:
            lists.append((key, given))
        elif key in _DEFAULTS[names[-1]] or key not in found:
            found[key] = given
        else:  # an unknown key given twice (FTS5 refuses it): each value kept
            found[key] = f"{found[key]}{given}"
    found.update(exceptions(found.get("categories", ""), lists))
    parts = [("tokenize", " ".join(names))]
    parts.extend((f"tokenize {key}", _joined([found[key]])) for key in sorted(found))
    return tuple(parts)


def _arguments(name: str, words: list[str]) -> list[str]:
    """Tokenizer ``name``'s argument ``words`` (dequoted) without those restating its defaults:
    keys lower-cased, the last value of a key it reads once, a set's words sorted; as written
    when FTS5 would refuse them (an odd number of words)."""
    if len(words) % 2:
        return words
    defaults = _DEFAULTS[name]
    last: dict[str, str] = {}
    kept: list[str] = []
    lists: list[tuple[str, str]] = []
    for at in range(0, len(words), 2):
        key, value = words[at].lower(), words[at + 1]
        if key in defaults:
            last[key] = categories(value) if key in _WORD_SETS else value
        elif name == "unicode61" and key in _EXCEPTIONS:
            lists.append((key, value))
        else:
            kept.extend([key, value])
    for key in sorted(last):
        if last[key] != defaults[key]:
            kept.extend([key, last[key]])
    chosen = last.get("categories", defaults.get("categories", ""))
    for key, chars in exceptions(chosen, lists):
        kept.extend([key, chars])
    return kept


def exceptions(chosen: str, lists: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """unicode61's ``tokenchars`` / ``separators`` values (``lists``, in the order written)
    under the categories ``chosen`` (as ``categories`` writes them), as what they change:
    ``(("separators", chars), ("tokenchars", chars))``, each sorted and left out when empty.
    FTS5 3.40 (``fts5UnicodeAddExceptions``, checked with fts5vocab) gives an ASCII character
    the verdict of the last list naming it, so it is kept in that list only where its category
    says otherwise ('a' as a token character, '.' as a separator are no-ops); a non-ASCII one is
    flipped by whichever list disagrees with its category (never a combining diacritic), so it
    is kept in the list that makes it other than its category, as SQLite answers
    (``sqlite_fts5_chars``: U+0660, an Arabic-Indic digit, or 'é' as a token character is a
    no-op, '·' U+00B7 is not), or in each list naming it where SQLite cannot answer. Why: a
    set of characters in another order, or one that changes nothing, is the same tokenizer."""
    members = _members(chosen)
    ascii_last: dict[str, bool] = {}
    named: dict[str, set[str]] = {key: set() for key in _EXCEPTIONS}
    beyond: dict[str, set[str]] = {}  # non-ASCII character -> the lists naming it
    for key, chars in lists:
        for char in chars:
            if ord(char) < 128:
                ascii_last[char] = key == "tokenchars"
            else:
                beyond.setdefault(char, set()).add(key)
    for char, token in ascii_last.items():
        by_category = members is not None and any(
            char in ASCII_BY_CATEGORY.get(m, "") for m in members
        )
        if members is None or by_category != token:
            named["tokenchars" if token else "separators"].add(char)
    changed = _changed(chosen, lists, "".join(sorted(beyond))) if members is not None else None
    for char, keys in beyond.items():
        if changed is None:
            for key in keys:
                named[key].add(char)
        elif char in changed:
            named[changed[char]].add(char)
    return tuple((key, "".join(sorted(named[key]))) for key in sorted(named) if named[key])


def _changed(chosen: str, lists: list[tuple[str, str]], chars: str) -> dict[str, str] | None:
    """Which of the non-ASCII ``chars`` the ``lists`` make other than the categories ``chosen``
    say, by the list that makes them so (``tokenchars`` or ``separators``), SQLite asked for
    both verdicts; None where it cannot answer."""
    if not chars:
        return {}
    alone = token_characters(("categories", chosen), chars)
    words = [w for key, given in lists for w in (key, "".join(c for c in given if ord(c) >= 128))]
    listed = token_characters(("categories", chosen, *words), chars)
    if alone is None or listed is None:
        return None
    return {
        c: "tokenchars" if c in listed else "separators"
        for c in chars
        if (c in listed) != (c in alone)
    }


def _members(chosen: str) -> frozenset[str] | None:
    """The two-letter categories a ``categories`` value (as ``categories`` writes it) selects,
    ``X*`` as each member of X; None when it holds a word FTS5 refuses."""
    found: set[str] = set()
    for word in chosen.split():
        if word[1:] == "*" and word[:1] in _CATEGORIES:
            found.update(_CATEGORIES[word[:1]])
        elif word in _CATEGORIES.get(word[:1], ()) or word == _CASED_LETTER:
            found.add(word)
        else:
            return None
    return frozenset(found)


def categories(value: str) -> str:
    """A unicode61 ``categories`` value as the set of categories FTS5 reads in it, written one
    way: each word by its first two characters (FTS5 reads no more), those selecting no
    character left out (``_SELECTS_NOTHING``: LC, Cn, Cs), a class whose every member that
    selects one is there as ``X*``, classes in order; 'Lu Ll Lt Lm Lo Nd Nl No Co' and
    'L* N* Co Cn' are 'Co L* N*', a list of only such members 'Cn' (it selects the characters
    SQLite files under no category, as every list does; '' selects none). A value with a word
    FTS5 refuses is kept as its sorted words."""
    words = value.split()
    members = {w[:1]: _CATEGORIES.get(w[:1], ()) for w in words}
    if not all(w[1:2] == "*" or w[:2] in members[w[:1]] or w[:2] == _CASED_LETTER for w in words):
        return " ".join(sorted(set(words)))
    chosen = {m for w in words for m in (members[w[:1]] if w[1:2] == "*" else (w[:2],))}
    written = []
    for major, every in sorted(_CATEGORIES.items()):
        selecting = [m for m in every if m not in _SELECTS_NOTHING]
        held = [m for m in selecting if m in chosen]
        written.extend([f"{major}*"] if held and held == selecting else held)
    if words and not written:
        return _ONLY_UNASSIGNED
    return " ".join(sorted(written))


def _joined(words: list[str]) -> str:
    """``words`` apart by one space, each holding a space, quote or nothing quoted in ``'``."""
    return " ".join(
        "'" + w.replace("'", "''") + "'" if not w or any(c in w for c in " '\"`[") else w
        for w in words
    )
