"""What a command says when the configuration it needs is not there: outside a project (no
``pyproject.toml`` at or above the folder, or one without ``[tool.twinschema]``), that no project
was found, where it looked and what to do, rather than a key of a file that does not exist
(stranger69 finding 005); inside one, the file and the key to write."""

from __future__ import annotations

from twinschema.config import Config


def missing(config: Config, what: str) -> str:
    """The one-line error for a setting ``what`` (``no metadata module configured for sqlite
    (...)``) that ``config`` lacks: prefixed with its file in a project, else the no-project
    message (the setting would only be one of many to write)."""
    if config.project:
        return f"{config.source}: {what}"
    if config.source == Config.source:  # the default: no pyproject.toml was found
        where = f"no pyproject.toml in {config.root} or any folder above it"
    else:
        where = f"{config.source} has no [tool.twinschema] table"
    return (
        f"no twinschema project here: {where}. Run twinschema inside the project's folder, "
        "or start a project with `twinschema init`"
    )
