"""A view on the clock parted at a fixed moment gives its witness as values a tool can replay
(fix89b): JSON's ``witness.values`` held labels ('<now - 30 days + 0.25 s, as YYYY-MM-DD
HH:MM:SS.SSS>'), which no database takes. It now holds the text the databases were given,
``witness.clock`` the fixed moment (UTC) the views' clock read, and ``witness.labels`` the
label of each such value (None for the others). The row, inserted on both real databases
with each view's clock read at that moment (the check replaces the read the same way: a real
database's clock cannot be set), parts them as ``said``; a day later it does not (the value
is tied to its moment)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from probes import Loader, compare_texts
from test_view_answers import view_count

TABLES = {
    "sqlite": "CREATE TABLE bikes (id TEXT NOT NULL PRIMARY KEY, serial TEXT NOT NULL, "
    "battery INTEGER NOT NULL, status TEXT NOT NULL, last_service TEXT);\n",
    "postgresql": "CREATE TABLE bikes (id uuid PRIMARY KEY, serial text NOT NULL, "
    "battery integer NOT NULL, status text NOT NULL, last_service timestamptz);\n",
}
VIEWS = {
    "sqlite": "CREATE VIEW due AS SELECT id, serial, battery FROM bikes WHERE status <> 'retired' "
    "AND (last_service IS NULL OR last_service < strftime('%Y-%m-%dT%H:%M:%fZ', {now}, "
    "'-30 days') OR battery < 20);\n",
    "postgresql": "CREATE VIEW due AS SELECT id, serial, battery FROM bikes WHERE status <> "
    "'retired' AND (last_service IS NULL OR last_service < {now} - interval '30 days' OR "
    "battery < 20);\n",
}
CLOCK = {"sqlite": "'now'", "postgresql": "now()"}


def _at(dialect: str, moment: str | None) -> str:
    """Each side's table and view, the view's clock read at ``moment`` (None: the clock)."""
    if moment is None:
        now = CLOCK[dialect]
    else:
        now = f"'{moment}'" if dialect == "sqlite" else f"'{moment}+00'::timestamptz"
    return TABLES[dialect] + VIEWS[dialect].format(now=now)


def _quoted(value: object) -> str:
    return "NULL" if value is None else str(value) if isinstance(value, int) else f"'{value}'"


def test_the_json_witness_replays_at_its_clock(loader: Loader) -> None:
    """The witness's values, at its clock, part the views as it says; a day later they do not."""
    found = compare_texts(
        loader, ("sqlite", "postgresql"), _at("sqlite", None), _at("postgresql", None)
    )
    [view] = [d for d in found.differences if d.kind == "view"]
    witness = json.loads(json.dumps(view.to_dict()))["witness"]
    assert witness["table"] == "bikes" and witness["clock"], witness
    labels = dict(zip(witness["columns"], witness["labels"], strict=True))
    assert labels["last_service"].startswith("<now - 30 days"), labels
    assert labels["serial"] is None
    values = dict(zip(witness["columns"], witness["values"], strict=True))
    assert not str(values["last_service"]).startswith("<"), values
    assert "SQLite returns (" in witness["said"] and "PostgreSQL returns no row" in witness["said"]
    assert f"with the clock at {witness['clock']} UTC" in view.message
    insert = (
        f"INSERT INTO bikes ({', '.join(witness['columns'])}) VALUES "
        f"({', '.join(_quoted(v) for v in witness['values'])})"
    )
    clock = witness["clock"]

    def counts(moment: str) -> tuple[int, int]:
        return (
            view_count("sqlite", _at("sqlite", moment), (insert,), "due", loader),
            view_count("postgresql", _at("postgresql", moment), (insert,), "due", loader),
        )

    assert counts(clock) == (1, 0)
    later = (datetime.fromisoformat(clock) + timedelta(days=1)).isoformat(sep=" ")
    assert counts(later) == (1, 1)  # both take it as due once its moment is past
