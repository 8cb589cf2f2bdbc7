"""``revision`` makes a native PostgreSQL enum type that a new column of an existing table uses,
and drops it in the downgrade.

Alembic's ``op.add_column`` makes no ``CREATE TYPE`` (its ``op.create_table`` does): a module's
``sa.Column('kind', sa.Enum('a', 'b', name='items_kind'))`` added to an existing table was
written as the ``add_column`` alone, and ``migrate remote`` failed with ``type "items_kind" does
not exist``. Real SQLite file and PostgreSQL; each chain migrates, ``check`` is in sync, and both
chains go down to their baseline and up again."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from support import testing
from test_init_project import Shell, adopt_in_sync
from test_revision_type_checks_dialect import ENUM, POSTGRES, SQLITE, _add, _migrated_in_sync

NATIVE = "sa.Column('kind', sa.Enum('a', 'b', name='items_kind')),"
KIND = "      kind: {kind: enum, values: [a, b]}\n"


def _revision(project: Path, step: str) -> tuple[str, str]:
    """The upgrade and the downgrade of the PostgreSQL revision ``step``."""
    (made,) = (project / "migrations_postgres" / "versions").glob(f"{step}_*_postgresql.py")
    upgrade, downgrade = made.read_text("utf-8").replace('"', "'").split("def downgrade")
    return upgrade, downgrade


def _types(pg_url: str) -> set[str]:
    """The enum types of the PostgreSQL database."""
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT typname FROM pg_type WHERE typtype = 'e'"))
            return {str(r[0]) for r in rows}
    finally:
        engine.dispose()


def _down_and_up(shell: Shell, project: Path, gone: str, pg_url: str) -> None:
    """Both chains to their baseline (where the type ``gone`` no longer exists), then to head,
    ``check`` in sync after."""
    for side, folder in (("local", "migrations_sqlite"), ("remote", "migrations_postgres")):
        (baseline,) = (project / folder / "versions").glob("0001_*.py")
        down = shell("migrate", side, "--to", baseline.stem, "--yes-downgrade")
        assert down.exit_code == 0, down.output
    assert gone not in _types(pg_url)
    _migrated_in_sync(shell)


def test_a_native_enum_column_added_makes_its_type(tmp_path: Path, pg_url: str) -> None:
    """The type is created before the ``add_column``, dropped after the ``drop_column``."""
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, SQLITE, POSTGRES)
    _add(project, KIND, {"sqlite": ENUM, "postgres": NATIVE})
    made = shell("revision", "-m", "add kind")
    assert made.exit_code == 0, made.output
    assert "warning" not in made.output, made.output
    upgrade, downgrade = _revision(project, "0002")
    create = "op.execute('CREATE TYPE items_kind AS ENUM ('a', 'b')')"
    assert create in upgrade, upgrade
    assert upgrade.index(create) < upgrade.index("op.add_column('items'"), upgrade
    drop = "op.execute('DROP TYPE IF EXISTS items_kind')"
    assert drop in downgrade, downgrade
    assert downgrade.index("op.drop_column('items', 'kind')") < downgrade.index(drop), downgrade
    _migrated_in_sync(shell)
    assert "items_kind" in _types(pg_url)
    _down_and_up(shell, project, gone="items_kind", pg_url=pg_url)


TAGS_DOMAIN = (
    "  tags:\n    columns:\n      id: {kind: integer}\n      kind: {kind: enum, values: [a, b]}\n"
)
TAGS = {
    "sqlite": "sa.Column('kind', sa.Enum('a', 'b', name='ck_tags_kind', native_enum=False, "
    "create_constraint=True)),\n    sa.PrimaryKeyConstraint('id'),",
    "postgres": "sa.Column('kind', sa.Enum('a', 'b', name='items_kind')),\n"
    "    sa.PrimaryKeyConstraint('id', name='tags_pkey'),",
}
IDENTITY = {"sqlite": "", "postgres": ", sa.Identity(always=False)"}


def _add_table(project: Path, name: str = "tags") -> None:
    """A table ``name`` whose ``kind`` is an enum in both modules, ``items_kind`` on
    PostgreSQL."""
    path = project / "domain.yaml"
    path.write_text(path.read_text("utf-8") + TAGS_DOMAIN.replace("tags", name), "utf-8")
    for module in ("sqlite", "postgres"):
        path = project / "schemas" / f"{module}.py"
        columns = TAGS[module].replace("tags", name)
        table = (
            f"\n\n{name} = sa.Table(\n    '{name}',\n    metadata,\n"
            f"    sa.Column('id', sa.INTEGER(){IDENTITY[module]}),\n    {columns}\n)\n"
        )
        path.write_text(path.read_text("utf-8") + table, "utf-8")


def test_a_table_created_with_the_type_makes_it_once(tmp_path: Path, pg_url: str) -> None:
    """Near misses: a ``create_table`` makes the type itself (not made twice), its downgrade
    drops it after the ``drop_table`` (which leaves it); later, a column and a new table reusing
    the type write neither ``CREATE TYPE`` nor ``DROP TYPE``, and the ``create_table`` does not
    make it again (``type "items_kind" already exists``)."""
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, SQLITE, POSTGRES)
    _add(project, KIND, {"sqlite": ENUM, "postgres": NATIVE})
    _add_table(project)
    made = shell("revision", "-m", "add tags")
    assert made.exit_code == 0, made.output
    assert "warning" not in made.output, made.output
    upgrade, downgrade = _revision(project, "0002")
    assert "op.create_table('tags'" in upgrade and "CREATE TYPE" not in upgrade, upgrade
    drop = "op.execute('DROP TYPE IF EXISTS items_kind')"
    assert downgrade.count(drop) == 1, downgrade
    assert downgrade.index("op.drop_table('tags')") < downgrade.index(drop), downgrade
    _migrated_in_sync(shell)
    other = "sa.Column('other', sa.Enum('a', 'b', name='items_kind')),"
    lite = ENUM.replace("'kind'", "'other'").replace("ck_items_kind", "ck_items_other")
    _add(project, KIND.replace("kind:", "other:", 1), {"sqlite": lite, "postgres": other})
    _add_table(project, "notes")
    again = shell("revision", "-m", "add other")
    assert again.exit_code == 0, again.output
    assert "warning" not in again.output, again.output
    upgrade, downgrade = _revision(project, "0003")
    assert "op.add_column('items', sa.Column('other'" in upgrade, upgrade
    kept = "postgresql.ENUM('a', 'b', name='items_kind', create_type=False)"
    assert "op.create_table('notes'" in upgrade and kept in upgrade, upgrade
    assert "TYPE" not in upgrade and "TYPE" not in downgrade, upgrade + downgrade
    _migrated_in_sync(shell)
    _down_and_up(shell, project, gone="items_kind", pg_url=pg_url)
    assert "items_kind" in _types(pg_url)


def test_changed_labels_are_said_not_written(tmp_path: Path, pg_url: str) -> None:
    """Alembic writes nothing for a native enum whose labels change (no ``ALTER TYPE ... ADD
    VALUE``): ``revision`` says so in its "not written" warning. The SQLite twin's enum is a
    named CHECK (``ck_items_kind``), which ``revision`` now drops and makes again in a batch
    (stranger68 014): said of the PostgreSQL chain only."""
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, SQLITE, POSTGRES)
    _add(project, KIND, {"sqlite": ENUM, "postgres": NATIVE})
    assert shell("revision", "-m", "add kind").exit_code == 0
    _migrated_in_sync(shell)
    for name in ("domain.yaml", "schemas/sqlite.py", "schemas/postgres.py"):
        path = project / name
        text = path.read_text("utf-8").replace("'a', 'b'", "'a', 'b', 'c'")
        path.write_text(text.replace("[a, b]", "[a, b, c]"), "utf-8")
    made = shell("revision", "-m", "add c")
    assert made.exit_code == 0, made.output
    upgrade, _ = _revision(project, "0003")
    assert "TYPE" not in upgrade, upgrade
    said = " ".join(made.output.split())
    module = "schemas/postgres.py"
    assert (
        "warning: not written: items.kind: upgrading an empty database to head does not give "
        f"{module}: enum: allowed values of items.kind differ: 'c' only in {module}"
    ) in said, said
    assert "schemas/sqlite.py:" not in said, said
    sqlite_upgrade = next((project / "migrations_sqlite" / "versions").glob("0003_*.py"))
    text = sqlite_upgrade.read_text("utf-8").replace('"', "'")
    assert "batch_op.create_check_constraint('ck_items_kind', " in text, text
    assert "'c'" in text.split("def downgrade")[0], text
