"""How much of the current moment a clock default keeps, said beside the equivalence that calls
two dialects' clock defaults one ("the current moment"): across dialects the two databases never
take the same insert at the same instant, so no row is accepted by one and refused by the other;
the precision each side keeps is said, not hidden (SQLite's ``CURRENT_TIMESTAMP`` keeps whole
seconds, ``strftime('%Y-%m-%d %H:%M:%f', 'now')`` milliseconds; PostgreSQL's ``now()`` the
column's precision, microseconds unless declared)."""

from __future__ import annotations

from twinschema.canonical.expr_idioms import LOCAL_NOW, NOW
from twinschema.records.dialects import DIALECT_NAMES, SQLITE

# What a SQLite strftime format of the current time keeps, by its last field.
_SQLITE_FORMATS = (("%f", "milliseconds"), ("%S", "whole seconds"), ("%M", "whole minutes"))
_PG_DIGITS = {0: "whole seconds, rounded", 3: "milliseconds", 6: "microseconds"}


def kept(dialect: str, text: str, precision: int | None) -> str | None:
    """What a current-time idiom (its canonical ``text`` on ``dialect``; ``precision``: the
    fractional digits of the column's type where declared) keeps of the current moment: "whole
    seconds", "milliseconds", "microseconds"; None when ``text`` is no current-time idiom."""
    if dialect == SQLITE:
        if text == NOW:
            return "whole seconds"
        if text.startswith("strftime('") and text.endswith("', 'now')"):
            fmt = text[len("strftime('") : -len("', 'now')")]
            return next((said for field, said in _SQLITE_FORMATS if field in fmt), None)
        return None
    if text.replace("CAST(", "").startswith((NOW, LOCAL_NOW)):
        digits = 6 if precision is None else min(precision, 6)
        return _PG_DIGITS.get(digits, f"{digits} decimal(s) of a second")
    return None


def noted(rule: str, left: tuple[str, str], right: tuple[str, str]) -> str:
    """``rule`` (a current-time equivalence, perhaps with its own note in parentheses) with the
    precision each side keeps (``left``, ``right``: a dialect and what it keeps), where they
    differ: ``current-time (SQLite keeps whole seconds, PostgreSQL microseconds)``."""
    if left[1] == right[1]:
        return rule
    said = each_keeps(left, right)
    if rule.endswith(")"):
        return f"{rule[:-1]}; {said})"
    return f"{rule} ({said})"


def each_keeps(left: tuple[str, str], right: tuple[str, str], what: str = "") -> str:
    """How each side keeps the current moment, in words: ``SQLite keeps whole seconds,
    PostgreSQL microseconds`` (``left``, ``right``: a dialect and what it keeps; ``what``, the
    word for the moment where one is said: ``it``)."""
    (ld, lkept), (rd, rkept) = left, right
    kept = f"keeps {what} " if what else "keeps "
    return f"{DIALECT_NAMES[ld]} {kept}{lkept}, {DIALECT_NAMES[rd]} {rkept}"
