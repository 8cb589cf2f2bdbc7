"""stranger81 007: a trigger found on one side only is declared by ``init`` for both dialects with
its ``dialects:`` line commented out under it, so ``check`` reports it missing on the other side
until someone decides. Its hint named hand edits, stamps, missing revisions and "remove its
declaration" (which leaves the trigger uncompared), never the one-line fix ``init`` wrote: the
hint of each comparison that reports it now names that line first (file:line), and the fix
points at it. Near misses keep today's hint: the same declaration without the comment (written
by hand), and a comment whose ``dialects:`` names the side that lacks it too. Checked on a real
SQLite file and a real PostgreSQL database, each way round."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from support import testing
from support.stored import stored_on_each
from test_init_project import adopt, check
from test_init_triggers import POSTGRES, SQLITE

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.domain_load import parse_domain
from twinschema.records.hint_ways import HintWays, Uncomment
from twinschema.urls import parse_url

# The device-only trigger (SQLite refuses a loan of a retired packet): test_init_triggers'.
DEVICE_ONLY = (SQLITE, POSTGRES)
# The same rule on the server only: a PostgreSQL function trigger, no SQLite twin.
SERVER_ONLY = (
    (SQLITE[0], SQLITE[1], SQLITE[3]),
    (
        *POSTGRES,
        "CREATE FUNCTION no_retired() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN IF (SELECT "
        "retired FROM packet WHERE id = NEW.packet_id) THEN RAISE EXCEPTION 'retired packet'; "
        "END IF; RETURN NEW; END$$",
        "CREATE TRIGGER loan_no_retired BEFORE INSERT ON loan FOR EACH ROW "
        "EXECUTE FUNCTION no_retired()",
    ),
)
# Per side found: the databases' SQL, the commented line init writes, the side that lacks it.
CASES = {
    "sqlite": (DEVICE_ONLY, "    # dialects: [sqlite]  #", "the PostgreSQL database", "postgres"),
    "postgresql": (SERVER_ONLY, "    # dialects: [postgresql]  #", "the SQLite database", "sqlite"),
}


def _stores_a_loan_of_a_retired_packet(db: Path, pg_url: str) -> tuple[bool, bool]:
    """Whether each real database stores a loan of a retired packet (both rolled back)."""
    return stored_on_each(
        db,
        pg_url,
        "INSERT INTO loan (id, packet_id) VALUES (1, 1)",
        before=[("INSERT INTO packet (id, retired) VALUES (1, ?)", (True,))],
        refusals=(psycopg.errors.RaiseException,),  # the server's trigger raises
    ).accepted


def _about_it(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = [d for d in report["differences"] if d["name"] == "loan_no_retired"]
    assert found and len(found) == len(report["differences"]), report["differences"]
    return found


def _notes(report: dict[str, Any]) -> list[str]:
    return [n["kind"] for layer in report["layers"] for n in layer.get("notes") or ()]


@pytest.mark.parametrize("found_on", sorted(CASES))
def test_a_one_sided_trigger_init_declared_is_hinted_at_its_commented_line(
    tmp_path: Path, pg_url: str, found_on: str
) -> None:
    """Each comparison that reports the trigger missing (the module and its database, the two
    databases, the chain's head) hints the commented line first, then adding it to the side
    that lacks it, and nothing of hand edits, stamps or removing the declaration; its fix is
    that line. Near misses, today's hint (the declaration named, the fix in a module): the
    comment deleted (a declaration written by hand), the comment naming both dialects."""
    (sqlite_sql, pg_sql), comment, lacking, module = CASES[found_on]
    db = tmp_path / "dev.db"
    project = tmp_path / "app"
    shell = adopt(project, testing.sqlite_url(db), pg_url, sqlite_sql, pg_sql)
    # The difference is real: one database stores the loan, the other refuses it.
    assert _stores_a_loan_of_a_retired_packet(db, pg_url) == (
        found_on == "postgresql",
        found_on == "sqlite",
    )
    domain = project / "domain.yaml"
    text = domain.read_text("utf-8")
    lines = text.splitlines()
    line = 1 + next(n for n, s in enumerate(lines) if s.startswith(comment))
    code, report = check(shell)
    found = _about_it(report)
    assert code == 1
    assert {d["layer"] for d in found} == {"live", "migrations"}
    assert len(found) == 3, found  # module<>database, database<>database, chain<>module
    for d in found:
        hint = d["hint"]
        assert hint.startswith(
            f"uncomment `dialects: [{found_on}]` at domain.yaml:{line} to declare trigger "
            f"loan_no_retired {found_on}-only, or add it to "
        ), hint
        assert hint.endswith(lacking) or hint.endswith(f"a revision in migrations_{module}"), hint
        for said in ("remove its declaration", "stamp", "by hand", "differs from that module"):
            assert said not in hint, hint
        assert d["fix"] == {"side": None, "file": "domain.yaml", "line": line}, d
    # Nor is its comparison with its module given the at-head note (hand edits, stamps).
    assert _notes(report) == [], _notes(report)
    # The chain is said to miss what domain.yaml declares, not what a module holds (no module
    # holds a trigger: stranger83 009).
    declared = 1 + lines.index("  loan_no_retired:")
    (chain,) = [d["message"] for d in found if d["layer"] == "migrations"]
    assert chain.startswith(
        "upgrading an empty database to head does not give what domain.yaml declares at "
        f"domain.yaml:{declared} (triggers: loan_no_retired): trigger: "
    ), chain
    assert "schemas/" not in chain, chain

    # Near miss: written by hand, no comment: the declaration's line and a module, as before.
    domain.write_text("\n".join(s for s in lines if not s.startswith(comment)) + "\n", "utf-8")
    code, report = check(shell)
    assert code == 1
    found = _about_it(report)
    assert len(found) == 3, found
    for d in found:
        assert not d["hint"].startswith("uncomment"), d["hint"]
        assert d["fix"]["file"] == f"schemas/{module}.py", d
    # The module's and the chain's name the declaration; the live pair's, the first's.
    removing = f"or remove its declaration from domain.yaml:{declared} (triggers: loan_no_retired)"
    assert sum(removing in d["hint"] for d in found) == 2, found
    assert _notes(report) == ["at_head"], _notes(report)

    # Near miss: a commented line naming the side that lacks it too leaves nothing out.
    both = comment.replace(f"[{found_on}]", "[sqlite, postgresql]")
    domain.write_text(text.replace(comment, both), "utf-8")
    code, report = check(shell)
    assert code == 1
    assert not any(d["hint"].startswith("uncomment") for d in _about_it(report))


def _declared(text: str) -> tuple[tuple[str, ...], int]:
    obj = parse_domain(
        "version: 1\ntables:\n  t:\n    columns:\n      id: {kind: integer}\n" + text
    )
    [found] = obj.objects
    return found.commented, found.commented_line


def test_the_loader_reads_the_commented_dialects_line_of_a_declaration() -> None:
    """The commented line inside a declaration's block (init's, or one like it, an alias
    made canonical) is read with its line; near misses read none: a comment at the key's own
    indent (the next key's), a comment of another key, an unknown dialect (a comment is never
    an error), ``dialects:`` declared besides it, a flow declaration with nothing under it."""
    head = "triggers:\n  g:\n    table: t\n"
    assert _declared(head + "    # dialects: [sqlite]  # found on sqlite only\n") == (
        ("sqlite",),
        9,
    )
    assert _declared(head + "\n    #dialects: ['postgres']\n") == (("postgresql",), 10)
    assert _declared(head + "  # dialects: [sqlite]\n") == ((), 0)
    assert _declared(head + "    # table: [sqlite]\n") == ((), 0)
    assert _declared(head + "    # dialects: [mysql]\n") == ((), 0)
    declared = "triggers:\n  g:\n    table: t\n    dialects: [sqlite, postgresql]\n"
    assert _declared(declared + "    # dialects: [sqlite]\n") == ((), 0)
    assert _declared("triggers:\n  g: {table: t}\nviews: {}\n") == ((), 0)
    views = "views:\n  v:\n    # dialects: [postgresql]  # found on postgresql only\n"
    assert _declared(views) == (("postgresql",), 8)


def test_the_hint_of_a_commented_line_is_that_line_then_the_side_that_lacks_it() -> None:
    """``HintWays.text`` with the commented line: it first, then adding it to the side that
    lacks it, nothing after (no cause, no allowance: declaring it one-sided is the way to
    keep it so); near miss, no such line: the usual ways and what follows."""
    ways = HintWays("the PostgreSQL database", "schemas/sqlite.py", cause=" (a cause)")
    assert ways.text() == (
        "add it to the PostgreSQL database, or remove it from schemas/sqlite.py (a cause)"
    )
    line = Uncomment("sqlite", "domain.yaml", 21, "trigger t")
    assert replace(ways, uncomment=line).text() == (
        "uncomment `dialects: [sqlite]` at domain.yaml:21 to declare trigger t sqlite-only, "
        "or add it to the PostgreSQL database"
    )


# stranger82 009, Sakila's shape: one PostgreSQL trigger name on several tables (a plpgsql BEFORE
# UPDATE keeping last_update fresh), none on SQLite; init declares one trigger per table,
# ``names: {postgresql: last_updated}``, each with its commented ``dialects:`` line.
TABLES = ("actor", "film")
SAKILA_SQLITE = tuple(
    f"CREATE TABLE {t} ({t}_id INTEGER PRIMARY KEY, last_update TEXT NOT NULL)" for t in TABLES
)
SAKILA_PG = (
    *(f"CREATE TABLE {t} ({t}_id integer PRIMARY KEY, last_update text NOT NULL)" for t in TABLES),
    "CREATE FUNCTION last_updated() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
    "NEW.last_update := 'fresh'; RETURN NEW; END$$",
    *(
        f"CREATE TRIGGER last_updated BEFORE UPDATE ON {t} FOR EACH ROW "
        "EXECUTE FUNCTION last_updated()"
        for t in TABLES
    ),
)


def test_a_trigger_name_init_paired_per_table_is_hinted_at_each_commented_line(
    tmp_path: Path, pg_url: str
) -> None:
    """Each table's declaration (``actor_last_updated``, ``film_last_updated``) is reported
    three times (module and database, the two databases, the chain's head), each hint naming
    that declaration's own commented line; uncommenting them leaves no trigger difference.
    Witness: the same UPDATE leaves ``last_update`` as written on SQLite, 'fresh' on
    PostgreSQL."""
    db = tmp_path / "dev.db"
    project = tmp_path / "app"
    shell = adopt(project, testing.sqlite_url(db), pg_url, SAKILA_SQLITE, SAKILA_PG)
    lite = sqlite3.connect(db)
    try:
        lite.execute("INSERT INTO actor VALUES (1, 'then')")
        lite.execute("UPDATE actor SET last_update = 'now'")
        assert lite.execute("SELECT last_update FROM actor").fetchall() == [("now",)]
        lite.rollback()
    finally:
        lite.close()
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as pg:
        pg.execute(b"INSERT INTO actor VALUES (1, 'then')")
        pg.execute(b"UPDATE actor SET last_update = 'now'")
        assert pg.execute(b"SELECT last_update FROM actor").fetchall() == [("fresh",)]
        pg.rollback()

    domain = project / "domain.yaml"
    text = domain.read_text("utf-8")
    lines = text.splitlines()
    comment = "    # dialects: [postgresql]  #"
    for t in TABLES:
        start = lines.index(f"  {t}_last_updated:")
        assert lines[start + 2] == "    names: {postgresql: last_updated}", lines[start : start + 4]
    code, report = check(shell)
    assert code == 1
    triggers = [
        d for d in report["differences"] if d["name"] in {f"{t}_last_updated" for t in TABLES}
    ]
    assert len(triggers) == 3 * len(TABLES), report["differences"]
    for d in triggers:
        start = lines.index(f"  {d['name']}:")
        line = 1 + next(n for n in range(start, len(lines)) if lines[n].startswith(comment))
        assert d["hint"].startswith(
            f"uncomment `dialects: [postgresql]` at domain.yaml:{line} to declare trigger "
            f"{d['name']} postgresql-only, or add it to "
        ), d["hint"]
        for said in ("remove its declaration", "stamp", "a revision is likely missing"):
            assert said not in d["hint"], d["hint"]

    # What stranger82 did to take Sakila's 90 trigger differences to 0: uncomment each line.
    uncommented = [re.sub(r"^    # (dialects: \[\w+\])  #.*", r"    \1", s) for s in lines]
    assert uncommented != lines
    domain.write_text("\n".join(uncommented) + "\n", "utf-8")
    code, report = check(shell)
    assert not [d for d in report["differences"] if "last_updated" in d["name"]], report
