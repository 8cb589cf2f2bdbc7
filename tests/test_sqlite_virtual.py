"""Which shadow tables a SQLite virtual table's module makes, decided from its module and options
(``dialects/sqlite_virtual.py``), against what real SQLite makes for each option set; and the
FTS5 options compared regardless of spelling (stranger59 008 and 018)."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection
from twinschema.dialects.sqlite_virtual import definition, shadow_tables

# Module arguments whose shadow tables real SQLite is asked about.
ARGUMENTS = [
    "fts3(body)",
    "fts3(body, content='')",  # FTS3 reads no option: a column "content=''"
    "fts3(body, tokenize=porter)",
    "fts4(body)",
    "fts4(body, content='docs')",
    "fts4(body, content=docs)",
    "fts4(body, content='')",
    'fts4(body, CONTENT="")',
    "fts4(body, matchinfo=fts3)",
    "fts4(body, MATCHINFO='FTS3')",
    "fts4(body, content='', matchinfo=fts3)",
    "fts4(body, languageid=lid, notindexed=body, prefix='2', order=desc)",
    "fts5(body)",
    "fts5(body, content='')",
    "fts5(body, content = '' )",
    'fts5(body, CONTENT="")',
    "fts5(body, content='docs')",
    "fts5(body, content=[docs], content_rowid=id)",
    "fts5(body, columnsize=0)",
    "fts5(body, columnsize='0')",
    "fts5(body, columnsize=1)",
    "fts5(body, content='', columnsize=0)",
    "fts5(body, detail=none)",
    "fts5(body, detail=column, prefix=2, tokenize='porter')",
    "fts5(a, b UNINDEXED, content='docs', columnsize=0)",
    "rtree(id, x0, x1)",
    "rtree_i32(id, x0, x1)",
    "rtree(id, x0, x1, +aux)",
]


def _made(arguments: str) -> set[str]:
    """The tables real SQLite makes for ``CREATE VIRTUAL TABLE V USING <arguments>``."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE V USING {arguments}")
        return {
            str(name).lower()
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if str(name).lower() != "v"
        }
    finally:
        db.close()


@pytest.mark.parametrize("arguments", ARGUMENTS)
def test_shadow_tables_are_those_sqlite_makes(arguments: str) -> None:
    """The shadow tables said for each module and option set are exactly those real SQLite
    made (the name's case as the virtual table's)."""
    made = _made(arguments)
    assert made  # each module here makes some: the test compares something
    assert shadow_tables("V", f"CREATE VIRTUAL TABLE V USING {arguments}") == made


def test_a_module_without_shadow_tables_has_none() -> None:
    """fts5vocab makes no table of its own: none is said."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(body)")
    before = {n for (n,) in db.execute("SELECT name FROM sqlite_master")}
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(s, 'row')")
    after = {n for (n,) in db.execute("SELECT name FROM sqlite_master")}
    assert after - before == {"v"}
    assert shadow_tables("v", "CREATE VIRTUAL TABLE v USING fts5vocab(s, 'row')") == set()


def _tables(script: str) -> list[str]:
    db = sqlite3.connect(":memory:")
    db.executescript(script)
    return sorted(reflect_connection(db, ReflectOptions(), "test").tables)


def test_a_user_table_of_a_shadow_name_the_module_did_not_make_is_read() -> None:
    """SQLite lets a user make s_content beside a contentless fts5 table (and s_node beside any
    fts5 table), and PRAGMA table_list calls it 'shadow' all the same: the reflection reads it,
    and still leaves out the shadow tables the module made."""
    script = (
        "CREATE VIRTUAL TABLE s USING fts5(body, content='', columnsize=0);"
        "CREATE TABLE s_content (id INTEGER PRIMARY KEY, note TEXT NOT NULL);"
        "CREATE TABLE s_node (id INTEGER PRIMARY KEY);"
        "CREATE VIRTUAL TABLE n USING fts5(body);"
    )
    db = sqlite3.connect(":memory:")
    db.executescript(script)
    kinds = {str(r[1]): str(r[2]) for r in db.execute("PRAGMA table_list")}
    assert kinds["s_content"] == "shadow"  # why the pragma cannot decide it
    assert _tables(script) == ["s_content", "s_node"]


def test_sqlite_refuses_a_user_table_where_fts5_makes_one() -> None:
    """A user s_data beside a normal fts5 s cannot be: SQLite refuses it in either order."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE s_data (x)")
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        db.execute("CREATE VIRTUAL TABLE s USING fts5(body)")
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(body)")
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        db.execute("CREATE TABLE s_data (x)")


def _matches(arguments: str, text: str, query: str) -> int:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE s USING {arguments}")
    db.execute("INSERT INTO s (body) VALUES (?)", (text,))
    return int(db.execute("SELECT count(*) FROM s WHERE s MATCH ?", (query,)).fetchone()[0])


def _same(a: str, b: str) -> bool:
    return definition(f"CREATE VIRTUAL TABLE s USING {a}") == definition(
        f"CREATE VIRTUAL TABLE s USING {b}"
    )


def test_fts5_tokenizer_names_are_read_regardless_of_case() -> None:
    """'PORTER' is porter on FTS5 (both stem 'running' to 'run'), and so compare alike; porter
    against unicode61 parts on that query and stays apart."""
    assert _matches("fts5(body, tokenize='PORTER')", "running dogs", "run") == 1
    assert _matches("fts5(body, tokenize='porter')", "running dogs", "run") == 1
    assert _matches("fts5(body, tokenize='unicode61')", "running dogs", "run") == 0
    assert _same("fts5(body, tokenize='porter')", "fts5(body, tokenize='PORTER')")
    assert _same("fts5(body, tokenize='porter')", 'fts5(body, TOKENIZE = "Porter")')
    assert _same("fts5(body, tokenize='porter')", "fts5(body, tokenize=porter)")
    assert _same(
        "fts5(body, tokenize='porter unicode61 remove_diacritics 2')",
        "fts5(body, tokenize='PORTER Unicode61 remove_diacritics 2')",
    )
    assert not _same("fts5(body, tokenize='porter')", "fts5(body, tokenize='unicode61')")
    assert not _same(
        "fts5(body, tokenize='unicode61 remove_diacritics 2')",
        "fts5(body, tokenize='unicode61 remove_diacritics 1')",
    )
    assert not _same("fts5(body, content='')", "fts5(body, content='docs')")


def test_fts4_tokenizer_names_keep_their_case() -> None:
    """FTS4 finds its tokenizer by exact name ('PORTER' is refused), so its statement is
    compared as written."""
    db = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match="unknown tokenizer"):
        db.execute("CREATE VIRTUAL TABLE s USING fts4(body, tokenize=PORTER)")
    sql = "CREATE VIRTUAL TABLE s USING fts4(body, tokenize='porter')"
    assert definition(sql) == sql


# Rows and queries that tell FTS5 option sets apart: a phrase, a NEAR group, a prefix, a
# stemmed word, accents folded (one diacritic; several on one letter), case folded, a digit and a
# private-use character inside a word, a letter of another script (Lo: Hebrew aleph) and a
# title-case letter (Lt) inside a word (unicode61's categories), highlight().
_ROWS = ["pack the passport", "running dogs", "Café crème", "the passport office", "ǖber ḗ"]
_ROWS += ["HELLO there", "x\ue000y q\u06634", "m\u05d0n \u01c5z"]
_QUERIES = ['"the passport"', "NEAR(the office)", "pass*", "run", "cafe", "creme", "uber", "e"]
_QUERIES += ["hello", "hel", "y", "q", "4", "n", "z"]
_DOCSIZE = "SELECT count(*) FROM s_docsize"


def _answers(arguments: str) -> tuple[object, ...]:
    """What real SQLite makes and answers for ``fts5(<arguments>)`` over ``_ROWS``: its shadow
    tables (name, statement), its ``_config`` rows, each query's rows (rowid, highlight) or
    error, and ``s_docsize``'s row count or error."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)")
    db.execute(f"CREATE VIRTUAL TABLE s USING fts5({arguments})")
    for at, text in enumerate(_ROWS):
        db.execute("INSERT INTO notes (id, body) VALUES (?, ?)", (f"n{at}", text))
    if "content=" in arguments:
        db.execute("INSERT INTO s (s) VALUES ('rebuild')")
    else:
        db.executemany("INSERT INTO s (body) VALUES (?)", [(t,) for t in _ROWS])
    answers: list[object] = [
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 's\\_%' ESCAPE '\\' ORDER BY name"
        ).fetchall(),
        db.execute("SELECT k, v FROM s_config ORDER BY k").fetchall(),
    ]
    match = "SELECT rowid, highlight(s, 0, '[', ']') FROM s WHERE s MATCH ? ORDER BY rank"
    for query, parameters in [*((match, (q,)) for q in _QUERIES), (_DOCSIZE, ())]:
        try:
            answers.append(db.execute(query, parameters).fetchall())
        except sqlite3.OperationalError as error:
            answers.append(str(error))
    return tuple(answers)


# (without, with): each restates FTS5's defaults (stranger61 016).
_DEFAULTS = [
    ("body", "body, detail=full"),
    ("body", "body, detail=FULL"),
    ("body", "body, detail='f'"),
    ("body", "body, columnsize=1"),
    ("body", "body, columnsize='1'"),
    ("body", "body, tokenize='unicode61'"),
    ("body", "body, tokenize=unicode61"),
    ("body", "body, tokenize='unicode61 remove_diacritics 1'"),
    ("body", "body, tokenize='UNICODE61 Remove_Diacritics 1'"),
    ("body", "body, prefix=''"),
    ("body", "body, detail=full, columnsize=1, tokenize='unicode61'"),
    ("body, content='notes'", "body, content='notes', content_rowid='rowid'"),
    ("body, content='notes'", "body, content='notes', content_rowid=ROWID, detail=full"),
    ("body, tokenize='porter'", "body, tokenize='porter unicode61'"),
    ("body, tokenize='porter'", "body, tokenize='Porter Unicode61 remove_diacritics 1'"),
    (
        "body, tokenize=\"unicode61 tokenchars '-'\"",
        "body, tokenize=\"unicode61 remove_diacritics 1 tokenchars '-'\"",
    ),
    # stranger65 001: unicode61's default categories (in any order), trigram's default
    # case_sensitive, and arguments quoted or bare alike.
    ("body", "body, tokenize='unicode61 remove_diacritics 1 categories ''L* N* Co'''"),
    ("body", "body, tokenize='unicode61 categories ''N* Co L* Co'''"),
    ("body", "body, tokenize='unicode61 remove_diacritics 0 REMOVE_DIACRITICS 1'"),
    ("body, tokenize='trigram'", "body, tokenize='trigram case_sensitive 0'"),
    ("body, tokenize='trigram'", "body, tokenize=\"Trigram 'case_sensitive' '0'\""),
    (
        "body, tokenize='unicode61 remove_diacritics 2'",
        "body, tokenize=\"unicode61 'remove_diacritics' '2'\"",
    ),
    (
        "body, tokenize='unicode61 remove_diacritics 0'",
        "body, tokenize=\"unicode61 'remove_diacritics' '0'\"",
    ),
    ("body, tokenize='porter'", "body, tokenize='porter unicode61 categories ''L* N* Co'''"),
    # s66msg: the default categories spelled out member by member (LC, SQLite's "cased
    # letter", selects no character of its own: its characters are Lu or Ll), or a member
    # written beside its class's star.
    ("body", "body, tokenize='unicode61 categories ''Lu Ll Lt Lm Lo Nd Nl No Co'''"),
    ("body", "body, tokenize='unicode61 categories ''Co No Nl Nd Lo Lm Lt Ll Lu LC'''"),
    ("body", "body, tokenize='unicode61 categories ''L* Lu Nd Nl No Co'''"),
    (
        "body, tokenize='unicode61 categories ''L*'''",
        "body, tokenize='unicode61 categories ''Lu Ll Lt Lm Lo'''",
    ),
]
# (one, other): near misses, each parted by a query above.
_NEAR_MISSES = [
    ("body", "body, detail=column"),
    ("body", "body, detail=c"),
    ("body", "body, detail=none"),
    ("body", "body, columnsize=0"),
    ("body", "body, tokenize='porter'"),
    ("body", "body, tokenize='ascii'"),
    ("body", "body, tokenize='unicode61 remove_diacritics 0'"),
    ("body", "body, tokenize='unicode61 remove_diacritics 2'"),
    ("body, tokenize='porter'", "body, tokenize='porter ascii'"),
    ("body, tokenize='porter'", "body, tokenize='porter unicode61 remove_diacritics 2'"),
    # stranger65 001: categories other than the default, trigram matching case, a quoted
    # remove_diacritics value other than the default.
    ("body", "body, tokenize='unicode61 categories ''L*'''"),
    ("body", "body, tokenize='unicode61 categories ''L* N*'''"),
    ("body", "body, tokenize='unicode61 categories ''L* Co'''"),
    ("body, tokenize='trigram'", "body, tokenize='trigram case_sensitive 1'"),
    ("body, tokenize='trigram'", "body, tokenize='trigram ''case_sensitive'' ''1'''"),
    ("body", "body, tokenize=\"unicode61 'remove_diacritics' '0'\""),
    ("body", "body, tokenize=\"unicode61 'remove_diacritics' '2'\""),
    (
        "body, tokenize='unicode61 remove_diacritics 0'",
        "body, tokenize='unicode61 remove_diacritics 2'",
    ),
    # s66msg: the default categories spelled out with one member left out (Lo: a Hebrew letter
    # parts a word; Lt; Nd: a digit parts a word), or LC alone for the cased letters.
    ("body", "body, tokenize='unicode61 categories ''Lu Ll Lt Lm Nd Nl No Co'''"),
    ("body", "body, tokenize='unicode61 categories ''Lu Ll Lm Lo Nd Nl No Co'''"),
    ("body", "body, tokenize='unicode61 categories ''Lu Ll Lt Lm Lo Nl No Co'''"),
    ("body", "body, tokenize='unicode61 categories ''LC Lt Lm Lo N* Co'''"),
]


@pytest.mark.parametrize(("plain", "restated"), _DEFAULTS)
def test_fts5_options_restating_defaults_compare_alike(plain: str, restated: str) -> None:
    """An option that restates FTS5's default: real SQLite makes the same shadow tables and
    ``_config`` rows and answers every query alike, and the statements compare alike."""
    assert _answers(plain) == _answers(restated)
    assert _same(f"fts5({plain})", f"fts5({restated})")


@pytest.mark.parametrize(("one", "other"), _NEAR_MISSES)
def test_fts5_options_that_change_answers_stay_apart(one: str, other: str) -> None:
    """A near miss: real SQLite answers some query otherwise (or makes other shadow tables),
    and the statements stay apart."""
    assert _answers(one) != _answers(other)
    assert not _same(f"fts5({one})", f"fts5({other})")


def _prefix_store(prefix: str) -> tuple[object, ...]:
    """What real SQLite stores and answers for ``fts5(body, prefix=<prefix>)`` after four rows:
    its ``s_data`` block sizes (sorted: the prefix indexes FTS5 built, whatever their number)
    and its answers to five prefix queries."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute(f"CREATE VIRTUAL TABLE s USING fts5(body, prefix='{prefix}')")
    for text in ["knead dough", "knee deep", "known dog", "kite"]:
        db.execute("INSERT INTO s (body) VALUES (?)", (text,))
    blocks = sorted(len(b) for (b,) in db.execute("SELECT block FROM s_data"))
    queries = ["kn*", "kne*", "k*", "knea*", "do*"]
    answers = [db.execute("SELECT rowid FROM s WHERE s MATCH ?", (q,)).fetchall() for q in queries]
    return (blocks, answers)


@pytest.mark.parametrize("other", ["2 3", "3,2", " 3 , 02", "2 ,3"])
def test_fts5_prefix_lists_building_the_same_indexes_compare_alike(other: str) -> None:
    """FTS5 reads ``prefix`` as lengths apart by commas or spaces: one set of lengths in any
    order or spelling builds the same index blocks and answers alike (stranger64 008)."""
    assert _prefix_store("2,3") == _prefix_store(other)
    assert _same("fts5(body, prefix='2,3')", f"fts5(body, prefix='{other}')")


@pytest.mark.parametrize("other", ["2", "3", "2,2,3", "2,4"])
def test_fts5_prefix_lists_building_other_indexes_stay_apart(other: str) -> None:
    """A near miss: another set of lengths (or one twice) builds other index blocks (the
    answers are the same: a prefix index only speeds a query), and stays apart."""
    assert _prefix_store("2,3")[0] != _prefix_store(other)[0]
    assert not _same("fts5(body, prefix='2,3')", f"fts5(body, prefix='{other}')")


def _options_store(options: str) -> tuple[object, ...]:
    """What real SQLite stores for ``fts5(body, <options>)`` after four rows: its ``s_data``
    blocks as stored (not only their sizes), its ``s_config`` rows and shadow tables, and its
    answers to five prefix queries."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute(f"CREATE VIRTUAL TABLE s USING fts5(body, {options})")
    for text in ["knead dough", "knee deep", "known dog", "kite"]:
        db.execute("INSERT INTO s (body) VALUES (?)", (text,))
    blocks = db.execute("SELECT id, block FROM s_data ORDER BY id").fetchall()
    config = db.execute("SELECT * FROM s_config ORDER BY k").fetchall()
    tables = db.execute("SELECT name FROM sqlite_master WHERE name <> 's' ORDER BY 1").fetchall()
    queries = ["kn*", "kne*", "k*", "knea*", "do*"]
    answers = [db.execute("SELECT rowid FROM s WHERE s MATCH ?", (q,)).fetchall() for q in queries]
    return (blocks, config, tables, answers)


# (several prefix= options, one list of their lengths): FTS5 adds each option's lengths.
_SEVERAL_PREFIXES = [
    ("prefix='2', prefix='3'", "prefix='2 3'"),
    ("prefix=2, prefix='3 4'", "prefix='2,3,4'"),
    ("prefix='2', prefix='2'", "prefix='2,2'"),
]


@pytest.mark.parametrize(("several", "one"), _SEVERAL_PREFIXES)
def test_fts5_several_prefix_options_compare_as_one_list(several: str, one: str) -> None:
    """Several ``prefix=`` options: real SQLite stores the very ``s_data`` blocks, ``s_config``
    rows and shadow tables of one option listing their lengths in order, and answers alike;
    the statements compare alike, also with the lengths in another order."""
    assert _options_store(several) == _options_store(one)
    assert _same(f"fts5(body, {several})", f"fts5(body, {one})")


def test_fts5_prefix_options_in_another_order_compare_alike() -> None:
    """``prefix='3', prefix='2'`` builds the indexes of ``prefix='2 3'`` (numbered in another
    order, as '3 2' does: the same block sizes and answers), and compares alike."""
    store = _options_store("prefix='3', prefix='2'")
    blocks = sorted(len(b) for _, b in store[0])
    assert (blocks, store[3]) == _prefix_store("2 3")
    assert _same("fts5(body, prefix='3', prefix='2')", "fts5(body, prefix='2 3')")


# (several prefix= options, a list they do not make): other index blocks, kept apart.
_OTHER_PREFIXES = [
    ("prefix='2'", "prefix='2 3'"),
    ("prefix='2', prefix='2'", "prefix='2'"),
    ("prefix='2', prefix='3'", "prefix='2'"),
    ("prefix='2', prefix='3'", "prefix='2,3,4'"),
]


@pytest.mark.parametrize(("one", "other"), _OTHER_PREFIXES)
def test_fts5_prefix_options_of_other_lengths_stay_apart(one: str, other: str) -> None:
    """A near miss: the lengths of all ``prefix=`` options together are another list (one
    missing, or one twice), which builds other index blocks; the statements stay apart."""
    assert _options_store(one)[0] != _options_store(other)[0]
    assert not _same(f"fts5(body, {one})", f"fts5(body, {other})")


def test_fts5_prefix_spellings_sqlite_refuses_are_kept_as_written() -> None:
    """'2,,3' and ',2' are refused by FTS5 (malformed prefix), so no spelling is read into them."""
    db = sqlite3.connect(":memory:")
    for refused in ["2,,3", ",2"]:
        with pytest.raises(sqlite3.OperationalError, match="malformed prefix"):
            db.execute(f"CREATE VIRTUAL TABLE s USING fts5(body, prefix='{refused}')")
        assert not _same("fts5(body, prefix='2,3')", f"fts5(body, prefix='{refused}')")
