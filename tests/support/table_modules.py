"""A metadata module of one table written as text (``table_module``), and ``check`` of two
layers run on a project's databases (``checked``): what test_live_named_checks and
test_live_pair_check_hints each wrote by hand (duplicates D2), a table whose CHECKs differ
between the two modules and the two databases built from them."""

from __future__ import annotations

from collections.abc import Sequence

from click.testing import CliRunner, Result

from twinschema.cli import cli


def table_module(table: str, columns: Sequence[tuple[str, str]], constraints: Sequence[str]) -> str:
    """The source of a metadata module holding ``table``: its ``columns`` as (name, SQLAlchemy
    type), the first the primary key, then ``constraints`` as written (``sa.CheckConstraint(...)``)."""
    (key, key_type), rest = columns[0], columns[1:]
    lines = [f'    sa.Column("{key}", {key_type}, primary_key=True),\n']
    lines += [f'    sa.Column("{name}", {kind}),\n' for name, kind in rest]
    lines += [f"    {c},\n" for c in constraints]
    return (
        "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
        f'sa.Table(\n    "{table}",\n    metadata,\n' + "".join(lines) + ")\n"
    )


def checked(
    sqlite: str, pg_url: str, form: str, layers: Sequence[str] = ("models", "live")
) -> Result:
    """``twinschema check`` of ``layers`` on the SQLite database ``sqlite`` and the PostgreSQL one
    at ``pg_url``, in ``form`` (json, text), without color: its result, exit code unchecked."""
    args = ["check", *(a for layer in layers for a in ("--layer", layer)), "--format", form]
    urls = ["--no-color", "--sqlite-url", sqlite, "--postgres-url", pg_url]
    return CliRunner().invoke(cli, [*args, *urls])
