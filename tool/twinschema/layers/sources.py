"""The sources of a check run, each read once and made canonical in the domain's names."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from twinschema import progress
from twinschema.config.missing import missing
from twinschema.errors import DatabaseError, UsageError
from twinschema.hints import AT_HEAD, BEHIND, chain_state, database_fix
from twinschema.layers.at_head import at_head_note
from twinschema.layers.made_ahead import (
    Renames,
    alter_first,
    drop_first,
    made_ahead,
    made_otherwise,
    stamp_first,
    to_stamp,
)
from twinschema.layers.plan import CheckPlan, fix_chain_first
from twinschema.layers.renamed import rename_first, rename_statement, renames
from twinschema.layers.renamed_ahead import renamed_ahead, renamed_first
from twinschema.model import OBJECT_VIRTUAL_TABLE, Schema
from twinschema.paths import shown
from twinschema.records import DIALECTS, Note, Side
from twinschema.records.dialects import database_named
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical, read_metadata, reflect_url

if TYPE_CHECKING:  # chain_renames imports Alembic, read only where a chain is
    from twinschema.migrations.chain_renames import ColumnRenamed, Renamed

# What a live difference's hint says of a database behind its chain where a pending revision
# fails on what was renamed or made by hand there (``first_behind`` says what to do).
FIRST_SEE = "a pending revision fails on it as it is: its migration_state says what to do first"


class Sources:
    """Each source read once per run, canonical in the domain's names; failures remembered."""

    def __init__(self, plan: CheckPlan, domain: Domain | None) -> None:
        self.plan, self.domain = plan, domain
        config = plan.config
        self.options = {dialect: config.reflect_options(dialect) for dialect in DIALECTS}
        self._models: dict[str, Side] = {}
        self._live: dict[str, Side | DatabaseError] = {}
        self._raw: dict[str, Schema] = {}
        self._state: dict[str, str | None] = {}
        self._first: dict[str, str | None] = {}
        self._at: dict[str, tuple[Schema, str | None] | None] = {}
        self._head: dict[str, Schema | None] = {}
        self._history: dict[str, tuple[list[Renamed], list[ColumnRenamed]]] = {}

    def model(self, dialect: str) -> Side:
        """``dialect``'s metadata module, read and made canonical (a usage error when none is
        configured)."""
        if dialect not in self._models:
            spec = self.plan.config.side(dialect).metadata
            if spec is None:
                raise UsageError(
                    missing(
                        self.plan.config,
                        f"no metadata module configured for {dialect} "
                        f'([tool.twinschema.{dialect}] metadata = "package.module:attribute")',
                    )
                )
            progress.step(f"reading {spec}")
            raw, path = read_metadata(spec, dialect, self.options[dialect], self.plan.config.root)
            canonical = make_canonical(raw, self.domain)
            self._models[dialect] = Side(canonical, path, path, file=path)
            self._models[dialect] = self._with_virtual(dialect, self._models[dialect])
        return self._models[dialect]

    def _with_virtual(self, dialect: str, model: Side) -> Side:
        """``model`` with the virtual tables of its dialect's database (an FTS table, which its
        baseline makes and no metadata module can hold: stranger58), so that a table missing
        from the module for that reason is hinted as such; read only where the check reads that
        database anyway (the live layer), and as it is when it cannot be read."""
        if "live" not in self.plan.layers or self.plan.urls.get(dialect) is None:
            return model
        found = self.live(dialect)
        if isinstance(found, DatabaseError):
            return model
        names = {o.name for o in found.schema.objects if o.kind == OBJECT_VIRTUAL_TABLE}
        if not names:
            return model
        return replace(model, virtual=frozenset(names), virtual_in=found.named)

    def live(self, dialect: str) -> Side | DatabaseError:
        """``dialect``'s live database, read and made canonical, or why it could not be read.
        Its fixes go to the metadata module of its dialect (what a person edits)."""
        if dialect not in self._live:
            url = self.plan.urls[dialect]
            assert url is not None
            label = self.plan.label(dialect)
            progress.step(f"reading the {dialect} database {label}")
            try:
                raw = reflect_url(url, self.options[dialect])
            except DatabaseError as exc:
                self._live[dialect] = exc
            else:
                self._raw[dialect] = raw
                canonical = make_canonical(raw, self.domain)
                module = self._module_file(dialect)
                short = database_named(dialect)
                fix = database_fix(short, None, self.plan.fix_command(dialect))
                self._live[dialect] = Side(
                    canonical,
                    label,
                    fix,
                    role="database",
                    file=module,
                    placed=lambda: self.on_chain(dialect),
                    short=short,
                )
        return self._live[dialect]

    def on_chain(self, dialect: str) -> Side:
        """``dialect``'s live database (read by ``live``) with its place on its Alembic chain,
        which the hints of its differences state (whether migrating it can fix them). Read only
        for a database that differs (``Side.located``, on the comparer's first difference): it
        imports Alembic and connects once more."""
        found = self.live(dialect)
        assert isinstance(found, Side)
        if dialect not in self._state:
            url = self.plan.urls[dialect]
            assert url is not None
            self._state[dialect] = chain_state(self.plan.config, dialect, url)
        state = self._state[dialect]
        first = self.first_behind(dialect) if state == BEHIND else None
        # What to do first is said once, in its migration_state hint, where the migrations
        # layer runs: its live lines name that (stranger86 004: the whole hint was spliced
        # into "make A and B (...) agree").
        if first and "migrations" in self.plan.layers:
            first = FIRST_SEE
        fix = database_fix(found.named, state, self.plan.fix_command(dialect), first)
        return replace(found, fix=fix, state=state, placed=None, blocked=first is not None)

    def at_head(self, dialect: str) -> Note | None:
        """The note of what to do where ``dialect``'s live database, at its chain's head,
        differs from its module (``at_head_note``), once ``on_chain`` has read where it stands
        (for a database that differs); None elsewhere."""
        found = self.live(dialect)
        if self._state.get(dialect) != AT_HEAD or not isinstance(found, Side):
            return None
        module = self.model(dialect).label
        return at_head_note(found.named, module, self.plan.stamp_command(dialect, "REV"))

    def first_behind(self, dialect: str) -> str | None:
        """For ``dialect``'s live database behind its chain: what to do before migrating it,
        where a pending revision would fail on what was done by hand. Objects renamed by hand
        (held under another name than the chain gives them at the revision the database is at:
        a revision naming one by the chain's name fails) are renamed back first; objects made by
        hand ahead of the chain (the chain lacks them at that revision, the metadata module has
        them: a revision creating one fails, already exists) are dropped first, or stamped. None
        when there are none, or when that schema cannot be built (read once: it upgrades a
        scratch database)."""
        if dialect not in self._first:
            self._first[dialect] = None
            found, raw = self.live(dialect), self._raw.get(dialect)
            if isinstance(found, Side) and raw is not None:
                built = self.at_revision(dialect)
                if built is not None and built[1] is not None:
                    folder = self.plan.config.side(dialect).migrations
                    chain = shown(folder, self.plan.config.root) if folder else "its chain"
                    fix = self.plan.fix_command(dialect)
                    self._first[dialect] = fix_chain_first(chain, built[1], fix)
                elif built is not None:
                    self._first[dialect] = self._first_of(dialect, found, raw, built[0])
        return self._first[dialect]

    def at_revision(self, dialect: str) -> tuple[Schema, str | None] | None:
        """What ``dialect``'s chain builds up to the revision its live database is at, and why
        upgrading on to head fails (``chain_at_revision``), built once on a scratch database:
        read for what to do first and for what the pending revisions change."""
        if dialect not in self._at:
            from twinschema.migrations.migrations_renames import chain_at_revision

            self._at[dialect] = chain_at_revision(self.plan, dialect, self.options[dialect])
        return self._at[dialect]

    def at_chain_head(self, dialect: str) -> Schema | None:
        """What ``dialect``'s chain builds at its head (``chain_head_built``), built once on a
        scratch database: what the pending revisions make of a database behind its chain, which
        its module may be ahead of (a change with no revision written yet: fix94a)."""
        if dialect not in self._head:
            from twinschema.migrations.migrations_renames import chain_head_built

            self._head[dialect] = chain_head_built(self.plan, dialect, self.options[dialect])
        return self._head[dialect]

    def _first_of(self, dialect: str, found: Side, raw: Schema, at: Schema) -> str | None:
        chain = Side(make_canonical(at, self.domain), "its chain", "its chain")
        fix = self.plan.fix_command(dialect)
        renamed = [
            f"{r.described} on {r.table} is {r.actual} there: " + rename_statement(dialect, raw, r)
            for r in renames(chain, found, dialect)
        ]
        if renamed:
            return rename_first(renamed, fix)
        # A rename a pending revision makes, made by hand already (stranger78 006): never to
        # be taken for a column made ahead of the chain, whose fix drops it with its data.
        undo = renamed_ahead(at, raw, self.chain_history(dialect))
        if undo:
            from twinschema.migrations.migrations_renames import chain_head

            stamp = self.plan.stamp_command(dialect, chain_head(self.plan, dialect))
            return renamed_first(undo, fix, stamp)
        try:
            head = self.model(dialect).schema
        except (UsageError, DatabaseError):
            return None
        earlier = self._renames(dialect, head)
        made = made_ahead(chain.schema, found.schema, head, earlier)
        if made and to_stamp(chain.schema, found.schema, head):
            from twinschema.migrations.migrations_renames import chain_head

            stamp = self.plan.stamp_command(dialect, chain_head(self.plan, dialect))
            built = self.at_chain_head(dialect)
            makes = make_canonical(built, self.domain) if built is not None else None
            otherwise = made_otherwise(found.schema, makes, made) if makes is not None else []
            if otherwise:
                return alter_first(made, otherwise, fix, stamp)
            return stamp_first(made, fix, stamp)
        if made:
            return self._drop_first(dialect, made, found, head, earlier)
        return None

    def _drop_first(
        self, dialect: str, made: list[str], found: Side, head: Schema, earlier: Renames
    ) -> str:
        """The hint for ``made``, made by hand ahead of ``dialect``'s chain: drop it first, or
        stamp the one revision that makes it, after migrating to the revision before it (never
        the next one when a later one makes it: stamping that skips its other steps,
        stranger82 008)."""
        from twinschema.migrations.migrations_renames import next_revision, revision_making

        fix = self.plan.fix_command(dialect)
        following = next_revision(self.plan, dialect)

        def makes(built: Schema) -> bool:
            at = make_canonical(built, self.domain)
            return made_ahead(at, found.schema, head, earlier) != made

        making = revision_making(self.plan, dialect, self.options[dialect], makes)
        if making is None or making[0] == following:
            return drop_first(made, fix, self.plan.stamp_command(dialect, following), following)
        stamp = self.plan.stamp_command(dialect, making[0])
        return drop_first(
            made, fix, stamp, making[0], self.plan.migrate_to_command(dialect, making[1])
        )

    def chain_history(self, dialect: str) -> tuple[list[Renamed], list[ColumnRenamed]]:
        """The tables and the columns ``dialect``'s chain renamed (its ``op.rename_table`` and
        ``alter_column(..., new_column_name=...)`` calls, as its upgrade()s record them), read
        once; none where the chain cannot be read."""
        if dialect not in self._history:
            from twinschema.migrations.chain_renames import history_of
            from twinschema.migrations.migrate_chain import alembic_config

            self._history[dialect] = ([], [])
            if self.plan.config.side(dialect).migrations is not None:
                try:
                    cfg = alembic_config(self.plan.config, dialect)
                    self._history[dialect] = history_of(cfg, dialect)
                except Exception:  # Alembic reads the user's revision files: whatever they raise
                    pass
        return self._history[dialect]

    def _renames(self, dialect: str, head: Schema) -> Renames:
        """The table renames of ``dialect``'s chain (its ``op.rename_table`` calls, as its
        upgrade()s record them) by the names ``head``'s tables have in that dialect."""
        history, _columns = self.chain_history(dialect)
        tables = self.domain.tables if self.domain is not None else {}
        at_head = {
            (tables[key].physical(dialect) if key in tables else key): key for key in head.tables
        }
        return Renames.of(history, at_head)

    def live_schema(self, dialect: str) -> Schema | None:
        """``dialect``'s live database as read (before it is made canonical); None when it
        could not be read."""
        self.live(dialect)
        return self._raw.get(dialect)

    def live_not_compared(self, dialect: str) -> dict[str, int]:
        """The objects of ``dialect``'s live database that no layer compares (foreign tables,
        rules...), once it was read."""
        raw = self._raw.get(dialect)
        return dict(raw.not_compared) if raw is not None else {}

    def _module_file(self, dialect: str) -> str | None:
        try:
            return self.model(dialect).file
        except UsageError:
            return None
