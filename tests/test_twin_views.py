"""What twin revisions do to views and triggers (stranger71 009), on real databases.

Twin revisions (one ``domain_version``) that define a view differently on each dialect were in
sync: each chain matched its own module and database, views are not compared across dialects,
and the live databases answered the view differently on the same rows. The migrations layer now
compares what each twin does to each view and trigger (creates, drops, replaces, leaves as it
was): one twin changing it and the other not is a ``migration_parity`` difference. Near misses
stay in sync: the same view spelled in each dialect's words, both twins replacing it, and a
trigger whose new work one twin puts in its function and the other in the trigger itself.

Runs on a scratch copy of the project (``test_migrations_layer.Project``), its chains upgraded on
a real SQLite file and a real PostgreSQL database.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from test_migrations_layer import Project, found, project, revision_text

__all__ = ["project"]  # the fixture, used by name

DIALECTS = ("sqlite", "postgresql")
FOLDER = {"sqlite": "migrations_sqlite", "postgresql": "migrations_postgres"}

# The view in each dialect's words (IFNULL against COALESCE, || against concat): the same.
VIEW = {
    "sqlite": "CREATE VIEW tier_counts AS SELECT IFNULL(subscription_tier, 'none') || '!' AS "
    "tier, count(*) AS n FROM communities GROUP BY 1",
    "postgresql": "CREATE VIEW tier_counts AS SELECT concat(COALESCE(subscription_tier::text, "
    "'none'), '!') AS tier, count(*) AS n FROM communities GROUP BY 1",
}
# Counting only communities with a Discord guild.
NARROWED = {
    "sqlite": "CREATE VIEW tier_counts AS SELECT IFNULL(subscription_tier, 'none') || '!' AS "
    "tier, count(*) AS n FROM communities WHERE discord_guild_id IS NOT NULL GROUP BY 1",
    "postgresql": "CREATE OR REPLACE VIEW tier_counts AS SELECT concat(COALESCE("
    "subscription_tier::text, 'none'), '!') AS tier, count(*) AS n FROM communities "
    "WHERE discord_guild_id IS NOT NULL GROUP BY 1",
}
DROP_VIEW = "DROP VIEW tier_counts"
PG_AGAIN = VIEW["postgresql"].replace("CREATE VIEW", "CREATE OR REPLACE VIEW")


def _twins(project: Project, version: int, bodies: dict[str, tuple[str, str]]) -> None:
    """Twin revisions ``000<version>_v<version>_<dialect>`` after the heads, each with its
    upgrade and downgrade statements (one ``op.execute`` a line; "" for none); domain.yaml
    goes to ``version``."""
    for dialect in DIALECTS:
        up, down = bodies[dialect]
        before = f"000{version - 1}_" + ("initial" if version == 2 else f"v{version - 1}")
        rev = f"000{version}_v{version}_{dialect}"
        project.write(
            f"{FOLDER[dialect]}/versions/{rev}.py",
            revision_text(
                rev,
                f"{before}_{dialect}",
                version,
                "\n    ".join(f"op.execute({s!r})" for s in up.split("\n") if s) or "pass",
                "\n    ".join(f"op.execute({s!r})" for s in down.split("\n") if s) or "pass",
            ),
        )
    project.edit("domain.yaml", f"version: {version - 1}\n", f"version: {version}\n")


def _check(project: Project) -> tuple[int, dict[str, Any]]:
    project.migrate("local")
    project.migrate("remote")
    return project.check("--layer", "migrations")


def _answers(project: Project, rows: list[tuple[str, str | None]]) -> tuple[list[Any], list[Any]]:
    """The same communities (name, discord_guild_id) inserted on both live databases; what
    ``SELECT * FROM tier_counts`` answers on each."""
    params = [{"id": str(uuid.uuid4()), "name": n, "guild": g} for n, g in rows]
    insert = "INSERT INTO communities (id, name, discord_guild_id) VALUES (:id, :name, :guild)"
    with sqlite3.connect(project.root / "var" / "local.db") as conn:
        conn.executemany(insert, params)  # sqlite3 takes :name parameters from mappings
        local = [tuple(r) for r in conn.execute("SELECT * FROM tier_counts ORDER BY 1")]
    engine = sa.create_engine(project.env["DATABASE_URL"])
    try:
        with engine.begin() as pg:
            pg.execute(sa.text(insert), params)
            remote = [tuple(r) for r in pg.execute(sa.text("SELECT * FROM tier_counts ORDER BY 1"))]
    finally:
        engine.dispose()
    return local, remote


@pytest.mark.parametrize("changed", DIALECTS)
def test_a_view_one_twin_redefines_is_a_parity_difference(project: Project, changed: str) -> None:
    """0002 creates the view on both sides, in each dialect's words: in sync (near miss). 0003
    narrows it on ``changed`` only: the databases answer differently on the same rows, and the
    layer names the view and both twins."""
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])

    other = next(d for d in DIALECTS if d != changed)
    back = {"sqlite": f"{DROP_VIEW}\n{VIEW['sqlite']}", "postgresql": PG_AGAIN}
    up = {"sqlite": f"{DROP_VIEW}\n{NARROWED['sqlite']}", "postgresql": NARROWED["postgresql"]}
    _twins(project, 3, {changed: (up[changed], back[changed]), other: ("", "")})
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert [(d["table"], d["name"]) for d in parity] == [("tier_counts", "tier_counts")], parity
    message = parity[0]["message"]
    assert f"view tier_counts is replaced by revision 0003_v3_{changed} of" in message, message
    assert f"its twin revision 0003_v3_{other} of {FOLDER[other]} leaves it as it was" in message
    assert f"{FOLDER[other]}/versions/0003_v3_{other}.py" in parity[0]["hint"]
    assert f"views: {{tier_counts: {{dialects: [{changed}]}}}}" in parity[0]["hint"]
    side = 0 if changed == "sqlite" else 1
    texts = (parity[0]["left"], parity[0]["right"])
    assert texts[side].startswith("replaced: ") and "discord_guild_id" in texts[side]
    assert texts[1 - side] is None
    assert {d["kind"] for d in report["differences"]} == {"migration_parity"}

    # The witness: one community with a guild, one without.
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    narrowed, whole = [("free!", 1)], [("free!", 2)]
    assert (local, remote) == ((narrowed, whole) if changed == "sqlite" else (whole, narrowed))


def test_both_twins_replacing_a_view_are_in_sync(project: Project) -> None:
    """Near miss: each twin replaces the view with its dialect's narrowed one (SQLite by DROP
    and CREATE, PostgreSQL by CREATE OR REPLACE): in sync, and the databases answer alike."""
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    _twins(
        project,
        3,
        {
            "sqlite": (f"{DROP_VIEW}\n{NARROWED['sqlite']}", f"{DROP_VIEW}\n{VIEW['sqlite']}"),
            "postgresql": (NARROWED["postgresql"], PG_AGAIN),
        },
    )
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local == remote == [("free!", 1)]


# The view again with a WHERE that keeps every row: the same rows, other text (a change).
EVERY = {
    d: VIEW[d]
    .replace(" GROUP BY", " WHERE 1 = 1 GROUP BY")
    .replace("CREATE VIEW", "CREATE OR REPLACE VIEW" if d == "postgresql" else "CREATE VIEW")
    for d in DIALECTS
}


def _replaced(made: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each twin's upgrade making view ``made[d]`` again (SQLite by DROP and CREATE), and its
    downgrade making the 0002 view again."""
    return {
        "sqlite": (f"{DROP_VIEW}\n{made['sqlite']}", f"{DROP_VIEW}\n{VIEW['sqlite']}"),
        "postgresql": (made["postgresql"], PG_AGAIN),
    }


@pytest.mark.parametrize("narrowing", DIALECTS)
def test_both_twins_redefining_a_view_otherwise_is_a_parity_difference(
    project: Project, narrowing: str
) -> None:
    """s76views: both twins of 0003 replace the view, ``narrowing``'s with a filter on the
    guild, the other's with a WHERE that keeps every row (a change of text alone). Each twin
    changes it, so whether they change it alike was not asked; now the two are run on the
    same probe rows: a community without a guild parts them, named as the witness, and the
    live databases answer so on the same rows."""
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    made = {d: (NARROWED[d] if d == narrowing else EVERY[d]) for d in DIALECTS}
    _twins(project, 3, _replaced(made))
    code, report = _check(project)
    assert code == 1, report
    parity = found(report, "migration_parity")
    assert [(d["table"], d["name"]) for d in parity] == [("tier_counts", "tier_counts")], parity
    message = parity[0]["message"]
    assert "view tier_counts is redefined by both twins, 0003_v3_sqlite of" in message, message
    assert "but the two return other rows with the base rows communities (id, " in message
    assert "discord_guild_id, " in message and "NULL" in message, message
    witness = parity[0]["witness"]
    assert witness["table"] == "communities", witness
    assert witness["values"][witness["columns"].index("discord_guild_id")] is None, witness
    assert report["warnings"] == [] or all(
        w["kind"] != "migration_parity" for w in report["warnings"]
    )

    # The witness on the live databases: one community with a guild, one without.
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    narrowed, whole = [("free!", 1)], [("free!", 2)]
    assert (local, remote) == ((narrowed, whole) if narrowing == "sqlite" else (whole, narrowed))


def test_both_twins_redefining_a_view_alike_in_other_words_is_in_sync(project: Project) -> None:
    """Near miss: both twins replace the view with one that keeps every row, each in its own
    words (IFNULL and || against COALESCE and concat, WHERE 1 = 1): in sync, no warning, and
    the databases answer alike."""
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    _twins(project, 3, _replaced(EVERY))
    code, report = _check(project)
    assert (code, report["differences"]) == (0, []), report
    said = [w["message"] for w in report["warnings"] if w["kind"] == "migration_parity"]
    assert said == []
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local == remote == [("free!", 2)]


PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION no_empty_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.name = '{bad}' THEN RAISE EXCEPTION 'bad name'; END IF; RETURN NEW; END $$"
)
PG_TRIGGER = (
    "CREATE TRIGGER no_empty_name BEFORE INSERT ON communities FOR EACH ROW "
    "EXECUTE FUNCTION no_empty_name()"
)
PG_DROP = "DROP TRIGGER no_empty_name ON communities\nDROP FUNCTION no_empty_name()"
SQLITE_TRIGGER = (
    "CREATE TRIGGER no_empty_name BEFORE INSERT ON communities WHEN NEW.name = '{bad}' "
    "BEGIN SELECT RAISE(ABORT, 'bad name'); END"
)
SQLITE_DROP = "DROP TRIGGER no_empty_name"
TRIGGER_UP = {
    "sqlite": SQLITE_TRIGGER.format(bad=""),
    "postgresql": f"{PG_FUNCTION.format(bad='')}\n{PG_TRIGGER}",
}
TRIGGER_DOWN = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}


@pytest.mark.parametrize("alone", DIALECTS)
def test_a_trigger_one_twin_creates_is_a_parity_difference(project: Project, alone: str) -> None:
    """A trigger only ``alone``'s twin creates: the databases part on a row it refuses."""
    other = next(d for d in DIALECTS if d != alone)
    _twins(project, 2, {alone: (TRIGGER_UP[alone], TRIGGER_DOWN[alone]), other: ("", "")})
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert [(d["table"], d["name"]) for d in parity] == [("communities", "no_empty_name")]
    assert (
        "trigger no_empty_name on communities is created by revision 0002_v2_"
        in (parity[0]["message"])
    )
    assert "triggers: {no_empty_name: {table: communities, dialects: [" in parity[0]["hint"]
    # The witness: an empty name, refused by the side with the trigger only.
    refused = {}
    with sqlite3.connect(project.root / "var" / "local.db") as conn:
        try:
            conn.execute("INSERT INTO communities (id, name) VALUES (?, '')", (str(uuid.uuid4()),))
            refused["sqlite"] = False
        except sqlite3.IntegrityError:
            refused["sqlite"] = True
    engine = sa.create_engine(project.env["DATABASE_URL"])
    try:
        with engine.begin() as pg:
            pg.execute(sa.text("INSERT INTO communities (id, name) VALUES (gen_random_uuid(), '')"))
        refused["postgresql"] = False
    except sa.exc.DBAPIError:
        refused["postgresql"] = True
    finally:
        engine.dispose()
    assert refused == {alone: True, other: False}


def test_a_trigger_changed_in_its_function_on_one_side_is_in_sync(project: Project) -> None:
    """Near miss: both twins create the trigger; the next twins change what it refuses, the
    PostgreSQL one by replacing its function alone (the trigger's own definition stays), the
    SQLite one by making the trigger again. In sync, and both refuse the same row."""
    _twins(project, 2, {d: (TRIGGER_UP[d], TRIGGER_DOWN[d]) for d in DIALECTS})
    _twins(
        project,
        3,
        {
            "sqlite": (
                f"{SQLITE_DROP}\n{SQLITE_TRIGGER.format(bad='x')}",
                f"{SQLITE_DROP}\n{SQLITE_TRIGGER.format(bad='')}",
            ),
            "postgresql": (PG_FUNCTION.format(bad="x"), PG_FUNCTION.format(bad="")),
        },
    )
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])


def test_a_view_domain_yaml_declares_for_one_dialect_is_no_parity_difference(
    project: Project,
) -> None:
    """Near miss of the first: a view only the PostgreSQL twin creates, declared in domain.yaml
    for PostgreSQL only, is that dialect's own."""
    project.write(
        "domain.yaml",
        (project.root / "domain.yaml").read_text()
        + "views:\n  tier_counts: {dialects: [postgresql]}\n",
    )
    _twins(project, 2, {"postgresql": (VIEW["postgresql"], DROP_VIEW), "sqlite": ("", "")})
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])


def test_a_view_each_twin_names_its_own_way_is_paired(project: Project) -> None:
    """Near miss of the first: each twin creates one view, named in its dialect's style
    (``TierCounts`` against ``tier_counts``, as an adopted pair names its tables): one created
    on each side pairs, since names alone cannot tell them apart. A second view on one side
    only is still a difference."""
    renamed = VIEW["sqlite"].replace("VIEW tier_counts", "VIEW TierCounts")
    _twins(
        project,
        2,
        {
            "sqlite": (renamed, "DROP VIEW TierCounts"),
            "postgresql": (VIEW["postgresql"], DROP_VIEW),
        },
    )
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])

    extra = VIEW["postgresql"].replace("VIEW tier_counts", "VIEW tier_counts_2")
    _twins(project, 3, {"postgresql": (extra, "DROP VIEW tier_counts_2"), "sqlite": ("", "")})
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert [(d["name"], d["left"], d["right"] is not None) for d in parity] == [
        ("tier_counts_2", None, True)
    ]


# The view with one more column: what a twin pair whose twins create the view otherwise builds.
WIDE = {d: v.replace("count(*) AS n", "count(*) AS n, max(name) AS top") for d, v in VIEW.items()}


def _columns(project: Project) -> tuple[list[str], list[str]]:
    """The columns ``SELECT * FROM tier_counts`` answers on each live database."""
    with sqlite3.connect(project.root / "var" / "local.db") as conn:
        local = [c[0] for c in conn.execute("SELECT * FROM tier_counts").description]
    engine = sa.create_engine(project.env["DATABASE_URL"])
    try:
        with engine.connect() as pg:
            remote = list(pg.execute(sa.text("SELECT * FROM tier_counts")).keys())
    finally:
        engine.dispose()
    return local, remote


def _created_apart(project: Project, wide: str) -> str:
    """Twins 0002 create tier_counts with one more column on ``wide`` (a difference at the
    chains' heads); the other dialect."""
    other = next(d for d in DIALECTS if d != wide)
    _twins(project, 2, {wide: (WIDE[wide], DROP_VIEW), other: (VIEW[other], DROP_VIEW)})
    code, report = _check(project)
    assert code == 1
    assert [d["name"] for d in found(report, "migration_parity")] == ["tier_counts"]
    assert _columns(project) == (
        (["tier", "n", "top"], ["tier", "n"])
        if wide == "sqlite"
        else (["tier", "n"], ["tier", "n", "top"])
    )
    return other


@pytest.mark.parametrize("wide", DIALECTS)
def test_one_twin_mending_a_view_both_chains_then_build_alike_is_in_sync(
    project: Project, wide: str
) -> None:
    """stranger75 007: twins 0002 create the view with different columns; twins 0003 mend it,
    ``wide``'s re-creating it with the other's columns, the other twin empty. Both chains now
    build the same view (the databases' SELECT * answer the same columns): in sync, where
    "the two chains no longer build the same views" was said of the mending pair."""
    other = _created_apart(project, wide)
    mend = f"{DROP_VIEW}\n{VIEW[wide]}"
    _twins(project, 3, {wide: (mend, f"{DROP_VIEW}\n{WIDE[wide]}"), other: ("", "")})
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])
    local, remote = _columns(project)
    assert local == remote == ["tier", "n"]


@pytest.mark.parametrize("wide", DIALECTS)
def test_one_twin_mending_a_views_columns_with_another_filter_is_a_parity_difference(
    project: Project, wide: str
) -> None:
    """Near miss of the mend (s79views): ``wide``'s twin 0003 re-creates the view with the
    other's columns but counting only communities with a Discord guild, the other twin empty.
    The columns agree, so it was taken as a mend (in sync); the live databases answer
    otherwise on a community without a guild. One ``migration_parity`` difference naming the
    filter, located in the twin that re-created the view."""
    other = _created_apart(project, wide)
    narrowed = NARROWED[wide].replace("CREATE OR REPLACE VIEW", "CREATE VIEW")
    mend = f"{DROP_VIEW}\n{narrowed}"
    _twins(project, 3, {wide: (mend, f"{DROP_VIEW}\n{WIDE[wide]}"), other: ("", "")})
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert len(parity) == 1, parity
    message = parity[0]["message"]
    assert f"re-created by revision 0003_v3_{wide} of" in message, message
    assert "WHERE discord_guild_id IS NOT NULL" in message, message
    assert "discord_guild_id" in (parity[0]["witness"] or {}).get("columns", []), parity[0]
    assert parity[0]["fix"]["file"] == f"{FOLDER[wide]}/versions/0003_v3_{wide}.py"
    # Without evaluation the view is not run: a warning naming the twin, not a silent mend.
    code, report = project.check("--layer", "migrations", "--no-evaluate")
    assert (code, report["differences"]) == (0, [])
    said = [w["message"] for w in report["warnings"] if w["kind"] == "migration_parity"]
    assert len(said) == 1 and f"re-created by revision 0003_v3_{wide} of" in said[0], said
    assert "not compared (no evaluation (--no-evaluate))" in said[0], said
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local != remote
    assert sorted([local, remote]) == [[("free!", 1)], [("free!", 2)]]


@pytest.mark.parametrize("wide", DIALECTS)
def test_one_twin_changing_a_view_that_still_differs_is_reported_at_its_twin(
    project: Project, wide: str
) -> None:
    """Near miss of the mend: ``wide``'s twin 0003 re-creates the view, still with a column
    the other lacks (``total`` for ``top``), the other twin empty: the chains still build
    views that differ. One ``migration_parity`` difference, naming both twins and located in
    the revision file its hint says to edit (not domain.yaml)."""
    other = _created_apart(project, wide)
    still = WIDE[wide].replace("AS top", "AS total")
    _twins(
        project, 3, {wide: (f"{DROP_VIEW}\n{still}", f"{DROP_VIEW}\n{WIDE[wide]}"), other: ("", "")}
    )
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert len(parity) == 1, parity
    assert f"revision 0003_v3_{wide} of" in parity[0]["message"]
    assert f"0003_v3_{other} of {FOLDER[other]} leaves it as it was" in parity[0]["message"]
    twin = f"{FOLDER[other]}/versions/0003_v3_{other}.py"
    assert parity[0]["fix"]["file"] == twin
    lines = (project.root / twin).read_text().splitlines()
    assert lines[parity[0]["fix"]["line"] - 1].startswith("def upgrade"), parity[0]["fix"]
    local, remote = _columns(project)
    assert "total" in (local if wide == "sqlite" else remote)
    assert local != remote
    # The next `revision` names the older twin by its file, not as "not written" into the new
    # revisions (stranger75 007).
    next_revision_warns(
        project, f"warning: {FOLDER[other]}/versions/0003_v3_{other}.py: view tier_counts is"
    )


def next_revision_warns(project: Project, warning: str) -> None:
    """The next ``revision`` is written and says ``warning`` of the older twin, naming it by its
    file (not "not written" into the new revisions), and the one difference the chains had
    before it (stranger75 007)."""
    done = project.twinschema("revision", "-m", "next")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "not written" not in said, said
    assert warning in said, said
    assert "1 difference(s) the chains had before the new revisions" in said, said


@pytest.mark.parametrize("changed", DIALECTS)
def test_a_later_twin_following_a_one_sided_change_is_in_sync(
    project: Project, changed: str
) -> None:
    """0003 narrows the view on ``changed`` only (a difference, see the first test); 0004's
    other twin narrows it too, ``changed``'s empty: the chains build the same view again and
    the databases answer alike, so 0003 is no longer reported (the pair after which they
    differed is not the last word on the view)."""
    other = next(d for d in DIALECTS if d != changed)
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    back = {"sqlite": f"{DROP_VIEW}\n{VIEW['sqlite']}", "postgresql": PG_AGAIN}
    up = {"sqlite": f"{DROP_VIEW}\n{NARROWED['sqlite']}", "postgresql": NARROWED["postgresql"]}
    _twins(project, 3, {changed: (up[changed], back[changed]), other: ("", "")})
    _twins(project, 4, {other: (up[other], back[other]), changed: ("", "")})
    code, report = _check(project)
    assert (code, report["differences"]) == (0, [])
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local == remote == [("free!", 1)]


@pytest.mark.parametrize("changed", DIALECTS)
def test_the_same_twin_changing_a_parted_view_again_is_still_reported(
    project: Project, changed: str
) -> None:
    """Near miss of the follow: 0004's twin on ``changed`` again (the other empty) changes
    the narrowed view to another filter, not back to the view both built: the columns agree,
    the answers do not, and 0004 is reported."""
    other = next(d for d in DIALECTS if d != changed)
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    back = {"sqlite": f"{DROP_VIEW}\n{VIEW['sqlite']}", "postgresql": PG_AGAIN}
    up = {"sqlite": f"{DROP_VIEW}\n{NARROWED['sqlite']}", "postgresql": NARROWED["postgresql"]}
    _twins(project, 3, {changed: (up[changed], back[changed]), other: ("", "")})
    flipped = {d: u.replace("IS NOT NULL", "IS NULL") for d, u in up.items()}
    _twins(project, 4, {changed: (flipped[changed], up[changed]), other: ("", "")})
    code, report = _check(project)
    assert code == 1
    parity = found(report, "migration_parity")
    assert len(parity) == 1, parity
    assert f"replaced by revision 0004_v4_{changed} of" in parity[0]["message"]
    assert parity[0]["fix"]["file"] == f"{FOLDER[other]}/versions/0004_v4_{other}.py"
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local != remote


@pytest.mark.parametrize("changed", DIALECTS)
def test_one_twin_re_creating_a_view_with_the_same_sql_is_in_sync(
    project: Project, changed: str
) -> None:
    """stranger77 008: a twin that must drop and re-create a view to change a column under it
    (PostgreSQL, moving the column onto a domain) re-creates it with the same SQL; its other
    twin needs nothing. It was "replaced by ... but its twin ... leaves it as it was": the
    chains build views that return the same rows (run on probe rows, and here on the live
    databases), so it is in sync. The near miss, the same twin re-creating it with another
    filter, is ``test_a_view_one_twin_redefines_is_a_parity_difference``."""
    other = next(d for d in DIALECTS if d != changed)
    _twins(project, 2, {d: (VIEW[d], DROP_VIEW) for d in DIALECTS})
    again = f"{DROP_VIEW}\n{VIEW[changed]}"
    _twins(project, 3, {changed: (again, again), other: ("", "")})
    code, report = _check(project)
    assert (code, report["differences"]) == (0, []), report["differences"]
    local, remote = _answers(project, [("a", "g1"), ("b", None)])
    assert local == remote == [("free!", 2)]
