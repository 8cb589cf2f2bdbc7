"""After domain.yaml renames tables and columns alike on both dialects, a table-level message
(a CHECK, an index, a unique rule, a foreign key) names the table as the databases have it,
the logical name after it, and a witness names the columns as the databases have them
(stranger65 003, left by s65rename; s66msg): ``CHECK on people (domain: patients) differs
...; witness (duration_min) = (1)`` where it said ``CHECK on patients ...; witness
(minutes)``, names no database, module or revision has. The JSON's ``table``, ``column`` and a
witness's ``columns`` stay logical (allowances and consumers key on them). Near miss: a column
each dialect names its own way (``names:``) keeps its logical name (neither side's name is the
other's). Two SQL files on real SQLite 3.40 and PostgreSQL, each dialect pair."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pg_helpers import invoke_afresh

DOMAIN = """version: 1
tables:
  patients:
    name: people
    columns:
      id: {kind: integer}
      minutes: {kind: integer, %s}
      clinic_id: {kind: integer, name: site_id}
      note: {kind: text, name: remark}
  clinics:
    name: sites
    columns:
      id: {kind: integer}
      label: {kind: text, name: title}
"""
ALIKE = "name: duration_min"
APART = "names: {sqlite: duration_min, postgresql: dur_min}"
# Each side: the same tables, a CHECK, an index, a unique index and a foreign key that differ.
SIDE = """CREATE TABLE sites (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE people (id integer PRIMARY KEY, {dur} integer NOT NULL,
  site_id integer REFERENCES sites (id) {action}, remark varchar({length}),
  CHECK ({dur} > {low}));
CREATE INDEX ix_people_dur ON people ({elements});
{unique}"""
A = {"low": 0, "action": "ON DELETE CASCADE", "elements": "{dur}", "unique": "", "length": 10}
B = {
    "low": 5,
    "length": 20,
    "action": "",
    "elements": "{dur}, site_id",
    "unique": "CREATE UNIQUE INDEX ux_people_remark ON people (remark);",
}
# A trigger on people, on b's side only (between two sources of one dialect: compared).
TRIGGER = {
    "sqlite": "CREATE TRIGGER people_touch AFTER INSERT ON people BEGIN SELECT 1; END;",
    "postgresql": "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RETURN NEW; END $$; CREATE TRIGGER people_touch BEFORE INSERT ON people FOR EACH ROW "
    "EXECUTE FUNCTION touch();",
}
# The logical names that are no database's here (each as a word, outside "(domain: ...)").
LOGICAL = re.compile(r"\b(patients|clinics|minutes|clinic_id|note|label)\b")
PAIRS = [("sqlite", "postgresql"), ("sqlite", "sqlite"), ("postgresql", "postgresql")]


def _side(dialect: str, given: dict[str, object], dur: str) -> str:
    fields = {k: str(v).format(dur=dur) for k, v in given.items()}
    return SIDE.format(dur=dur, **fields)


def _diff(folder: Path, dialects: tuple[str, str]) -> list[dict[str, object]]:
    args = ["diff", "--domain", "domain.yaml", "--format", "json", "a.sql", "b.sql"]
    args += ["--dialect-a", dialects[0], "--dialect-b", dialects[1]]
    result = invoke_afresh(args, folder, dict(os.environ))
    assert result.returncode == 1, result.stdout + result.stderr
    return list(json.loads(result.stdout)["differences"])


def _case(tmp_path: Path, dialects: tuple[str, str], names: str) -> list[dict[str, object]]:
    own = {"sqlite": "duration_min", "postgresql": "dur_min" if names == APART else "duration_min"}
    (tmp_path / "domain.yaml").write_text(DOMAIN % names)
    (tmp_path / "a.sql").write_text(_side(dialects[0], A, own[dialects[0]]))
    (tmp_path / "b.sql").write_text(_side(dialects[1], B, own[dialects[1]]) + TRIGGER[dialects[1]])
    return _diff(tmp_path, dialects)


@pytest.mark.parametrize("dialects", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_table_messages_and_witnesses_name_what_the_databases_have(
    tmp_path: Path, dialects: tuple[str, str]
) -> None:
    found = _case(tmp_path, dialects, ALIKE)
    by_kind = {str(d["kind"]): d for d in found}
    assert {"check", "index", "foreign_key", "unique"} <= by_kind.keys(), found
    for d in found:  # every message, the logical names only after "(domain: "
        message = re.sub(r"\(domain: [^)]*\)", "", str(d["message"]))
        assert not LOGICAL.search(message), d["message"]
        assert d["table"] in ("patients", "clinics", None), d  # machine fields stay logical
    check = by_kind["check"]
    assert str(check["message"]).startswith("CHECK on people (domain: patients) differs"), check
    assert "witness (duration_min) = (1)" in str(check["message"]), check
    witness = check["witness"]
    assert isinstance(witness, dict) and witness["columns"] == ["minutes"], witness
    key = str(by_kind["foreign_key"]["message"])
    assert key.startswith("foreign key people(site_id) -> sites (domain: clinics) differs"), key
    index = str(by_kind["index"]["message"])
    assert index.startswith("index ix_people_dur on people (domain: patients) differs: its "), index
    assert "(duration_min) in a.sql, (duration_min, site_id) in b.sql" in index, index
    length = [str(d["message"]) for d in found if d["kind"] == "column_type"]
    assert any(
        m.startswith("length of people.remark (domain: patients.note) differs") for m in length
    ), found
    if dialects[0] == dialects[1]:  # a trigger is compared between two sources of one dialect
        trigger = str(by_kind["trigger"]["message"])
        assert trigger == "trigger people_touch on people (domain: patients) exists only in b.sql"


def test_a_column_each_dialect_names_its_own_way_keeps_its_logical_name(tmp_path: Path) -> None:
    """Near miss: ``minutes`` is ``duration_min`` on SQLite, ``dur_min`` on PostgreSQL: the
    witness names it ``minutes`` (neither side's name is the other's); the table, renamed
    alike, is still ``people``."""
    found = _case(tmp_path, ("sqlite", "postgresql"), APART)
    (check,) = [d for d in found if d["kind"] == "check"]
    message = str(check["message"])
    assert message.startswith("CHECK on people (domain: patients) differs"), message
    assert "witness (minutes) = (1)" in message, message
