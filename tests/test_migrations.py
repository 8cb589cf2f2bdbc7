"""Both migration chains, on real databases: head equals the metadata module, downgrade leaves
nothing, upgrades are idempotent, and ``twinschema migrate`` says what it did.

Until the checker covers this layer, "head equals the metadata" is Alembic's autogenerate
comparison (``compare_metadata`` with types and server defaults). Autogenerate cannot see CHECK
constraints, partial-index predicates, enum labels, row-level security or policies, so
``test_head_has_what_autogenerate_cannot_see`` asserts those from the catalogs directly.

Every database comes from a fixture (a scratch SQLite file, a scratch PostgreSQL database from
``TEST_DATABASE_URL`` or the embedded server); the CLI tests pass that URL explicitly, so the real
``DATABASE_URL`` of the environment is never used.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from twinschema.cli import cli, main
from twinschema.config import load_config
from twinschema.migrations import migrate, migrate_chain, migrate_connect
from twinschema.urls import parse_url

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "pyproject.toml")
METADATA_MODULES = {"sqlite": "schemas.sqlite", "postgresql": "schemas.postgres"}
HEADS = {"sqlite": "0001_initial_sqlite", "postgresql": "0001_initial_postgresql"}
URL_ENV = {"sqlite": "LOCAL_DATABASE_URL", "postgresql": "DATABASE_URL"}
SIDE = {"sqlite": "local", "postgresql": "remote"}
VERSION_TABLE = "alembic_version"


def metadata_of(dialect: str) -> sa.MetaData:
    module = importlib.import_module(METADATA_MODULES[dialect])
    metadata: sa.MetaData = module.metadata
    return metadata


def target(dialect: str, url: str) -> migrate_chain.Target:
    return migrate_chain.Target(dialect, parse_url(url))


def upgrade(dialect: str, url: str, to: str = "head") -> None:
    with migrate_connect.connect(target(dialect, url)) as connection:
        migrate_chain.upgrade(
            migrate_chain.alembic_config(CONFIG, dialect, connection=connection), to
        )


def downgrade(dialect: str, url: str, to: str = "base") -> None:
    with migrate_connect.connect(target(dialect, url)) as connection:
        migrate_chain.downgrade(
            migrate_chain.alembic_config(CONFIG, dialect, connection=connection), to
        )


@pytest.fixture
def connect() -> Iterator[Any]:
    """``connect(url)``: a plain connection for assertions; every engine is disposed after."""
    engines: list[sa.Engine] = []

    def _connect(url: str) -> sa.Connection:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        engines.append(engine)
        return engine.connect()

    yield _connect
    for engine in engines:
        engine.dispose()


def autogenerate_diff(connection: sa.Connection, dialect: str) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": lambda obj, name, type_, reflected, compare_to: (
                not (type_ == "table" and name == VERSION_TABLE)
            ),
        },
    )
    return list(compare_metadata(context, metadata_of(dialect)))


def app_tables(connection: sa.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names()) - {VERSION_TABLE}


def revision(connection: sa.Connection) -> tuple[str, ...]:
    return migrate_chain.current_revisions(connection)


# ---------------------------------------------------------------------------------------------
# The chains


def test_each_chain_has_one_head_at_the_same_domain_version(dialect: str) -> None:
    """One head per chain, and the twin heads declare the same domain version."""
    cfg = migrate_chain.alembic_config(CONFIG, dialect)
    head = migrate_chain.head_revision(cfg)
    assert head == HEADS[dialect]
    script = migrate_chain.script_directory(cfg).get_revision(head)
    assert script is not None
    assert script.module.domain_version == 1


def test_head_matches_the_metadata_module(dialect: str, db_url: str, connect: Any) -> None:
    """An empty database upgraded to head is what the metadata module describes (autogenerate:
    tables, columns, types, nullability, server defaults, keys, FKs, unique constraints, indexes).
    """
    upgrade(dialect, db_url)
    with connect(db_url) as connection:
        assert revision(connection) == (HEADS[dialect],)
        assert app_tables(connection) == set(metadata_of(dialect).tables)
        assert autogenerate_diff(connection, dialect) == []


def test_the_comparison_sees_a_hand_edit(dialect: str, db_url: str, connect: Any) -> None:
    """The control for the test above: a dropped index is found, so no diff means something."""
    upgrade(dialect, db_url)
    with connect(db_url) as connection:
        connection.execute(sa.text("DROP INDEX ix_profiles_wallet_address"))
        diffs = autogenerate_diff(connection, dialect)
    assert [d[0] for d in diffs] == ["add_index"]
    assert diffs[0][1].name == "ix_profiles_wallet_address"


def test_head_has_what_autogenerate_cannot_see(dialect: str, db_url: str, connect: Any) -> None:
    """CHECK constraints and partial-index predicates (both dialects), and on PostgreSQL the enum
    type's labels, row-level security and the tenant policy, checked in the catalogs."""
    upgrade(dialect, db_url)
    metadata = metadata_of(dialect)
    with connect(db_url) as connection:
        inspector = sa.inspect(connection)
        for table in metadata.tables.values():
            declared = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
            live = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert live == declared, table.name
        partial = {i["name"]: i for i in inspector.get_indexes("badges")}[
            "ix_badges_profile_id_active"
        ]
        where = partial["dialect_options"][f"{dialect}_where"]
        assert "revoked_at IS NULL" in str(where)
        if dialect == "postgresql":
            assert_postgresql_only_objects(connection, metadata)


def assert_postgresql_only_objects(connection: sa.Connection, metadata: sa.MetaData) -> None:
    labels = connection.execute(
        sa.text(
            "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
            "WHERE t.typname = 'subscription_tier' ORDER BY e.enumsortorder"
        )
    ).scalars()
    assert list(labels) == ["free", "pro", "enterprise"]
    rls = dict(
        connection.execute(
            sa.text(
                "SELECT c.relname, c.relrowsecurity FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        ).all()
    )
    policies: dict[str, set[str]] = {}
    for table, policy in connection.execute(
        sa.text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public'")
    ):
        policies.setdefault(table, set()).add(policy)
    for table in metadata.tables.values():
        info = table.info.get("twinschema", {})
        assert rls[table.name] == bool(info.get("row_level_security")), table.name
        assert policies.get(table.name, set()) == set(info.get("policies", [])), table.name
    assert rls["communities"] is False  # the tenant registry is read before a tenant is known


def test_downgrade_to_base_leaves_nothing(dialect: str, db_url: str, connect: Any) -> None:
    """Downgrade undoes everything, including the enum type and the policies on PostgreSQL."""
    upgrade(dialect, db_url)
    downgrade(dialect, db_url)
    with connect(db_url) as connection:
        assert revision(connection) == ()
        assert app_tables(connection) == set()
        if dialect == "postgresql":
            types = connection.execute(
                sa.text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            ).all()
            assert types == []
            assert connection.execute(sa.text("SELECT count(*) FROM pg_policies")).scalar() == 0
    upgrade(dialect, db_url)  # and the chain goes up again from there
    with connect(db_url) as connection:
        assert autogenerate_diff(connection, dialect) == []


def test_upgrade_twice_is_idempotent(dialect: str, db_url: str, connect: Any) -> None:
    """A second upgrade to head does nothing: same revision, same schema."""
    upgrade(dialect, db_url)
    with connect(db_url) as connection:
        first = snapshot(connection)
    upgrade(dialect, db_url)
    with connect(db_url) as connection:
        assert snapshot(connection) == first
        assert revision(connection) == (HEADS[dialect],)


def snapshot(connection: sa.Connection) -> Any:
    inspector = sa.inspect(connection)
    return plain(
        {
            "columns": {k[1]: v for k, v in inspector.get_multi_columns().items()},
            "indexes": {k[1]: v for k, v in inspector.get_multi_indexes().items()},
            "fks": {k[1]: v for k, v in inspector.get_multi_foreign_keys().items()},
            "version": connection.execute(sa.text(f"SELECT * FROM {VERSION_TABLE}")).all(),
        }
    )


def plain(value: Any) -> Any:
    """Reflected values made comparable: SQL clauses and types as text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | sa.Row):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value) if isinstance(value, sa.types.TypeEngine) else str(value)


# ---------------------------------------------------------------------------------------------
# The command


def run_cli(dialect: str, url: str, *args: str) -> Any:
    """``twinschema migrate <side> ...`` with the fixture's URL as the side's variable."""
    runner = CliRunner(env={URL_ENV[dialect]: url})
    return runner.invoke(cli, ["migrate", SIDE[dialect], *args], catch_exceptions=False)


def test_cli_migrate_says_what_it_did_and_is_idempotent(
    dialect: str, db_url: str, connect: Any
) -> None:
    first = run_cli(dialect, db_url)
    assert first.exit_code == 0, first.output
    assert f"upgraded from base to {HEADS[dialect]} (head)" in first.output
    second = run_cli(dialect, db_url)
    assert second.exit_code == 0, second.output
    assert f"already at {HEADS[dialect]} (head); nothing to do" in second.output
    with connect(db_url) as connection:
        assert autogenerate_diff(connection, dialect) == []


def test_cli_dry_run_prints_sql_and_changes_nothing(
    dialect: str, db_url: str, connect: Any
) -> None:
    result = run_cli(dialect, db_url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE communities" in result.output
    assert "CREATE INDEX ix_badges_profile_id_active" in result.output
    assert f"-- {redacted(db_url)}: would upgrade from base to {HEADS[dialect]}" in result.output
    if dialect == "sqlite":
        assert not Path(parse_url(db_url).database or "").exists()  # not even created
    else:
        assert "CREATE POLICY tenant_isolation ON profiles" in result.output
        with connect(db_url) as connection:
            assert set(sa.inspect(connection).get_table_names()) == set()
    # At head, a dry run has nothing to print but the fact.
    assert run_cli(dialect, db_url).exit_code == 0
    again = run_cli(dialect, db_url, "--dry-run")
    assert again.output.strip().endswith(f"already at {HEADS[dialect]} (head); nothing to do")
    assert "CREATE" not in again.output


def redacted(url: str) -> str:
    return migrate_chain.Target("", parse_url(url)).label


def test_cli_refuses_to_downgrade_and_unknown_revisions(
    dialect: str, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--to`` behind the database (without ``--yes-downgrade``), or unknown: exit 2, one
    line, nothing changed."""
    monkeypatch.setenv(URL_ENV[dialect], db_url)
    upgrade(dialect, db_url)
    for rev, expected in (
        ("base", f"is a downgrade: it would undo {HEADS[dialect]}"),
        ("nope", "Can't locate revision"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(["migrate", SIDE[dialect], "--to", rev])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert expected in err
        assert len(err.strip().splitlines()) == 1
        with migrate_connect.connect(target(dialect, db_url)) as connection:
            assert migrate_chain.current_revisions(connection) == (HEADS[dialect],)


def test_cli_never_prints_a_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreachable server: exit 3, one line, the URL redacted."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:s3cr3t-pw@127.0.0.1:9/app")
    with pytest.raises(SystemExit) as exit_info:
        main(["migrate", "remote"])
    assert exit_info.value.code == 3
    captured = capsys.readouterr()
    assert "s3cr3t-pw" not in captured.out + captured.err
    assert "cannot connect to postgresql+psycopg://app:***@127.0.0.1:9/app" in captured.err


def test_cli_refuses_a_url_of_the_other_dialect(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flag of the other dialect is refused (a variable is ignored instead: see
    test_which_database)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["migrate", "local", "--sqlite-url", "postgresql://app:s3cr3t-pw@127.0.0.1:9/app"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--sqlite-url postgresql://app:***@127.0.0.1:9/app is not a SQLite URL" in err
    assert "s3cr3t-pw" not in err


def test_remote_without_database_url_uses_the_embedded_server(private_dir: Path) -> None:
    """No DATABASE_URL: the embedded server (here in a temporary folder), and it says so."""
    config = dataclasses.replace(CONFIG, embedded_dir=private_dir / "pg")
    lines: list[str] = []
    outcome = migrate.migrate(config, "remote", echo=lines.append, environ={})
    assert (
        lines[0]
        == f"DATABASE_URL is not set: using the embedded PostgreSQL in {private_dir / 'pg'}"
    )
    assert outcome.after == (HEADS["postgresql"],)
    lines.clear()
    again = migrate.migrate(config, "remote", echo=lines.append, environ={})
    assert not again.changed
    assert lines[-1].endswith("nothing to do")
