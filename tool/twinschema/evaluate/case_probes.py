"""Text probes shaped by a table's own CHECKs, where SQLite's ASCII-only case handling (NOCASE,
lower(), upper(), LIKE) parts from PostgreSQL's: the literals and lengths of each side's CHECKs
over the columns an expression reads, made into texts whose case folds in part
(``probe_strings.case_parts``). An index key, a generated column or a partial index's WHERE
reads no CHECK literal of its own, and the fixed probes ('É', 'ABC') are what a CHECK on the
first letter or the length refuses: ``UNIQUE (code) COLLATE NOCASE`` against ``UNIQUE
(lower(code))`` beside ``CHECK (code GLOB '[A-Z]*')`` parts on 'AÉ' then 'Aé' only, ``length(code)
= 3`` under ``upper(code)`` on 'aaé' then 'aaÉ' (stranger70 009, 010)."""

from __future__ import annotations

from collections.abc import Iterable

from twinschema.evaluate import probe_strings
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.expression_reads import reads
from twinschema.evaluate.side_checks import checks_within


def case_probes(st: StageContext, table: str, names: Iterable[str]) -> list[str]:
    """``probe_strings.case_parts`` of the string literals and lengths of both sides' CHECKs
    on ``table`` that read only ``names`` (logical column names), so that a probe row the
    table's CHECKs let in still holds text whose case the two dialects fold apart."""
    columns = {n.lower() for n in names}
    strings: list[str] = []
    lengths: list[int] = []
    for side in (st.left, st.right):
        text = checks_within(side, table, columns)
        got = reads(side.schema.dialect, text) if text != "TRUE" else None
        if got is not None:
            strings += got.strings
            lengths += got.lengths
    return probe_strings.case_parts(tuple(dict.fromkeys(strings)), tuple(dict.fromkeys(lengths)))
