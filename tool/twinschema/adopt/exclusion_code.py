"""A PostgreSQL exclusion constraint as ``init`` writes it into the metadata module:
``postgresql.ExcludeConstraint((sa.text("tstzrange(starts_at, ends_at)"), "&&"), using="gist",
where=..., name=...)``, from the definition the catalog prints (``pg_get_constraintdef``), so
that the module states the constraint its database has (s71live)."""

from __future__ import annotations

import re

from twinschema.sql_expression import closing_paren, split_top_level

_HEAD = re.compile(r"EXCLUDE USING (\w+) \(")
_WITH = re.compile(r"^(.*) WITH (\S+)$", re.S)


def exclusion_code(definition: str, name: str) -> str | None:
    """The module's code for the exclusion constraint ``name`` the catalog prints as
    ``definition``; None where it states more than elements, a method and a WHERE (INCLUDE,
    DEFERRABLE): the module then lacks it and the check says so."""
    head = _HEAD.match(definition)
    if head is None:
        return None
    end = closing_paren(definition, head.end() - 1)
    if end is None:
        return None
    elements = []
    for part in split_top_level(definition[head.end() : end]):
        found = _WITH.match(part)
        if found is None:
            return None
        elements.append(f"(sa.text({found.group(1)!r}), {found.group(2)!r})")
    args = [*elements, f"using={head.group(1)!r}"]
    rest = definition[end + 1 :].strip()
    if rest:
        where = re.fullmatch(r"WHERE \((.*)\)", rest, re.S)
        if where is None:
            return None
        args.append(f"where=sa.text({where.group(1)!r})")
    args.append(f"name={name!r}")
    return f"postgresql.ExcludeConstraint({', '.join(args)})"
