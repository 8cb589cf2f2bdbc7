"""``domain.yaml`` as plain data with the line of every key and value, so that each error can name
the file and line at fault. YAML errors are told in one line; duplicate keys, which YAML would
silently merge, are refused. What the data must look like is ``domain.schema.json``'s to say
(``domain_schema``); this module only reads."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from twinschema.errors import DomainError

# PostgreSQL truncates identifiers at 63 bytes; a longer name silently becomes another name.
MAX_NAME_BYTES = 63

# Identifiers: letters, digits, underscore and $, not starting with a digit. Names are always
# quoted when they reach SQL, so reserved words (``group``, ``order``) are legal; quotes,
# semicolons, spaces and control characters are not, since no sane schema needs them. (The JSON
# Schema cannot say this exactly: its ``\w`` is ASCII, and it counts characters, not bytes.)
_IDENTIFIER = re.compile(r"^[^\W\d]\w*(\$\w*)*$")

# A physical name (``name``, ``names``) is what a database spells: a quoted SQL identifier such as
# ``reply-to`` or ``Order Date`` (names always reach SQL quoted). Not blank, and still no quote
# character, semicolon or control character: no schema needs them, and they are what an
# injected name is made of.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"'`;]")

# Where a value is in the document: its keys and list positions from the top.
Where = tuple[str | int, ...]


@dataclass
class Located:
    """A domain file as plain data, with the lines its parts start on."""

    data: Any
    key_lines: dict[Where, int] = field(default_factory=dict)  # a mapping key's, a list item's
    value_lines: dict[Where, int] = field(default_factory=dict)
    texts: dict[Where, str] = field(default_factory=dict)  # each scalar as written
    lines: tuple[str, ...] = ()  # the file's lines as written, comments and all

    def commented_dialects(self, where: Where) -> tuple[tuple[str, ...], int]:
        """The names on a ``dialects:`` line commented out inside the block of the key at
        ``where`` (the lines indented deeper than that key, up to the first that is not), and
        that line's number; ``((), 0)`` where there is none. YAML drops comments, but this one
        is how ``init`` writes an object it found on one side only (``# dialects: [sqlite]  #
        found on sqlite only, ...``): uncommented, it is the one-line fix a hint names
        (stranger81 007)."""
        start = self.key_lines.get(where, 0)
        if not 0 < start <= len(self.lines):
            return (), 0
        indent = _indent(self.lines[start - 1])
        for number, text in enumerate(self.lines[start:], start + 1):
            if not text.strip():
                continue
            if _indent(text) <= indent:
                break
            found = _COMMENTED_DIALECTS.match(text)
            if found is not None:
                names = (n.strip().strip("'\"") for n in found.group(1).split(","))
                return tuple(n for n in names if n), number
        return (), 0

    def line(self, where: Where) -> int:
        """The line of the key (or list item) at ``where``, else of its value."""
        return self.key_lines.get(where) or self.value_lines.get(where, 1)

    def value_line(self, where: Where) -> int:
        """The line the value at ``where`` starts on."""
        return self.value_lines.get(where) or self.line(where)


# A ``dialects:`` line commented out: ``    # dialects: [sqlite]  # found on sqlite only``.
_COMMENTED_DIALECTS = re.compile(r"\s*#\s*dialects:\s*\[([^][#]*)\]")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for an error message."""
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def compose(text: str, label: str) -> Located | None:
    """The document in ``text`` as located data; None when it holds nothing. A YAML error or a
    duplicate key is a ``DomainError`` naming ``label`` and the line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise DomainError(f"{label}{where}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a NUL byte)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        what = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
        raise DomainError(
            f"{label}:{line}:{column}: not valid YAML: {what} is not allowed (a binary file?)"
        ) from None
    except yaml.YAMLError as exc:
        raise DomainError(f"{label}: not valid YAML: {' '.join(str(exc).split())}") from None
    if root is None:
        return None
    located = Located(None, lines=tuple(text.splitlines()))
    located.data = _data(root, (), located, yaml.SafeLoader(""), label)
    return located


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _data(node: yaml.Node, where: Where, out: Located, loader: yaml.SafeLoader, label: str) -> Any:
    """The value of ``node`` (scalars typed as YAML types them), its lines noted in ``out``."""
    out.value_lines[where] = _line(node)
    if isinstance(node, yaml.MappingNode):
        found: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise DomainError(
                    f"{label}:{_line(key_node)}: keys in {describe(where)} must be plain names"
                )
            key = str(key_node.value)
            if key in found:
                first = out.key_lines[(*where, key)]
                raise DomainError(
                    f"{label}:{_line(key_node)}: duplicate name {key!r} in {describe(where)} "
                    f"(first at line {first})"
                )
            out.key_lines[(*where, key)] = _line(key_node)
            found[key] = _data(value_node, (*where, key), out, loader, label)
        return found
    if isinstance(node, yaml.SequenceNode):
        items = []
        for n, item in enumerate(node.value):
            out.key_lines[(*where, n)] = _line(item)
            items.append(_data(item, (*where, n), out, loader, label))
        return items
    out.texts[where] = str(node.value)
    return loader.construct_object(node)


def describe(where: Where) -> str:
    """The part of the domain file at ``where``, in words: ``column items.id``, ``a dialect``."""
    if not where:
        return "the domain file"
    head = where[0]
    if len(where) == 1:
        return str(head) if head == "version" else f"'{head}'"
    if head == "tables":
        table = f"table {where[1]!r}"
        rest = where[2:]
        if rest[:1] == ("columns",) and len(rest) > 1:
            return _member(f"column {where[1]}.{rest[1]}", rest[2:])
        if rest[:1] == ("allow",) and len(rest) > 1:
            return _member(f"an allowance of {table}", rest[2:], bare=True)
        return _member(table, rest)
    if head == "views" and where[2:3] == ("allow",) and len(where) > 3:
        return _member(f"an allowance of view {where[1]!r}", where[4:], bare=True)
    if head in ("views", "triggers"):
        return _member(f"{head[:-1]} {where[1]!r}", where[2:])
    return "/".join(map(str, where))


def _member(what: str, rest: Where, bare: bool = False) -> str:
    """A key of the entry ``what`` (``bare``: an allowance's keys are named alone)."""
    if not rest:
        return what
    key = rest[0]
    if len(rest) > 1 and key in ("dialects", "values", "sqlite", "names"):
        return {
            "dialects": "a dialect",
            "values": f"a value of {what}",
            "sqlite": f"a SQLite spelling of {what}",
            "names": f"{rest[1]} name of {what}",
        }[str(key)]
    if bare and key != "dialect":
        return str(key)
    if key == "name":
        return f"{what} name"
    if key == "description":
        return f"the description of {what}"
    if key in ("columns", "dialects", "values", "names", "allow"):
        return f"'{key}' of {what}"
    return f"{key} of {what}"


def check_identifier(name: str, where: str, what: str) -> str:
    """``name`` if it is a legal table or column name, else a ``DomainError`` saying why."""
    problem = identifier_problem(name, what)
    if problem is not None:
        raise DomainError(f"{where}: {problem}")
    return name


def identifier_problem(name: str, what: str) -> str | None:
    """Why ``name`` is not a legal table or column name (``what`` names it), None when it is."""
    if not name.strip():
        return f"{what} is empty"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return _too_long(name, what)
    if not _IDENTIFIER.match(name):
        return (
            f"{what} {name!r} is not a valid name: use letters, digits, _ and $, "
            "not starting with a digit (a database's own spelling, such as reply-to, goes "
            "under `names`)"
        )
    return None


def check_physical_name(name: str, where: str, what: str) -> str:
    """``name`` if domain.yaml takes it as a database's spelling, else a ``DomainError``."""
    problem = physical_name_problem(name, what)
    if problem is not None:
        raise DomainError(f"{where}: {problem}")
    return name


def physical_name_problem(name: str, what: str) -> str | None:
    """Why domain.yaml does not take ``name`` as a database's spelling (a quoted SQL identifier:
    not blank, no quote character, semicolon or control character, at most 63 bytes), None when
    it does."""
    if not name.strip():
        return f"{what} is empty"
    if _UNSAFE.search(name):
        return (
            f"{what} {name!r} is not a valid name: a database's spelling may hold "
            "spaces, - and . but no quote character, semicolon or control character"
        )
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return _too_long(name, what)
    return None


def _too_long(name: str, what: str) -> str:
    return (
        f"{what} {name[:20]!r}... is {len(name.encode('utf-8'))} bytes; "
        f"PostgreSQL allows at most {MAX_NAME_BYTES}"
    )
