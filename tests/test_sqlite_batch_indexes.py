"""A SQLite batch copy keeps every index of its table (stranger44 003, 004, 007, 016).

Alembic's batch copy (create ``_alembic_tmp_<t>``, copy, drop, rename) re-creates the indexes
SQLAlchemy reflected; SQLAlchemy's SQLite reflection skips an index on an expression and reads a
column's ``COLLATE`` or ``DESC`` in an index as a bare column. So a revision that only added a
column to ``customers`` dropped its UNIQUE index on ``lower(email)``, and ``migrate`` ran it with
exit 0: duplicate emails were accepted afterwards. Now the copy makes each index of the table
again from its own statement, unless the batch drops it; one that names a column the copy no
longer has is said as the database's loss, decided from the database once the migration is
done (one created again by the revision, or on a table no batch recreated, is not a loss).
Real SQLite files, revisions run by ``twinschema migrate local`` (in-process).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import revision

TABLES = [
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, nick TEXT)",
    "CREATE UNIQUE INDEX ux_customers_email_lower ON customers (lower(email))",
    "CREATE INDEX ix_customers_named ON customers (name) WHERE name <> ''",
    "CREATE UNIQUE INDEX ux_customers_nick ON customers (nick COLLATE NOCASE DESC)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
    "customer_id INTEGER REFERENCES customers (id), note TEXT)",
    "CREATE INDEX ix_orders_note ON orders (note)",
]
EMAIL = "ux_customers_email_lower"
ALL = {EMAIL, "ix_customers_named", "ux_customers_nick"}
NAMED = {*ALL, "ix_orders_note"}


def indexes(url: str) -> dict[str, str]:
    """Each index made by a statement, by name: its statement, as SQLite keeps it."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
            return {str(name): str(sql) for name, sql in rows}
    finally:
        engine.dispose()


def refused(url: str, statement: str) -> bool:
    """True when SQLite refuses ``statement`` (run in a transaction that is rolled back)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection, connection.begin():
            try:
                connection.exec_driver_sql(statement)
            except sa.exc.IntegrityError:
                return True
            connection.rollback()
            return False
    finally:
        engine.dispose()


def with_customers(project: Path, url: str) -> str:
    """0002 (the tables and their indexes), migrated, with one customer; its id."""
    made = revision(
        project,
        "0002_customers_sqlite",
        HEADS["sqlite"],
        2,
        "\n".join(f"op.execute({s!r})" for s in TABLES),
        'op.drop_table("orders")\nop.drop_table("customers")',
    )
    result = run_migrate(project, "sqlite", url, "--to", made)
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO customers (id, name, email, nick) "
                "VALUES (1, 'Anna', 'Anna@Example.org', 'Bo')"
            )
    finally:
        engine.dispose()
    return made


DUPLICATE_EMAIL = "INSERT INTO customers (name, email) VALUES ('x', 'anna@example.org')"
DUPLICATE_NICK = "INSERT INTO customers (name, nick) VALUES ('y', 'bo')"
ADD_POINTS = (
    'with op.batch_alter_table("customers", recreate="always") as batch:\n'
    '    batch.add_column(sa.Column("points", sa.Integer(), nullable=False, '
    'server_default=sa.text("0")))'
)


def test_a_batch_copy_keeps_expression_partial_and_collated_indexes(
    tmp_path: Path, sqlite_url: str
) -> None:
    project = scratch_project(tmp_path)
    made = with_customers(project, sqlite_url)
    before = indexes(sqlite_url)
    assert set(before) >= ALL
    assert refused(sqlite_url, DUPLICATE_EMAIL) and refused(sqlite_url, DUPLICATE_NICK)
    revision(
        project,
        "0003_points_sqlite",
        made,
        3,
        ADD_POINTS,
        'with op.batch_alter_table("customers") as batch:\n    batch.drop_column("points")',
        header='allow_destructive_downgrade = {"drop_column:customers.points": "test"}',
    )

    for args in ((), ("--to", made, "--yes-downgrade")):
        result = run_migrate(project, "sqlite", sqlite_url, *args)
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output.lower(), result.output
        assert indexes(sqlite_url) == before  # the email index was gone after the upgrade
        assert refused(sqlite_url, DUPLICATE_EMAIL)  # accepted after the upgrade
        assert refused(sqlite_url, DUPLICATE_NICK)  # the copy's index lost its COLLATE


def customers_batch(*lines: str) -> str:
    return 'with op.batch_alter_table("customers") as batch:\n' + "\n".join(
        f"    {line}" for line in lines
    )


@pytest.mark.parametrize(
    ("upgrade", "dropped", "lost"),
    [
        # The batch drops the index itself (Alembic refused: "No such index").
        (
            'with op.batch_alter_table("customers", recreate="always") as batch:\n'
            f'    batch.drop_index("{EMAIL}")',
            {EMAIL},
            {},
        ),
        # An index naming a column the batch drops, or renames: said as the database's loss,
        # not made otherwise than it was (the COLLATE, the predicate on the old name).
        (customers_batch('batch.drop_column("email")'), set(), {EMAIL: "email"}),
        (
            customers_batch('batch.alter_column("email", new_column_name="mail")'),
            set(),
            {EMAIL: "email"},
        ),
        (customers_batch('batch.drop_column("nick")'), set(), {"ux_customers_nick": "nick"}),
        (
            customers_batch('batch.alter_column("nick", new_column_name="nickname")'),
            set(),
            {"ux_customers_nick": "nick"},
        ),
        (
            customers_batch('batch.alter_column("name", new_column_name="full_name")'),
            set(),
            {"ix_customers_named": "name"},
        ),
        # Near miss: an index of a bare column follows its rename (as in Alembic).
        (
            'with op.batch_alter_table("orders") as batch:\n'
            '    batch.alter_column("note", new_column_name="memo")',
            set(),
            {},
        ),
        # ... unless the revision makes it again after the batch.
        (
            customers_batch('batch.alter_column("email", new_column_name="mail")')
            + f'\nop.create_index("{EMAIL}", "customers", [sa.text("lower(mail)")], unique=True)',
            set(),
            {},
        ),
        # Revisions written before the fix make it again after the batch: not "already exists".
        (
            f"{ADD_POINTS}\n"
            f'op.create_index("{EMAIL}", "customers", [sa.text("lower(email)")], unique=True)',
            set(),
            {},
        ),
        (
            f'{ADD_POINTS}\nop.execute("CREATE UNIQUE INDEX {EMAIL} ON customers (lower(email))")',
            set(),
            {},
        ),
        # A batch on another table, whose key names customers (reflected, never recreated).
        (
            'with op.batch_alter_table("orders", recreate="always") as batch:\n'
            '    batch.add_column(sa.Column("paid", sa.Integer(), nullable=True))',
            set(),
            {},
        ),
    ],
)
def test_an_index_is_lost_only_where_the_database_lacks_it_after_the_migration(
    tmp_path: Path, sqlite_url: str, upgrade: str, dropped: set[str], lost: dict[str, str]
) -> None:
    project = scratch_project(tmp_path)
    made = with_customers(project, sqlite_url)
    gone = [c for c in ("email", "nick") if f'drop_column("{c}")' in upgrade]
    revision(
        project,
        "0003_change_sqlite",
        made,
        3,
        upgrade,
        "pass",
        header=f"allow_destructive = {{'drop_column:customers.{gone[0]}': 'test'}}" if gone else "",
    )
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    after = indexes(sqlite_url)
    assert {n for n in after if n in NAMED} == NAMED - dropped - set(lost)
    said = [line for line in result.output.splitlines() if "warning" in line.lower()]
    assert len(said) == len(lost), result.output
    for line, (index, column) in zip(said, sorted(lost.items()), strict=True):
        assert line.startswith("warning: "), line
        assert f"table 'customers' without its index {index}" in line, line
        assert f"({column})" in line and "this database loses it" in line, line
    if "memo" in upgrade:
        assert after["ix_orders_note"] == "CREATE INDEX ix_orders_note ON orders (memo)"
    name = "full_name" if "full_name" in upgrade else "name"
    if EMAIL in after:
        email = "mail" if '"email", new_column_name' in upgrade else "email"
        assert refused(sqlite_url, DUPLICATE_EMAIL.replace("(name, email)", f"({name}, {email})"))
    if "ux_customers_nick" in after:
        assert refused(sqlite_url, DUPLICATE_NICK.replace("(name,", f"({name},"))


def test_the_batch_revision_writes_keeps_the_unique_expression_index(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger44 003 as met: ``revision`` writes a batch adding a NOT NULL column with a
    default to a table with a UNIQUE index on an expression; ``revision`` said the index was not
    written, ``migrate`` dropped it (exit 0) and a duplicate email was accepted. (Here on
    ``coalesce(email, '')``: ``lower()`` means other things on each side, a difference.)"""
    from test_init_project import adopt_in_sync, check
    from test_revision_drop_column import edit_after

    project = tmp_path / "app"
    unique = "CREATE UNIQUE INDEX ux_customers_email ON customers (coalesce(email, ''))"
    sqlite = [TABLES[0], unique]
    postgres = [
        "CREATE TABLE customers (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "name text NOT NULL, email text, nick text)",
        unique,
    ]
    duplicate = "INSERT INTO customers (name, email) VALUES ('x', 'Anna@Example.org')"
    shell = adopt_in_sync(project, sqlite_url, pg_url, sqlite, postgres)
    engine = sa.create_engine(sqlite_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO customers (name, email) VALUES ('Anna', 'Anna@Example.org')"
            )
    finally:
        engine.dispose()

    edit_after(project / "domain.yaml", "nick: {kind: text}", "points: {kind: integer}")
    for module in ("sqlite", "postgres"):
        edit_after(
            project / "schemas" / f"{module}.py",
            "sa.Column(t.nick,",
            "sa.Column(t.points, sa.INTEGER(), nullable=False, server_default=sa.text('0')),",
        )
    result = shell("revision", "-m", "points")
    assert result.exit_code == 0, result.output
    assert "not written" not in result.output, result.output  # "index ... only in ..." was
    (twin,) = (project / "migrations_sqlite" / "versions").glob("0002_*_sqlite.py")
    assert "batch_alter_table('customers'" in twin.read_text().replace('"', "'")
    allow = 'allow_destructive_downgrade = {"drop_column:customers.points": "test"}\n'
    twin.write_text(twin.read_text() + allow)

    for args in ((), ("--to", "-1", "--yes-downgrade"), ()):
        result = shell("migrate", "local", *args)
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output.lower(), result.output
        assert "ux_customers_email" in indexes(sqlite_url)
        assert refused(sqlite_url, duplicate)
    assert shell("migrate", "remote").exit_code == 0
    code, report = check(shell)
    assert (code, report["differences"]) == (0, []), report["differences"]
