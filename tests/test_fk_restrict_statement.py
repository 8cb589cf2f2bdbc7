"""ON UPDATE RESTRICT against NO ACTION names the statement that parts them (stranger55 003).

RESTRICT refuses to move a referenced key, NO ACTION only if no row holds the old key at the
end of the statement: over parent keys 1 and 2 and a child referencing 1, ``UPDATE p SET id =
CASE id WHEN 1 THEN 3 ELSE 1 END`` fails on the RESTRICT side and runs on the NO ACTION side,
on SQLite and on PostgreSQL (the golden cases run it on both real databases:
``test_probes_fk_actions``).
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected, compare_texts

STATEMENT = "UPDATE p SET id = CASE id WHEN 1 THEN 3 ELSE 1 END over the keys 1 and 2"


@pytest.mark.parametrize(
    ("name", "fails", "runs"),
    [
        ("sl-pg.fk-on-update-restrict-against-no-action", "a.sql", "b.sql"),
        ("sl-pg.fk-on-update-no-action-against-restrict", "b.sql", "a.sql"),
        ("pg-pg.fk-on-update-restrict-against-no-action", "a.sql", "b.sql"),
    ],
)
def test_restrict_against_no_action_names_a_statement(
    loader: Loader, name: str, fails: str, runs: str
) -> None:
    found = compare_expected(loader, name)
    (key,) = found.differences
    assert STATEMENT in key.message, key.message
    assert f"fails in {fails} and succeeds in {runs}" in key.message, key.message


def test_a_text_key_is_named_with_text_keys(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.fk-on-update-restrict-against-no-action-text-key")
    (key,) = found.differences
    assert (
        "UPDATE p SET code = CASE code WHEN 'a' THEN 'c' ELSE 'a' END over the keys 'a' and 'b'"
        in key.message
    ), key.message


def test_restrict_on_both_sides_is_no_difference(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.fk-on-update-restrict-against-restrict-near-miss")
    assert not found.differences


@pytest.mark.parametrize("check", ["id BETWEEN 1 AND 2", "id IN (1, 2, 3)"])
def test_a_parent_with_a_check_gets_the_statement_in_words(loader: Loader, check: str) -> None:
    """The sample keys 1, 2, 3 ignore the parent's CHECKs, which may refuse them, and then the
    statement failed alike on both sides (stranger56 072, 033): it is said in words there."""
    parent = f"CREATE TABLE p (id integer PRIMARY KEY CHECK ({check}));\n"
    child = "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id) ON UPDATE {});"
    found = compare_texts(
        loader,
        ("postgresql", "postgresql"),
        parent + child.format("RESTRICT"),
        parent + child.format("NO ACTION"),
    )
    (key,) = found.differences
    assert "CASE id" not in key.message, key.message
    assert "an UPDATE of p that moves a key referenced by a row of c" in key.message, key.message


@pytest.mark.parametrize("actions", [("RESTRICT", "NO ACTION"), ("NO ACTION", "RESTRICT")])
def test_a_parent_kept_to_one_key_is_no_difference(
    loader: Loader, actions: tuple[str, str]
) -> None:
    """stranger56 033: where the parent's CHECK allows one key only, no statement moves a
    referenced key (SET id = 1 runs on both, any other key fails the CHECK on both): an
    equivalence, either way round. The golden cases ``*fk-on-update-*-one-key-*`` run a
    statement on both real databases, and their near misses (three keys; SQLite's nullable
    INT PRIMARY KEY, whose NULL row takes the key over) stay differences."""
    parent = "CREATE TABLE p (id integer PRIMARY KEY CHECK (id = 1));\n"
    child = "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id) ON UPDATE {});"
    found = compare_texts(
        loader,
        ("postgresql", "postgresql"),
        parent + child.format(actions[0]),
        parent + child.format(actions[1]),
    )
    assert not found.differences, found.differences
    assert any(e.rule.startswith("ON UPDATE RESTRICT and NO ACTION") for e in found.equivalences)
