"""What the migrations layer's kept runs are keyed by (``migrations_cache``): twinschema's whole
package, by size and modification time, and the project's own files by content, twinschema's
excluded. After the package's layout put ``migrations_cache`` in ``migrations/``, both looked at
that folder alone: an upgrade of twinschema that changed no file of ``migrations/`` reused runs
kept by the old code, and where the package sits under the project's root (an editable
install, as in this repository) every check read and hashed each of its ~200 imported files
twice, as "project files" a kept run depends on."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

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


def test_a_kept_run_depends_on_the_real_files_of_the_project_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module's file counts by where it really is (symlinks resolved, each folder once): a
    module reached through a symlinked folder or a symlinked file is the project's exactly when
    its real file is under the project's root, and is listed by that real path."""
    root, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (root / "models").mkdir(parents=True)
    (root / "chain").mkdir()
    elsewhere.mkdir()
    for file in (root / "models" / "app.py", root / "chain" / "env.py", elsewhere / "lib.py"):
        file.write_text("")
    (root / "vendored").symlink_to(elsewhere)  # a folder in the root, its files outside
    (root / "alias").symlink_to(root / "models")  # a second name for a folder of the root
    (root / "one.py").symlink_to(elsewhere / "lib.py")  # a file in the root, really outside
    (elsewhere / "back.py").symlink_to(root / "models" / "app.py")  # outside, really inside
    (root / "models" / "up").symlink_to(elsewhere)  # "models/up/.." is elsewhere's parent
    modules = {
        "t_real": root / "models" / "app.py",
        "t_alias": root / "alias" / "app.py",
        "t_vendored": root / "vendored" / "lib.py",
        "t_one": root / "one.py",
        "t_back": elsewhere / "back.py",
        "t_chain": root / "chain" / "env.py",
        "t_dotted": root / "models" / "up" / ".." / "project" / "models" / "app.py",
    }
    monkeypatch.chdir(tmp_path)
    for name, file in modules.items():
        module = types.ModuleType(name)
        module.__file__ = str(file)
        monkeypatch.setitem(sys.modules, name, module)
    relative = types.ModuleType("t_relative")
    relative.__file__ = "project/alias/app.py"  # relative to the working folder
    monkeypatch.setitem(sys.modules, "t_relative", relative)
    found = [
        path
        for path in migrations_cache._project_modules(root, root / "chain")
        if path.is_relative_to(root.resolve())
    ]
    assert found == [(root / "models" / "app.py").resolve()]
    # The near miss: without the chain's folder left out, its file is listed too.
    found = list(migrations_cache._project_modules(root, root / "elsewhere-chain"))
    assert (root / "chain" / "env.py").resolve() in found
    assert not [path for path in found if path.is_relative_to(elsewhere.resolve())]
