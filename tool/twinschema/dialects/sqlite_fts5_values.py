"""FTS5 option values as FTS5 reads them (``sqlite_virtual.definition`` compares its
statements so): a ``detail`` by any unambiguous prefix, a ``prefix`` list in any order or
spelling, several ``prefix=`` options as one list, and the values that restate FTS5's defaults.
Each checked on real SQLite 3.40 (tests/test_sqlite_virtual.py)."""

from __future__ import annotations

import re


def is_default(key: str, value: str) -> bool:
    """Whether FTS5 option ``key`` (lower-case) set to ``value`` (as compared) restates FTS5's
    default, checked on real SQLite 3.40 (the same shadow tables, ``_config`` rows and MATCH
    answers as without it; tests/test_sqlite_virtual.py, stranger61 016)."""
    return _DEFAULTS.get(key) == (value.lower() if key != "tokenize" else value)


# FTS5's option values that are its defaults: a table without the option reads the same.
_DEFAULTS = {
    "detail": "full",
    "columnsize": "1",
    "tokenize": "unicode61",
    "content_rowid": "rowid",
    "prefix": "",
}
# The options a message names with their default where a table leaves them out or restates
# it (``content`` has none to name: without it the table keeps its own; ``prefix`` none either).
_NAMED_DEFAULTS = ("detail", "columnsize", "content_rowid")


def shown_options(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """FTS5 options (key, value as compared) as a message names them (stranger68 013): a value
    that is empty or holds a space or quote in quotes (``content=''`` is shown as ``''``, not
    as nothing), then each of ``detail``, ``columnsize`` and ``content_rowid`` the table leaves
    to its default as 'full (the default)' and so on: an explicit ``detail=full`` is compared
    as its default is (``definition`` leaves it out), and a message must not call it "not
    set" where the statement sets it."""
    shown = [(key, _quoted(value)) for key, value in options]
    given = {key for key, _ in options}
    shown.extend(
        (key, f"{_DEFAULTS[key]} (the default)") for key in _NAMED_DEFAULTS if key not in given
    )
    return shown


def _quoted(value: str) -> str:
    """``value`` as a message shows it: in single quotes where it is empty or holds a space or
    a quote (``''``, ``'my notes'``), else as it is."""
    if value and not any(c in value for c in " '\"`["):
        return value
    return "'" + value.replace("'", "''") + "'"


# FTS5 reads a ``detail`` value as any unambiguous prefix of these, regardless of case.
_DETAILS = ("full", "column", "none")


def detail(value: str) -> str:
    """An FTS5 ``detail`` value as FTS5 reads it ('F', 'fu' -> 'full'); else as written."""
    found = [name for name in _DETAILS if value and name.startswith(value.lower())]
    return found[0] if len(found) == 1 else value


def prefix(value: str) -> str:
    """An FTS5 ``prefix`` value as the lengths FTS5 builds an index for, ascending and apart
    by a comma ('3 2', ' 3, 02' -> '2,3'); else as written. FTS5 reads a list of lengths apart
    by commas or spaces; on SQLite 3.40 '2,3', '2 3' and '3,2' store the same index blocks
    (numbered in another order) and answer alike, while '2' or '2,2,3' (a length twice builds
    it twice) store other ones (tests/test_sqlite_virtual.py, stranger64 008)."""
    if not _PREFIX_LIST.fullmatch(value):
        return value
    return ",".join(str(n) for n in sorted(int(w) for w in value.replace(",", " ").split()))


# A list of prefix lengths as FTS5 reads it (one comma at most between two lengths).
_PREFIX_LIST = re.compile(r" *[0-9]+(?:(?: *, *| +)[0-9]+)* *")


def merged_prefixes(values: list[str]) -> str | None:
    """The lengths of an FTS5 table's ``prefix=`` options (``values``, dequoted) as one list,
    where it has more than one and each is a list FTS5 reads: FTS5 adds each option's lengths
    to one list, so on SQLite 3.40 ``prefix='2', prefix='3'`` stores the very ``_data`` blocks
    (and ``_config`` rows and shadow tables) of ``prefix='2 3'``; a length in two of them builds
    its index twice, as '2,2' does (tests/test_sqlite_virtual.py). None: one option or none, or
    one FTS5 refuses (each is then compared as written)."""
    if len(values) < 2 or not all(_PREFIX_LIST.fullmatch(v) for v in values):
        return None
    return " ".join(values)
