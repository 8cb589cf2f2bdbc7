"""A metadata module is imported from the project it belongs to: when an earlier project in the
same process (a test run's scratch project, a notebook that checked two projects) put its own
folder before this one on ``sys.path``, a package of the same name there must not win (found by
CI: a check run from this repository reported a scratch project's ``schemas/sqlite.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from twinschema.sources.metadata_import import import_metadata

PACKAGE = "twinapp_path_probe"


def _project(folder: Path, table: str) -> Path:
    """A project folder whose ``twinapp_path_probe.models`` declares one table ``table``."""
    package = folder / PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "import sqlalchemy as sa\n"
        "metadata = sa.MetaData()\n"
        f"sa.Table({table!r}, metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
    )
    return folder


def _forget() -> None:
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]


@pytest.mark.parametrize("other_first", [True, False])
def test_the_module_comes_from_the_named_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_first: bool
) -> None:
    mine = _project(tmp_path / "mine", "mine_table")
    other = _project(tmp_path / "other", "other_table")
    # ``mine`` already on the path, ``other`` put before it by an earlier project (or not).
    path = [str(other), str(mine)] if other_first else [str(mine), str(other)]
    monkeypatch.setattr(sys, "path", path + sys.path)
    _forget()
    try:
        metadata, shown = import_metadata(f"{PACKAGE}.models:metadata", root=mine)
    finally:
        _forget()
    assert sorted(metadata.tables) == ["mine_table"]
    assert shown == f"{PACKAGE}/models.py"
