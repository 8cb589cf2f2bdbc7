"""conftest's ``_app_modules``: which loaded modules are the application's ``schemas`` package
(forgotten around each test, so that a scratch project's own ``schemas`` is imported)."""

from __future__ import annotations

import sys
from types import ModuleType

import conftest


def test_the_package_and_its_submodules_and_nothing_else() -> None:
    names = ["schemas", "schemas.sqlite", "schemas.sub.deep", "schemas_extra", "schemasx.y",
             "app.schemas", "Schemas"]  # fmt: skip
    saved = {name: sys.modules[name] for name in names if name in sys.modules}
    try:
        for name in names:
            sys.modules[name] = ModuleType(name)
        found = conftest._app_modules()
        assert sorted(found) == ["schemas", "schemas.sqlite", "schemas.sub.deep"]
        assert all(found[name] is sys.modules[name] for name in found)
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
