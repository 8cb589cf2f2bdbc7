"""Where ``init`` writes a project's files, and ``[tool.twinschema]`` merged into pyproject.toml.

Paths follow the configuration where it names them (``domain``, each side's ``metadata`` and
``migrations``), else this repository's layout: ``domain.yaml``, ``schemas/sqlite.py``,
``schemas/postgres.py`` (with the loader ``schemas/domain.py``), ``migrations_sqlite/`` and
``migrations_postgres/``. ``pyproject.toml`` is created, or merged with a round-trip TOML library
(``tomlkit``) so that its other tables, comments and keys stay as they were; a key already set
is kept. No URL is ever written: each side names its environment variable (``url_env``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import Table as TomlTable

from twinschema.config import Config
from twinschema.config.values import read_toml
from twinschema.errors import UsageError
from twinschema.records import DIALECTS

DEFAULT_MODULES: Mapping[str, str] = {"sqlite": "schemas.sqlite", "postgresql": "schemas.postgres"}
DEFAULT_CHAINS: Mapping[str, str] = {
    "sqlite": "migrations_sqlite",
    "postgresql": "migrations_postgres",
}


@dataclass(frozen=True)
class Layout:
    """Every path ``init`` may write, and the module names the generated code imports."""

    root: Path
    domain: Path
    modules: Mapping[str, str]  # dialect -> dotted module name
    loader: str  # the domain loader's dotted module name
    chains: Mapping[str, Path]

    def module_file(self, module: str) -> Path:
        """The file of a dotted module name under the project root."""
        return self.root.joinpath(*module.split(".")).with_suffix(".py")

    def packages(self) -> list[Path]:
        """The ``__init__.py`` of every package the modules live in."""
        found: set[Path] = set()
        for module in (*self.modules.values(), self.loader):
            parts = module.split(".")[:-1]
            for n in range(1, len(parts) + 1):
                found.add(self.root.joinpath(*parts[:n]) / "__init__.py")
        return sorted(found)


def layout(config: Config, output: Path) -> Layout:
    """The layout of the project at ``config.root``, with the domain file at ``output``."""
    modules = {}
    for dialect in DIALECTS:
        spec = config.side(dialect).metadata
        module = spec.partition(":")[0] if spec else DEFAULT_MODULES[dialect]
        if not all(part.isidentifier() for part in module.split(".")):
            raise UsageError(f"{config.source}: not a module name: {module!r}")
        modules[dialect] = module
    package = modules["sqlite"].rpartition(".")[0]
    loader = f"{package}.domain" if package else "domain_names"
    chains = {d: config.side(d).migrations or config.root / DEFAULT_CHAINS[d] for d in DIALECTS}
    return Layout(config.root, output, modules, loader, chains)


def relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start``, in POSIX spelling."""
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def merged_pyproject(path: Path, project: Layout, url_env: Mapping[str, str]) -> str:
    """``pyproject.toml`` with ``[tool.twinschema]`` added where it lacks a key: its other
    tables, keys and comments are kept as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    read_toml(str(path), text)  # refused as every command refuses it, line and column
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:  # a file TOML accepts and tomlkit cannot edit
        raise UsageError(f"{path}: tomlkit cannot edit this file: {exc}") from None
    tool = _table(document, "tool", super_table=True)
    ours = _table(tool, "twinschema")
    ours.setdefault("domain", relative(project.domain, project.root))
    for dialect in DIALECTS:
        side = _table(ours, dialect)
        side.setdefault("metadata", f"{project.modules[dialect]}:metadata")
        side.setdefault("migrations", relative(project.chains[dialect], project.root))
        side.setdefault("url_env", url_env[dialect])
    merged = tomlkit.dumps(document)
    tomllib.loads(merged)  # what we write must read back
    return merged


def _table(
    parent: tomlkit.TOMLDocument | TomlTable, key: str, super_table: bool = False
) -> TomlTable:
    found = parent.get(key)
    if found is None:
        found = tomlkit.table(is_super_table=super_table)
        parent[key] = found
    if not isinstance(found, TomlTable):
        raise UsageError(f"pyproject.toml: {key} is not a table")
    return found
