"""What a comment in ``domain.yaml`` says that a check uses: the ``dialects:`` line ``init``
writes commented out under a trigger it found on one side only (``# dialects: [sqlite]  #
found on sqlite only, ...``). Declared for both dialects, the trigger is reported missing on the
other side until someone decides; uncommenting that line is the one-line fix, which the hint
names (stranger81 007). YAML drops comments, so this reads the file's lines
(``Located.commented_dialects``)."""

from __future__ import annotations

from dataclasses import replace

from twinschema.domain_model import canonical_dialect
from twinschema.domain_yaml import Located
from twinschema.errors import DomainError
from twinschema.records.domain import DeclaredObject


def with_commented_dialects(
    located: Located, objects: tuple[DeclaredObject, ...]
) -> tuple[DeclaredObject, ...]:
    """``objects`` (the declared views and triggers of ``located``), each with the commented
    ``dialects:`` line of its declaration where it has one (``DeclaredObject.commented``), its
    names made canonical (``postgres`` is postgresql). None is read where the declaration has
    ``dialects:`` itself (uncommenting would repeat the key) or the line names no dialect: a
    comment is never an error."""
    found = []
    for obj in objects:
        where = (f"{obj.kind}s", obj.name)
        names, line = located.commented_dialects(where)
        entry = located.data[f"{obj.kind}s"][obj.name] or {}
        if names and "dialects" not in entry:
            try:
                dialects = tuple(canonical_dialect(n, "", line) for n in names)
            except DomainError:
                dialects = ()
            if dialects:
                obj = replace(obj, commented=dialects, commented_line=line)
        found.append(obj)
    return tuple(found)
