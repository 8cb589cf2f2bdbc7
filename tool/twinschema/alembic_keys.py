"""A primary key as a revision (and ``init``'s baseline) writes it: Alembic renders a key's
name only; what it leaves out is given here."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa


def primary_key_code(constraint: sa.PrimaryKeyConstraint, context: Any) -> str | Literal[False]:
    """A DEFERRABLE primary key, or one with a SQLite ON CONFLICT clause, as a revision (and
    ``init``'s baseline) writes it: Alembic renders a key's name only, so the key a revision
    created was NOT DEFERRABLE, a difference from its own module at once (stranger36 F15), and
    lost ``sqlite_on_conflict='REPLACE'`` (stranger69 leftovers). False for any other key:
    Alembic's own rendering."""
    from alembic.autogenerate.render import _render_gen_name, _sqlalchemy_autogenerate_prefix

    on_conflict = constraint.dialect_kwargs.get("sqlite_on_conflict")
    if not constraint.columns or not (constraint.deferrable or constraint.initially or on_conflict):
        return False
    args = [repr(c.name) for c in constraint.columns]
    if constraint.name:
        args.append(f"name={_render_gen_name(context, constraint.name)!r}")
    args += [
        f"{k}={getattr(constraint, k)!r}"
        for k in ("deferrable", "initially")
        if getattr(constraint, k)
    ]
    if on_conflict:
        args.append(f"sqlite_on_conflict={on_conflict!r}")
    return f"{_sqlalchemy_autogenerate_prefix(context)}PrimaryKeyConstraint({', '.join(args)})"
