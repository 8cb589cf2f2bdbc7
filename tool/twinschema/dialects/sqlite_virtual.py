"""A SQLite virtual table's module arguments: which shadow tables its module made (from the
module and its options, not from a name's suffix), and its statement with the options FTS5
reads regardless of spelling written one way.

Shadow tables, checked on real SQLite 3.40 for each option set (tests/test_sqlite_virtual.py):
FTS3 makes ``_content``, ``_segments`` and ``_segdir`` and reads no ``key=value`` option (one
is a column). FTS4 makes ``_segments``, ``_segdir`` and ``_stat``, ``_content`` unless a
``content=`` option is given (contentless ``''`` or an external content table), ``_docsize``
unless ``matchinfo=fts3``. FTS5 makes ``_data``, ``_idx`` and ``_config``, ``_content`` unless
a ``content=`` option is given, ``_docsize`` unless ``columnsize=0``. R*Tree (and geopoly, its
relative) makes ``_node``, ``_parent`` and ``_rowid``. A table of such a name that the module
did not make (``s_content`` beside ``fts5(body, content='')``) is the user's own table: SQLite
lets one be made, and ``PRAGMA table_list`` calls it 'shadow' all the same (it asks the module
about the name only), so that pragma cannot tell them apart.
"""

from __future__ import annotations

from twinschema.dialects.sqlite_lexer import lexer

# Argument tokens: strings, quoted names and comments, then ( ) , = and any other run.
_ARG_TOKEN = lexer(r"| [(),=] | [^\s(),='\"`\[]+")

# Module -> the shadow tables (suffixes) it always makes.
_ALWAYS = {
    "fts3": ("content", "segments", "segdir"),
    "fts4": ("segments", "segdir", "stat"),
    "fts5": ("data", "idx", "config"),
    "rtree": ("node", "parent", "rowid"),
    "rtree_i32": ("node", "parent", "rowid"),
    "geopoly": ("node", "parent", "rowid"),
}
# (module, suffix) -> (option, the values that leave the table out; empty: any value does).
_OPTIONAL = {
    ("fts4", "content"): ("content", frozenset[str]()),
    ("fts4", "docsize"): ("matchinfo", frozenset({"fts3"})),
    ("fts5", "content"): ("content", frozenset[str]()),
    ("fts5", "docsize"): ("columnsize", frozenset({"0"})),
}
# The modules whose ``key=value`` arguments are options (FTS3 reads them as columns).
_OPTION_MODULES = frozenset({"fts4", "fts5"})
# FTS5's options: their keys are read regardless of case, their values quoted or bare alike.
_FTS5_OPTIONS = frozenset(
    {"prefix", "tokenize", "content", "content_rowid", "columnsize", "detail"}
    | {"contentless_delete", "contentless_unindexed", "locale", "tokendata"}
)


def _dequote(token: str) -> str:
    """A quoted or bare argument word as the module reads it: ``'a''b'`` -> ``a'b``."""
    first = token[:1]
    if first in ("'", '"', "`") and len(token) >= 2:
        return token[1:-1].replace(first * 2, first)
    if first == "[" and len(token) >= 2:
        return token[1:-1]
    return token


def module_arguments(sql: str) -> tuple[str, int, int, list[list[str]]] | None:
    """A CREATE VIRTUAL TABLE statement's module (lower-case), the offsets of its argument list
    (just inside the parentheses) and each argument's tokens (comments left out); None when
    the statement names no module arguments."""
    module, start, depth = "", -1, 0
    arguments: list[list[str]] = [[]]
    seen_using = False
    for match in _ARG_TOKEN.finditer(sql):
        token = match.group()
        if token.startswith(("--", "/*")):
            continue
        if not seen_using:
            seen_using = token.lower() == "using"
            continue
        if not module:
            module = _dequote(token).lower()
            continue
        if start < 0:
            if token != "(":
                return None
            start, depth = match.end(), 1
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return module, start, match.start(), arguments
        elif token == "," and depth == 1:
            arguments.append([])
            continue
        arguments[-1].append(token)
    return None


def _options(module: str, arguments: list[list[str]]) -> dict[str, str]:
    """The ``key=value`` options of an FTS4 or FTS5 table: key lower-case, value dequoted."""
    if module not in _OPTION_MODULES:
        return {}
    found: dict[str, str] = {}
    for tokens in arguments:
        if len(tokens) >= 3 and tokens[1] == "=" and tokens[0][:1].isalpha():
            found[tokens[0].lower()] = " ".join(_dequote(t) for t in tokens[2:])
    return found


def shadow_tables(name: str, sql: str) -> set[str]:
    """The names (lower-case) of the shadow tables the module of virtual table ``name``
    (``sql``, its CREATE VIRTUAL TABLE) made: none for a module that makes none."""
    parsed = module_arguments(sql)
    if parsed is None or parsed[0] not in _ALWAYS:
        return set()
    module, _, _, arguments = parsed
    options = _options(module, arguments)
    suffixes = set(_ALWAYS[module])
    for (owner, suffix), (option, values) in _OPTIONAL.items():
        value = options.get(option)
        if owner == module and not (value is not None and (not values or value.lower() in values)):
            suffixes.add(suffix)
    return {f"{name}_{suffix}".lower() for suffix in suffixes}


def _tokenizer(value: str) -> str:
    """An FTS5 ``tokenize`` value with its tokenizer names lower-cased (FTS5 finds a tokenizer
    regardless of case: 'PORTER' is porter), each word apart by one space, and what restates
    FTS5's defaults left out: porter wraps unicode61 unless told otherwise ('porter unicode61'
    is 'porter'), and unicode61's ``remove_diacritics 1`` is its default. The first word names
    the tokenizer; porter's next word names the one it wraps; the rest are arguments, kept."""
    words = [w.group() for w in _ARG_TOKEN.finditer(value)]
    names = 2 if words[:1] and _dequote(words[0]).lower() == "porter" else 1
    words = [_dequote(w).lower() if n < names else w for n, w in enumerate(words)]
    if words[:2] == ["porter", "unicode61"]:
        arguments = _unicode61_arguments(words[2:])
        return " ".join(["porter", "unicode61", *arguments] if arguments else ["porter"])
    if words[:1] == ["unicode61"]:
        return " ".join(["unicode61", *_unicode61_arguments(words[1:])])
    return " ".join(words)


def _unicode61_arguments(words: list[str]) -> list[str]:
    """unicode61's arguments (key value pairs) without ``remove_diacritics 1``, its default."""
    kept: list[str] = []
    for at in range(0, len(words), 2):
        pair = words[at : at + 2]
        if [_dequote(w).lower() for w in pair] != ["remove_diacritics", "1"]:
            kept.extend(pair)
    return kept


def _default(key: str, value: str) -> bool:
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
# FTS5 reads a ``detail`` value as any unambiguous prefix of these, regardless of case.
_DETAILS = ("full", "column", "none")


def _detail(value: str) -> str:
    """An FTS5 ``detail`` value as FTS5 reads it ('F', 'fu' -> 'full'); else as written."""
    found = [name for name in _DETAILS if value and name.startswith(value.lower())]
    return found[0] if len(found) == 1 else value


def definition(sql: str) -> str:
    """``sql`` (a CREATE VIRTUAL TABLE) as compared: an FTS5 table's options written as one
    ``key='value'`` form each (FTS5 reads keys regardless of case, a value quoted or bare
    alike), the tokenizer names lower-cased, and an option that restates FTS5's default
    (``detail=full``, ``columnsize=1``, ``tokenize='unicode61'``, ...) left out; any other
    statement as it is."""
    parsed = module_arguments(sql)
    if parsed is None or parsed[0] != "fts5":
        return sql
    _, start, end, arguments = parsed
    written = []
    for tokens in arguments:
        key = tokens[0].lower() if tokens else ""
        if len(tokens) == 3 and tokens[1] == "=" and key in _FTS5_OPTIONS:
            value = _dequote(tokens[2])
            value = _tokenizer(value) if key == "tokenize" else value
            value = _detail(value) if key == "detail" else value
            if not _default(key, value):
                written.append(f"{key}='{value.replace(chr(39), chr(39) * 2)}'")
        else:
            written.append(" ".join(tokens))
    return sql[:start] + ", ".join(written) + sql[end:]
