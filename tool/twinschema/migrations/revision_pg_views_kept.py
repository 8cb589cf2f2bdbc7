"""The two calls (``keep_views(...)``, ``give_views_back()``, of ``twinschema.alembic_views``)
that keep what a PostgreSQL database gave the views a revision drops and makes again around a
type change (``revision_pg_views``), as operations ``revision`` writes: one line each where the
statements themselves took some 30 (s83migs). What they keep, and why, is ``alembic_views``'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alembic.autogenerate import renderers
from alembic.operations import ops

from twinschema.alembic_views import keep_statements, save_statement

_IMPORT = "from twinschema.alembic_views import give_views_back, keep_views"


class KeepViews(ops.ExecuteSQLOp):
    """``keep_views(*names)``: its statement, written as the call."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(save_statement(names))
        self.names = tuple(names)


class GiveViewsBack(ops.ExecuteSQLOp):
    """``give_views_back()``: its statement, written as the call."""

    def __init__(self) -> None:
        super().__init__(keep_statements(())[1])


def kept(names: Sequence[str]) -> tuple[ops.ExecuteSQLOp, ops.ExecuteSQLOp]:
    """The operation to run before the views ``names`` (quoted, maybe schema-qualified) are
    dropped and the one to run after they are made again."""
    return KeepViews(names), GiveViewsBack()


@renderers.dispatch_for(KeepViews)
def _render_keep(autogen_context: Any, op: KeepViews) -> str:
    autogen_context.imports.add(_IMPORT)
    return f"keep_views({', '.join(repr(n) for n in op.names)})"


@renderers.dispatch_for(GiveViewsBack)
def _render_give_back(autogen_context: Any, op: GiveViewsBack) -> str:
    autogen_context.imports.add(_IMPORT)
    return "give_views_back()"
