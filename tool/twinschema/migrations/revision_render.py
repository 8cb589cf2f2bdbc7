"""SQL in a written PostgreSQL revision as the server reads it: one ``%``, never ``%%``.

Alembic renders each SQL expression it writes into a revision (a server default's
``sa.text(...)``, a ``sa.Computed``, a CHECK, an index expression) by compiling it with the
dialect of the connection autogenerate runs on; psycopg's paramstyle (``pyformat``) makes that
compilation double every ``%`` for the driver. Written so, ``a % b`` became ``sa.text('a %% b')``,
which the revision's own DDL doubles again at migrate: PostgreSQL was sent ``a %% b`` and
refused it ("operator does not exist: integer %% integer"; the same bug ``init`` had,
stranger46 016). The expression is rendered with the dialect's ``named`` paramstyle instead
(``records.dialects.sqlalchemy_dialect``), which escapes nothing.

An index element given as text (``sa.text('a % 10')``) is written for PostgreSQL as its grammar
takes it, in parentheses where it is no column or function call
(``dialects.postgresql_index_elements``): written bare, the revision failed on its scratch
database with "syntax error at or near "%"" (s76batch), which is not the ``%`` doubling.
"""

from __future__ import annotations

from typing import Any

from twinschema.dialects.postgresql_index_elements import index_element_sql
from twinschema.records.dialects import as_read


def render_as_the_server_reads(impl: Any) -> None:
    """Make ``impl`` (a MigrationContext's DDL implementation) render the SQL expressions of the
    revision being written with a dialect that escapes no ``%``, and PostgreSQL's index elements
    given as text in the parentheses its grammar needs (see the module docstring); its own
    dialect, which runs statements, is left as it is."""
    unescaped = as_read(impl.dialect)
    grouped = impl.dialect.name == "postgresql"
    if unescaped is impl.dialect and not grouped:
        return
    render = impl.render_ddl_sql_expr

    def rendered(expr: Any, is_server_default: bool = False, **kw: Any) -> str:
        running = impl.dialect
        impl.dialect = unescaped
        try:
            text = str(render(expr, is_server_default=is_server_default, **kw))
        finally:
            impl.dialect = running
        return index_element_sql(text) if grouped and kw.get("is_index") else text

    impl.render_ddl_sql_expr = rendered
