"""Views both twin revisions redefine, compared by what they return (s76views).

``migrations_twins`` says when one twin changes a view and the other does not; two twins that
both create or replace a view (SQLite's ``DROP VIEW`` and ``CREATE VIEW``, PostgreSQL's
``CREATE OR REPLACE VIEW``) change it alike, but each in its own SQL, which may select other
rows (``WHERE active = 1`` against no filter). So each such view is run on the same probe rows
over scratch copies of the tables each chain's scratch run read after the twins
(``evaluate.view_answers``): other rows are a ``migration_parity`` difference naming both
twins, with the witness base rows and each side's answer; a view that could not be run (or
no evaluation: ``--no-evaluate``) is a warning naming it, never a silent "in sync". A view
whose columns differ after the twins is not run: its columns are judged where the chains
build it (``migrations_twins``), and other columns always give other rows. A view one twin
alone re-creates with the other chain's columns (a mend, by its columns: stranger75 007) is run
too: with another filter it still answers otherwise (s79views), a ``migration_parity``
difference naming each side's filter, located in that twin's revision file; with the same
rows, the one-sided replacement ``migrations_twins`` saw is no difference (stranger77 008: the
same SQL re-created around a column moved onto a domain, which PostgreSQL prints with a cast).
A view the twins leave returning other rows is run again at the chains' heads, and blamed only
on the pair that made the difference (``view_origin``: stranger85 003, 007).
"""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.evaluate import Evaluator
from twinschema.evaluate.view_answers import (
    ViewVerdict,
    answers_text,
    compare_view,
    view_witness,
    views_to_run,
    witness_text,
)
from twinschema.migrations.migrations_chain import LAYER, PARITY, Revision, migration_difference
from twinschema.migrations.migrations_twins import both_changed, upgrade_line
from twinschema.migrations.twin_renames import Rename, renames_said
from twinschema.migrations.twin_spans import Span, TwinSide, version_spans
from twinschema.migrations.view_origin import at_heads, made_by
from twinschema.records import Difference, Equivalence, FixSide, FixSite
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.differences import Severity
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical


def twin_views(
    left: TwinSide, right: TwinSide, domain: Domain | None, evaluator: Evaluator | None
) -> tuple[list[Difference], list[Difference], set[str], list[Equivalence]]:
    """The differences and warnings of the views both twins of a domain version create or
    replace (see the module): ``left`` and ``right`` are the SQLite and PostgreSQL chains'.
    Third, the views one twin alone re-made that return the same rows on both chains: what
    the chains build agrees, so ``twin_differences``' one-sided replacement of each is no
    difference (stranger77 008: a PostgreSQL twin drops and re-creates a view with the same
    SQL to move a column under it onto a domain, its SQLite twin needing nothing). Fourth, the
    views whose twins part them but whose chains' heads return the same rows (``view_origin``:
    a later pair's CHECK refuses what parted them), said as equivalences. A difference the
    pair did not make (the views differed before it) is the pair's that made it, or, made
    before every later pair, none of the migrations layer's (``view_origin.made_by``)."""
    differences: list[Difference] = []
    warnings: list[Difference] = []
    same: set[str] = set()
    notes: list[Equivalence] = []
    labels = (left.chain.label, right.chain.label)
    for name, spans, alone, renamed in both_changed(left, right, domain):
        if evaluator is None:
            reason = "no evaluation (--no-evaluate)"
            warnings.append(_warning(name, spans, labels, reason, alone, renamed))
            continue
        schemas = (make_canonical(spans[0].schema, domain), make_canonical(spans[1].schema, domain))
        if name not in views_to_run(*schemas):  # its columns differ: the column rule's
            continue
        dialects = (schemas[0].dialect, schemas[1].dialect)
        backends = (evaluator.backend(dialects[0]), evaluator.backend(dialects[1]))
        verdict = compare_view(schemas, name, backends)
        if verdict.same is None:
            warnings.append(_warning(name, spans, labels, verdict.reason, alone, renamed))
            continue
        if verdict.same:
            if alone is not None:
                same.add(name)
            continue
        version = spans[0].revisions[0].domain_version or 0
        later = at_heads((left, right), version, name, domain, evaluator)
        if later is not None and later.same:
            notes.append(_note(name, spans, labels, later))
            if alone is not None:
                same.add(name)
            continue
        made = made_by((left, right), version, name, domain, evaluator)
        if made is None:
            continue  # the views differed before every pair that changed it: see view_origin
        said = answers_text(verdict, (DIALECT_NAMES[dialects[0]], DIALECT_NAMES[dialects[1]]))
        if alone is not None:  # one twin re-made it with the other's columns
            said = f"{witness_text(verdict)}: {said}"
            found = _alone(name, spans, (left, right), alone, said, renamed)
            differences.append(replace(found, witness=view_witness(verdict, said, dialects)))
            continue
        found = _parity(
            name,
            spans,
            labels,
            f"view {name} is redefined by both twins, {_twins(spans, labels)}, but the two "
            f"return other rows {witness_text(verdict)}: {said} (run on the same "
            f"{verdict.probed} probe rows in scratch copies of its tables)" + _since(made, version),
            f"make the two twins define view {name} to select the same rows (the witness "
            "shows where they part), or declare it for one dialect in domain.yaml"
            if made == version
            else f"write twin revisions that make view {name} select the same rows on both "
            "chains (the witness shows where they part), or declare it for one dialect in "
            "domain.yaml",
        )
        found = replace(found, fix=_made_in(left, domain, spans, made, version))
        differences.append(replace(found, witness=view_witness(verdict, said, dialects)))
    return differences, warnings, same, notes


def _made_in(
    left: TwinSide, domain: Domain | None, spans: tuple[Span, Span], made: int, version: int
) -> FixSite | None:
    """The left twin file of the pair (of domain version ``made``) that made a view
    difference, where its record is located: ``revision`` says a difference located in an older
    twin file is that pair's, not one the new revisions leave unwritten (recheck86 (5): an
    older pair's view difference read "not written" after every later revision)."""
    found = spans[0] if made == version else (version_spans(left, domain) or {}).get(made)
    if found is None or not found.revisions:
        return None
    path = found.revisions[-1].path
    return FixSite(FixSide.LEFT, path, upgrade_line(left.chain.config.root / path))


def _since(made: int, version: int) -> str:
    """What a message adds where the pair of ``version`` kept a difference an earlier pair
    (of domain version ``made``) made: the two returned other rows before it already."""
    if made == version:
        return ""
    return (
        f"; they did so before these twins already, since the twins of domain version {made}: "
        "these twins keep the difference, they did not make it"
    )


def _note(
    name: str, spans: tuple[Span, Span], labels: tuple[str, str], verdict: ViewVerdict
) -> Equivalence:
    """The equivalence of view ``name``, parted by the twins of ``spans`` and answering alike
    at the chains' heads (``verdict``): what a database migrated to head holds."""
    return Equivalence(
        layer=LAYER,
        table=name,
        column=None,
        rule=f"view answers at the chains' heads: the same rows on {verdict.probed} probe rows "
        f"(they part between {_twins(spans, labels)} and a later revision, which a database "
        "at its chain's head is past)",
        left=_defined(spans[0], name) or "",
        right=_defined(spans[1], name) or "",
        left_source=labels[0],
        right_source=labels[1],
    )


def _alone(
    name: str,
    spans: tuple[Span, Span],
    sides: tuple[TwinSide, TwinSide],
    alone: int,
    said: str,
    renamed: tuple[Rename, ...],
) -> Difference:
    """The difference of view ``name`` twin ``alone`` (0: left) re-created, the other twin
    leaving it (or only rewriting it by its column ``renamed``), with the same columns on both
    chains but not the same rows (``said``: the witness and answers), located in that twin's
    revision file."""
    labels = (sides[0].chain.label, sides[1].chain.label)
    mine, theirs = spans[alone].revisions, spans[1 - alone].revisions
    filters = "; ".join(
        f"{DIALECT_NAMES[s.chain.dialect]}: {_filter(_defined(span, name) or '')}"
        for s, span in zip(sides, spans, strict=True)
    )
    found = _parity(
        name,
        spans,
        labels,
        f"view {name} is re-created by {_revisions(mine)} of "
        f"{labels[alone]} alone ({_left_as_it_was(theirs, labels[1 - alone], renamed)}), with "
        "the same columns on both chains, "
        f"but the two return other rows (filters: {filters}) {said}",
        f"make {mine[-1].path} re-create view {name} to select the rows the other chain's "
        "view selects (the witness shows where they part), or declare it for one dialect in "
        "domain.yaml",
    )
    line = upgrade_line(sides[alone].chain.config.root / mine[-1].path)
    return replace(found, fix=FixSite((FixSide.LEFT, FixSide.RIGHT)[alone], mine[-1].path, line))


def _left_as_it_was(
    revisions: tuple[Revision, ...], label: str, renamed: tuple[Rename, ...]
) -> str:
    """What the other twin did to a view one twin re-created alone: it leaves it as it was,
    or its column renames made all of the change (``twin_renames``: SQLite's RENAME COLUMN
    rewrites the views that read the column; stranger78 002), which redefines nothing."""
    if not renamed:
        return f"{_revisions(revisions)} of {label} leaves it as it was"
    return (
        f"{_revisions(revisions)} of {label} renames {renames_said(renamed)}, and the view "
        "there is what that rename makes of it (a RENAME COLUMN rewrites the views that read "
        "the column): no redefinition"
    )


def _revisions(revisions: tuple[Revision, ...]) -> str:
    """Revisions by id: ``revision X`` or ``revisions X, Y``."""
    ids = ", ".join(r.revision for r in revisions)
    return f"revision{'s' if len(revisions) > 1 else ''} {ids}"


def _filter(text: str) -> str:
    """A view definition's filter as written (``WHERE a IS NOT NULL``), or "no WHERE"."""
    found = _WHERE.search(text)
    return " ".join(("WHERE " + found.group(1)).split()) if found else "no WHERE"


# A view's outermost WHERE, up to what follows it in a SELECT.
_WHERE = re.compile(
    r"\bWHERE\b(.*?)(?=\b(?:GROUP|HAVING|ORDER|LIMIT|WINDOW|UNION)\b|;|$)", re.I | re.S
)


def _twins(spans: tuple[Span, Span], labels: tuple[str, str]) -> str:
    """Both twins by revision and chain: ``0003_v3_sqlite of migrations_sqlite and ...``."""
    return " and ".join(
        f"{', '.join(r.revision for r in span.revisions)} of {label}"
        for span, label in zip(spans, labels, strict=True)
    )


def _defined(span: Span, name: str) -> str | None:
    """The definition of view ``name`` a span left, as its catalog prints it."""
    view = next((o for o in span.schema.objects if o.kind == "view" and o.name == name), None)
    return None if view is None else (view.raw or view.definition).strip()


def _warning(
    name: str,
    spans: tuple[Span, Span],
    labels: tuple[str, str],
    reason: str,
    alone: int | None,
    renamed: tuple[Rename, ...] = (),
) -> Difference:
    """The warning of a view both twins redefine (``alone``: None), or twin ``alone``
    re-creates by itself (the other's column ``renamed`` rewriting it, if any), whose answers
    were not compared."""
    done = (
        f"is redefined by both twins, {_twins(spans, labels)}"
        if alone is None
        else f"is re-created by {_revisions(spans[alone].revisions)} of {labels[alone]} alone"
        + (
            f" ({_left_as_it_was(spans[1 - alone].revisions, labels[1 - alone], renamed)})"
            if renamed
            else ""
        )
    )
    found = _parity(
        name,
        spans,
        labels,
        f"view {name} {done}; whether the two return the same rows was not compared ({reason})",
        f"compare what view {name} returns on both databases by hand, or declare it for one "
        "dialect in domain.yaml",
    )
    return replace(found, severity=Severity.WARNING)


def _parity(
    name: str, spans: tuple[Span, Span], labels: tuple[str, str], message: str, hint: str
) -> Difference:
    """The ``migration_parity`` record of view ``name`` both twins redefine, each side's
    definition as its span left it."""
    return migration_difference(
        PARITY,
        labels,
        name=name,
        left=_defined(spans[0], name),
        right=_defined(spans[1], name),
        table=name,
        message=message,
        hint=hint,
    )
