"""The PostgreSQL catalog's one-letter codes (foreign-key actions and match kinds, identity,
policy commands, generated columns), in the neutral model's words."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from twinschema.model import (
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_ALWAYS,
    IDENTITY_BY_DEFAULT,
)

# The catalog's one-letter codes, in the model's words.
FK_ACTION_CODES: Mapping[str, str] = MappingProxyType(
    {
        "a": "NO ACTION",
        "r": "RESTRICT",
        "c": "CASCADE",
        "n": "SET NULL",
        "d": "SET DEFAULT",
    }
)


FK_MATCH_CODES: Mapping[str, str] = MappingProxyType({"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"})


IDENTITY_CODES: Mapping[str, str] = MappingProxyType(
    {"a": IDENTITY_ALWAYS, "d": IDENTITY_BY_DEFAULT}
)


POLICY_COMMANDS: Mapping[str, str] = MappingProxyType(
    {
        "*": "ALL",
        "r": "SELECT",
        "a": "INSERT",
        "w": "UPDATE",
        "d": "DELETE",
    }
)


# pg_attribute.attgenerated: 's' stored (12+), 'v' virtual (18+).
GENERATED_CODES: Mapping[str, str] = MappingProxyType(
    {"s": GENERATED_STORED, "v": GENERATED_VIRTUAL}
)
