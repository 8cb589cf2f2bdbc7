"""A PostgreSQL database's locale: read from ``pg_database`` (one field of the reflection's schema
row, no round trip of its own), and the ``CREATE DATABASE`` clauses that give a scratch database
the same one, so that lower(), upper(), ILIKE and text ordering are evaluated as the checked
database runs them (stranger84 003)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from twinschema.model import DatabaseLocale

# The current database's row of pg_database as JSON: its locale columns differ by version
# (datlocprovider and daticulocale 15+, daticurules 16+, datlocale 17+), and a JSON object
# reads the same on each.
SQL_DATABASE_LOCALE = (
    "(SELECT to_jsonb(d) - 'datacl' FROM pg_database d WHERE d.datname = current_database())"
)


def locale_of(row: Any) -> DatabaseLocale | None:
    """The locale in ``SQL_DATABASE_LOCALE``'s JSON object (or its text, as a connection
    that reads every value as text gives it); None where it is missing."""
    if isinstance(row, (str, bytes)):
        row = json.loads(row)
    if not isinstance(row, dict) or not row.get("datcollate") or not row.get("datctype"):
        return None
    icu = row.get("datlocale") or row.get("daticulocale")
    return DatabaseLocale(
        collate=str(row["datcollate"]),
        ctype=str(row["datctype"]),
        provider=str(row.get("datlocprovider") or "c"),
        icu_locale=str(icu) if icu else None,
        icu_rules=str(row["daticurules"]) if row.get("daticurules") else None,
    )


def create_clauses(locale: DatabaseLocale) -> str:
    """The clauses of ``CREATE DATABASE`` that give a new database ``locale`` (from template0,
    the one template a server lets take another locale)."""
    parts = [
        "TEMPLATE template0",
        f"LC_COLLATE {_literal(locale.collate)}",
        f"LC_CTYPE {_literal(locale.ctype)}",
    ]
    if locale.provider == "i":
        parts += ["LOCALE_PROVIDER icu", f"ICU_LOCALE {_literal(locale.icu_locale or '')}"]
        if locale.icu_rules:
            parts.append(f"ICU_RULES {_literal(locale.icu_rules)}")
    elif locale.provider == "b":
        parts += ["LOCALE_PROVIDER builtin", f"BUILTIN_LOCALE {_literal(locale.icu_locale or '')}"]
    return " ".join(parts)


def database_suffix(locale: DatabaseLocale) -> str:
    """A short name for ``locale`` in a database's name (a hash: a locale name may hold
    characters a name should not)."""
    said = "\0".join(
        [
            locale.collate,
            locale.ctype,
            locale.provider,
            locale.icu_locale or "",
            locale.icu_rules or "",
        ]
    )
    return hashlib.sha256(said.encode()).hexdigest()[:10]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
