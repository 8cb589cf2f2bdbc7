"""An object made by hand on a live database before its revision (found by a new user,
2026-12-02, stranger23 item 8), on both dialects.

The index is created on the live database, then added to both metadata modules and written as
revision 0002 of each chain. Migrating that database fails (``relation ... already exists``,
``index ... already exists``) and is rolled back: the failure says it may have been made by hand
and what to do (drop it, or stamp). ``check`` then no longer hints to run the migration that
fails: it names the object to drop first. The near miss: the other database, behind its chain
without such an object, keeps the plain hint; another failure keeps the database's message.
Run in a scratch copy of the project, with its own chains, on real databases.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import check_afresh, invoke_afresh
from support.testing import execute
from test_migrate_safety import (
    HEADS,
    at_heads,
    migrate_afresh,
    write_revision,
)

MODULE = {"sqlite": "schemas/sqlite.py", "postgresql": "schemas/postgres.py"}
SIDE = {"sqlite": "local", "postgresql": "remote"}
INDEX = "ix_profiles_joined_at"
BY_HAND = f"CREATE INDEX {INDEX} ON profiles (joined_at)"
ANCHOR = "    sa.Index(None, p.wallet_address),\n"


def add_the_index(project: Path) -> None:
    """Both modules gain the index, revision 0002 of each chain creates it, domain.yaml moves
    to version 2 with them."""
    for dialect, module in MODULE.items():
        write_revision(project, dialect, f'op.create_index("{INDEX}", "profiles", ["joined_at"])')
        path = project / module
        text = path.read_text()
        assert text.count(ANCHOR) == 1
        path.write_text(text.replace(ANCHOR, f'{ANCHOR}    sa.Index("{INDEX}", p.joined_at),\n'))
    domain = project / "domain.yaml"
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))


def states(report: dict[str, Any]) -> dict[str, str]:
    """The hint of each ``migration_state`` difference, by the database's dialect."""
    found = {}
    for d in report["differences"]:
        if d["kind"] == "migration_state":
            found["sqlite" if d["left_source"].startswith("sqlite") else "postgresql"] = d["hint"]
    return found


def test_an_index_made_by_hand_before_its_revision_is_named_when_migrating_fails(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], BY_HAND)
    add_the_index(project)

    # Both databases are behind; the one holding the index made by hand is told to drop it
    # first, the other (the near miss) to migrate.
    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1, report
    hints = states(report)
    assert set(hints) == {"sqlite", "postgresql"}, report["differences"]
    assert hints[other].startswith(f"run `twinschema migrate {SIDE[other]} --"), hints[other]
    mine = hints[dialect]
    assert f"index {INDEX} on profiles already there" in mine, mine
    assert f"drop it first (`DROP INDEX {INDEX}`), then migrate with " in mine, mine
    # The one revision to stamp is the pending one that makes it, as migrate's failure says.
    assert f"`twinschema stamp {SIDE[dialect]} 0002_test_{dialect} --" in mine, mine
    assert not mine.startswith("run "), mine
    # The near miss's live lines: nothing fails on it, migrating it may fix them (recheck88:
    # only a database a pending revision fails on is told "once that is done").
    theirs = [d["hint"] for d in report["differences"] if d["left_source"] == MODULE[other]]
    assert theirs, report["differences"]
    assert all("migrating it may fix this" in h for h in theirs), theirs
    assert not any("once that is done" in h for h in theirs), theirs

    # Migrating it fails, rolled back, and says why and what to do.
    failed = migrate_afresh(project, dialect, urls[dialect])
    assert failed.exit_code == 3, failed.output
    assert INDEX in failed.output and "already exists" in failed.output, failed.output
    assert "made by hand on this database before its revision? drop it" in failed.output
    assert f"`twinschema stamp {SIDE[dialect]} 0002_test_{dialect}`" in failed.output
    assert migrate_afresh(project, other, urls[other]).exit_code == 0

    # Done as the hint says, the migration passes and the databases are at head.
    execute(urls[dialect], f"DROP INDEX {INDEX}")
    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 0
    _, report = check_afresh(project, urls, "live", "migrations")
    assert states(report) == {}, report["differences"]


@pytest.mark.parametrize(
    ("statements", "hinted"),
    [
        (["CREATE TABLE t (a integer)", "CREATE INDEX ix_t ON t (a)", "CREATE INDEX ix_t ON t (a)"],
         True),
        (["CREATE TABLE t (a integer)", "CREATE TABLE t (a integer)"], True),
        (["CREATE TABLE t (a integer)", "ALTER TABLE t ADD COLUMN a integer"], True),
        # Near misses: a missing table, a value refused.
        (["SELECT * FROM no_such_table"], False),
        (["CREATE TABLE t (a integer NOT NULL)", "INSERT INTO t VALUES (NULL)"], False),
    ],
)  # fmt: skip
def test_only_an_existing_object_is_hinted_as_made_by_hand(
    db_url: str, statements: list[str], hinted: bool
) -> None:
    """A revision failing on an object the database already has says it may have been made by
    hand (PostgreSQL's SQLSTATE 42P07, 42701; SQLite's messages); another failure keeps the
    database's message alone."""
    from twinschema.migrations.migrate_lint import cause_of

    with pytest.raises(sa.exc.DBAPIError) as failed:
        execute(db_url, *statements)
    said = cause_of(failed.value, "twinschema stamp remote 0002")
    assert ("made by hand on this database" in said) is hinted, said
    assert ("`twinschema stamp remote 0002`" in said) is hinted, said


def test_a_constraint_made_by_hand_is_hinted_on_postgresql(pg_url: str) -> None:
    """PostgreSQL's duplicate_object (42710): a named constraint the table already has."""
    from twinschema.migrations.migrate_lint import cause_of

    add = "ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0)"
    with pytest.raises(sa.exc.DBAPIError) as failed:
        execute(pg_url, "CREATE TABLE t (a integer)", add, add)
    assert getattr(failed.value.orig, "sqlstate", None) == "42710"
    assert "made by hand on this database" in cause_of(failed.value, "twinschema stamp remote r")


def test_a_database_at_base_holding_all_its_chain_makes_is_told_to_stamp(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """Adopted without ``--stamp`` (stranger32 case 073): each database holds every table of the
    chain's baseline but no version table, so it is at base. Migrating fails on the first
    table (already exists): the hint is to stamp it at the revision whose objects it holds, not
    to migrate; done as it says, the check has no migration_state left. The other database (at
    its head) is the near miss."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], "DROP TABLE alembic_version")

    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1, report
    hints = states(report)
    assert set(hints) == {dialect}, report["differences"]
    mine = hints[dialect]
    tables = "table badges, table communities, table manifests, table profiles, table shadow_states"
    assert mine.startswith(f"it already holds all that the pending revisions make ({tables})"), mine
    assert f"`twinschema stamp {SIDE[dialect]} {HEADS[dialect]} --" in mine, mine
    assert f"migrate {SIDE[dialect]}" not in mine.split(";")[0], mine
    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 3

    stamp = mine.split("`")[1]
    assert stamp.startswith("twinschema stamp ")
    done = invoke_afresh(stamp.split()[1:], project, dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr
    _, report = check_afresh(project, urls, "live", "migrations")
    assert states(report) == {}, report["differences"]
    assert other not in hints


def test_a_database_at_base_holding_part_of_its_chain_is_told_to_drop_it_first(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The near miss of case 073: at base with one table of the baseline made by hand, the
    rest missing. Stamping would record tables that are not there: the hint names the table to
    drop first, then migrate."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], "DROP TABLE alembic_version")
    for table in ("badges", "shadow_states", "profiles", "manifests"):
        execute(urls[dialect], f"DROP TABLE {table}")
    code, report = check_afresh(project, urls, "migrations")
    assert code == 1, report
    mine = states(report)[dialect]
    assert mine.startswith(
        "migrating fails where a pending revision creates what was made by hand (table "
        "communities already there): drop it first"
    ), mine


def test_a_database_from_before_adoption_is_told_to_stamp_the_baseline_not_the_head(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger61 007: a device file copied before adoption (the baseline's schema, no
    alembic_version), checked after a later revision (0002, an index). The hint offered to
    stamp the head, which skips 0002 (the index would never be made); it now offers the
    baseline, as ``migrate``'s failure does, and following it then migrating ends at head in
    sync. Near miss: a database holding all the pending revisions make is still told to stamp
    the head (``test_a_database_at_base_holding_all_its_chain_makes_is_told_to_stamp``)."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], "DROP TABLE alembic_version")
    add_the_index(project)
    code, report = check_afresh(project, urls, "migrations")
    assert code == 1, report
    mine = states(report)[dialect]
    stamp = f"twinschema stamp {SIDE[dialect]} {HEADS[dialect]}"
    assert f"is exactly what revision {HEADS[dialect]}, the next one, makes" in mine, mine
    assert f"`{stamp} --" in mine and " head" not in mine, mine
    failed = migrate_afresh(project, dialect, urls[dialect])
    assert failed.exit_code == 3 and f"`twinschema stamp {SIDE[dialect]} {HEADS[dialect]}`" in (
        failed.output
    ), failed.output

    done = invoke_afresh(mine.split("`")[-2].split()[1:], project, dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr
    for side in urls:  # the other database, at the old head, migrates as it always did
        assert migrate_afresh(project, side, urls[side]).exit_code == 0
    _, report = check_afresh(project, urls, "live", "migrations")
    assert states(report) == {}, report["differences"]
    assert not [d for d in report["differences"] if d["layer"] == "live"], report["differences"]


def test_an_object_a_later_revision_makes_is_not_stamped_as_the_next_ones(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger82 008: the index is made by hand while two revisions are pending, 0002 making
    another index and 0003 making this one. The hint offered to stamp 0002 (the next one),
    which does not make it: following it skipped 0002's index and migrating still failed. It
    now names 0003, after migrating to 0002; following it ends at head in sync, 0002's index
    made. Near miss: made ahead of the next revision, that one is still the one to stamp
    (``test_an_index_made_by_hand_before_its_revision_is_named_when_migrating_fails``)."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], BY_HAND)
    other_index = "ix_profiles_last_seen_at"
    for side, module in MODULE.items():
        second = write_revision(
            project, side, f'op.create_index("{other_index}", "profiles", ["last_seen_at"])'
        )
        write_revision(
            project,
            side,
            f'op.create_index("{INDEX}", "profiles", ["joined_at"])',
            revision=f"0003_test_{side}",
            down=second,
        )
        path = project / module
        text = path.read_text()
        path.write_text(
            text.replace(
                ANCHOR,
                f'{ANCHOR}    sa.Index("{INDEX}", p.joined_at),\n'
                f'    sa.Index("{other_index}", p.last_seen_at),\n',
            )
        )
    domain = project / "domain.yaml"
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))

    code, report = check_afresh(project, urls, "migrations")
    assert code == 1, report
    mine = states(report)[dialect]
    assert f"stamp {SIDE[dialect]} 0002_test_{dialect}" not in mine, mine
    assert f"is exactly what revision 0003_test_{dialect}, a later one than the next" in mine
    assert f"`twinschema migrate {SIDE[dialect]} --to 0002_test_{dialect}" in mine, mine
    assert f"`twinschema stamp {SIDE[dialect]} 0003_test_{dialect}" in mine, mine

    commands = [part for part in mine.split("`")[1::2] if part.startswith("twinschema ")]
    for command in commands[-2:]:  # migrate --to the one before, stamp the one that makes it
        done = invoke_afresh(command.split()[1:], project, dict(os.environ))
        assert done.returncode == 0, command + done.stdout + done.stderr
    for side in urls:
        assert migrate_afresh(project, side, urls[side]).exit_code == 0
    engine = sa.create_engine(urls[dialect])
    try:
        assert other_index in {i["name"] for i in sa.inspect(engine).get_indexes("profiles")}
    finally:
        engine.dispose()
    _, report = check_afresh(project, urls, "live", "migrations")
    assert states(report) == {}, report["differences"]
    assert not [d for d in report["differences"] if d["layer"] == "live"], report["differences"]


def test_a_database_holding_by_name_what_its_chain_makes_but_otherwise_is_not_told_to_stamp(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger86 004: the hint said "it already holds all that the pending revisions make
    ... record them as applied" where a column was there by name only, made by hand as
    ``varchar(20) NOT NULL DEFAULT ''`` where the revision makes ``text`` NULL: stamping
    records a result that is not there. Decided on equality now: it says which column is
    otherwise and to alter it first. Near miss: held exactly as the chain makes it, the stamp
    hint stays (``test_a_database_at_base_holding_all_its_chain_makes_is_told_to_stamp``).
    The live lines name the migration_state hint rather than splicing it in."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    execute(
        urls[dialect],
        "DROP TABLE alembic_version",
        "ALTER TABLE communities DROP COLUMN theme_id",
        "ALTER TABLE communities ADD COLUMN theme_id varchar(20) NOT NULL DEFAULT ''",
    )
    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1, report
    mine = states(report)[dialect]
    assert not mine.startswith("it already holds all"), mine
    assert mine.startswith("it holds by name all that the pending revisions make (table "), mine
    assert "column communities.theme_id is " in mine, mine
    assert "NOT NULL DEFAULT '' there, " in mine.replace("''::character varying", "''"), mine
    made = " NULL DEFAULT 'basic' as the pending revisions make it"
    assert made in mine.replace("'basic'::text", "'basic'"), mine
    assert "alter it to what they make, then record them as applied with `twinschema stamp" in mine
    live = [
        d["hint"]
        for d in report["differences"]
        if d["layer"] == "live" and d["left_source"] == MODULE[dialect]
    ]
    assert live and all(h.startswith(f"make {MODULE[dialect]} and the ") for h in live), live
    said = "(a pending revision fails on it as it is: its migration_state says what to do first)"
    assert all(said in h and "holds by name" not in h for h in live), live
    # ... and the clause after it agrees: migrating comes after that (recheck88).
    then = "(the database is behind its chain: migrating it, once that is done, may fix this)"
    assert all(h.endswith(f"{said} agree {then}") for h in live), live


@pytest.mark.parametrize(
    ("by_hand", "otherwise"),
    [
        ("setter varchar(20) NOT NULL DEFAULT ''", True),
        ("setter text", False),  # near miss: exactly as the revision makes it
    ],
)
def test_a_column_made_by_hand_is_told_apart_from_what_its_revision_makes(
    dialect: str, sqlite_url: str, pg_url: str, by_hand: str, otherwise: bool
) -> None:
    """stranger86 004 at the column (``made_otherwise``): route.setter as revision 0005
    makes it (``text`` NULL, read from a real database) against the column made by hand
    there, read from the same database: ``varchar(20) NOT NULL DEFAULT ''`` is named, with
    both forms; ``setter text`` is not, so the stamp hint stays."""
    from twinschema.dialects import ReflectOptions
    from twinschema.layers.made_ahead import made_otherwise
    from twinschema.sources import make_canonical, reflect_url

    url = {"sqlite": sqlite_url, "postgresql": pg_url}[dialect]
    execute(url, "CREATE TABLE route (id integer PRIMARY KEY, setter text)")
    built = make_canonical(reflect_url(url, ReflectOptions()), None)
    execute(url, "DROP TABLE route", f"CREATE TABLE route (id integer PRIMARY KEY, {by_hand})")
    live = make_canonical(reflect_url(url, ReflectOptions()), None)
    found = made_otherwise(live, built, ["column route.setter"])
    if not otherwise:
        assert found == [], found
        return
    (said,) = found
    assert said.startswith("column route.setter is "), said
    assert " NOT NULL DEFAULT '" in said, said
    assert said.endswith(" there, text NULL as the pending revisions make it"), said
