"""Text for people: layers with their status, then differences grouped by layer and table, each on
one line with both sides and a hint naming what to change.

This plain rendering is the contract of files, pipes and CI logs (tests compare it); a terminal
gets the ``rich`` rendering of ``rich_report`` instead."""

from __future__ import annotations

from twinschema.definitions import visible_sql
from twinschema.records import (
    NAMES_SPELLED_APART,
    VALUE_COMPATIBILITY,
    Difference,
    LayerResult,
    Report,
    Status,
)
from twinschema.report.accepted_text import accepted_lines


def render(report: Report, verbose: bool, color: bool) -> str:
    """The report as lines of text (``report.render`` sends a terminal's, ``color``, to the
    ``rich`` report instead: rich_report uses this module's lines, not the other way round)."""
    return plain(report, verbose)


def plain(report: Report, verbose: bool) -> str:
    """The report as plain lines of text: files, pipes, CI logs, ``--no-color``."""
    lines: list[str] = []
    for result in report.layers:
        why = f"  ({result.message})" if result.message else ""
        lines.append(f"{result.status:8} {result.name:10} {result.left} <> {result.right}{why}")
        said = (result.scope, evaluation_line(result), values_line(result), spelled_line(result))
        for note in said:
            if note:
                lines.append(f"{'':8} {'':10} {note}")
    lines += _difference_lines(report)
    lines += _warning_lines(report, verbose)
    lines += accepted_lines(report, verbose)
    if verbose and report.equivalences:
        lines.append("")
        lines.append("equivalences (accepted as the same):")
        for e in report.equivalences:
            where = e.table + (f".{e.column}" if e.column else "")
            # visible_sql, as for differences: a default holding a newline stays on its line
            tried = f"; probes tried include {', '.join(e.probes)}" if e.probes else ""
            left, right, rule = (visible_sql(t) for t in (e.left, e.right, e.rule + tried))
            lines.append(f"  [{e.layer}] {where}: {left} ~ {right}  (rule: {rule})")
    if report.not_compared:
        lines.append("")
        lines.append(not_compared_heading(report.not_compared))
        for source, counts in report.not_compared.items():
            listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            lines.append(f"  {source}: {listed}")
    lines.append("")
    lines.append(_summary(report) + skipped_note(report))
    return "\n".join(lines) + "\n"


def _difference_lines(report: Report) -> list[str]:
    """The differences under a heading per comparison (its notes first: what several of its
    differences share, said once) and per table, one line each: each comparison's own, never
    joined back by its name and sides (two comparisons named alike stay two)."""
    lines: list[str] = []
    for result in report.layers:
        if not result.differences:
            continue
        lines.append("")
        lines.append(f"[{result.name}] {result.left} <> {result.right}")
        # What several of its differences share, said once (their hints refer to it)
        lines += [f"  note: {visible_sql(n.text)}" for n in result.notes]
        for table, differences in by_table(result).items():
            lines.append(f"  {table}")
            for d in differences:
                sides = f"left: {visible_sql(d.left or '-')} | right: {visible_sql(d.right or '-')}"
                # visible_sql: a message quoting SQL with a newline stays one line
                message, hint = visible_sql(d.message), visible_sql(d.hint)
                lines.append(f"    {d.kind}: {message}. [{sides}] hint: {hint}")
    return lines


def by_table(result: LayerResult) -> dict[str, list[Difference]]:
    """A comparison's differences per table (``-`` for none), in the order it found them: the
    grouping both text renderings list them in."""
    tables: dict[str, list[Difference]] = {}
    for d in result.differences:
        tables.setdefault(d.table or "-", []).append(d)
    return tables


def _summary(report: Report) -> str:
    """The report's last line but its skipped note: in sync, or how many differences (and
    comparisons that could not be checked)."""
    n = len(report.differences)
    errors = len(report.errors)
    if errors:
        return f"could not check {errors} comparison(s); {n} difference(s) found"
    if n:
        return f"{n} difference(s) found"
    return "in sync"


# Where each kind the footer counts is compared (``compare.objects``), as its heading says it:
# the counts are per source, of objects some comparison of it could not pair. One sentence for
# every kind said that rules were compared only within one dialect, under a rule reported across
# dialects (stranger72 012); "no layer compares them yet" was untrue for an FTS table the
# migrations layer compared (stranger64 010).
_ONE_DIALECT = (
    "compared between two sources of one dialect (databases, SQL files, chains); elsewhere "
    "(across dialects, with a metadata module, which cannot hold one) only where domain.yaml "
    "declares them, by existence"
)
# A view both sides hold across dialects is run on probe rows (s76views): one counted there was
# not (on one side only, its columns differ, or a warning says why it could not be run).
_VIEWS = (
    "compared between two sources of one dialect (databases, SQL files, chains); across "
    "dialects one both sides hold is compared by its columns and run on probe rows (one counted "
    "here was not run: on one side only, its columns differ, or a warning says why), and one "
    "domain.yaml declares by existence; never with a metadata module, which cannot hold one"
)
_WHERE_COMPARED = {
    "views": _VIEWS,
    "materialized_views": _ONE_DIALECT,
    "triggers": _ONE_DIALECT,
    "sequences": _ONE_DIALECT,
    "functions": f"{_ONE_DIALECT} (aggregates nowhere yet)",
    "virtual_tables": (
        "compared only between two SQLite sources (a database and its chain), not across "
        "dialects nor with a metadata module"
    ),
    "rules": (
        "compared with every database, SQL file or chain, across dialects too (a difference of "
        "its own: the other dialect has none), never with a metadata module, which cannot hold "
        "one"
    ),
    "exclusion_constraints": (
        "compared with every source that states them (databases, SQL files, chains, a metadata "
        "module's ExcludeConstraint), across dialects a difference of its own"
    ),
    "foreign_tables": "compared nowhere yet",
}

# A kind the table above does not know: what is true of every count.
_UNPAIRED = "not paired by the comparisons that count it"


def not_compared_heading(not_compared: dict[str, dict[str, int]]) -> str:
    """The footer's heading over ``not_compared`` (source -> kind -> count): for each kind
    counted, where it is compared, so that a rule reported across dialects is not said to be
    compared only within one (a kind of equal wording shares its sentence)."""
    kinds = sorted({kind for counts in not_compared.values() for kind in counts})
    said: dict[str, list[str]] = {}
    for kind in kinds:
        said.setdefault(_WHERE_COMPARED.get(kind, _UNPAIRED), []).append(kind)
    where = "; ".join(f"{', '.join(named)}: {sentence}" for sentence, named in said.items())
    return f"not compared in some comparisons above (present; {where}):"


def skipped_note(report: Report) -> str:
    """What the verdict line adds when comparisons were skipped for want of a database: ``in
    sync`` alone read as a pass of every layer where no SQLite database was looked at
    (stranger44 010). Empty when nothing was skipped."""
    skipped = [r for r in report.layers if r.status == Status.SKIPPED]
    if not skipped:
        return ""
    why = "; ".join(dict.fromkeys(r.message or "not configured" for r in skipped))
    return (
        f" ({len(skipped)} comparison(s) skipped, nothing looked at: {why}; "
        "--require-all fails instead)"
    )


def evaluation_line(result: LayerResult) -> str | None:
    """What the evaluation stage did for a layer, in one line (None when it ran nothing):
    ``evaluated 2 pair(s) by running them (postgresql: PostgreSQL scratch database on ...; sqlite:
    SQLite in memory); 1 not evaluated``."""
    if not (result.evaluated or result.not_evaluated):
        return None
    where = "; ".join(f"{dialect}: {place}" for dialect, place in result.evaluated_on.items())
    line = f"evaluated {result.evaluated} pair(s) by running them ({where})"
    if result.not_evaluated:
        line += f"; {result.not_evaluated} not evaluated (the comparer's verdict stands)"
    return line


def values_line(result: LayerResult) -> str | None:
    """Said, even without ``--verbose``, when a cross-dialect pair's values were not probed (no
    value_compatibility warning could be found), with how to have them probed; None when they
    were, or when the layer's own error already says it."""
    if not result.values_unprobed or result.status == Status.ERROR:
        return None
    return f"value_compatibility not probed: {result.values_unprobed}"


def spelled_line(result: LayerResult) -> str | None:
    """Said under the layer's line, before its differences, when most of them are one name
    spelled two ways (the ``names_spelled_apart`` warning, listed with the others): a reader of
    a long list of "add it / remove it" learns first that ``init`` pairs them (stranger77 009)."""
    if not any(w.kind == NAMES_SPELLED_APART for w in result.warnings):
        return None
    return (
        "most tables and columns below that only one side has are one name spelled two ways: "
        "see the names_spelled_apart warning (twinschema init pairs them, then --domain)"
    )


def _warning_lines(report: Report, verbose: bool) -> list[str]:
    """The value warnings' heading (each listed with ``verbose``), then the other warnings, few
    and each with its own fix, always listed."""
    lines: list[str] = []
    values, others = value_warnings(report), other_warnings(report)
    if values:
        lines += ["", warnings_heading(report, verbose), *(_warning(w) for w in values if verbose)]
    if others:
        lines += ["", other_warnings_heading(report), *(_warning(w) for w in others)]
    return lines


def _warning(w: Difference) -> str:
    return f"  [{w.layer}] {w.kind}: {visible_sql(w.message)}. hint: {visible_sql(w.hint)}"


def value_warnings(report: Report) -> list[Difference]:
    """The ``value_compatibility`` warnings (one per column pair: listed with ``--verbose``)."""
    return [w for w in report.warnings if w.kind == VALUE_COMPATIBILITY]


def other_warnings(report: Report) -> list[Difference]:
    """The other warnings (an object renamed by hand): always listed."""
    return [w for w in report.warnings if w.kind != VALUE_COMPATIBILITY]


def other_warnings_heading(report: Report) -> str:
    """The heading of the other warnings, each listed under it."""
    return f"{len(other_warnings(report))} warning(s) (the exit code ignores them):"


def warnings_heading(report: Report, verbose: bool) -> str:
    """The heading of the value warnings; without ``verbose`` it stands for the list (which a
    schema with many columns makes long), and says how to see it."""
    n = len(value_warnings(report))
    text = (
        f"{n} value_compatibility warning(s): values one side stores and the other rejects, "
        "changes or sorts otherwise (the exit code ignores them"
    )
    return text + ("):" if verbose else "; --verbose or --format json lists them)")
