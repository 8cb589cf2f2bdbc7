"""What a process pays for before it does anything (issue 16: the whole ``twinschema check``
start to exit): the command-line module imports no heavy dependency, and module-level patterns
are spelt so that compiling them is cheap without matching anything else.

These tests assert what is imported and what is matched, never a time: the figures are in
README's speed section and in the commits that made each cut.
"""

from __future__ import annotations

import subprocess
import sys

from twinschema.dialects.sqlite_lexer import TOKEN, lexer

# What ``import twinschema.cli`` (the script's entry point, before click picks a command) must
# not import: each is imported by the command that uses it, where it is used.
_HEAVY = ("alembic", "sqlalchemy", "sqlglot", "psycopg", "yaml", "jsonschema", "pgserver")


def _imported_after(code: str) -> list[str]:
    """The names of ``_HEAVY`` a fresh Python process has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {_HEAVY!r} if m in sys.modules))\n"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return [name for name in _HEAVY if f"'{name}'" in out]


def test_the_entry_point_imports_no_heavy_dependency() -> None:
    assert _imported_after("import twinschema.cli") == []


def test_help_imports_no_heavy_dependency() -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from twinschema.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0 and 'check' in r.output, r.output\n"
    )
    assert _imported_after(code) == []


def test_what_a_check_imports_at_start_imports_no_alembic() -> None:
    """``twinschema.check`` and every layer it composes (the migrations layer's module
    included, which ``layers.migrations`` imports when it runs) import Alembic (with mako and pygments,
    about a tenth of a check's CPU) only where a chain is read or run: a check whose kept runs
    are reused never does. ``chain_renames`` imports Alembic, so its ``Renamed`` is a name for
    type checking alone in the modules a check imports (``migrations_chain`` and
    ``migrations_steps`` imported it at run time, and every check paid for Alembic)."""
    layers = "twinschema.layers." + ", twinschema.layers.".join(
        ("domain", "models", "live", "migrations")
    )
    code = f"import twinschema.check, {layers}, twinschema.migrations.migrations_layer"
    heavy = _imported_after(code)
    assert "alembic" not in heavy
    assert "sqlalchemy" in heavy  # the near miss: the probe sees what a check does import


def test_the_probe_sees_alembic_behind_the_chain_reader() -> None:
    """The probe above is not blind to Alembic: reading a chain's renames imports it."""
    assert "alembic" in _imported_after("import twinschema.migrations.chain_renames")


def test_the_probe_sees_an_import() -> None:
    """The probe above is not blind: a process that imports SQLAlchemy is reported."""
    assert _imported_after("import twinschema.cli, sqlalchemy") == ["sqlalchemy"]


# The word branch as first written: a letter, _ or any non-ASCII character, then those, digits
# and $. ``TOKEN`` spells the same classes by the ASCII characters they exclude.
_RANGES = lexer(r"| [(),] | [A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")


def test_the_sqlite_token_pattern_reads_every_character_as_the_ranges_do() -> None:
    """Every code point alone, after a letter and before a letter: the same tokens. The
    characters that open a string, a quoted name or a comment are tried one text each (in one
    text, an unclosed quote would hide what follows it)."""
    opening = "'\"`[-/"
    text = " ".join(f"{c} a{c} {c}a" for c in map(chr, range(0x110000)) if c not in opening)
    assert TOKEN.findall(text) == _RANGES.findall(text)
    for c in opening:
        for one in (c, f"a{c}", f"{c}a", f"{c}a{c}"):
            assert TOKEN.findall(one) == _RANGES.findall(one), one
    assert TOKEN.findall("é$1 _x9 $a 9b a`b`") == ["é$1", "_x9", "a", "b", "a", "`b`"]


def test_the_sqlite_token_pattern_still_skips_strings_and_comments() -> None:
    found = TOKEN.findall("CHECK (a IN ('x y', \"q r\")) -- no more\n/* c */ b")
    words = ["CHECK", "(", "a", "IN", "(", "'x y'", ",", '"q r"', ")", ")"]
    assert found == [*words, "-- no more", "/* c */", "b"]
