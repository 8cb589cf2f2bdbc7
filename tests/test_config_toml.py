"""pyproject.toml that is not TOML: one line naming the file, line and column, read from the
parser error's fields (``config.values.read_toml``), for every command that reads it; a document
Python's tomllib refuses (TOML 1.0) is refused, one it reads is read the same."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from twinschema.adopt.project import Layout, merged_pyproject
from twinschema.config import load_config
from twinschema.config.values import read_toml
from twinschema.errors import UsageError

BAD = [
    ("[tool.twinschema]\ndomain = \n", "2:10", "Invalid value"),
    ('[tool.twinschema]\ndomain = "a.yaml', "2:17", "Unterminated string"),
    ("a = 1\nb = [\n", "3:1", "Invalid value"),  # at the end of the document
    ("x = 1 2\n", "1:7", "Expected newline or end of document after a statement"),
    ("a = 1\na = 2\n", "2:6", "Cannot overwrite a value"),
    # TOML 1.1 only (trailing comma, newline in an inline table, \e): refused, as tomllib does
    ("a = {b = 1,}\n", "1:12", "Invalid initial character for a key part"),
    ("a = {\n  b = 1}\n", "1:6", "Invalid initial character for a key part"),
    ('a = "\\e"\n', "1:8", "Unescaped '\\' in a string"),
]


@pytest.mark.parametrize(("text", "where", "reason"), BAD)
def test_a_refusal_names_line_and_column(text: str, where: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        read_toml("pyproject.toml", text)
    assert str(info.value) == f"pyproject.toml:{where}: not valid TOML: {reason}"
    with pytest.raises(tomllib.TOMLDecodeError):  # Python's own reader refuses it as well
        tomllib.loads(text)


def test_a_valid_document_reads_as_tomllib_reads_it() -> None:
    text = '[tool.twinschema]\ndomain = "d.yaml"\n[tool.twinschema.sqlite]\nexclude = ["a_*"]\n'
    assert read_toml("pyproject.toml", text) == tomllib.loads(text)


def test_check_and_init_say_the_same(tmp_path: Path) -> None:
    """A command reading the configuration and ``init`` merging into it refuse a broken file
    in the same words."""
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\n[tool.twinschema\n', encoding="utf-8")
    expected = f"{path}:3:17: not valid TOML: Expected ']' at the end of a table declaration"
    with pytest.raises(UsageError) as read:
        load_config(path)
    assert str(read.value) == expected
    layout = Layout(tmp_path, tmp_path / "domain.yaml", {}, "loader", {})
    with pytest.raises(UsageError) as merged:
        merged_pyproject(path, layout, {})
    assert str(merged.value) == expected
