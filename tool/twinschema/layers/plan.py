"""What a check run needs: the configuration, the layers, the databases of each side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from twinschema.config import SIDE_OF, Config
from twinschema.urls import redact


def migrate_command(config: Config, dialect: str) -> str:
    """The command that migrates ``dialect``'s database: ``make migrate-local`` where the
    project's Makefile has that target, else the CLI's own ``twinschema migrate local``."""
    side = SIDE_OF[dialect]
    try:
        if f"migrate-{side}:" in (config.root / "Makefile").read_text(encoding="utf-8"):
            return f"make migrate-{side}"
    except OSError:
        pass
    return f"twinschema migrate {side}"


@dataclass
class CheckPlan:
    """What a check run needs: configuration, layers, the database URLs of each side."""

    config: Config
    layers: Sequence[str]
    urls: dict[str, str | None]  # dialect -> URL (None: not configured)
    url_errors: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # dialect -> how reports name its database
    # A PostgreSQL server where scratch databases may be made (the migrations layer), never the
    # server being checked unless it is the embedded one; None: start the embedded one if needed.
    scratch_url: str | None = None
    # dialect -> the command that migrates its database, when the project's own does not (a
    # database named by a flag: `twinschema migrate remote --postgres-url ...`).
    fixes: dict[str, str] = field(default_factory=dict)
    # Run the evaluation stage after each models and live comparison (``--no-evaluate``: off).
    evaluate: bool = True

    def fix_command(self, dialect: str) -> str:
        """The command that migrates the database this check reads for ``dialect``."""
        return self.fixes.get(dialect) or migrate_command(self.config, dialect)

    def stamp_command(self, dialect: str, to: str = "head") -> str:
        """The command that records the database this check reads for ``dialect`` at ``to``
        without running anything (with the URL flag its migrate command has, if any)."""
        side = SIDE_OF[dialect]
        migrate, stamp = f"twinschema migrate {side}", f"twinschema stamp {side} {to}"
        fix = self.fixes.get(dialect, "")
        return stamp + fix[len(migrate) :] if fix.startswith(migrate) else stamp

    def label(self, dialect: str) -> str:
        """How reports name the database of ``dialect`` (a URL without its password)."""
        url = self.urls.get(dialect)
        return self.labels.get(dialect) or (redact(url) if url else f"{dialect} database")
