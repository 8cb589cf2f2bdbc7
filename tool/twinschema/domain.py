"""``domain.yaml``: the single source of table and column names, their logical kinds, and the
declared, reasoned differences between the two dialects.

The parts: ``domain_model`` (the ``Domain`` record), ``domain_load`` (reading and validating the
file) and ``domain_yaml`` (YAML nodes with their lines). Every error names the file, line and
column at fault, and duplicate keys, which YAML would silently merge, are refused.
"""

from __future__ import annotations

from twinschema.domain_load import load_domain, parse_domain
from twinschema.domain_model import (
    DIALECTS,
    IDENTITY,
    Allowance,
    DeclaredObject,
    Domain,
    DomainColumn,
    DomainNames,
    DomainTable,
    NameMap,
    TableNames,
    canonical_dialect,
    suggestion,
)
from twinschema.domain_yaml import MAX_NAME_BYTES, check_identifier
from twinschema.records import ALLOWABLE_KINDS

__all__ = [
    "ALLOWABLE_KINDS",
    "DIALECTS",
    "IDENTITY",
    "MAX_NAME_BYTES",
    "Allowance",
    "DeclaredObject",
    "Domain",
    "DomainColumn",
    "DomainNames",
    "DomainTable",
    "NameMap",
    "TableNames",
    "canonical_dialect",
    "check_identifier",
    "load_domain",
    "parse_domain",
    "suggestion",
]
