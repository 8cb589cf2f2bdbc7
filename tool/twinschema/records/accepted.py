"""The differences ``domain.yaml`` accepted: each with the allowance that accepted it (its entry,
reason, file and line), so that a report says what was accepted and why, as a reviewer of a CI
log needs to see it (an allowance applied silently hid what it allowed from every output)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from twinschema.records.differences import Difference
from twinschema.records.domain import Allowance


@dataclass(frozen=True, slots=True)
class Accepted:
    """One difference an allowance of ``domain.yaml`` accepted: what differs (as the difference
    would have been reported, without its hint: there is nothing to fix) and the allowance
    (``allowance``: its entry as a report describes it; ``reason``; ``file`` and ``line``)."""

    layer: str
    kind: str
    table: str | None
    column: str | None
    name: str | None
    left: str | None
    right: str | None
    message: str
    left_source: str
    right_source: str
    allowance: str
    reason: str
    file: str
    line: int

    @classmethod
    def of(cls, difference: Difference, allowance: Allowance, file: str) -> Accepted:
        """``difference`` as accepted by ``allowance`` of the domain file ``file``."""
        return cls(
            layer=difference.layer,
            kind=difference.kind,
            table=difference.table,
            column=difference.column,
            name=difference.name,
            left=difference.left,
            right=difference.right,
            message=difference.message,
            left_source=difference.left_source,
            right_source=difference.right_source,
            allowance=allowance.describe(),
            reason=allowance.reason,
            file=file,
            line=allowance.line,
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON report writes it (``accepted``)."""
        return asdict(self)


def accepted_by(
    used: Iterable[tuple[Allowance, Iterable[Difference]]], file: str
) -> list[Accepted]:
    """Each difference of ``used`` (allowance -> the differences it accepted) as accepted,
    in the order of the allowances' lines in ``file`` (then of the differences): a report
    lists them alike from run to run."""
    found = [
        (allowance.line, allowance.position, Accepted.of(d, allowance, file))
        for allowance, differences in used
        for d in differences
    ]
    return [a for _, _, a in sorted(found, key=lambda f: (f[0], f[1]))]
