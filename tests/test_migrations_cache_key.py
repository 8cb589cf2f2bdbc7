"""What the migrations layer's kept runs are keyed by (``migrations_cache``): twinschema's whole
package, by size and modification time, and the project's own files by content, twinschema's
excluded. After the package's layout put ``migrations_cache`` in ``migrations/``, both looked at
that folder alone: an upgrade of twinschema that changed no file of ``migrations/`` reused runs
kept by the old code, and where the package sits under the project's root (an editable
install, as in this repository) every check read and hashed each of its ~200 imported files
twice, as "project files" a kept run depends on."""

from __future__ import annotations

from pathlib import Path

import twinschema
from twinschema.migrations import migrations_cache

PACKAGE = Path(twinschema.__file__).resolve().parent
ROOT = Path(__file__).resolve().parent.parent


def test_the_key_covers_every_folder_of_the_package() -> None:
    fingerprint = migrations_cache._tool_fingerprint()
    for name in ("check.py", "compare/tables.py", "migrations/migrations_cache.py"):
        assert f"{PACKAGE / name}:" in fingerprint, name


def test_a_kept_run_depends_on_no_file_of_twinschema_itself() -> None:
    # This process imported twinschema's modules and the project's tests, all under ROOT here.
    found = list(migrations_cache._project_modules(ROOT, ROOT / "migrations_sqlite"))
    assert any(path.is_relative_to(ROOT / "tests") for path in found)
    if PACKAGE.is_relative_to(ROOT):
        assert not [path for path in found if path.is_relative_to(PACKAGE)]
