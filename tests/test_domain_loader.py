"""``domain.yaml`` and the loader in ``schemas/domain.py``: a typo fails at import time, the file
holds every table and column of the application (issue 2), and each metadata module uses exactly
the domain's names, never a string literal of its own."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemas.domain import DOMAIN, DOMAIN_FILE, VALUES, names
from twinschema.errors import DomainNameError

ROOT = Path(__file__).resolve().parent.parent
METADATA_MODULES = {"sqlite": "schemas.sqlite", "postgresql": "schemas.postgres"}

# Issue 2, "The application": every table and column, in order.
APPLICATION = {
    "communities": [
        "id", "name", "theme_id", "subscription_tier", "discord_guild_id", "telegram_chat_id",
        "is_active", "settings", "version", "created_at", "updated_at",
    ],
    "profiles": [
        "id", "community_id", "discord_id", "telegram_id", "wallet_address", "tier",
        "current_rank", "activity_score", "conviction_score", "joined_at", "last_seen_at",
        "first_claim_at", "metadata", "version", "created_at", "updated_at",
    ],
    "badges": [
        "id", "community_id", "profile_id", "badge_type", "awarded_at", "awarded_by",
        "revoked_at", "metadata", "created_at",
    ],
    "manifests": [
        "id", "community_id", "version", "content", "checksum", "synthesized_at",
        "synthesized_by", "is_active", "created_at",
    ],
    "shadow_states": [
        "id", "community_id", "manifest_version", "applied_at", "applied_by", "resources",
        "checksum", "status", "created_at",
    ],
}  # fmt: skip
TENANT_TABLES = {"profiles", "badges", "manifests", "shadow_states"}


def import_file(path: Path) -> None:
    """Import a module from a file, as Python would import a schemas module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[path.stem]


# ---------------------------------------------------------------------------------------------
# The loader


@pytest.mark.parametrize(
    ("line", "wrong", "right"),
    [
        ("N.communities.discrod_guild_id", "discrod_guild_id", "discord_guild_id"),
        ("N.comunities.id", "comunities", "communities"),
        ("VALUES.shadow_states.stauts", "stauts", "status"),
    ],
)
def test_a_typo_fails_at_import_naming_the_file_and_the_name(
    tmp_path: Path, line: str, wrong: str, right: str
) -> None:
    module = tmp_path / "typo_schema.py"
    module.write_text(
        "import sqlalchemy as sa\n"
        "from schemas.domain import VALUES, names\n"
        'N = names("postgresql")\n'
        f"NAME = {line}\n"
    )
    with pytest.raises(DomainNameError) as error:
        import_file(module)
    message = str(error.value)
    assert message.startswith(DOMAIN.path)  # the file, as the loader names it
    assert Path(DOMAIN.path).resolve() == DOMAIN_FILE
    assert repr(wrong) in message
    assert f"(did you mean {right!r}?)" in message


def test_the_loader_gives_physical_names_and_values() -> None:
    n = names("postgresql")
    assert n.profiles.__tablename__ == "profiles"
    assert n.profiles.metadata == "metadata"
    assert names("postgres").badges.awarded_by == "awarded_by"  # alias of postgresql
    assert VALUES.communities.subscription_tier == ("free", "pro", "enterprise")
    with pytest.raises(DomainNameError, match="declares no 'values'"):
        _ = VALUES.communities.name
    assert getattr(n.profiles, "nope", None) is None  # still an AttributeError for getattr


# ---------------------------------------------------------------------------------------------
# The domain file


def test_the_domain_holds_every_table_and_column_of_the_application() -> None:
    assert DOMAIN.version == 1
    assert {t: list(table.columns) for t, table in DOMAIN.tables.items()} == APPLICATION
    for table in DOMAIN.tables.values():
        for column in table.columns.values():
            assert column.kind is not None, f"{table.name}.{column.name} has no kind"
            assert column.names == {"sqlite": column.name, "postgresql": column.name}


def test_kinds() -> None:
    kind = {(t.name, c.name): c.kind for t in DOMAIN.tables.values() for c in t.columns.values()}
    assert {k for k, v in kind.items() if v == "uuid"} == {
        (t, c) for t, cols in APPLICATION.items() for c in cols
        if c in ("id", "community_id", "profile_id", "awarded_by")
    }  # fmt: skip
    assert {k for k, v in kind.items() if v == "timestamptz"} == {
        (t, c) for t, cols in APPLICATION.items() for c in cols if c.endswith("_at")
    }
    assert {k for k, v in kind.items() if v == "json"} == {
        ("communities", "settings"), ("profiles", "metadata"), ("badges", "metadata"),
        ("manifests", "content"), ("shadow_states", "resources"),
    }  # fmt: skip
    assert {k for k, v in kind.items() if v == "boolean"} == {
        ("communities", "is_active"),
        ("manifests", "is_active"),
    }
    assert kind[("communities", "version")] == kind[("profiles", "version")] == "bigint"
    assert kind[("manifests", "version")] == "integer"
    assert VALUES.shadow_states.status == ("applied", "pending", "failed")


def test_postgresql_only_objects_are_declared_with_reasons() -> None:
    allowed = {(a.table, a.kind, a.name) for a in DOMAIN.allowances()}
    assert all(a.dialect == "postgresql" and a.reason for a in DOMAIN.allowances())
    assert ("profiles", "index", "ix_profiles_metadata_gin") in allowed
    for table in TENANT_TABLES:
        assert (table, "dialect_object", "row_level_security") in allowed
        assert (table, "dialect_object", "tenant_isolation") in allowed
    assert not any(a.table == "communities" for a in DOMAIN.allowances())


# ---------------------------------------------------------------------------------------------
# The metadata modules


def metadata_of(dialect: str) -> sa.MetaData:
    metadata: sa.MetaData = importlib.import_module(METADATA_MODULES[dialect]).metadata
    return metadata


def test_each_metadata_module_uses_exactly_the_domain_names(dialect: str) -> None:
    metadata = metadata_of(dialect)
    expected = {
        table.physical(dialect): {c.physical(dialect) for c in table.columns.values()}
        for table in DOMAIN.tables.values()
        if dialect in table.dialects
    }
    actual = {table.name: {c.name for c in table.columns} for table in metadata.tables.values()}
    assert actual == expected


def test_postgresql_metadata_records_what_the_domain_allows() -> None:
    """The GIN index and the RLS policies of schemas/postgres.py are the declared allowances."""
    metadata = metadata_of("postgresql")
    allowed = {(a.table, a.name) for a in DOMAIN.allowances()}
    for table in metadata.tables.values():
        info = table.info.get("twinschema", {})
        assert bool(info.get("row_level_security")) == (table.name in TENANT_TABLES)
        if info.get("row_level_security"):
            assert (table.name, "row_level_security") in allowed
        for policy in info.get("policies", []):
            assert (table.name, policy) in allowed
    gin = [
        i for i in metadata.tables["profiles"].indexes if i.dialect_options["postgresql"]["using"]
    ]
    assert [(i.name, i.dialect_options["postgresql"]["using"]) for i in gin] == [
        ("ix_profiles_metadata_gin", "gin")
    ]
    assert all(
        i.name != "ix_profiles_metadata_gin"
        for i in metadata_of("sqlite").tables["profiles"].indexes
    )


# Strings in the metadata modules that may equal a domain name without being one: the native
# enum type of PostgreSQL is named after its column, but it is a type, not a column.
NOT_NAMES = {"subscription_tier"}


@pytest.mark.parametrize("module", sorted(METADATA_MODULES.values()))
def test_no_table_or_column_name_is_a_string_literal(module: str) -> None:
    """Every name comes from the loader: a literal would escape the import-time typo check."""
    domain_names = set(DOMAIN.tables) | {c for t in DOMAIN.tables.values() for c in t.columns}
    path = ROOT / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    literals = {
        (node.value, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and node.value in domain_names - NOT_NAMES
    }
    assert literals == set(), f"{path}: use the loader, not literals"


def test_declared_views_and_triggers() -> None:
    """``views:`` and ``triggers:`` declare objects each named dialect must have; a trigger names
    a declared table, and a wrong one is one error naming the file and line."""
    from twinschema.domain_load import parse_domain
    from twinschema.domain_model import DeclaredObject
    from twinschema.errors import DomainError

    base = "version: 1\ntables:\n  users:\n    columns:\n      id: {kind: integer}\n"
    domain = parse_domain(
        base + "views:\n  active_users: {dialects: [postgres]}\n  report:\n"
        "triggers:\n  users_touch: {table: users}\n",
        "d.yaml",
    )
    assert domain.objects == (
        DeclaredObject("view", "active_users", ("postgresql",), None, 7),
        DeclaredObject("view", "report", ("sqlite", "postgresql"), None, 8),
        DeclaredObject("trigger", "users_touch", ("sqlite", "postgresql"), "users", 10),
    )
    # A trigger each side spells otherwise (init81): found by its own name on each dialect.
    spelled = parse_domain(
        base + "triggers:\n  users_touch: {table: users, names: {sqlite: trg_users}}\n", "d.yaml"
    ).objects[0]
    assert spelled.names == {"sqlite": "trg_users"}
    assert (spelled.physical("sqlite"), spelled.physical("postgresql")) == (
        "trg_users",
        "users_touch",
    )
    # Near miss: two entries finding one trigger on a side (one trigger would satisfy both).
    with pytest.raises(DomainError) as raised:
        parse_domain(
            base + "triggers:\n  users_touch: {table: users, names: {sqlite: trg_users}}\n"
            "  trg_users: {table: users}\n",
            "d.yaml",
        )
    assert str(raised.value) == (
        "d.yaml:8: triggers 'trg_users' and 'users_touch' both name the sqlite trigger "
        "'trg_users' on users"
    )
    with pytest.raises(DomainError) as raised:
        parse_domain(base + "triggers:\n  users_touch: {table: user}\n", "d.yaml")
    assert str(raised.value) == (
        "d.yaml:7: trigger 'users_touch' is on table 'user', which 'tables' does not declare "
        "(did you mean 'users'?)"
    )
    with pytest.raises(DomainError) as raised:
        parse_domain(base + "triggers:\n  users_touch: {dialects: [sqlite]}\n", "d.yaml")
    assert str(raised.value) == (
        "d.yaml:7: trigger 'users_touch' needs 'table' (the table it is on)"
    )
