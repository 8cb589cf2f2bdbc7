"""``twinschema init``: a first ``domain.yaml`` from two databases that were kept in step by hand.

Both databases are reflected with the dialect adapters (read-only), and their tables, then each
paired table's columns, are paired by name in stages, strictest first; a stage pairs two names only
when each is the other's single candidate, so an ambiguous name is left for a person to decide:

1. ``exact``: the same name;
2. ``case``: the same name ignoring case (a quoted ``"Album"`` against an unquoted ``album``);
3. ``convention``: the same words (``InvoiceLine``, ``invoiceLine`` and ``invoice_line``);
4. ``plural``: the same words once the last is made singular (``Album`` and ``albums``,
   ``category`` and ``categories``, ``box`` and ``boxes``).

The file speaks in logical names, the PostgreSQL names in snake_case; ``names`` gives a dialect's
own spelling only where it differs. A column gets a logical kind where both sides can stand for
one (the comparer's rules: ``typemap`` plus the CHECK ... IN lists that encode booleans and enums in
SQLite), with its parameters where they agree. What could not be paired is listed as comments;
tables of one side only are written for both dialects, with ``dialects: [...]`` as a comment a
person uncomments once they have decided the table belongs to one dialect: until then, it is a
reported ``table_missing``, never a silent "in sync".

``--stamp`` is the one write to a database: it records each database at a revision of its chain
(Alembic's ``alembic_version``), so the chains start from what exists. An empty chain first gets a
baseline revision that does nothing (``domain_version = 1``); a chain with revisions is stamped at
its head only when the database has exactly the schema that head builds (checked on a scratch
database upgraded to head, on ``TWINSCHEMA_SCRATCH_URL`` or the embedded server, never on the
server being stamped), never otherwise.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from alembic import command
from alembic.util import CommandError

from twinschema import migrate, scratch, typemap
from twinschema.compare import Side, compare, satisfies
from twinschema.config import SIDE_OF, Config
from twinschema.domain import DIALECTS, DomainColumn, NameMap, check_identifier, parse_domain
from twinschema.errors import DomainError, InternalError, UsageError
from twinschema.model import Column, Schema, Table
from twinschema.normalize import canonicalize
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url, redact, scrub

SQLITE, POSTGRESQL = DIALECTS
SCHEMA_FILE = "domain.schema.json"  # shipped next to this module
BASELINE_STEM = "0001_baseline"
BASELINE_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Names and naming conventions

# Words of an identifier: acronyms, capitalised or lower-case words (digits stay with their word).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}


def words(name: str) -> list[str]:
    """The lower-case words of ``name``: ``InvoiceLineId`` and ``invoice_line_id`` both give
    ``["invoice", "line", "id"]``."""
    return [w.lower() for w in _WORD.findall(name)]


def snake_case(name: str) -> str:
    """``name`` in snake_case (``AlbumId`` -> ``album_id``); ``name`` itself if it has no words."""
    return "_".join(words(name)) or name


def singular_forms(word: str) -> frozenset[str]:
    """``word`` and what it may be the plural of: ``boxes`` -> {boxes, box, boxe}."""
    forms = {word}
    if word in _IRREGULAR:
        forms.add(_IRREGULAR[word])
    if len(word) > 3 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.add(word[:-2])
    if len(word) > 1 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.add(word[:-1])
    return frozenset(forms)


def _plural_keys(name: str) -> frozenset[str]:
    parts = words(name)
    if not parts:
        return frozenset({name})
    head = "_".join(parts[:-1])
    return frozenset(f"{head}_{s}" if head else s for s in singular_forms(parts[-1]))


# The stages, strictest first: each maps a name to the keys it can be paired by.
STAGES: tuple[tuple[str, Callable[[str], frozenset[str]]], ...] = (
    ("exact", lambda name: frozenset({name})),
    ("case", lambda name: frozenset({name.lower()})),
    ("convention", lambda name: frozenset({snake_case(name)})),
    ("plural", _plural_keys),
)


@dataclass(frozen=True)
class Pairing:
    """Names of two sides paired: ``(left, right, stage)`` triples and what is left over."""

    pairs: tuple[tuple[str, str, str], ...]
    left_only: tuple[str, ...]
    right_only: tuple[str, ...]


def pair_names(left: Iterable[str], right: Iterable[str]) -> Pairing:
    """Pair two lists of names by the ``STAGES``; a name with several candidates stays unpaired."""
    lefts, rights = list(dict.fromkeys(left)), list(dict.fromkeys(right))
    pairs: list[tuple[str, str, str]] = []
    for stage, keys in STAGES:
        lkeys = {name: keys(name) for name in lefts}
        rkeys = {name: keys(name) for name in rights}
        found = []
        for lname, lk in lkeys.items():
            candidates = [r for r, rk in rkeys.items() if lk & rk]
            if len(candidates) != 1:
                continue
            (rname,) = candidates
            if [n for n, k in lkeys.items() if k & rkeys[rname]] == [lname]:
                found.append((lname, rname, stage))
        pairs.extend(found)
        paired_left = {p[0] for p in found}
        paired_right = {p[1] for p in found}
        lefts = [n for n in lefts if n not in paired_left]
        rights = [n for n in rights if n not in paired_right]
    return Pairing(tuple(pairs), tuple(lefts), tuple(rights))


# ---------------------------------------------------------------------------------------------
# Logical kinds


@dataclass(frozen=True)
class Kind:
    """A column's logical kind and the parameters both sides agree on."""

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] | None = None


# Kinds a CHECK ... IN list can encode, tried first as the comparer does (an INTEGER restricted to
# (0, 1) is a boolean; a TEXT restricted to a list of strings is an enum).
_ENCODED = ("boolean", "enum")


def _check_values(column: Column, table: Table) -> tuple[str, ...] | None:
    for check in table.checks:
        if check.column == column.name and check.values:
            return check.values
    return None


def _values(column: Column, table: Table) -> tuple[str, ...] | None:
    return column.type.values if column.type.values is not None else _check_values(column, table)


def shared_kind(sqlite: tuple[Table, Column], postgresql: tuple[Table, Column]) -> Kind | None:
    """The logical kind both (canonical) columns can stand for, or None.

    The kind is the most specific one both sides accept (``compare.satisfies``: the type table
    plus the CHECK ... IN encodings); its parameters are kept where the two sides do not disagree,
    so that the declared kind holds on both sides, which is verified before it is returned.
    """
    (st, sc), (pt, pc) = sqlite, postgresql
    if sc.type.array or pc.type.array:
        return None
    bare = DomainColumn(name=sc.name, names={})
    for kind in (*_ENCODED, *typemap.KINDS):
        if not (satisfies(kind, bare, sc, st) and satisfies(kind, bare, pc, pt)):
            continue
        params: dict[str, int] = {}
        for param in typemap.params_of(kind):
            if param == "values":
                continue
            mine, theirs = getattr(sc.type, param), getattr(pc.type, param)
            if mine is not None and theirs is not None and mine != theirs:
                continue  # the diff reports it; the domain does not take a side
            value = theirs if theirs is not None else mine
            if value is not None:
                params[param] = value
        values = None
        if kind == "enum":
            lv, rv = _values(sc, st), _values(pc, pt)
            if lv is not None and rv is not None and sorted(lv) == sorted(rv):
                values = rv
        found = Kind(kind, values=values, **params)
        for candidate in (found, Kind(kind)):
            declared = DomainColumn(
                name=sc.name,
                names={},
                kind=candidate.kind,
                length=candidate.length,
                precision=candidate.precision,
                scale=candidate.scale,
                values=candidate.values,
            )
            if satisfies(kind, declared, sc, st) and satisfies(kind, declared, pc, pt):
                return candidate
        return None
    return None


# ---------------------------------------------------------------------------------------------
# The domain, as data


@dataclass
class InitColumn:
    """A column of the domain to write."""

    name: str
    names: dict[str, str]
    kind: Kind | None = None


@dataclass
class InitTable:
    """A table of the domain to write, with the columns of one side that found no partner."""

    name: str
    names: dict[str, str]
    dialects: tuple[str, ...]
    columns: list[InitColumn] = field(default_factory=list)
    unpaired: list[str] = field(default_factory=list)  # "sqlite only: column album.Foo"


@dataclass
class Proposal:
    """What ``init`` found: the tables to write and everything it could not pair."""

    tables: list[InitTable]
    unpaired: list[str]  # one line each, e.g. "postgresql only: table audit_log"
    paired_tables: int = 0
    paired_columns: int = 0
    stages: dict[str, int] = field(default_factory=dict)  # pairs per naming stage


def _representable(name: str) -> bool:
    try:
        check_identifier(name, "", "")
    except DomainError:
        return False
    return True


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def propose(sqlite: Schema, postgresql: Schema) -> Proposal:
    """Pair the tables and columns of two raw schemas (physical names) into a domain, then give
    each paired column the kind both sides agree on."""
    sides = {SQLITE: sqlite, POSTGRESQL: postgresql}
    proposal = Proposal(tables=[], unpaired=[])
    logical_tables: set[str] = set()

    def count(stage: str) -> None:
        proposal.stages[stage] = proposal.stages.get(stage, 0) + 1

    def skip(dialect: str, name: str) -> bool:
        if _representable(name):
            return False
        proposal.unpaired.append(f"{dialect} table {name!r}: not a name domain.yaml can hold")
        return True

    tables = pair_names(sqlite.tables, postgresql.tables)
    entries: list[tuple[str | None, str | None]] = [(s, p) for s, p, _ in tables.pairs]
    entries += [(s, None) for s in tables.left_only] + [(None, p) for p in tables.right_only]
    for _, _, stage in tables.pairs:
        count(stage)
    for s_name, p_name in entries:
        skipped = [skip(d, n) for d, n in ((SQLITE, s_name), (POSTGRESQL, p_name)) if n]
        if any(skipped):
            continue
        physical = {d: n for d, n in ((SQLITE, s_name), (POSTGRESQL, p_name)) if n is not None}
        logical = _unique(snake_case(p_name if p_name is not None else str(s_name)), logical_tables)
        table = InitTable(logical, physical, tuple(physical))
        if len(physical) == 1:
            (only,) = physical
            proposal.unpaired.append(f"{only} only: table {physical[only]}")
            table.columns = [
                InitColumn(name, {only: c.name})
                for name, c in _logical_columns(sides[only].tables[physical[only]].columns)
            ]
        else:
            proposal.paired_tables += 1
            _pair_columns(
                table,
                sqlite.tables[physical[SQLITE]],
                postgresql.tables[physical[POSTGRESQL]],
                proposal,
                count,
            )
        if not table.columns:
            proposal.unpaired.append(
                f"table {logical}: no column could be paired, so it is left out"
            )
            continue
        proposal.tables.append(table)
    proposal.tables.sort(key=lambda t: t.name)
    _name_missing_sides(proposal)
    _add_kinds(proposal, sides)
    return proposal


def _name_missing_sides(proposal: Proposal) -> None:
    """Give a one-sided table a name on the dialect that lacks it, where its logical name is
    taken there (case-insensitively) by another table: the file declares every table for both
    dialects (see ``_one_sided_comment``), and two tables may not share a physical name."""
    taken = {d: {t.names[d].lower() for t in proposal.tables if d in t.names} for d in DIALECTS}
    for table in proposal.tables:
        for dialect in DIALECTS:
            if dialect not in table.names and table.name.lower() in taken[dialect]:
                table.names[dialect] = _unique(table.name, taken[dialect])


def name_map(proposal: Proposal, dialect: str) -> NameMap:
    """Physical-to-logical names of ``dialect`` as the proposal would write them."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for table in proposal.tables:
        if dialect not in table.dialects:  # not found there (its name is a placeholder)
            continue
        physical = table.names[dialect]
        tables[physical] = table.name
        for column in table.columns:
            columns[(physical, column.names[dialect])] = column.name
    return NameMap(tables, columns)


def _add_kinds(proposal: Proposal, raw: Mapping[str, Schema]) -> None:
    """Kinds are read on the schemas in logical names, exactly as ``diff --domain`` reads them
    (a CHECK names its column by the logical name once both are renamed)."""
    canonical = {d: canonicalize(schema, name_map(proposal, d)) for d, schema in raw.items()}
    for table in proposal.tables:
        if table.dialects != DIALECTS:
            continue
        st = canonical[SQLITE].tables[table.name]
        pt = canonical[POSTGRESQL].tables[table.name]
        for column in table.columns:
            sc, pc = st.column(column.name), pt.column(column.name)
            assert sc is not None and pc is not None  # both were paired by these names
            column.kind = shared_kind((st, sc), (pt, pc))


def _logical_columns(columns: Sequence[Column]) -> list[tuple[str, Column]]:
    taken: set[str] = set()
    return [(_unique(snake_case(c.name), taken), c) for c in columns if _representable(c.name)]


def _pair_columns(
    table: InitTable,
    st: Table,
    pt: Table,
    proposal: Proposal,
    count: Callable[[str], None],
) -> None:
    scols, pcols = {c.name: c for c in st.columns}, {c.name: c for c in pt.columns}
    pairing = pair_names(scols, pcols)
    taken: set[str] = set()
    by_pg = {p: (s, stage) for s, p, stage in pairing.pairs}
    for p_name in pcols:  # in PostgreSQL's column order
        if p_name not in by_pg:
            continue
        s_name, stage = by_pg[p_name]
        if not (_representable(s_name) and _representable(p_name)):
            table.unpaired.append(f"column {table.name}.{p_name}: not a name domain.yaml can hold")
            continue
        count(stage)
        proposal.paired_columns += 1
        table.columns.append(
            InitColumn(
                _unique(snake_case(p_name), taken),
                {SQLITE: s_name, POSTGRESQL: p_name},
            )
        )
    for dialect, names in ((SQLITE, pairing.left_only), (POSTGRESQL, pairing.right_only)):
        for name in names:
            line = f"{dialect} only: column {table.name}.{name}"
            table.unpaired.append(line)
            proposal.unpaired.append(line)


# ---------------------------------------------------------------------------------------------
# Writing domain.yaml


def schema_reference(output: Path) -> str:
    """Where the package's JSON Schema is, as seen from the file written (relative when it can
    be, so the reference holds in every clone that keeps the same layout)."""
    schema = Path(__file__).resolve().parent / SCHEMA_FILE
    try:
        return Path(os.path.relpath(schema, output.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return schema.as_uri()


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as the same string (quoted when YAML would read it as
    something else, such as ``yes``, ``null`` or ``1e3``)."""
    try:
        plain = yaml.safe_load(value) == value and "#" not in value and ":" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain and value.strip() == value and value else json.dumps(value)


def _flow(items: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


def _names(logical: str, names: Mapping[str, str]) -> list[tuple[str, str]]:
    differing = {d: n for d, n in names.items() if n != logical}
    return [("names", _flow((d, _scalar(n)) for d, n in differing.items()))] if differing else []


def _column_yaml(column: InitColumn) -> str:
    items: list[tuple[str, str]] = []
    if column.kind is not None:
        kind = column.kind
        items.append(("kind", kind.kind))
        for param in ("length", "precision", "scale"):
            value = getattr(kind, param)
            if value is not None:
                items.append((param, str(value)))
        if kind.values is not None:
            items.append(("values", "[" + ", ".join(_scalar(v) for v in kind.values) + "]"))
    items += _names(column.name, column.names)
    return f"      {_scalar(column.name)}: {_flow(items)}"


def _one_sided_comment(found: tuple[str, ...]) -> str:
    """The line for a table found on one dialect only: a comment, not a declaration.

    Declared for both dialects, the table stays a reported ``table_missing`` until a person
    decides: init cannot tell a table that belongs to one dialect from one that a migration
    forgot, and writing ``dialects: [...]`` for it would make the next diff say "in sync".
    """
    only = ", ".join(found)
    missing = ", ".join(d for d in DIALECTS if d not in found)
    return (
        f"    # dialects: [{only}]  # found on {only} only, so it is reported missing on "
        f"{missing}: uncomment to declare it {only}-only, or add it to {missing}"
    )


def render(proposal: Proposal, output: Path, sources: Mapping[str, str]) -> str:
    """The text of ``domain.yaml``: the schema reference first, then a header, then the tables."""
    lines = [
        f"# yaml-language-server: $schema={schema_reference(output)}",
        "# Written by `twinschema init` from",
        *(f"#   {dialect}: {label}" for dialect, label in sources.items()),
        "# Logical names are the PostgreSQL names in snake_case; `names` gives a dialect's own",
        "# spelling where it differs. Kinds are those both databases agree on.",
        "# Review, then commit.",
    ]
    if proposal.unpaired:
        lines.append("# Could not pair (decide by hand: rename, pair in `names`, or drop):")
        lines += [f"# {line}" for line in proposal.unpaired]
    lines += ["version: 1", "tables:"]
    for table in proposal.tables:
        lines.append(f"  {_scalar(table.name)}:")
        lines += [f"    {k}: {v}" for k, v in _names(table.name, table.names)]
        if table.dialects != DIALECTS:
            lines.append(_one_sided_comment(table.dialects))
        lines.append("    columns:")
        lines += [_column_yaml(c) for c in table.columns]
        lines += [f"      # {line}" for line in table.unpaired]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The command


@dataclass(frozen=True)
class InitResult:
    """What ``init`` wrote and did, for its summary."""

    output: Path
    proposal: Proposal
    stamped: Mapping[str, str] = field(default_factory=dict)  # dialect -> revision
    created: tuple[Path, ...] = ()  # baseline revision files


def database_url(
    config: Config, dialect: str, given: str | None, say: Callable[[str], None] | None = None
) -> str:
    """The database of ``dialect`` as ``Config.database`` decides it: the flag (of the wrong
    dialect: refused), else its environment variable (of the wrong dialect: ignored, and ``say``
    gets the notice), else its default; never the embedded server."""
    chosen = config.database(dialect, given)
    if chosen.ignored and say is not None:
        say(chosen.ignored)
    flag = "--sqlite-url" if dialect == SQLITE else "--postgres-url"
    if chosen.url is None:
        raise UsageError(f"twinschema init: no {dialect} database: pass {flag}")
    return chosen.url


def default_output(config: Config) -> Path:
    """The configured domain file, else ``domain.yaml`` in the working directory."""
    return config.domain or Path("domain.yaml")


def run_init(
    config: Config,
    urls: Mapping[str, str],
    output: Path,
    *,
    force: bool = False,
    stamp: bool = False,
) -> InitResult:
    """Reflect both databases, write ``output``, and with ``stamp`` record both at a revision."""
    if output.exists() and not force:
        raise UsageError(f"{output} already exists: pass --force to overwrite it")
    if output.is_dir() or not output.resolve().parent.is_dir():
        raise UsageError(f"{output}: not a file in an existing directory")
    raw = {d: reflect_url(urls[d], config.reflect_options(d)) for d in DIALECTS}
    proposal = propose(raw[SQLITE], raw[POSTGRESQL])
    text = render(proposal, output, {d: redact(urls[d]) for d in DIALECTS})
    try:
        parse_domain(text, str(output))
    except DomainError as exc:  # a bug here, never the user's: say so
        raise InternalError(f"twinschema init wrote a domain file it cannot read: {exc}") from None
    plan = plan_stamp(config, urls) if stamp else None
    output.write_text(text, encoding="utf-8")
    if plan is None:
        return InitResult(output, proposal)
    created = apply_stamp(config, plan)
    return InitResult(output, proposal, {d: s.revision for d, s in plan.items()}, created)


# ---------------------------------------------------------------------------------------------
# --stamp


@dataclass(frozen=True)
class StampStep:
    """One database to stamp: at ``revision``, which ``create`` says is a new baseline."""

    dialect: str
    url: str
    revision: str
    create: bool = False
    done: bool = False  # already at that revision


def _current(config: Config, dialect: str, url: str) -> tuple[str, ...]:
    target = migrate.Target(dialect, parse_url(url))
    with migrate.connect(target, create=False) as connection:
        return migrate.current_revisions(connection)


def plan_stamp(config: Config, urls: Mapping[str, str]) -> dict[str, StampStep]:
    """Decide each database's revision, refusing (before anything is written) when the chains or
    the databases do not allow a safe stamp."""
    heads: dict[str, str | None] = {}
    for dialect in DIALECTS:
        heads[dialect] = migrate.head_revision(migrate.alembic_config(config, dialect))
    empty = [d for d in DIALECTS if heads[d] is None]
    if len(empty) == 1:
        (bare,) = empty
        (other,) = (d for d in DIALECTS if d != bare)
        raise UsageError(
            f"--stamp: the {bare} chain ({config.side(bare).migrations}) has no revision but the "
            f"{other} chain has; give the {bare} chain its revisions first, then stamp"
        )
    plan: dict[str, StampStep] = {}
    for dialect in DIALECTS:
        url = urls[dialect]
        current = _current(config, dialect, url)
        head = heads[dialect]
        if head is None:
            if current:
                raise UsageError(
                    f"--stamp: {redact(url)} is already stamped at {', '.join(current)}, but "
                    f"{config.side(dialect).migrations} has no revision: restore that chain "
                    "instead of starting a new one"
                )
            plan[dialect] = StampStep(dialect, url, f"{BASELINE_STEM}_{dialect}", create=True)
            continue
        if current == (head,):
            plan[dialect] = StampStep(dialect, url, head, done=True)
            continue
        if current:
            raise UsageError(
                f"--stamp: {redact(url)} is at {', '.join(current)}, not at the head {head} of "
                f"{config.side(dialect).migrations}; upgrade it (twinschema migrate "
                f"{SIDE_OF[dialect]}) instead of stamping"
            )
        mismatch = head_mismatch(config, dialect, url)
        if mismatch:
            raise UsageError(
                f"--stamp: {redact(url)} does not have the schema that the head {head} of "
                f"{config.side(dialect).migrations} builds, so it cannot be stamped there "
                f"({len(mismatch)} difference(s): {'; '.join(mismatch[:3])}"
                + ("; ..." if len(mismatch) > 3 else "")
                + "): add a revision that makes the chain build this schema, or migrate the "
                "database by hand"
            )
        plan[dialect] = StampStep(dialect, url, head)
    return plan


def head_mismatch(config: Config, dialect: str, url: str) -> list[str]:
    """How the live database differs from the schema its chain's head builds (upgraded on a
    scratch database of the same dialect; empty when they are the same)."""
    options = config.reflect_options(dialect)
    with scratch.empty_database(config, dialect) as head_url:
        target = migrate.Target(dialect, parse_url(head_url))
        try:
            with migrate.connect(target) as connection:
                migrate.upgrade(migrate.alembic_config(config, dialect, connection=connection))
        except CommandError as exc:
            raise UsageError(f"--stamp: Alembic: {scrub(str(exc))}") from None
        head = make_canonical(reflect_url(head_url, options), None)
    live = make_canonical(reflect_url(url, options), None)
    comparison = compare(
        Side(head, "the chain's head", "the chain"),
        Side(live, redact(url), "the database"),
        layer="stamp",
    )
    return [d.message for d in comparison.differences]


def create_baseline(config: Config, dialect: str, revision: str) -> Path:
    """A revision that does nothing, at the base of ``dialect``'s empty chain; its file."""
    cfg = migrate.alembic_config(config, dialect)
    folder = config.side(dialect).migrations
    assert folder is not None  # alembic_config refused a chain without a folder
    (folder / "versions").mkdir(exist_ok=True)
    script = migrate.script_directory(cfg).generate_revision(
        revision,
        "baseline: the schema the database had when twinschema init stamped it",
        head="base",
        upgrades=None,
        downgrades=None,
        imports="",
        domain_version=BASELINE_VERSION,
    )
    if script is None:
        raise InternalError(f"Alembic wrote no revision file for {revision}")
    path = Path(script.path)
    text = path.read_text(encoding="utf-8")
    if not re.search(r"^domain_version\s*=", text, re.MULTILINE):
        # A chain template without the project's domain_version line: the parity check of the
        # migrations layer reads it, so the baseline declares it anyway.
        path.write_text(text.rstrip("\n") + f"\n\ndomain_version = {BASELINE_VERSION}\n")
    return path


def apply_stamp(config: Config, plan: Mapping[str, StampStep]) -> tuple[Path, ...]:
    """Create the baseline revisions the plan asks for, then stamp each database."""
    created = tuple(
        create_baseline(config, step.dialect, step.revision)
        for step in plan.values()
        if step.create
    )
    for step in plan.values():
        if step.done:
            continue
        target = migrate.Target(step.dialect, parse_url(step.url))
        with migrate.connect(target, create=False) as connection:
            cfg = migrate.alembic_config(config, step.dialect, connection=connection)
            try:
                command.stamp(cfg, step.revision)
            except CommandError as exc:
                raise UsageError(f"--stamp: Alembic: {scrub(str(exc))}") from None
    return created


def summary(result: InitResult) -> list[str]:
    """The lines ``init`` prints."""
    p = result.proposal
    stages = ", ".join(f"{n} {stage}" for stage, n in p.stages.items())
    lines = [
        f"wrote {result.output}: {p.paired_tables} tables and {p.paired_columns} columns paired"
        + (f" (by name: {stages})" if stages else ""),
    ]
    if p.unpaired:
        lines.append(f"could not pair {len(p.unpaired)} (listed as comments in the file):")
        lines += [f"  {line}" for line in p.unpaired]
    for path in result.created:
        lines.append(f"created baseline revision {path}")
    for dialect, revision in result.stamped.items():
        lines.append(f"stamped the {dialect} database at {revision}")
    return lines
