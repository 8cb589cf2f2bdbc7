"""YAML nodes read one by one, each error naming the file, line and column at fault: the helpers
domain_load reads domain.yaml with. Duplicate keys, which YAML would silently merge, are
refused."""

from __future__ import annotations

import re
import stat

import yaml

from twinschema.domain_model import suggestion
from twinschema.errors import DomainError

# PostgreSQL truncates identifiers at 63 bytes; a longer name silently becomes another name.
MAX_NAME_BYTES = 63


# Identifiers: letters, digits, underscore and $, not starting with a digit. Names are always
# quoted when they reach SQL, so reserved words (``group``, ``order``) are legal; quotes,
# semicolons, spaces and control characters are not, since no sane schema needs them.
_IDENTIFIER = re.compile(r"^[^\W\d]\w*(\$\w*)*$")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader used only to compose nodes; duplicate keys are found while walking."""


def _file_kind(mode: int) -> str:
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


_Pairs = dict[str, tuple[yaml.Node, yaml.Node]]


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: yaml.Node, label: str, what: str) -> _Pairs:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise DomainError(f"{label}:{_line(node)}: {what} must be a mapping")
    pairs: _Pairs = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise DomainError(f"{label}:{_line(key_node)}: keys in {what} must be plain names")
        key = str(key_node.value)
        if key in pairs:
            first = _line(pairs[key][0])
            raise DomainError(
                f"{label}:{_line(key_node)}: duplicate name {key!r} in {what} "
                f"(first at line {first})"
            )
        pairs[key] = (key_node, value_node)
    return pairs


def _check_keys(pairs: _Pairs, allowed: tuple[str, ...], label: str, what: str) -> None:
    for key, (key_node, _) in pairs.items():
        if key not in allowed:
            raise DomainError(
                f"{label}:{_line(key_node)}: unknown key {key!r} in {what}"
                + (suggestion(key, allowed) or f" (valid keys: {', '.join(allowed)})")
            )


_NULL_TAG = "tag:yaml.org,2002:null"


def _scalar(node: yaml.Node, label: str, what: str) -> str:
    """The text of a single value; a list, a mapping or a null where text belongs is refused."""
    if isinstance(node, yaml.ScalarNode) and node.tag != _NULL_TAG:
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        found = "a list"
    elif isinstance(node, yaml.MappingNode):
        found = "a mapping"
    else:
        found = f"null ({node.value})" if node.value else "empty"
    raise DomainError(f"{label}:{_line(node)}: {what} must be a single value, not {found}")


def _description(pairs: _Pairs, label: str, what: str) -> None:
    """A description is for people only, but it is text: a list or a mapping there is refused."""
    if "description" in pairs:
        _scalar(pairs["description"][1], label, f"the description of {what}")


def _integer(node: yaml.Node, label: str, what: str) -> int:
    text = _scalar(node, label, what)
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise DomainError(f"{label}:{_line(node)}: {what} must be a whole number, not {text!r}")
    return int(text)


def _identifier(node: yaml.Node, label: str, what: str) -> str:
    text = _scalar(node, label, what)
    return check_identifier(text, f"{label}:{_line(node)}", what)


def check_identifier(name: str, where: str, what: str) -> str:
    """``name`` if it is a legal table or column name, else a ``DomainError`` saying why."""
    if not name.strip():
        raise DomainError(f"{where}: {what} is empty")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise DomainError(
            f"{where}: {what} {name[:20]!r}... is {len(name.encode('utf-8'))} bytes; "
            f"PostgreSQL allows at most {MAX_NAME_BYTES}"
        )
    if not _IDENTIFIER.match(name):
        raise DomainError(
            f"{where}: {what} {name!r} is not a valid name: use letters, digits, _ and $, "
            "not starting with a digit (no quotes, spaces or semicolons)"
        )
    return name
