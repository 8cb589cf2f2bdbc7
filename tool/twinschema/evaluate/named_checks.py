"""One-sided CHECK differences of a table paired by name, before any other rule
(``check_pairs``): a CHECK both sides name alike is one constraint, whatever each catalog prints
(stranger85 005: the models layer paired ``presenter_call_sign_upper`` by its text, written alike
in both modules; the live layer, reading ``(call_sign = upper(call_sign))`` from PostgreSQL and
``call_sign = upper(call_sign)`` from SQLite, found no pair, called it "only in the PostgreSQL
database" and offered a one-sided allowance that states something false). A name only one side
gives, or two other names, pairs nothing here. Across dialects only (``check_pairs``): SQLite
names no CHECK itself, so a name there is the user's; two PostgreSQL sources may each give their
own unnamed CHECKs the same generated name (``t_a_check``, ``t_a_check1``) in another order."""

from __future__ import annotations

from twinschema.records import Difference


def named_pairs(
    lefts: list[Difference], rights: list[Difference]
) -> list[tuple[Difference, Difference]]:
    """The pairs of ``lefts`` and ``rights`` (one table's CHECKs on one side only, each side's)
    that carry the same name (letter case aside: PostgreSQL folds an unquoted one), each name
    given once on each side; the rest are left to the other pairing rules."""

    def names(found: list[Difference]) -> dict[str, list[Difference]]:
        by: dict[str, list[Difference]] = {}
        for d in found:
            if d.name:
                by.setdefault(d.name.casefold(), []).append(d)
        return by

    mine, theirs = names(lefts), names(rights)
    return [
        (mine[n][0], theirs[n][0])
        for n in sorted(set(mine) & set(theirs))
        if len(mine[n]) == len(theirs[n]) == 1
    ]
