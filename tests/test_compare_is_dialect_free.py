"""The comparer holds no dialect knowledge: it asks named facts (``compare.pairing``) instead.

Reads the source of every module of the ``twinschema.compare`` package, comments and
docstrings included, so that the rule of issue 15 ("compare.py holds no dialect knowledge and
no ``cross`` branch") stays kept (issue 16's 400-line cap is test_import_graph's).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import twinschema.compare

PACKAGE = Path(twinschema.compare.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
# A dialect's name, or the old branch on "are the two sides of different dialects?".
FORBIDDEN = re.compile(r"sqlite|postgresql|\.cross\b", re.IGNORECASE)
# Comparing two dialects is done once, in pairing.py, into named facts.
DIALECT_EQUALITY = re.compile(r"dialect\s*[!=]=|[!=]=\s*\w+(\.schema)?\.dialect\b")


def test_the_package_is_found() -> None:
    """The checks below read the modules they mean to (not an empty or other directory)."""
    names = {m.name for m in MODULES}
    assert {"__init__.py", "context.py", "pairing.py", "tables.py", "objects.py"} <= names
    assert len(MODULES) >= 10


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_no_dialect_names_and_no_cross_branch(module: Path) -> None:
    """No module names a dialect or branches on ``.cross``."""
    found = [
        f"{module.name}:{n}: {line.strip()}"
        for n, line in enumerate(module.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "module", [m for m in MODULES if m.name != "pairing.py"], ids=lambda m: m.name
)
def test_dialects_compared_only_in_pairing(module: Path) -> None:
    """Only ``pairing`` compares the two sides' dialects; the comparators ask its facts."""
    found = [
        f"{module.name}:{n}: {line.strip()}"
        for n, line in enumerate(module.read_text().splitlines(), 1)
        if DIALECT_EQUALITY.search(line)
    ]
    assert found == []


def test_the_patterns_catch_what_they_forbid() -> None:
    """The patterns above match the lines they exist to reject (they are not vacuous)."""
    assert FORBIDDEN.search("if ctx.cross and domain is not None:")
    assert FORBIDDEN.search('    if dialect == "sqlite":')
    assert FORBIDDEN.search("# PostgreSQL folds names")
    assert DIALECT_EQUALITY.search("if left.dialect == right.dialect:")
    assert DIALECT_EQUALITY.search("if left_side.schema.dialect != right_side.schema.dialect:")
    assert not DIALECT_EQUALITY.search("if schema.dialect not in wanted.dialects:")
