"""The JSON Schema of domain.yaml (shipped in the package, named on the file's first line) accepts
what the loader accepts and rejects the unknown keys and kinds the loader rejects."""

from __future__ import annotations

import copy
import json
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from twinschema import domain_schema
from twinschema.canonical import typemap
from twinschema.domain_load import parse_domain
from twinschema.errors import DomainError
from twinschema.records import ALLOWABLE_KINDS, DIFFERENCE_KINDS, VIEW_ALLOWABLE_KINDS
from twinschema.records.kinds import EXTENSION_KINDS, LOGICAL_KINDS

KINDS = LOGICAL_KINDS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "tool" / "twinschema" / "domain.schema.json"
DOMAINS = [
    ROOT / "domain.yaml",
    ROOT / "tests" / "fixtures" / "realworld" / "chinook" / "domain.yaml",
]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return document


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schema_ships_in_the_package() -> None:
    shipped = files("twinschema") / "domain.schema.json"
    assert shipped.is_file()
    assert json.loads(shipped.read_text("utf-8")) == json.loads(SCHEMA_FILE.read_text("utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "domain.schema.json" in pyproject["tool"]["setuptools"]["package-data"]["twinschema"]


def test_domain_yaml_names_the_schema_on_its_first_line() -> None:
    first = (ROOT / "domain.yaml").read_text("utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (ROOT / first[len(prefix) :]).resolve() == SCHEMA_FILE.resolve()


@pytest.mark.parametrize("path", DOMAINS, ids=lambda p: p.parent.name)
def test_real_domains_validate(path: Path, validator: jsonschema.protocols.Validator) -> None:
    document = yaml.safe_load(path.read_text("utf-8"))
    assert [e.message for e in validator.iter_errors(document)] == []
    parse_domain(path.read_text("utf-8"), str(path))  # and the loader agrees


def test_the_kind_enums_are_the_records(schema: dict[str, Any]) -> None:
    """One source for each list of kinds (``records``): the shipped schema's enums equal them,
    in order, and the type table prefers the kinds in the same order."""
    column = schema["$defs"]["column"]["properties"]
    assert column["kind"]["enum"] == list(LOGICAL_KINDS)
    assert typemap.KINDS == typemap.SPECIFICITY == LOGICAL_KINDS
    assert set(EXTENSION_KINDS) < set(LOGICAL_KINDS)
    assert schema["$defs"]["allowance"]["properties"]["kind"]["enum"] == list(ALLOWABLE_KINDS)
    assert set(ALLOWABLE_KINDS) < set(DIFFERENCE_KINDS)
    view_kinds = schema["$defs"]["view_allowance"]["properties"]["kind"]["enum"]
    assert view_kinds == list(VIEW_ALLOWABLE_KINDS) and set(view_kinds) < set(DIFFERENCE_KINDS)


def test_the_loader_validates_with_the_shipped_schema(schema: dict[str, Any]) -> None:
    """One set of rules: the loader's schema is the file editors use, closed at every level."""
    assert domain_schema.schema() == schema
    defs = schema["$defs"]
    for where in (
        schema,
        defs["table"],
        defs["column"],
        defs["allowance"],
        defs["view"],
        defs["trigger"],
    ):
        assert where["additionalProperties"] is False


# A schema error, told in the loader's words at the line of the part at fault.
SCHEMA_ERRORS = {
    "unknown column key": (
        "version: 1\ntables:\n  items:\n    columns:\n      id: {kind: integer, nulable: true}\n",
        "d.yaml:5: unknown key 'nulable' in column items.id (valid keys: kind, length, precision, "
        "scale, dimensions, geometry, srid, sqlite, values, name, names, dialects, description)",
    ),
    "a list where text belongs": (
        "version: 1\ntables:\n  items:\n    columns:\n      id:\n        kind: [integer]\n",
        "d.yaml:6: kind of column items.id must be a single value (text), not a list",
    ),
    "a negative length": (
        "version: 1\ntables:\n  items:\n    columns:\n      id: {kind: varchar, length: -3}\n",
        "d.yaml:5: length of column items.id must be a whole number, not '-3'",
    ),
    "a table without columns, in block style": (
        "version: 1\ntables:\n  items:\n    dialects: [sqlite]\n",
        "d.yaml:3: table 'items' has no 'columns'",
    ),
    "an empty dialects list": (
        "version: 1\ntables:\n  items:\n    dialects: []\n    columns: {id: {}}\n",
        "d.yaml:4: 'dialects' of table 'items' must be a non-empty list",
    ),
    "a kind in upper case": (
        "version: 1\ntables:\n  items:\n    columns:\n      id: {kind: UUID}\n",
        "d.yaml:5: unknown kind 'UUID' for column items.id (did you mean 'uuid'?)",
    ),
    "the first error in the file wins": (
        "version: 1\ntables:\n  b: {columns: {id: {kind: nope}}}\n  a: {colums: {}}\n",
        "d.yaml:3: unknown kind 'nope' for column b.id (kinds: " + ", ".join(KINDS) + ")",
    ),
}


@pytest.mark.parametrize("case", list(SCHEMA_ERRORS), ids=list(SCHEMA_ERRORS))
def test_a_schema_error_is_one_line_at_its_place(case: str) -> None:
    text, message = SCHEMA_ERRORS[case]
    with pytest.raises(DomainError) as raised:
        parse_domain(text, "d.yaml")
    assert str(raised.value) == message


BASE: dict[str, Any] = {
    "version": 1,
    "tables": {
        "users": {
            "names": {"sqlite": "Users", "postgresql": "users"},
            "columns": {
                "id": {"kind": "uuid"},
                "role": {"kind": "enum", "values": ["admin", "member"]},
                "name": {"kind": "varchar", "length": 80, "names": {"sqlite": "Name"}},
                "note": None,
            },
            "allow": [
                {"kind": "index", "dialect": "postgresql", "name": "ix_gin", "reason": "GIN"},
            ],
        },
        "audit": {"dialects": ["postgresql"], "columns": {"id": {"kind": "bigint"}}},
    },
    "views": {"active_users": {"dialects": ["sqlite", "postgresql"]}, "report": None},
    "triggers": {"users_touch": {"table": "users", "dialects": ["postgresql"]}},
}


def _mutated(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


INVALID = {
    "unknown top-level key": (("colour",), "blue"),
    "unknown table key": (("tables", "users", "primary"), "id"),
    "unknown column key": (("tables", "users", "columns", "id", "nullable"), True),
    "unknown allowance key": (("tables", "users", "allow", 0, "because"), "x"),
    "unknown column kind": (("tables", "users", "columns", "id", "kind"), "guid"),
    "unknown allowance kind": (("tables", "users", "allow", 0, "kind"), "column_typo"),
    "unknown dialect": (("tables", "audit", "dialects"), ["oracle"]),
    "unknown dialect in names": (("tables", "users", "names"), {"mysql": "users"}),
    "allowance without reason": (("tables", "users", "allow", 0), {"kind": "index"}),
    "table without columns": (("tables", "audit"), {"dialects": ["postgresql"]}),
    "values on a non-enum kind": (("tables", "users", "columns", "role", "kind"), "text"),
    "version not a number": (("version",), "one"),
    "a table name with a space": (("tables", "bad name"), {"columns": {"id": None}}),
    "unknown view key": (("views", "active_users", "sql"), "SELECT 1"),
    "view dialect unknown": (("views", "active_users", "dialects"), ["oracle"]),
    "trigger without its table": (("triggers", "users_touch"), {"dialects": ["postgresql"]}),
    "unknown trigger key": (("triggers", "users_touch", "when"), "before"),
    "a view name with a space": (("views", "bad view"), None),
    "a physical name with a semicolon": (("tables", "users", "names"), {"sqlite": "x; DROP"}),
    "a physical name with a quote": (("tables", "users", "names"), {"postgresql": 'a"b'}),
    "a physical name with a tab": (("tables", "users", "columns", "note"), {"name": "a\tb"}),
    "a blank physical name": (("tables", "users", "columns", "note"), {"name": " "}),
    "a table's allow not a list": (("tables", "users", "allow"), {"kind": "index"}),
    "a view's allow not a list": (("views", "report"), {"allow": "view"}),
}

# An `allow:` left empty once its last entry is removed (what a stale allowance's hint asks) is
# no allowance, for a table and for a view (stranger94b: "'allow' of table ... must be a list").
EMPTIED = {
    "a table's allow left empty": (("tables", "users", "allow"), None),
    "a view's allow left empty": (("views", "report"), {"allow": None}),
}


@pytest.mark.parametrize("case", list(EMPTIED), ids=list(EMPTIED))
def test_an_emptied_allow_is_no_allowance(
    case: str, validator: jsonschema.protocols.Validator
) -> None:
    path, value = EMPTIED[case]
    document = _mutated(path, value)
    assert list(validator.iter_errors(document)) == []
    domain = parse_domain(yaml.safe_dump(document))
    assert [a for a in domain.allowances() if a.table == path[1]] == []


def test_the_base_document_is_valid_for_both(validator: jsonschema.protocols.Validator) -> None:
    assert list(validator.iter_errors(BASE)) == []
    parse_domain(yaml.safe_dump(BASE))


@pytest.mark.parametrize("case", list(INVALID), ids=list(INVALID))
def test_rejected_by_the_loader_and_the_schema(
    case: str, validator: jsonschema.protocols.Validator
) -> None:
    path, value = INVALID[case]
    document = _mutated(path, value)
    assert list(validator.iter_errors(document)), f"the schema accepts {case}"
    with pytest.raises(DomainError):
        parse_domain(yaml.safe_dump(document))


def test_an_accepted_document_is_not_validated_again(tmp_path: Path) -> None:
    """A document the schema accepted is remembered in the user's cache folder: the next
    process that loads it does not import jsonschema. A changed document is validated again,
    and one the schema refuses is refused every time (never remembered)."""
    import os
    import subprocess
    import sys

    domain = tmp_path / "domain.yaml"
    domain.write_text((ROOT / "domain.yaml").read_text("utf-8"), "utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = (
        "import sys\n"
        "from twinschema.domain_load import load_domain\n"
        "from twinschema.errors import DomainError\n"
        "try:\n"
        f"    load_domain({str(domain)!r})\n"
        "except DomainError as exc:\n"
        "    print(exc)\n"
        "print('jsonschema' in sys.modules)\n"
    )

    def load() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()

    assert load() == ["True"]  # validated, then remembered
    assert load() == ["False"]  # the same document: not validated again
    text = domain.read_text("utf-8")
    domain.write_text(text.replace("version: 1\n", "version: 2\n", 1), "utf-8")
    assert load() == ["True"]  # changed: validated again
    domain.write_text(text.replace("version: 1\n", "version: one\n", 1), "utf-8")
    for _ in range(2):
        *error, imported = load()
        assert imported == "True"
        assert len(error) == 1 and error[0].startswith(f"{domain}:"), error


# Physical names are a database's spelling: any quoted SQL identifier a real schema uses
# (Roundcube's identities."reply-to", Access-style "Order Date"), while logical names stay
# identifiers (the metadata modules read them as attributes).
PHYSICAL = {
    "a hyphen under names": (
        ("tables", "users", "columns", "note"),
        {"names": {"sqlite": "reply-to", "postgresql": "reply-to"}},
    ),
    "a space under name": (("tables", "users", "columns", "note"), {"name": "Order Date"}),
    "a dot and parentheses": (("tables", "users", "names"), {"postgresql": "users.v2 (old)"}),
}


@pytest.mark.parametrize("case", list(PHYSICAL), ids=list(PHYSICAL))
def test_a_physical_name_may_be_any_quoted_identifier(
    case: str, validator: jsonschema.protocols.Validator
) -> None:
    path, value = PHYSICAL[case]
    document = _mutated(path, value)
    assert list(validator.iter_errors(document)) == []
    domain = parse_domain(yaml.safe_dump(document))
    table = domain.tables["users"]
    spelled = {*table.names.values()} | {
        name for column in table.columns.values() for name in column.names.values()
    }
    expected = value.get("name") or next(iter(value.get("names", value).values()))
    assert expected in spelled


def test_a_logical_name_is_still_an_identifier() -> None:
    document = _mutated(("tables", "users", "columns", "reply-to"), None)
    with pytest.raises(DomainError, match=r"reply-to.*not a valid name.*goes under `names`"):
        parse_domain(yaml.safe_dump(document))


def test_a_dialect_the_schema_refuses_is_told_at_its_line() -> None:
    """The loader would read "PostgreSQL" as postgresql, but the schema, which has the last word,
    names the dialects in lower case: the error is at the value's line with the closest name
    (it was "refused by domain.schema.json" at line 1)."""
    document = _mutated(("tables", "audit", "dialects"), ["PostgreSQL"])
    text = yaml.safe_dump(document, sort_keys=False)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "PostgreSQL" in s)
    with pytest.raises(DomainError) as info:
        parse_domain(text)
    assert f":{line}: unknown dialect 'PostgreSQL'" in str(info.value)
    assert "did you mean 'postgresql'?" in str(info.value)
