"""``report.locate``: the line where a difference's fix goes, in the file its maker named
(``Difference.fix``), found in the metadata modules (by ``ast``), in domain.yaml (the loader's
lines) and in SQL files, with fallbacks that never raise. Expected lines are found in the files'
own text, so editing them keeps this true."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinschema.domain_load import load_domain
from twinschema.records import Difference, FixSide, FixSite, LayerResult, Report
from twinschema.records.comparison import fix_site
from twinschema.report.locate import Location, Locator, domain_file

ROOT = Path(__file__).resolve().parent.parent
MODULES = {"sqlite": "schemas/sqlite.py", "postgresql": "schemas/postgres.py"}
DOMAIN = load_domain(ROOT / "domain.yaml")
VARIABLE = {"communities": "c", "profiles": "p", "badges": "b", "manifests": "m",
            "shadow_states": "s"}  # fmt: skip
CHINOOK = "tests/fixtures/realworld/chinook"


def line_of(path: str, needle: str, after: int = 0) -> int:
    lines = (ROOT / path).read_text("utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if n > after and needle in text)


def diff(
    table: str | None,
    column: str | None = None,
    *,
    kind: str = "column_type",
    name: str | None = None,
    left: str | None = "a",
    right: str | None = "b",
    left_source: str = "schemas/sqlite.py",
    right_source: str = "schemas/postgres.py",
    hint: str = "",
    files: tuple[str | None, str | None] | None = None,
    fix: FixSite | None = None,
) -> Difference:
    """A difference as a comparison makes it: ``files`` are the files each side's fixes go to
    (by default its sources), ``fix`` where the maker says the fix goes (else ``fix_site``)."""
    files = files or (left_source, right_source)
    return Difference(
        layer="models", kind=kind, table=table, column=column, name=name, left=left, right=right,
        message="m", hint=hint, left_source=left_source, right_source=right_source,
        fix=fix or fix_site(left, right, *files),
    )  # fmt: skip


@pytest.fixture
def locator() -> Locator:
    return Locator(domain="domain.yaml", root=ROOT)


@pytest.mark.parametrize("dialect", list(MODULES))
def test_every_table_and_column_of_both_modules(dialect: str, locator: Locator) -> None:
    module = MODULES[dialect]
    for table in DOMAIN.tables.values():
        var = VARIABLE[table.name]
        table_line = line_of(module, f"{table.name} = sa.Table(")
        d = diff(table.name, left_source=module, right_source=module)
        assert locator.locate(d) == Location(module, table_line)
        for column in table.columns:
            found = locator.locate(diff(table.name, column, left_source=module))
            assert found == Location(module, line_of(module, f"{var}.{column},", table_line))


def test_multi_line_columns_point_at_the_column_name(locator: Locator) -> None:
    # sa.Column(\n    p.community_id,\n    ...): the line that names the column
    found = locator.locate(diff("profiles", "community_id"))
    assert found is not None
    text = (ROOT / "schemas/sqlite.py").read_text("utf-8").splitlines()[found.line - 1]
    assert text.strip() == "p.community_id,"


@pytest.mark.parametrize(
    ("module", "table", "name", "kind", "needle"),
    [
        # by the naming convention, from the columns an unnamed Index/UniqueConstraint uses
        ("schemas/sqlite.py", "profiles", "ix_profiles_wallet_address", "index",
         "sa.Index(None, p.wallet_address)"),
        ("schemas/postgres.py", "profiles", "ix_profiles_community_id_tier", "index",
         "sa.Index(None, p.community_id, p.tier)"),
        ("schemas/sqlite.py", "profiles", "uq_profiles_community_id_discord_id", "unique",
         "sa.UniqueConstraint(p.community_id, p.discord_id)"),
        # by a literal name
        ("schemas/postgres.py", "profiles", "ix_profiles_metadata_gin", "index",
         '"ix_profiles_metadata_gin"'),
        ("schemas/sqlite.py", "manifests", "ck_manifests_version_positive", "check",
         'name="version_positive"'),
        # a foreign key inside its column
        ("schemas/postgres.py", "badges", "fk_badges_awarded_by_profiles", "foreign_key",
         "sa.ForeignKey(profile_id, ondelete=\"SET NULL\")"),
        # a CHECK built by a helper: _boolean(c.is_active)
        ("schemas/sqlite.py", "communities", "ck_communities_is_active_bool", "check",
         "_boolean(c.is_active)"),
        # row-level security and policies live in Table.info
        ("schemas/postgres.py", "badges", "tenant_isolation", "dialect_object",
         "info=_tenant_scoped()"),
    ],
)  # fmt: skip
def test_named_objects(
    module: str, table: str, name: str, kind: str, needle: str, locator: Locator
) -> None:
    d = diff(table, kind=kind, name=name, left_source=module, right_source=module)
    after = line_of(module, f"{table} = sa.Table(")
    assert locator.locate(d) == Location(module, line_of(module, needle, after - 1))


def test_the_fix_goes_to_the_side_that_lacks_the_object(locator: Locator) -> None:
    lacks_left = diff("profiles", kind="index", name="ix_profiles_metadata_gin", left=None)
    found = locator.locate(lacks_left)
    assert found == Location("schemas/sqlite.py", line_of("schemas/sqlite.py", "profiles = sa."))
    lacks_right = diff("profiles", kind="index", name="ix_profiles_metadata_gin", right=None)
    assert locator.target(lacks_right) == "schemas/postgres.py"


def test_a_database_side_sends_its_fixes_to_the_file_it_names(locator: Locator) -> None:
    # Two databases (labelled by URL): the live layer names each one's metadata module.
    urls = dict(left_source="sqlite:////tmp/x.db", right_source="postgresql://u:***@h:5432/db")
    d = diff(
        "badges", "note", kind="column_missing", left=None, right="text",
        files=("schemas/sqlite.py", "schemas/postgres.py"), **urls,
    )  # fmt: skip
    assert d.fix == FixSite(FixSide.LEFT, "schemas/sqlite.py")
    assert locator.target(d) == "schemas/sqlite.py"
    # No file named, no domain file: nowhere (the label is never read as a dialect).
    unnamed = diff("badges", "note", kind="column_missing", left=None, right="text", **urls)
    assert unnamed.fix == FixSite(FixSide.LEFT, "sqlite:////tmp/x.db")
    assert Locator(root=ROOT).locate(unnamed) is None
    assert locator.locate(unnamed) == Location("domain.yaml", DOMAIN.tables["badges"].line)


def test_the_domain_file_is_the_domain_layers_left_side() -> None:
    report = Report(
        layers=[
            LayerResult("models", "app/lite.py", "app/pg.py", "in_sync"),
            LayerResult("domain", "conf/domain.yaml", "app/pg.py", "in_sync"),
        ]
    )
    assert domain_file(report) == "conf/domain.yaml"
    assert domain_file(Report(layers=report.layers[:1])) is None


def test_domain_yaml_lines(locator: Locator) -> None:
    profiles = DOMAIN.tables["profiles"]
    in_domain = dict(left_source="domain.yaml", right_source="schemas/sqlite.py")
    column = diff("profiles", "nickname", kind="domain_name", left=None, **in_domain)
    assert locator.locate(column) == Location("domain.yaml", profiles.line)
    table = diff("audit_log", kind="domain_name", left=None, **in_domain)
    assert locator.locate(table) == Location("domain.yaml", line_of("domain.yaml", "tables:"))
    # A column in domain.yaml, both sides present: the module is what people edit.
    typed = diff("profiles", "tier", **in_domain)
    assert locator.target(typed) == "schemas/sqlite.py"
    assert locator.line("domain.yaml", typed) == profiles.columns["tier"].line


def test_a_stale_allowance_points_at_its_line(locator: Locator) -> None:
    from twinschema.compare.allowances import stale_allowance

    allowance = next(DOMAIN.allowances())
    d = stale_allowance(DOMAIN, allowance, "models", "schemas/sqlite.py", "schemas/postgres.py")
    assert d.fix == FixSite(file=DOMAIN.path, line=allowance.line)
    found = Locator(root=ROOT).locate(d)
    assert found is not None and found.line == allowance.line
    assert Path(found.path).resolve() == (ROOT / "domain.yaml").resolve()


@pytest.mark.parametrize(
    ("sql", "table", "column", "needle"),
    [
        ("Chinook_Sqlite.sql", "album", None, "CREATE TABLE [Album]"),
        ("Chinook_Sqlite.sql", "invoice_line", "unit_price", "[UnitPrice]"),
        ("Chinook_PostgreSql.sql", "invoice_line", "unit_price", "unit_price NUMERIC"),
        ("Chinook_PostgreSql.sql", "album", "nope", "CREATE TABLE album"),
    ],
)
def test_sql_files(sql: str, table: str, column: str | None, needle: str) -> None:
    path = f"{CHINOOK}/{sql}"
    d = diff(table, column, left_source=path, right_source=path)
    start = line_of(path, "CREATE TABLE", 0) if column else 0
    expected = line_of(path, needle)
    if column and column != "nope":
        table_start = next(
            n for n, text in enumerate((ROOT / path).read_text().splitlines(), 1)
            if text.lower().replace("_", "").replace("[", "").startswith(
                f"create table {table.replace('_', '')}"
            )
        )  # fmt: skip
        expected = line_of(path, needle, table_start)
    assert start >= 0
    assert Locator(root=ROOT).locate(d) == Location(path, expected)


def test_broken_or_unknown_files_give_line_one(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n", "utf-8")
    (tmp_path / "empty.sql").write_text("", "utf-8")
    locator = Locator(root=tmp_path)
    for name in ("broken.py", "empty.sql"):
        assert locator.locate(diff("t", "c", left_source=name, right_source=name)) == Location(
            name, 1
        )
    assert locator.locate(diff("t", left_source="gone.py", right_source="gone.py")) is None


def test_literal_names_and_indexes_outside_the_table(tmp_path: Path) -> None:
    module = tmp_path / "models.py"
    module.write_text(
        "import sqlalchemy as sa\n"
        "metadata = sa.MetaData()\n"
        "users = sa.Table(\n"
        "    'users',\n"
        "    metadata,\n"
        "    sa.Column('id', sa.Integer, primary_key=True),\n"
        "    sa.Column('email', sa.Text),\n"
        ")\n"
        "sa.Index('ix_users_email', users.c.email)\n",
        "utf-8",
    )
    locator = Locator(root=tmp_path)
    assert locator.locate(diff("users", left_source="models.py")) == Location("models.py", 3)
    assert locator.locate(diff("users", "email", left_source="models.py")) == Location(
        "models.py", 7
    )
    index = diff("users", kind="index", name="ix_users_email", left_source="models.py")
    assert locator.locate(index) == Location("models.py", 9)
    # A table the module does not build: the first line that mentions it, else line 1.
    assert locator.locate(diff("metadata", left_source="models.py")) == Location("models.py", 2)
    assert locator.locate(diff("orders", left_source="models.py")) == Location("models.py", 1)
