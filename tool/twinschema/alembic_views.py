"""What a PostgreSQL database gave a view that a revision drops and makes again around a type
change, read before and given back after: the two calls a revision written by ``twinschema
revision`` makes (``keep_views('item_v', 'item_vv')`` before its drops, ``give_views_back()`` after
its makes; ``migrations.revision_pg_views`` writes them, s83migs). Until s83migs each revision held
the statements themselves (some 30 lines); a revision imports this module as every chain's
``env.py`` imports ``twinschema.alembic_env``, so a project that runs its chains has it.

A view made again from its definition alone lost its grants, its comments and its owner: a
read-only role granted ``SELECT`` on it could no longer read it after ``migrate remote``
(checked on PostgreSQL 16: ``has_table_privilege`` false). None of these is in the chain
(``init`` writes no grant, a scratch database has not the roles), so they cannot be read when
the revision is written: the revision reads them from the database it runs on, before the views
are dropped, into a setting of the session (``twinschema.kept_views``: the statements that give
them back, ``twinschema.kept_views_by`` the role each runs as), and runs those statements after the
views are made again. Given back: each grant to another role than the owner (``PUBLIC`` too,
``WITH GRANT OPTION`` kept) on the view and on each of its columns, the view's comment and its
columns' comments, and the owner where it is not the migrating role (``ALTER ... OWNER TO`` last,
so the grants move to it as they were the owner's), and the privileges the owner had revoked from
itself revoked again (a view made again gives its owner them all: ``REVOKE INSERT ON item_v FROM
owner`` was undone until s83migs). A grant another grantee gave on (``mid`` WITH
GRANT OPTION granting ``reader``) is given again as that grantee (``SET ROLE``, after the others),
so its grantor is kept and a ``REVOKE ... CASCADE`` from ``mid`` still reaches it (s83migs;
before, re-granted by the migrating role, it came from the owner); where the session may not take
that role, as the migrating role. A view absent from the database (``to_regclass``) is passed
over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SETTING = "twinschema.kept_views"
BY_SETTING = "twinschema.kept_views_by"

_KIND = "CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END"
_GRANTEE = (
    "CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END"
    " || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END"
)

# Who gave a grant, where it is to be given as that role: not the owner (a grant of the
# migrating role moves to the owner with ``OWNER TO``) nor the migrating role.
_BY = (
    "CASE WHEN a.grantor = c.relowner OR pg_get_userbyid(a.grantor) = current_user THEN '' "
    "ELSE pg_get_userbyid(a.grantor) END"
)

# The statements giving back what the views ``{views}`` (an ``oid[]`` expression) have, in the
# order they are to run, kept in the session's setting; beside them, the role each is to run as
# ('' for the migrating role). The grants given on by another grantee come after the others.
_ORDER = "ORDER BY grantor_role <> '', step, s, grantor_role"
_SAVE = f"""SELECT set_config('{SETTING}', coalesce(array_agg(s {_ORDER}), '{{{{}}}}')::text, false),
    set_config('{BY_SETTING}', coalesce(array_agg(grantor_role {_ORDER}), '{{{{}}}}')::text, false)
FROM (
    SELECT 1 AS step, format('GRANT %s ON %s TO %s', a.privilege_type, c.oid::regclass,
        {_GRANTEE}) AS s, {_BY} AS grantor_role
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    WHERE c.oid = ANY({{views}}) AND a.grantee <> c.relowner
    UNION ALL
    SELECT 2, format('GRANT %s (%I) ON %s TO %s', a.privilege_type, t.attname, c.oid::regclass,
        {_GRANTEE}), {_BY}
    FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid AND t.attnum > 0
    CROSS JOIN LATERAL aclexplode(t.attacl) a
    WHERE c.oid = ANY({{views}}) AND a.grantee <> c.relowner
    UNION ALL
    SELECT 3, format('COMMENT ON %s %s IS %L', {_KIND}, c.oid::regclass, d.description), ''
    FROM pg_class c JOIN pg_description d ON d.objoid = c.oid
        AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
    WHERE c.oid = ANY({{views}})
    UNION ALL
    SELECT 4, format('COMMENT ON COLUMN %s.%I IS %L', c.oid::regclass, t.attname, d.description),
        ''
    FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid AND t.attnum > 0
    JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
        AND d.objsubid = t.attnum
    WHERE c.oid = ANY({{views}})
    UNION ALL
    SELECT 5, format('ALTER %s %s OWNER TO %I', {_KIND}, c.oid::regclass,
        pg_get_userbyid(c.relowner)), ''
    FROM pg_class c WHERE c.oid = ANY({{views}}) AND pg_get_userbyid(c.relowner) <> current_user
    UNION ALL
    SELECT 6, format('REVOKE %s ON %s FROM %I', d.privilege_type, c.oid::regclass,
        pg_get_userbyid(c.relowner)), ''
    FROM pg_class c CROSS JOIN LATERAL aclexplode(acldefault('r', c.relowner)) d
    WHERE c.oid = ANY({{views}}) AND c.relacl IS NOT NULL AND d.grantee = c.relowner
        AND NOT EXISTS (SELECT FROM aclexplode(c.relacl) a
                        WHERE a.grantee = c.relowner AND a.privilege_type = d.privilege_type)
) AS kept"""

# Each statement kept, run as its role where one is named and the session may take it (SET ROLE:
# a role the session's user is a member of), else, or where that fails, as the migrating role.
_RESTORE = f"""DO $twinschema$ DECLARE
    s text[] := coalesce(nullif(current_setting('{SETTING}', true), '')::text[], '{{}}');
    g text[] := coalesce(nullif(current_setting('{BY_SETTING}', true), '')::text[], '{{}}');
    r text := current_setting('role'); done boolean;
BEGIN
FOR i IN 1 .. coalesce(array_length(s, 1), 0) LOOP
    done := false;
    IF coalesce(g[i], '') <> '' THEN
        BEGIN
            EXECUTE format('SET ROLE %I', g[i]); EXECUTE s[i]; done := true;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
        IF r = 'none' THEN EXECUTE 'RESET ROLE'; ELSE EXECUTE format('SET ROLE %I', r); END IF;
    END IF;
    IF NOT done THEN EXECUTE s[i]; END IF;
END LOOP;
PERFORM set_config('{SETTING}', '', false);
PERFORM set_config('{BY_SETTING}', '', false);
END $twinschema$"""


# A colon ``sa.text`` reads as a bind parameter (``op.execute`` of a string is ``sa.text``), as
# ``revision_pg_enums.escape_binds`` escapes it: a view's name may hold one.
_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")


def keep_views(*views: str) -> None:
    """In a revision's upgrade() or downgrade(), before ``views`` (each a view's quoted, maybe
    schema-qualified name) are dropped: read what the database gave them (grants, comments,
    owner) into the session, for ``give_views_back`` to give back once they are made again."""
    from alembic import op

    op.execute(save_statement(views))


def save_statement(views: Sequence[str]) -> str:
    """``keep_views``' statement for ``views``, as ``op.execute`` is to send it (``sa.text``: a
    colon in a name escaped)."""
    return _BIND.sub(r"\\:", keep_statements(views)[0])


def give_views_back() -> None:
    """In a revision, after the views ``keep_views`` read are made again: give back what the
    database had given them, each grant by the role that gave it where the session may."""
    from alembic import op

    op.execute(_RESTORE)


def keep_statements(views: Sequence[str]) -> tuple[str, str]:
    """The statement to run before ``views`` (each a view's quoted, maybe schema-qualified
    name) are dropped, reading what the database gave them, and the one to run after they are
    made again, giving it back: a view made again keeps its grants, comments and owner."""
    names = ", ".join("to_regclass(" + _literal(name) + ")" for name in views)
    return _SAVE.format(views=f"ARRAY[{names}]::oid[]"), _RESTORE


def _literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
