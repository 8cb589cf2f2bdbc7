"""The extensions a PostgreSQL script asks for: read out of the file's CREATE EXTENSION so that
the privileged connection runs a statement of our own, and checked against an allow-list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg import sql

from twinschema.errors import UsageError
from twinschema.sources.sqlfile.text import LineIndex

_CODE_NOISE = re.compile(
    r"'[^']*(?:''[^']*)*'|--[^\n]*|/\*.*?\*/|\$([^\W\d]\w*)?\$.*?\$\1\$", re.DOTALL
)
_TOKEN = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|[^\s\"']+")


@dataclass(frozen=True)
class Extension:
    """A ``CREATE EXTENSION`` (or handler-less ``CREATE LANGUAGE``) of the file, read into its
    parts so that the privileged connection runs a statement of our own, never the file's."""

    name: str
    schema: str | None
    version: str | None
    cascade: bool
    offset: int


def code_of(statement: str) -> str:
    """The statement with its comments, string literals and ``$$`` bodies blanked (quoted names
    are kept): what the skip patterns are matched on."""
    return _CODE_NOISE.sub(" ", statement).strip()


def identifier(token: str) -> str:
    """A name as PostgreSQL reads it: ``"Quoted"`` kept as written, a bare name folded."""
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    return token.lower()


def read_extension(statement: str, offset: int, label: str, lines: LineIndex) -> Extension | None:
    """The parts of ``CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v]
    [CASCADE]``, or of a ``CREATE LANGUAGE name`` without a handler (which PostgreSQL runs as
    CREATE EXTENSION); None for a language with a handler. A form not understood is refused."""
    tokens = _TOKEN.findall(_CODE_NOISE.sub(lambda m: m[0] if m[0][0] == "'" else " ", statement))
    words = [token.upper() for token in tokens]
    keyword = "EXTENSION" if "EXTENSION" in words[:5] else "LANGUAGE"
    if keyword == "LANGUAGE" and "HANDLER" in words:
        return None
    at = words.index(keyword) + 1
    if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
        at += 3
    values: dict[str, str] = {}
    cascade = False
    if at < len(tokens):
        values["name"] = identifier(tokens[at])
        at += 1
    while at < len(tokens):
        if words[at] == "WITH":
            at += 1
        elif words[at] == "CASCADE":
            cascade, at = True, at + 1
        elif words[at] in ("SCHEMA", "VERSION", "FROM") and at + 1 < len(tokens):
            value = tokens[at + 1]
            values[words[at]] = value[1:-1].replace("''", "'") if value[0] == "'" else value
            if words[at] == "SCHEMA":
                values["SCHEMA"] = identifier(value)
            at += 2
        else:
            break
    if "name" not in values or at < len(tokens):
        raise UsageError(
            f"{label}:{lines.line(offset)}: cannot read this CREATE {keyword} statement; write "
            "it as CREATE EXTENSION [IF NOT EXISTS] name [WITH SCHEMA s] [VERSION v] [CASCADE]"
        )
    return Extension(values["name"], values.get("SCHEMA"), values.get("VERSION"), cascade, offset)


# Extensions a SQL file may ask for. They are created by the privileged connection, into the
# scratch database, before the load role runs anything (an extension script run as a superuser
# in a schema that an untrusted role already controls could be led astray). None of them
# reaches outside its database: no foreign data wrappers, no untrusted languages, no dblink.
ALLOWED_EXTENSIONS = frozenset(
    {
        "address_standardizer", "bloom", "btree_gin", "btree_gist", "citext", "cube",
        "dict_int", "dict_xsyn", "earthdistance", "fuzzystrmatch", "hstore", "intagg",
        "intarray", "isn", "lo", "ltree", "pg_stat_statements", "pg_trgm", "pgcrypto",
        "pgrouting", "plpgsql", "postgis", "postgis_raster", "postgis_sfcgal",
        "postgis_tiger_geocoder", "postgis_topology", "seg", "tablefunc", "tcn",
        "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp", "vector",
    }
)  # fmt: skip
BUILT_IN_SCHEMAS = frozenset({"public", "pg_catalog"})


def refuse_unlisted_extensions(extensions: list[Extension], label: str, lines: LineIndex) -> None:
    """A ``UsageError`` naming the line of the first extension off ``ALLOWED_EXTENSIONS``."""
    for extension in extensions:
        if extension.name not in ALLOWED_EXTENSIONS:
            allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
            raise UsageError(
                f"{label}:{lines.line(extension.offset)}: extension {extension.name} is not on "
                f"the list of extensions a SQL file may create ({allowed})"
            )


def create_extension(extension: Extension) -> sql.Composed:
    """Our own CREATE EXTENSION for what the file asked: names and version quoted as data."""
    parts: list[sql.Composable] = [
        sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension.name))
    ]
    if extension.schema:
        parts.append(sql.SQL("SCHEMA {}").format(sql.Identifier(extension.schema)))
    if extension.version:
        parts.append(sql.SQL("VERSION {}").format(sql.Literal(extension.version)))
    if extension.cascade:
        parts.append(sql.SQL("CASCADE"))
    return sql.SQL(" ").join(parts)
