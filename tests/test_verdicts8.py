"""Messages of the verdicts found by stranger60 (round 8 of verdict fixes): each difference
says the reason its witness shows. The verdicts themselves (and their witnesses on real
databases) are the golden cases these tests read; here, what the messages say.
"""

from __future__ import annotations

from probes import Loader, case_named, compare_case


def _message(loader: Loader, name: str, kind: str) -> str:
    """The one difference of ``kind`` the golden case ``name`` reports."""
    (found,) = [d for d in compare_case(loader, case_named(name)).differences if d.kind == kind]
    return found.message


def test_a_unique_day_of_a_timestamptz_names_the_null_read(loader: Loader) -> None:
    """UNIQUE (user_id, date(placed_at)) against PostgreSQL's day of a timestamptz (stranger60
    013): the witness holds PostgreSQL's short-offset text of a moment, and the message says
    SQLite's date() reads it as NULL (two NULL keys are no duplicate)."""
    said = _message(loader, "sl-pg.unique-index-date-of-timestamptz-pg-offset-spelling", "index")
    assert "08:00:00+00'" in said, said
    assert "SQLite stores both rows, PostgreSQL rejects the second" in said, said
    assert "read '2024-01-01 08:00:00+00', PostgreSQL's own text of a timestamptz, as NULL" in said


def test_a_check_through_date_on_a_timestamptz_names_the_null_read(loader: Loader) -> None:
    """CHECK (date(placed_at) >= '2020-01-01') against PostgreSQL's on a timestamptz: the
    witness is the day before in PostgreSQL's short-offset text, which SQLite's CHECK passes
    unjudged."""
    said = _message(loader, "sl-pg.check-date-of-timestamptz-pg-offset-spelling", "check")
    assert "('2019-12-31 12:00:00+00'): SQLite accepts, PostgreSQL rejects" in said, said
    assert "as NULL, so its CHECK passes it unjudged" in said, said


def test_two_lengths_under_one_check_name_the_cut_space(loader: Loader) -> None:
    """varchar(100) against varchar(150), each with CHECK (length(x) BETWEEN 1 AND 100)
    (stranger60 003): not "rejects values longer than 100 that the other accepts" (the other's
    CHECK refuses them too), but the text whose excess is a space, stored cut by varchar(100)."""
    name = "pg-pg.varchar-lengths-kept-by-one-length-check-cut-spaces"
    said = _message(loader, name, "column_type")
    assert "rejects values longer" not in said, said
    assert "each keeps at most 100 characters" in said, said
    assert "cut to 100 characters ('x' * 100 + ' ')" in said, said


def test_a_lower_key_witness_shows_lower_not_the_varchar_cut(loader: Loader) -> None:
    """UNIQUE (lower(name)) on varchar(40) (stranger60 019): the message gives SQLite's ASCII-only
    lower() as the reason, so the witness is a pair lower() parts ('É' then 'é'), not a text
    past the declared length, which shows PostgreSQL cutting its space."""
    said = _message(loader, "sl-pg.unique-index-lower-varchar-witness-of-its-reason", "index")
    assert "SQLite's lower() changes ASCII letters only" in said, said
    assert "witness (name) = ('É') then ('é')" in said, said
    assert "x" * 40 not in said, said
