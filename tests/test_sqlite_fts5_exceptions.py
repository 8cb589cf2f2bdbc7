"""unicode61's ``tokenchars`` and ``separators`` compared by what they change
(``dialects/sqlite_fts5_tokenize.exceptions``, stranger67 004), each verdict checked on real
SQLite with fts5vocab: two tokenize values compare alike exactly when SQLite splits a text
holding every printable ASCII character (and some non-ASCII ones) into the same terms."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects.sqlite_fts5_tokenize import ASCII_BY_CATEGORY, settings, tokenizer

# Every printable ASCII character and a few non-ASCII ones (a letter with a diacritic, a
# middle dot (Po), a CJK ideograph), each between two letters, the words apart by spaces.
_TEXT = " ".join(f"q{c}q" for c in [*map(chr, range(33, 127)), "é", "·", "中"])


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
