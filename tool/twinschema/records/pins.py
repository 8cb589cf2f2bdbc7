"""What an allowance's ``sides:`` pin of a side matches (stranger81 005): the text the report
shows there (whitespace, case outside quoted literals and double quotes aside: ``check_key``),
or that text's digest, which a view's pin is written as (a view's definition is too long to
copy into domain.yaml, and its text is no less exact for being hashed).
"""

from __future__ import annotations

import hashlib

from twinschema.records.domain import check_key

DIGEST_PREFIX = "sha256:"
# The hex digits of a digest a pin gives (64 bits: no two definitions a user writes meet).
_DIGITS = 16


def digest(text: str) -> str:
    """The digest a pin writes for ``text``: ``sha256:`` and the first 16 hex digits of the
    SHA-256 of ``text`` as ``check_key`` reads it (so a reformatted definition keeps it)."""
    return DIGEST_PREFIX + hashlib.sha256(check_key(text).encode()).hexdigest()[:_DIGITS]


def pin_matches(pinned: str, text: str) -> bool:
    """True when ``pinned`` (a side of ``sides:``) names ``text``: the same text as
    ``check_key`` reads both, or ``text``'s ``digest``."""
    if pinned.strip().lower().startswith(DIGEST_PREFIX):
        return pinned.strip().lower() == digest(text)
    return check_key(text) == check_key(pinned)
