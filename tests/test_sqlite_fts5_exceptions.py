"""unicode61's ``tokenchars`` and ``separators`` compared by what they change
(``dialects/sqlite_fts5_tokenize.exceptions``, stranger67 004), each verdict checked on real
SQLite with fts5vocab: two tokenize values compare alike exactly when SQLite splits a text
holding every printable ASCII character (and some non-ASCII ones) into the same terms."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects.sqlite_fts5_tokenize import ASCII_BY_CATEGORY, settings, tokenizer

# Every printable ASCII character and some non-ASCII ones (a letter with a diacritic, a middle
# dot (Po), a CJK ideograph, an Arabic-Indic digit (Nd), an em dash (Pd), a combining acute
# (Mn, a diacritic), a combining titlo (Mn, none), U+0898 (Mn to Python 3.11, of no category
# to SQLite 3.40's older table), an unassigned code point), each between two letters.
_NON_ASCII = ["é", "·", "中", "\u0660", "—", "\u0301", "\u0483", "\u0898", "\u0378"]
_TEXT = " ".join(f"q{c}q" for c in [*map(chr, range(33, 127)), *_NON_ASCII])


def _terms(tokenize: str, text: str = _TEXT) -> list[tuple[str, int]]:
    """The terms real SQLite's FTS5 makes of ``text`` under the ``tokenize`` value, each with
    its count (case folds 'qAq' into 'qaq': the count tells them apart)."""
    db = sqlite3.connect(":memory:")
    quoted = tokenize.replace("'", "''")
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5(b, tokenize='{quoted}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, row)")
    db.execute("INSERT INTO f VALUES (?)", (text,))
    terms = [(str(t), int(n)) for t, n in db.execute("SELECT term, cnt FROM v ORDER BY term")]
    db.close()
    return terms


# Every category FTS5 3.40 reads (``sqlite3Fts5UnicodeCatParse``).
_EVERY = "Cc Cf Cn Co Cs Ll Lm Lo Lt Lu Mc Me Mn Nd Nl No Pc Pd Pe Pf Pi Po Ps Sc Sk Sm So Zl Zp Zs"


@pytest.mark.parametrize("category", _EVERY.split())
def test_ascii_categories_are_those_sqlite_reads(category: str) -> None:
    """The ASCII table is SQLite's own: under ``categories 'Xx'`` exactly its characters are
    token characters (each of 1-127 alone in a row)."""
    db = sqlite3.connect(":memory:")
    db.execute(
        f"CREATE VIRTUAL TABLE f USING fts5(b, tokenize='unicode61 categories ''{category}''')"
    )
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, row)")
    tokens = ""
    for code in range(1, 128):
        db.execute("DELETE FROM f")
        db.execute("INSERT INTO f VALUES (?)", (chr(code),))
        if db.execute("SELECT count(*) FROM v").fetchone()[0]:
            tokens += chr(code)
    assert tokens == ASCII_BY_CATEGORY.get(category, "")


# (one, other): SQLite makes the same terms of _TEXT.
ALIKE = [
    ("unicode61 tokenchars '-_'", "unicode61 tokenchars '_-'"),
    ("unicode61 tokenchars '-_'", "unicode61 tokenchars '_' tokenchars '-'"),
    ("unicode61 separators '.'", "unicode61"),
    ("unicode61 tokenchars 'a'", "unicode61"),
    ("unicode61 tokenchars 'aZ5' separators '!.,'", "unicode61"),
    ("unicode61 tokenchars '-' separators '-'", "unicode61"),
    ("unicode61 separators '-' tokenchars '-'", "unicode61 tokenchars '-'"),
    ("unicode61 tokenchars '--'", "unicode61 tokenchars '-'"),
    ("unicode61 tokenchars ''", "unicode61"),
    ("unicode61 categories 'L*' separators '1'", "unicode61 categories 'L*'"),
    ("unicode61 categories 'L* P*' tokenchars '.'", "unicode61 categories 'L* P*'"),
    ("porter unicode61 tokenchars 'a' separators '.'", "porter"),
    ("unicode61 tokenchars 'é-' separators 'a.'", "unicode61 separators 'a' tokenchars '-é'"),
    # stranger68 007: a non-ASCII character its category already makes a token character, or
    # a separator already, changes nothing, whatever its code point; nor does a combining
    # diacritic, which FTS5 never takes as an exception; nor Cn or Cs in categories
    ("unicode61 tokenchars '" + "".join(map(chr, range(0x0660, 0x066A))) + "'", "unicode61"),
    ("unicode61 tokenchars 'é中'", "unicode61"),
    ("unicode61 tokenchars '\u0898'", "unicode61"),
    ("unicode61 separators '·—'", "unicode61"),
    ("unicode61 tokenchars '\u0301'", "unicode61"),
    ("unicode61 tokenchars 'é' separators 'é'", "unicode61 separators 'é'"),
    ("unicode61 categories 'L* N* Co Cs'", "unicode61"),
    ("unicode61 categories 'L* N* Co Cn'", "unicode61"),
    ("unicode61 categories 'C* L* N*'", "unicode61 categories 'Cc Cf Co L* N*'"),
    ("unicode61 categories 'Cn Cs'", "unicode61 categories 'LC'"),
    (
        "unicode61 categories 'L* N*' tokenchars '\u0660·'",
        "unicode61 categories 'L* N*' tokenchars '·'",
    ),
]
# (one, other): SQLite makes other terms of _TEXT (the near misses).
APART = [
    ("unicode61 tokenchars '-'", "unicode61"),
    ("unicode61 separators 'a'", "unicode61"),
    ("unicode61 tokenchars '-_'", "unicode61 tokenchars '-'"),
    ("unicode61 tokenchars '-' separators '-'", "unicode61 separators '-' tokenchars '-'"),
    ("unicode61 categories 'L*' tokenchars '1'", "unicode61 categories 'L*'"),
    ("unicode61 tokenchars '.'", "unicode61 categories 'L* N* Co Po'"),
    ("unicode61 separators 'é'", "unicode61"),
    ("unicode61 tokenchars '·'", "unicode61"),
    ("unicode61 tokenchars ' '", "unicode61"),
    ("porter unicode61 tokenchars '-'", "porter"),
    # stranger68 007's near misses: a non-ASCII character that is not a token character yet,
    # a token character made a separator, a category that selects characters
    ("unicode61 tokenchars '—'", "unicode61"),
    ("unicode61 tokenchars '\u0483'", "unicode61"),
    ("unicode61 separators '\u0660'", "unicode61"),
    ("unicode61 categories 'L* N* Co Mn'", "unicode61"),
    ("unicode61 categories 'L* N*' tokenchars '\u0660·'", "unicode61 categories 'L* N*'"),
    ("unicode61 categories 'Cn'", "unicode61 categories ''"),
]


@pytest.mark.parametrize(("one", "other"), ALIKE)
def test_tokenchars_and_separators_changing_nothing_compare_alike(one: str, other: str) -> None:
    """Same terms on SQLite, and the same tokenizer and settings here."""
    assert _terms(one) == _terms(other)
    assert tokenizer(one) == tokenizer(other)
    assert settings(one) == settings(other)


@pytest.mark.parametrize(("one", "other"), APART)
def test_tokenchars_and_separators_changing_terms_stay_apart(one: str, other: str) -> None:
    """Other terms on SQLite (the witness), and another tokenizer here, whose settings differ
    in the option that differs."""
    assert _terms(one) != _terms(other)
    assert tokenizer(one) != tokenizer(other)
    differing = set(settings(one)) ^ set(settings(other))
    assert differing and all(
        key.split()[-1] in ("tokenchars", "separators", "categories", "tokenize")
        for key, _ in differing
    )


def test_a_non_ascii_character_in_both_lists_is_a_separator_whatever_the_order() -> None:
    """FTS5 flips a non-ASCII character from its category by whichever list disagrees with
    it, so order does not matter for it (unlike ASCII, where the last list wins)."""
    one, other = (
        "unicode61 tokenchars 'é' separators 'é'",
        "unicode61 separators 'é' tokenchars 'é'",
    )
    assert _terms(one) == _terms(other) == _terms("unicode61 separators 'é'")
    assert tokenizer(one) == tokenizer(other)


def _token_code_points(categories: str) -> set[int]:
    """Every code point 1..U+10FFFF (surrogates aside: no UTF-8 holds them) that real SQLite's
    unicode61 makes a token character under ``categories``, each alone in a row."""
    db = sqlite3.connect(":memory:")
    quoted = f"unicode61 remove_diacritics 0 categories '{categories}'".replace("'", "''")
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5(b, tokenize='{quoted}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
    every = (c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    db.executemany("INSERT INTO f (rowid, b) VALUES (?, ?)", ((c, chr(c)) for c in every))
    found = {int(doc) for (doc,) in db.execute("SELECT DISTINCT doc FROM v")}
    db.close()
    return found


def test_cn_and_cs_select_no_character_and_an_empty_list_selects_none() -> None:
    """stranger68 007, over every code point: adding Cn and Cs to a list makes no other token
    character (SQLite's table files none under Cn: a code point it lacks is of category 0,
    which any named category makes a token character), while ``categories ''`` makes none at
    all: 'Cn' alone is not ''."""
    zl = _token_code_points("Zl")
    assert zl == _token_code_points("Zl Cn Cs")
    assert 0x0378 in zl and 0x2028 in zl and ord("a") not in zl  # unassigned; Zl itself
    assert _terms("unicode61 categories ''", "\u0378 \u2028 a \u4e2d") == []
    assert tokenizer("unicode61 categories 'Cn'") != tokenizer("unicode61 categories ''")


@pytest.mark.parametrize("surrogate", [b"\xed\xa0\x80", b"\xed\xbf\xbf"])
def test_a_surrogate_is_read_as_u_fffd(surrogate: bytes) -> None:
    """Cs never makes a token character: SQLite stores a surrogate's UTF-8 bytes as text, and
    FTS5's reader takes them as U+FFFD (So), so 'x<surrogate>y' splits alike with and without
    Cs (stranger68 007, cs.py)."""
    found = []
    for categories in ("L* N* Co", "L* N* Co Cs"):
        db = sqlite3.connect(":memory:")
        tokenize = f"unicode61 categories '{categories}'"
        db.execute(f'CREATE VIRTUAL TABLE f USING fts5(b, tokenize="{tokenize}")')
        db.execute(
            "INSERT INTO f (rowid, b) VALUES (1, 'x' || CAST(? AS TEXT) || 'y')", (surrogate,)
        )
        found.append(db.execute("SELECT count(*) FROM f WHERE f MATCH 'x'").fetchone()[0])
        db.close()
    assert found == [1, 1]
