"""What a ``domain.yaml`` allowance allows: every difference whose hint offers an allowance is
allowed by the allowance it describes, made by the comparer or by the evaluation stage (a CHECK
pair a witness row parts: stranger44 case 002), and an allowance allows only the difference it
names (an index allowance for "means other things on each side" does not allow the index gone
from one side: stranger44 case 015)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from probes import Case, Loader, case_diffed, case_named, cases

from twinschema.compare import Comparison, Side, compare
from twinschema.compare.allowance_entries import one_sided
from twinschema.compare.allowances import allow_evaluated, allowance_entry
from twinschema.domain_load import parse_domain
from twinschema.domain_model import Domain
from twinschema.evaluate import evaluate
from twinschema.records import Difference, FixSide
from twinschema.sources import make_canonical

OFFERS = "allow it in domain.yaml"
# How many corpus cases of each expected kind the walk takes (the first ones, in folder order).
PER_KIND = 3


def diffed(loader: Loader, sql: tuple[str, str], domain: Domain | None) -> Comparison:
    """SQLite ``sql[0]`` against PostgreSQL ``sql[1]``, as ``twinschema diff --domain`` compares
    them: the comparer, the evaluation stage, then the allowances of what it found."""
    with loader.load("sqlite", sql[0]) as ha, loader.load("postgresql", sql[1]) as hb:
        left = make_canonical(loader.schema("sqlite", ha, "a.sql"), domain)
        right = make_canonical(loader.schema("postgresql", hb, "b.sql"), domain)
    sides = Side(left, "a.sql", "a.sql"), Side(right, "b.sql", "b.sql")
    found = compare(*sides, layer="diff", domain=domain)
    evaluate(found, *sides, loader.evaluator)
    allow_evaluated(found, *sides, domain)
    return found


def domain_of(tables: dict[str, set[str]], allow: list[dict[str, str]]) -> Domain:
    """A domain naming ``tables`` (table -> columns, no kinds), each allowance of ``allow`` on
    its ``table``."""
    spec: dict[str, object] = {"version": 1, "tables": {}}
    for table, columns in tables.items():
        entry: dict[str, object] = {"columns": {c: None for c in sorted(columns)}}
        mine = [{k: v for k, v in a.items() if k != "table"} for a in allow if a["table"] == table]
        if mine:
            entry["allow"] = mine
        spec["tables"][table] = entry  # type: ignore[index]
    return parse_domain(yaml.safe_dump(spec, sort_keys=False))


def tables_of(loader: Loader, case: Case) -> dict[str, set[str]]:
    """The tables and columns of both sides of ``case``."""
    found: dict[str, set[str]] = {}
    for dialect, side in zip(case.dialects, ("a", "b"), strict=True):
        with loader.load(dialect, case.sql(side)) as handle:
            schema = loader.schema(dialect, handle, f"{side}.sql")
        for table in schema.tables.values():
            found.setdefault(table.name, set()).update(c.name for c in table.columns)
    return found


def offered(d: Difference) -> dict[str, str]:
    """The allowance a difference's hint offers, as README's `domain.yaml` section writes it:
    its kind, table, column and name where it has them, and ``dialect:`` the side that has
    the object where only one side has it."""
    entry = {"table": d.table or "", "kind": d.kind, "reason": "on purpose"}
    if d.column is not None:
        entry["column"] = d.column
    if d.name is not None:
        entry["name"] = d.name
    if one_sided(d):
        holds = FixSide.LEFT if d.holds(FixSide.LEFT) else FixSide.RIGHT
        entry["dialect"] = "sqlite" if holds is FixSide.LEFT else "postgresql"
    return entry


UNJUDGED = re.compile(r"; not evaluated: .*\(the comparer's verdict stands\)")


def shown(d: Difference, unpaired: bool = False) -> tuple[str | None, ...]:
    """A difference as the walk compares it; ``unpaired``: without its "not evaluated" note."""
    message = UNJUDGED.sub("", d.message) if unpaired else d.message
    return (d.kind, d.table, d.column, d.name, message)


def walked() -> list[Case]:
    """The first ``PER_KIND`` SQLite/PostgreSQL cases of the corpus for each kind a case
    expects (a case with a domain.yaml of its own left out: the walk writes its own)."""
    taken: Counter[str] = Counter()
    chosen = []
    for case in cases():
        if case.dialects != ("sqlite", "postgresql") or (case.folder / "domain.yaml").exists():
            continue
        if any(taken[k] < PER_KIND for k in case.expect):
            chosen.append(case)
            taken.update(case.expect)
    return chosen


def test_every_difference_that_offers_an_allowance_is_allowed_by_it(loader: Loader) -> None:
    """One walk over corpus cases of every kind: each difference whose hint says "allow it in
    domain.yaml" goes away with the allowance its hint and README describe (kind, column,
    name, and dialect for an object on one side only), the other differences stay, and the
    allowance is not reported stale."""
    allowed: Counter[str] = Counter()
    for case in walked():
        tables = tables_of(loader, case)
        sql = (case.sql("a"), case.sql("b"))
        before = diffed(loader, sql, domain_of(tables, [])).differences
        if any(d.kind == "domain_name" for d in before):
            continue  # a case whose names the walk's plain domain does not give
        for d in (d for d in before if OFFERS in d.hint):
            after = diffed(loader, sql, domain_of(tables, [offered(d)])).differences
            # An allowed CHECK of a pair left unevaluated takes its pair away: the other one's
            # "not evaluated: ..." note goes with it (sl-pg.array-vs-json-text-list).
            paired = UNJUDGED.search(d.message) is not None
            # A column_type allowance of a JSON list against an array turns on that mapping: the
            # CHECKs and defaults of the table the types left unevaluated are judged then, here
            # equal (s73json, README "No kind holds a PostgreSQL array").
            kept = [
                x
                for x in before
                if x is not d
                and not (
                    d.kind == "column_type" and x.table == d.table and UNJUDGED.search(x.message)
                )
            ]
            assert [shown(x, paired) for x in after] == [shown(x, paired) for x in kept], (
                f"{case.name}: allowance {offered(d)} for {d.kind}: {d.message}\n"
                + "\n".join(x.message for x in after)
            )
            allowed[d.kind] += 1
    # The walk reaches the kinds whose hints offer an allowance, the evaluation stage's too.
    assert {"check", "index", "unique", "column_default", "column_generated"} <= set(allowed), (
        allowed
    )


# stranger44 case 002: a CHECK both sides name ck_t_n, which only the evaluation stage parts.
NAMED_CHECK = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, n NUMERIC(5,2) NOT NULL "
    "CONSTRAINT ck_t_n CHECK (n > 0));",
    "CREATE TABLE t (id integer PRIMARY KEY, n numeric(5,2) NOT NULL "
    "CONSTRAINT ck_t_n CHECK (n > 0));",
)


def test_a_check_the_evaluation_stage_parts_is_allowed_by_its_name(loader: Loader) -> None:
    """The CHECK difference carries the name both sides give it, and an allowance by that name
    (or by kind alone) allows it; one for the CHECK on one dialect only, or for a column, does
    not, and its stale warning says the allowance that does."""
    tables = {"t": {"id", "n"}}
    [check] = [
        d
        for d in diffed(loader, NAMED_CHECK, domain_of(tables, [])).differences
        if d.kind == "check"
    ]
    assert check.name == "ck_t_n" and "0.001" in check.message
    for allow in ({"name": "ck_t_n"}, {}):
        entry = {"table": "t", "kind": "check", "reason": "x", **allow}
        found = diffed(loader, NAMED_CHECK, domain_of(tables, [entry])).differences
        assert [d.kind for d in found] == ["column_default"], found  # rowid vs none stays
    for allow in ({"dialect": "sqlite"}, {"column": "n"}):
        entry = {"table": "t", "kind": "check", "reason": "x", **allow}
        found = diffed(loader, NAMED_CHECK, domain_of(tables, [entry])).differences
        assert sorted(d.kind for d in found) == ["check", "column_default", "stale_allowance"]
        [stale] = [d for d in found if d.kind == "stale_allowance"]
        assert stale.hint.endswith(
            "the check difference left on t is allowed by {kind: check, name: ck_t_n, checks: "
            '{sqlite: "n > 0", postgresql: "n > (0)::numeric"}, reason: ...}'
        ), stale.hint


# stranger44 case 015: a unique lower() index on both sides, allowed for what lower() means.
LOWER_INDEX = (
    "CREATE TABLE c (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    "CREATE UNIQUE INDEX ux_c_email_lower ON c (lower(email));",
    "CREATE TABLE c (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email text NOT NULL);"
    "CREATE UNIQUE INDEX ux_c_email_lower ON c (lower(email));",
)
INDEX_GONE = (LOWER_INDEX[0].split(";")[0] + ";", LOWER_INDEX[1])


def test_an_allowance_for_what_an_index_means_does_not_allow_it_gone(loader: Loader) -> None:
    """The allowance written for "lower() means other things on each side" still allows that
    (near miss); with the index dropped from the SQLite side, the index on PostgreSQL only is
    reported and the allowance is stale."""
    tables = {"c": {"id", "email"}}
    [meaning] = [
        d
        for d in diffed(loader, LOWER_INDEX, domain_of(tables, [])).differences
        if d.name == "ux_c_email_lower"
    ]
    assert meaning.left is not None and meaning.right is not None
    entry = {"table": "c", "kind": meaning.kind, "name": "ux_c_email_lower", "reason": "ASCII"}
    domain = domain_of(tables, [entry])
    assert [d.name for d in diffed(loader, LOWER_INDEX, domain).differences] == []
    found = diffed(loader, INDEX_GONE, domain).differences
    assert sorted((d.kind, d.left is None) for d in found) == [
        ("index", True),
        ("stale_allowance", True),
    ], found
    [stale] = [d for d in found if d.kind == "stale_allowance"]
    assert (
        "{kind: index, name: ux_c_email_lower, dialect: postgresql, "
        'sides: {postgresql: "UNIQUE (lower(email))"}, reason: ...}'
    ) in stale.hint


def _kinds(
    loader: Loader, sql: tuple[str, str], tables: dict[str, set[str]], allow: list[dict[str, str]]
) -> list[str]:
    """The kinds of the differences left of ``sql`` under ``allow``, sorted, the key's own
    (rowid against an identity) left out."""
    found = diffed(loader, sql, domain_of(tables, allow)).differences
    return sorted(d.kind for d in found if d.column != "id")


# stranger46 cases 004 and 007: a generated column (or a default) on one side only.
GENERATED_ONE_SIDE = (
    "CREATE TABLE p (id INTEGER PRIMARY KEY, a INTEGER, total INTEGER);",
    "CREATE TABLE p (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, a integer, "
    "total integer GENERATED ALWAYS AS (a * 2) STORED);",
)
GENERATED_BOTH = (
    "CREATE TABLE p (id INTEGER PRIMARY KEY, a INTEGER, total INTEGER AS (a * 3) STORED);",
    GENERATED_ONE_SIDE[1],
)
DEFAULT_ONE_SIDE = (
    "CREATE TABLE p (id INTEGER PRIMARY KEY, a INTEGER, total INTEGER);",
    "CREATE TABLE p (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, a integer, "
    "total integer DEFAULT 2);",
)


def test_a_generated_column_on_one_side_only_needs_its_dialect(loader: Loader) -> None:
    """A generated column on PostgreSQL only is allowed by an allowance with ``dialect:
    postgresql``; one without ``dialect:`` (written for two expressions differing) does not hide
    it, and is stale (it hid it before: a row SQLite stores is refused by PostgreSQL)."""
    tables = {"p": {"id", "a", "total"}}
    entry = {"table": "p", "kind": "column_generated", "column": "total", "reason": "x"}
    assert _kinds(loader, GENERATED_ONE_SIDE, tables, [{**entry, "dialect": "postgresql"}]) == []
    assert _kinds(loader, GENERATED_ONE_SIDE, tables, [entry]) == [
        "column_generated",
        "stale_allowance",
    ]


def test_a_default_on_one_side_is_allowed_with_or_without_a_dialect(loader: Loader) -> None:
    """A default is a property both sides' column has ("none" on one), as a type is: an
    allowance for it matches with ``dialect:`` (which side's is on purpose) or without."""
    tables = {"p": {"id", "a", "total"}}
    entry = {"table": "p", "kind": "column_default", "column": "total", "reason": "x"}
    assert _kinds(loader, DEFAULT_ONE_SIDE, tables, [entry]) == []
    assert _kinds(loader, DEFAULT_ONE_SIDE, tables, [{**entry, "dialect": "postgresql"}]) == []


def test_a_generated_column_differing_on_both_sides_needs_no_dialect(loader: Loader) -> None:
    """Near miss: two generating expressions are allowed without ``dialect:``, not with it."""
    tables = {"p": {"id", "a", "total"}}
    entry = {"table": "p", "kind": "column_generated", "column": "total", "reason": "x"}
    assert _kinds(loader, GENERATED_BOTH, tables, [entry]) == []
    with_dialect = [{**entry, "dialect": "postgresql"}]
    assert _kinds(loader, GENERATED_BOTH, tables, with_dialect) == [
        "column_generated",
        "stale_allowance",
    ]


# stranger46 case 012: one CHECK name on both sides, two meanings.
CHECK_BOTH_NAMED = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, CONSTRAINT ck_n CHECK (n > 0));",
    "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n integer, "
    "CONSTRAINT ck_n CHECK (n >= 0));",
)


def test_two_one_sided_allowances_do_not_allow_a_check_both_sides_name(loader: Loader) -> None:
    """A CHECK ck_n both sides have, differing (n = 0), is not allowed by an allowance for ck_n
    on SQLite only plus one on PostgreSQL only (it was, and was in sync): the difference stays
    and both are stale; one without ``dialect:`` allows it."""
    tables = {"t": {"id", "n"}}
    entry = {"table": "t", "kind": "check", "name": "ck_n", "reason": "x"}
    halves = [{**entry, "dialect": "sqlite"}, {**entry, "dialect": "postgresql"}]
    assert _kinds(loader, CHECK_BOTH_NAMED, tables, halves) == [
        "check",
        "stale_allowance",
        "stale_allowance",
    ]
    assert _kinds(loader, CHECK_BOTH_NAMED, tables, [entry]) == []


# stranger47 case 008: init names every CHECK otherwise on each side (ckLineSize on SQLite,
# ck_order_lines_size on PostgreSQL); the overflow CHECK is allowed on purpose, the weekday
# CHECK drifts (its witness rows: the golden case's).
NAMED_OTHERWISE = "sl-pg.renamed-columns-checks-named-otherwise-overflow-and-weekday"


def _case_diffed(loader: Loader, name: str, allow: list[dict[str, str]]) -> list[Difference]:
    """The differences left of golden case ``name`` under its own domain.yaml plus ``allow``
    (on its one table)."""
    case = case_named(name)
    spec = yaml.safe_load((case.folder / "domain.yaml").read_text(encoding="utf-8"))
    [table] = spec["tables"].values()
    table["allow"] = allow
    domain = parse_domain(yaml.safe_dump(spec, sort_keys=False))
    return diffed(loader, (case.sql("a"), case.sql("b")), domain).differences


def test_a_check_named_otherwise_on_each_side_is_allowed_by_either_name(loader: Loader) -> None:
    """The overflow CHECK pair carries both sides' names: an allowance by either allows it (it
    was stale, and only ``{kind: check}``, which hides every CHECK of the table, matched); the
    weekday CHECK's drift stays (near miss). The allowance a hint offers names the SQLite one."""
    [size] = [d for d in _case_diffed(loader, NAMED_OTHERWISE, []) if "overflow" in d.message]
    assert size.names == ("ckLineSize", "ck_order_lines_size"), size
    for name in ("ckLineSize", "ck_order_lines_size"):
        entry = {"kind": "check", "name": name, "reason": "overflow on absurd orders"}
        found = _case_diffed(loader, NAMED_OTHERWISE, [entry])
        assert [(d.kind, "2024-01-13" in d.message) for d in found] == [("check", True)], found
    dialects = {FixSide.LEFT: "sqlite", FixSide.RIGHT: "postgresql"}
    assert allowance_entry(size, dialects) == (
        '{kind: check, name: ckLineSize, checks: {sqlite: "unitPrice * quantity < 100000000", '
        'postgresql: "(unit_price * quantity) < 100000000"}, reason: ...}'
    )


def _as_diff(loader: Loader, name: str, allow: list[dict[str, str]]) -> list[Difference]:
    """Golden case ``name`` compared as ``twinschema diff --domain`` does (``compared``: the
    comparer, the evaluation stage, the allowances), ``allow`` on its table ``t``."""
    case = case_named(name)
    domain = domain_of(tables_of(loader, case), [{"table": "t", **a} for a in allow])
    return case_diffed(loader, case, domain)


def test_an_allowance_of_defaults_the_stage_calls_equal_is_stale(loader: Loader) -> None:
    """``date('now', '+30 days')`` against ``CURRENT_DATE + 30`` give one date (their golden
    case stores it): an allowance of their difference allows nothing and is reported stale, as
    one of a column without a default is (stranger47 A7: it was silent). Near miss: the month
    step that parts on a month's last days stays allowed, the allowance used."""
    entry = {"kind": "column_default", "column": "d", "reason": "x"}
    found = _as_diff(loader, "sl-pg.default-date-plus-30-days-vs-plus-30", [entry])
    assert [(d.kind, d.column) for d in found] == [("stale_allowance", "d")], found
    found = _as_diff(loader, "sl-pg.default-date-plus-month-vs-interval-month", [entry])
    assert found == [], found
    assert _as_diff(loader, "sl-pg.default-date-plus-month-vs-interval-month", []) != []


# stranger54 case 006: two allowances on one line, the second stale.
STAFF = (
    "CREATE TABLE staff (id INTEGER PRIMARY KEY, active SMALLINT NOT NULL);",
    "CREATE TABLE staff (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
    "active boolean NOT NULL);",
)
STAFF_ALLOW = {
    "flow": "    allow: [{kind: column_type, column: active, reason: 0/1}, "
    '{kind: index, name: ix_gone, reason: "old index"}]\n',
    "block": "    allow:\n"
    "      - {kind: column_type, column: active, reason: 0/1}\n"
    '      - {kind: index, name: ix_gone, reason: "old index"}\n',
}


@pytest.mark.parametrize("style", sorted(STAFF_ALLOW))
def test_a_stale_allowance_is_named_as_itself_among_others_of_its_line(
    loader: Loader, style: str
) -> None:
    """The stale allowance of two (one line in a flow-style list, a line each in a block list)
    is reported as itself, the index ix_gone, never as the column_type allowance in use, and
    where the line holds both, the hint says which entry of the list to remove."""
    text = f"version: 1\ntables:\n  staff:\n{STAFF_ALLOW[style]}    columns:\n      id: {{}}\n"
    domain = parse_domain(text + "      active: {}\n")
    found = diffed(loader, STAFF, domain).differences
    [stale] = found
    assert stale.kind == "stale_allowance" and stale.name == "ix_gone", found
    assert stale.message == "allowance index staff ix_gone matches nothing here", stale.message
    [gone] = [a for a in domain.allowances() if a.name == "ix_gone"]
    assert stale.fix is not None and stale.fix.line == gone.line == (4 if style == "flow" else 6)
    place = "(entry 2 of staff's allow: list, {kind: index, name: ix_gone})"
    assert (place in stale.hint) == (style == "flow"), stale.hint


# stranger56 W7: the same allowance written twice, the copy stale.
TWICE = {
    "flow": "    allow: [{kind: column_type, column: active, reason: 0/1}, "
    "{kind: column_type, column: active, reason: again}]\n",
    "block": "    allow:\n"
    "      - {kind: column_type, column: active, reason: 0/1}\n"
    "      - {kind: column_type, column: active, reason: again}\n",
}


@pytest.mark.parametrize("style", sorted(TWICE))
def test_an_allowance_written_twice_names_the_copy(loader: Loader, style: str) -> None:
    """Of one allowance written twice, the first allows the difference and the second, the
    copy, is the stale one: the warning points at the copy's line (and entry, where one line
    holds both), says it is written twice and where the first is, so the user removes the
    copy (it named the first). Near miss: written once, nothing is stale; two allowances that
    differ (a column the table has not) are not copies, and the plain stale wording stays."""
    head = "version: 1\ntables:\n  staff:\n"
    tail = "    columns:\n      id: {}\n      active: {}\n"
    domain = parse_domain(head + TWICE[style] + tail)
    first, copy = domain.tables["staff"].allow
    found = diffed(loader, STAFF, domain).differences
    [stale] = found
    assert stale.kind == "stale_allowance" and stale.fix is not None, found
    assert stale.fix.line == copy.line == (4 if style == "flow" else 6), stale
    assert "is written twice" in stale.message, stale.message
    assert f"domain.yaml:{first.line}" in stale.message, stale.message
    assert ("(entry 2 of staff's allow: list" in stale.hint) == (style == "flow"), stale.hint
    assert "(entry 1 of staff's allow: list" not in stale.hint, stale.hint
    single = head + "    allow:\n      - {kind: column_type, column: active, reason: 0/1}\n"
    assert diffed(loader, STAFF, parse_domain(single + tail)).differences == []
    other = TWICE[style].replace("column: active, reason: again", "column: id, reason: again")
    [near] = diffed(loader, STAFF, parse_domain(head + other + tail)).differences
    assert near.message == "allowance column_type staff.id matches nothing here", near.message


# One CHECK allowed twice by ``check:`` in two spellings of it: the second is a copy too.
SPELLED_TWICE = {
    "sqlite-parenthesized": ("sqlite", "n > 0", "(n > 0)"),
    "sqlite-turned": ("sqlite", "n > 0", "0 < n"),
    "postgresql-parenthesized": ("postgresql", "n > 0", "(n > 0)"),
    "postgresql-any-array": (
        "postgresql",
        "status IN ('a', 'b')",
        "status = ANY (ARRAY['a'::text, 'b'::text])",
    ),
}


IDENTITY = "GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"


def _orders(dialect: str, check: str) -> tuple[str, str]:
    """SQLite and PostgreSQL ``orders``, the CHECK ``check`` on ``dialect``'s side only."""
    sides = []
    for side in ("sqlite", "postgresql"):
        extra = f", CHECK ({check})" if side == dialect else ""
        key = "integer PRIMARY KEY" if side == "sqlite" else "integer " + IDENTITY
        sides.append(f"CREATE TABLE orders (id {key}, n integer, status text{extra});")
    return sides[0], sides[1]


@pytest.mark.parametrize("spelling", sorted(SPELLED_TWICE))
def test_one_check_allowed_twice_in_two_spellings_is_a_copy(loader: Loader, spelling: str) -> None:
    """A ``check:`` allowance written twice, in two spellings of one CHECK (``n > 0`` and
    ``(n > 0)``, ``IN`` and PostgreSQL's ``= ANY (ARRAY[...])``): the first allows the CHECK and
    the second is warned of as a copy of it, naming both lines, as a copy written alike is, never
    as matching nothing. Near miss: the second names another CHECK (``n > 1``), which the table
    has not: that one matches nothing, and says so."""
    dialect, first_text, second_text = SPELLED_TWICE[spelling]
    head = "version: 1\ntables:\n  orders:\n    allow:\n"
    tail = "    columns:\n      id: {}\n      n: {}\n      status: {}\n"

    def entry(text: str) -> str:
        return f'      - {{kind: check, dialect: {dialect}, check: "{text}", reason: r}}\n'

    domain = parse_domain(head + entry(first_text) + entry(second_text) + tail)
    first, second = domain.tables["orders"].allow
    found = diffed(loader, _orders(dialect, first_text), domain).differences
    assert len(found) == 1, [(d.kind, d.message) for d in found]
    [copy] = found
    assert copy.kind == "stale_allowance" and copy.fix is not None, copy
    assert copy.fix.line == second.line, copy
    assert "is written twice" in copy.message, copy.message
    assert f"domain.yaml:{first.line}" in copy.message, copy.message
    assert "matches nothing here" not in copy.message, copy.message
    near = parse_domain(head + entry(first_text) + entry("n > 1") + tail)
    [stale] = diffed(loader, _orders(dialect, first_text), near).differences
    assert stale.kind == "stale_allowance", stale
    assert stale.message.endswith("matches nothing here"), stale.message
    assert "written twice" not in stale.message, stale.message
