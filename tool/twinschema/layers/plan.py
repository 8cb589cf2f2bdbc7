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


def fix_chain_first(chain: str, error: str, migrate_command: str) -> str:
    """What to do for a database behind its chain when the chain itself fails to upgrade a
    scratch database to its head (``error``): migrating fails alike, so the failing revision
    in ``chain`` (its folder) is fixed first (stranger32 case 055)."""
    return (
        f"fix the failing revision in {chain} first (upgrading a scratch database to its head "
        f"fails: {error}), then run `{migrate_command}`"
    )


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
    # dialect -> the flag naming its database, for the commands that act on it, when the
    # project's own commands do not (`--postgres-url URL`, the URL without its password).
    url_flags: dict[str, str] = field(default_factory=dict)
    # Run the evaluation stage after each models and live comparison (``--no-evaluate``: off).
    evaluate: bool = True
    # ``--require-all``: a comparison skipped for want of a database fails (an error, exit 3).
    require_all: bool = False
    # The evaluation stage may start the embedded server even where no layer does: a diff
    # inside a project that configures PostgreSQL, as check starts it there (stranger W8).
    embedded: bool = False

    def not_configured(self, dialect: str) -> str:
        """Why a comparison of ``dialect``'s database is skipped, and how to name one
        (stranger44 010: a run that looked at no SQLite database said only "in sync")."""
        flag = "--sqlite-url" if dialect == "sqlite" else "--postgres-url"
        variable = self.config.url_env_name(dialect)
        return f"no {dialect} database configured: set {variable} or pass {flag}"

    def fix_command(self, dialect: str) -> str:
        """The command that migrates the database this check reads for ``dialect``."""
        flag = self.url_flags.get(dialect)
        if flag is None:
            return migrate_command(self.config, dialect)
        return f"twinschema migrate {SIDE_OF[dialect]} {flag}"

    def migrate_to_command(self, dialect: str, to: str) -> str:
        """The ``twinschema migrate`` command taking the database this check reads for
        ``dialect`` to revision ``to`` (never a Makefile target: it takes no ``--to``)."""
        flag = self.url_flags.get(dialect)
        return f"twinschema migrate {SIDE_OF[dialect]} --to {to}" + (f" {flag}" if flag else "")

    def stamp_command(self, dialect: str, to: str = "head") -> str:
        """The command that records the database this check reads for ``dialect`` at ``to``
        without running anything (with the URL flag that names it, if any)."""
        flag = self.url_flags.get(dialect)
        return f"twinschema stamp {SIDE_OF[dialect]} {to}" + (f" {flag}" if flag else "")

    def label(self, dialect: str) -> str:
        """How reports name the database of ``dialect`` (a URL without its password)."""
        url = self.urls.get(dialect)
        return self.labels.get(dialect) or (redact(url) if url else f"{dialect} database")
