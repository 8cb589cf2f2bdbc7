"""What a difference says, on real databases: each side shown as its own source wrote it (or as
its database prints it), never in the other dialect's canonical spelling; witness values whole
when they can be pasted; wording that says what is the case (a new user's findings, 2026-12-01).

The cases are golden probe cases (``tests/fixtures/probes``), compared as ``twinschema diff``
does; each test names the cases whose messages it reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from probes import Loader, cases, compare_case, compare_texts

from twinschema.evaluate.shown_probes import probe_text
from twinschema.records import Difference

CASES = (
    "sl-pg.eval-dependent-partial-index-max-vs-greatest",
    "sl-pg.eval-dependent-check-max-vs-greatest",
    "sl-pg.eval-dependent-generated-max-vs-greatest",
    "sl-pg.eval-dependent-check-decimal-division",
    "sl-pg.enum-order-check-differs",
    "sl-pg.index-expression-cast",
    "sl-pg.eval-predicate-ge-vs-gt-near-miss",
    "sl-sl.partial-index-boolean-negated",
    "pg-pg.partial-index-boolean-negated",
    "sl-pg.eval-default-fraction-in-integer",
    "sl-pg.eval-default-overflows-varchar",
    "sl-pg.eval-current-time-in-text-both",
    "sl-pg.eval-check-ge-vs-gt",
    "pg-pg.eval-check-ge-vs-gt",
    "sl-sl.check-between-near-miss",
    "pg-pg.view-where-differs",
    "sl-sl.view-where-differs",
    "sl-sl.view-literal-whitespace-differs",
    "pg-pg.sequence-cache-differs",
    "sl-pg.eval-dependent-check-cast-text-real",
    "sl-pg.eval-dependent-check-cast-text-boolean",
    "sl-pg.eval-dependent-check-format-numeric",
    "sl-pg.eval-unscaled-check-not-equal",
    "sl-pg.eval-unscaled-unique",
    "sl-pg.eval-unscaled-partial-unique",
    "sl-pg.numeric-precision-only-vs-scale-two-near-miss",
)


@pytest.fixture(scope="module")
def found(loader: Loader) -> dict[str, list[Difference]]:
    """Each case's differences after evaluation, by case name."""
    chosen = [c for c in cases() if c.name in CASES]
    assert len(chosen) == len(CASES)
    return {c.name: compare_case(loader, c).differences for c in chosen}


def _diff(loader: Loader, dialects: tuple[str, str], a: str, b: str) -> list[Difference]:
    """The differences of two SQL texts, compared and evaluated as ``twinschema diff`` does."""
    return compare_texts(loader, dialects, a, b).differences


def _one(found: dict[str, list[Difference]], case: str) -> Difference:
    assert len(found[case]) == 1, [d.message for d in found[case]]
    return found[case][0]


def test_a_dependent_partial_index_shows_each_sides_own_spelling(
    found: dict[str, list[Difference]],
) -> None:
    """SQLite's max(a, b) stays max(a, b) (its canonical form is greatest(a, b)); the message
    says why the two part instead of calling them "spelled alike"."""
    d = _one(found, "sl-pg.eval-dependent-partial-index-max-vs-greatest")
    assert d.left == "UNIQUE (k) WHERE max(a, b) > 3"
    assert d.right is not None and "GREATEST(a, b) > 3" in d.right
    assert "greatest" not in d.left.lower()
    assert "spelled alike" not in d.message
    assert d.message.startswith(
        "the WHERE of index t_k on t translates one to one between the dialects (SQLite: "
        "UNIQUE (k) WHERE max(a, b) > 3; PostgreSQL: "
    )
    assert "SQLite's max(a, b) is NULL when an argument is NULL" in d.message
    assert "witness (a, b) = (NULL, " in d.message


@pytest.mark.parametrize(
    ("case", "left", "why"),
    [
        (
            "sl-pg.eval-dependent-check-max-vs-greatest",
            "CHECK (max(a, b) <= 10)",
            "SQLite's max(a, b) is NULL when an argument is NULL, PostgreSQL's greatest(a, b) "
            "ignores NULLs",
        ),
        (
            "sl-pg.eval-dependent-generated-max-vs-greatest",
            "GENERATED ALWAYS AS (max(a, b))",
            "SQLite's max(a, b) is NULL when an argument is NULL",
        ),
        # PostgreSQL prints x / (4)::numeric: its own cast is not why the two part.
        ("sl-pg.eval-dependent-check-decimal-division", "CHECK (x / 4 >= 0.5)", "division: "),
        (
            "sl-pg.enum-order-check-differs",
            "CHECK (s < 'b')",
            "s is an enum on PostgreSQL (< follows the declared order of its labels), text on "
            "SQLite (< follows text order)",
        ),
    ],
)
def test_a_dependent_pair_says_why_not_spelled_alike(
    found: dict[str, list[Difference]], case: str, left: str, why: str
) -> None:
    d = _one(found, case)
    assert d.left == left
    assert f"(SQLite: {left}; PostgreSQL: {d.right})" in d.message
    assert f"but means something else on each: {why}" in d.message
    assert "spelled alike" not in d.message
    assert "a cast to a number" not in d.message or "CAST" in left.upper()
    assert d.hint is not None and "ESCAPE" not in d.hint


def test_an_index_expression_is_shown_as_written_not_canonical(
    found: dict[str, list[Difference]],
) -> None:
    """CAST(p AS integer) on SQLite is canonically sqlite_cast_integer(p): never shown."""
    lefts = [d.left for d in found["sl-pg.index-expression-cast"] if d.left is not None]
    assert lefts == ["UNIQUE ((CAST(p AS integer)))"]
    assert not any("sqlite_" in d.message for d in found["sl-pg.index-expression-cast"])


@pytest.mark.parametrize(
    ("case", "message", "sides"),
    [
        (
            "sl-pg.eval-predicate-ge-vs-gt-near-miss",
            "index t_k on t differs in its WHERE: x >= 0 on SQLite, (x > 0) on PostgreSQL; "
            "witness (x) = (0): the row is in the partial index on SQLite, not on PostgreSQL",
            ("UNIQUE (k) WHERE x >= 0", "UNIQUE (k) WHERE (x > 0)"),
        ),
        # Canonically `active` and `NOT active` on both: each side as its source wrote it.
        (
            "sl-sl.partial-index-boolean-negated",
            "index t_k on t differs in its WHERE: active on a.sql, active = 0 on b.sql; "
            "witness (active) = (0): the row is in the partial index on b.sql, not on a.sql",
            ("UNIQUE (k) WHERE active", "UNIQUE (k) WHERE active = 0"),
        ),
        (
            "pg-pg.partial-index-boolean-negated",
            "index t_k on t differs in its WHERE: active on a.sql, (NOT active) on b.sql; "
            "witness (active) = (False): the row is in the partial index on b.sql, not on a.sql",
            ("UNIQUE (k) WHERE active", "UNIQUE (k) WHERE (NOT active)"),
        ),
    ],
)
def test_two_partial_indexes_parted_by_a_row_are_one_difference(
    found: dict[str, list[Difference]], case: str, message: str, sides: tuple[str, str]
) -> None:
    """Alike but for their WHERE, and parted by a witness row: one difference naming both
    predicates, not an index "only in" each file."""
    d = _one(found, case)
    assert d.kind == "index"
    assert d.message == message
    assert (d.left, d.right) == sides


@pytest.mark.parametrize(
    ("case", "said"),
    [
        (
            "sl-pg.eval-default-fraction-in-integer",
            "default of t.n, the same constant on both sides (SQLite: 2.5; PostgreSQL: 2.5), is "
            "stored differently (by evaluation: SQLite stores 2.5, PostgreSQL stores 3)",
        ),
        (
            "sl-pg.eval-default-overflows-varchar",
            "default of t.s, the same constant on both sides (SQLite: 'abcd'; PostgreSQL: "
            "'abcd'::character varying), does not fit the column on PostgreSQL",
        ),
        (  # a clock read is no constant (stranger45 049)
            "sl-pg.eval-current-time-in-text-both",
            "default of t.c, written alike on both sides (SQLite: CURRENT_TIME; PostgreSQL: "
            "CURRENT_TIME), is stored differently",
        ),
    ],
)
def test_a_default_alike_on_both_sides_shows_both(
    found: dict[str, list[Difference]], case: str, said: str
) -> None:
    messages = [d.message for d in found[case] if d.column in ("n", "s", "c")]
    assert len(messages) == 1 and messages[0].startswith(said), messages


_TABLE = {
    "sqlite": "CREATE TABLE t (s TEXT, CHECK (length(s) <= {n}));",
    "postgresql": "CREATE TABLE t (s text, CHECK (length(s) <= {n}));",
}


@pytest.mark.parametrize(
    "dialects", [("sqlite", "postgresql"), ("sqlite", "sqlite"), ("postgresql", "postgresql")]
)
@pytest.mark.parametrize(
    ("bounds", "shown"),
    [
        # 19 characters, once shown as '2026-...(19 chars)': whole, to be pasted.
        ((18, 19), "'" + "x" * 19 + "'"),
        ((59, 60), "'" + "x" * 60 + "'"),
        ((60, 61), "<'x' repeated 61 times>"),
    ],
)
def test_a_witness_string_is_whole_up_to_60_characters(
    loader: Loader, dialects: tuple[str, str], bounds: tuple[int, int], shown: str
) -> None:
    """length(s) <= n against <= n + 1: the witness is n + 1 characters long, shown whole up
    to 60, past that said to be shortened (never cut silently)."""
    a = _TABLE[dialects[0]].format(n=bounds[0])
    b = _TABLE[dialects[1]].format(n=bounds[1])
    found = _diff(loader, dialects, a, b)
    assert [d.kind for d in found] == ["check"]
    assert f"witness (s) = ({shown}): " in found[0].message, found[0].message


def test_probe_text_shows_what_it_shortens() -> None:
    """Quotes doubled as SQL writes them; a long string of a few runs is described run by run
    (the trailing space that parts two CHECKs shows: stranger33), another by its length, its
    first 40 characters and its last 10."""
    assert probe_text("it's") == "'it''s'"
    assert probe_text("2026-12-01 10:00:00") == "'2026-12-01 10:00:00'"
    assert probe_text("ab" * 30) == "'" + "ab" * 30 + "'"
    assert probe_text("x" * 60 + " ") == "<'x' repeated 60 times, then ' '>"
    long = "ab" * 40
    shown = f"<a 80-character string starting '{'ab' * 20}...' and ending '...{'ab' * 5}'>"
    assert probe_text(long) == shown
    assert probe_text(None) == "NULL" and probe_text(1.5) == "1.5"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "sl-pg.eval-check-ge-vs-gt",
            "CHECK on t differs: CHECK (x >= 0) on SQLite, CHECK ((x > 0)) on PostgreSQL; "
            "witness (x) = (0): SQLite accepts, PostgreSQL rejects",
        ),
        (
            "pg-pg.eval-check-ge-vs-gt",
            "CHECK on t differs: CHECK ((x >= 0)) on a.sql, CHECK ((x > 0)) on b.sql; "
            "witness (x) = (0): a.sql accepts, b.sql rejects",
        ),
        (
            "sl-sl.check-between-near-miss",
            "CHECK on t differs: CHECK (x BETWEEN 0 AND 10) on a.sql, CHECK (x > 0 AND "
            "x <= 10) on b.sql; witness (x) = (0): a.sql accepts, b.sql rejects",
        ),
    ],
)
def test_two_checks_parted_by_a_row_name_their_sides_as_the_witness_does(
    found: dict[str, list[Difference]], case: str, message: str
) -> None:
    """Not "on the left" in the first half and "SQLite" in the witness."""
    assert _one(found, case).message == message


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("pg-pg.view-where-differs", "view v differs: ... where id > 0 vs ... where id > 1"),
        ("sl-sl.view-where-differs", "view v differs: ... where id > 0 vs ... where id > 1"),
        # A string's own spaces are kept: 'a b' is not 'a  b'.
        (
            "sl-sl.view-literal-whitespace-differs",
            "view v differs: ... where name = 'a b' vs ... where name = 'a  b'",
        ),
        (
            "pg-pg.sequence-cache-differs",
            "sequence s differs: ... increment 1 cache 20 no cycle vs ... increment 1 cache 1 no "
            "cycle",
        ),
    ],
)
def test_an_object_difference_shows_where_the_definitions_part(
    found: dict[str, list[Difference]], case: str, message: str
) -> None:
    """Not two whole canonical definitions (case folded, every token spaced out): the words
    where they part; each side's whole text, as its database prints it, stays in left and
    right."""
    d = _one(found, case)
    assert d.message == message
    assert d.left is not None and d.right is not None and d.left != d.right


@pytest.mark.parametrize("kind", ["sql", "domain"])
def test_a_file_that_is_not_utf8_is_named_at_its_line(tmp_path: Path, kind: str) -> None:
    """By line, byte and offset (a SQL file said "byte 30", an offset, not the byte)."""
    from twinschema.domain_load import load_domain
    from twinschema.errors import UsageError
    from twinschema.sources.sqlfile.text import read_sql

    path = tmp_path / ("a.sql" if kind == "sql" else "domain.yaml")
    path.write_bytes(b"version: 1\n# caf\xe9\n")
    with pytest.raises(UsageError) as raised:
        read_sql(path) if kind == "sql" else load_domain(path)
    assert str(raised.value).startswith(f"{path}:2: not UTF-8 text (byte 0xe9 at offset 16)")


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("sl-pg.eval-dependent-check-cast-text-real", "a cast to text prints a number"),
        ("sl-pg.eval-dependent-check-cast-text-boolean", "a cast to text prints a number, boolean"),
        ("sl-pg.eval-dependent-check-format-numeric", "format() prints a number"),
    ],
)
def test_a_conversion_to_text_says_why_the_dialects_part(
    found: dict[str, list[Difference]], case: str, why: str
) -> None:
    """A conversion of a number or boolean to text names what it prints on each dialect (the
    reason was empty: "means something else on each: ; witness ...", new-user test round 6)."""
    d = _one(found, case)
    assert f"but means something else on each: {why}" in d.message, d.message
    assert "each: ;" not in d.message


@pytest.mark.parametrize(
    ("case", "witness"),
    [
        (
            "sl-pg.eval-unscaled-check-not-equal",
            "witness (x) = (0.30000000000000001): SQLite rejects",
        ),
        ("sl-pg.eval-unscaled-unique", "witness (x) = (0.50000000000000001) then (0.5)"),
        ("sl-pg.eval-unscaled-partial-unique", "witness (x) = (0.30000000000000001): the row is"),
    ],
)
def test_an_unscaled_numeric_says_sqlite_keeps_a_double(
    found: dict[str, list[Difference]], case: str, witness: str
) -> None:
    """A rule on an unscaled NUMERIC spelled alike says why it parts (SQLite stores a double,
    PostgreSQL every digit) and names a value past a double's precision (stranger 10); a pair
    parted by something else on such a column (format() above) does not say it."""
    d = _one(found, case)
    assert "x is an unscaled NUMERIC: SQLite stores a non-integer as a double" in d.message
    assert witness in d.message, d.message


def test_numeric_with_a_precision_only_has_scale_zero(found: dict[str, list[Difference]]) -> None:
    """SQLite's NUMERIC(5) is NUMERIC(5, 0), as PostgreSQL reads numeric(5): against
    numeric(5, 2) the scales are 0 and 2, never "none" (stranger 10)."""
    d = _one(found, "sl-pg.numeric-precision-only-vs-scale-two-near-miss")
    assert d.message.startswith("scale of t.x differs: 0 vs 2"), d.message


@pytest.mark.parametrize(
    ("a", "b", "hint"),
    [
        # Both sides evaluate it, to other values (stranger31): no "can evaluate" advice.
        (
            "CREATE TABLE t (id TEXT PRIMARY KEY, s TEXT DEFAULT (substr('abc', -2)));",
            "CREATE TABLE t (id text PRIMARY KEY, s text DEFAULT substr('abc', -2));",
            "give t.s defaults that give the same value on both sides",
        ),
        # An insert that omits s fails on one side: a default it can evaluate.
        (
            "CREATE TABLE t (id TEXT PRIMARY KEY, s INTEGER DEFAULT (abs(-9223372036854775807 - 1)));",
            "CREATE TABLE t (id text PRIMARY KEY, s bigint DEFAULT 0);",
            "give t.s a default that each side can evaluate, or none",
        ),
    ],
)
def test_a_default_hint_says_what_to_make_of_it(loader: Loader, a: str, b: str, hint: str) -> None:
    """A default the evaluation tells apart asks for defaults that give one value; one that
    fails an insert, for a default each side can evaluate."""
    found = [d for d in _diff(loader, ("sqlite", "postgresql"), a, b) if d.column == "s"]
    assert any(d.kind == "column_default" and hint in d.hint for d in found), [
        (d.kind, d.hint) for d in found
    ]


_FTS5 = "CREATE VIRTUAL TABLE s USING fts5({})"


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        (  # stranger65 001: the option that differs, not both whole tokenize values
            "body, prefix='2 3', tokenize='unicode61 remove_diacritics 0 tokenchars ''-'''",
            "body, prefix='2 3', tokenize='unicode61 remove_diacritics 2 tokenchars ''-'''",
            "tokenize remove_diacritics is 0 in a.sql, 2 in b.sql",
        ),
        (  # a default left unsaid is named with its value
            "body",
            "body, tokenize='unicode61 remove_diacritics 2'",
            "tokenize remove_diacritics is 1 in a.sql, 2 in b.sql",
        ),
        (  # two settings apart: each named
            "body, tokenize=\"unicode61 categories 'L*'\"",
            "body, tokenize='porter unicode61 remove_diacritics 0'",
            "tokenize is unicode61 in a.sql, porter unicode61 in b.sql; tokenize categories is "
            "L* in a.sql, 'Co L* N*' in b.sql; tokenize remove_diacritics is 1 in a.sql, 0 in b.sql",
        ),
        (
            "body, tokenize='trigram'",
            "body, tokenize='trigram case_sensitive 1'",
            "tokenize case_sensitive is 0 in a.sql, 1 in b.sql",
        ),
        (  # not the tokenizer: an option and the columns are named as parts too
            "body, detail=column",
            "body, title",
            "columns is body in a.sql, body, title in b.sql; detail is column in a.sql, full (the "
            "default) in b.sql",
        ),
        (  # stranger68 013: an explicit default is named as the default, not "not set"
            "body, detail=column",
            "body, detail=full",
            "detail is column in a.sql, full (the default) in b.sql",
        ),
        (
            "body, columnsize=0",
            "body, columnsize='1'",
            "columnsize is 0 in a.sql, 1 (the default) in b.sql",
        ),
        (  # stranger68 013: an empty value is shown as '', not as nothing
            "body, content=''",
            "body",
            "content is '' in a.sql, not set in b.sql",
        ),
    ],
)
def test_an_fts5_difference_names_the_setting_that_differs(
    loader: Loader, a: str, b: str, said: str
) -> None:
    """An FTS5 table's message names the setting two definitions differ in and each side's
    value, read by real SQLite from each side's statement (stranger65 001: it showed the two
    whole ``tokenize=`` values); the whole statements stay in ``left`` and ``right``."""
    (d,) = _diff(loader, ("sqlite", "sqlite"), _FTS5.format(a), _FTS5.format(b))
    assert d.kind == "virtual_table"
    assert d.message == f"virtual_table s differs: {said}"
    assert (d.left, d.right) == (_FTS5.format(a), _FTS5.format(b))


@pytest.mark.parametrize(
    "dialects", [("sqlite", "postgresql"), ("postgresql", "postgresql"), ("sqlite", "sqlite")]
)
@pytest.mark.parametrize(
    ("right", "said"),
    [
        ("numeric(5, 2)", "precision and scale of t.x differ: 4 vs 5 and 1 vs 2"),
        ("numeric(5, 1)", "precision of t.x differs: 4 vs 5"),  # near miss: the scale is 1
        ("numeric(4, 2)", "scale of t.x differs: 1 vs 2"),  # near miss: the precision is 4
    ],
)
def test_a_numeric_names_precision_and_scale_where_both_changed(
    loader: Loader, dialects: tuple[str, str], right: str, said: str
) -> None:
    """numeric(4,1) made numeric(5,2) said only "precision ... differs: 4 vs 5", though the
    scale changed too (stranger80 005): both are named where both differ, one where one does."""
    a = "CREATE TABLE t (id integer PRIMARY KEY, x numeric(4, 1));"
    b = f"CREATE TABLE t (id integer PRIMARY KEY, x {right});"
    found = [d for d in _diff(loader, dialects, a, b) if d.column == "x"]
    assert [d.kind for d in found] == ["column_type"], [d.message for d in found]
    assert found[0].message.startswith(said), found[0].message
