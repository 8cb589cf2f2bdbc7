"""Probe values of a PostgreSQL array column (``probe_sets``): arrays written as the server reads
them, from the element type's own probe values (``probes.values_for`` of the element kind).

A scalar probe is no value an array column holds, so a CHECK over one was judged on NULL alone
and "not evaluated" (stranger59 021: ``cardinality(a) > 0`` against ``a <> '{}'``, two one-sided
CHECKs). An array is probed empty ('{}': it has no bounds, ``array_length(a, 1)`` is NULL
there while ``cardinality(a)`` is 0), with one element and two, a NULL element, a lower bound
other than 1 ('[0:0]={5}': ``a[1]`` is NULL there; one per element probe, as for one-element
arrays: '[0:0]={9}' parts ``a[1] BETWEEN 1 AND 7`` from ``a[array_lower(a, 1)] ...``, stranger61
010), two dimensions ('{{1,2},{3,4}}': ``cardinality`` 4, ``array_length(a, 1)`` 2; stranger61
002; and '{{2}}', of the second element alone: ``array_position`` fails on it, stranger68
004), three dimensions ('{{{1}}}', and 2 by 2 by 2: ``array_ndims(a) <= 2`` against ``<= 3``,
``cardinality`` against the product of two lengths) and as many as an integer literal names and
one either side, up to PostgreSQL's 6 (``array_ndims(a) < 5``), each such depth also with one
dimension alone two long ('{{{1,0}}}': ``a[1][1][2]`` against ``a[1][2][1]``), two long from 0
('[1:1][1:1][0:1]={{{0,1}}}': ``array_length(a, 3)`` against ``array_upper(a, 3)``) and one
long from 0 at depth 3 ('[0:0][1:1][1:1]={{{0}}}': ``array_lower(a, 1) = 1``; stranger66 003),
at each length an integer literal of the CHECKs names and one either side
(``cardinality(a) > 1``), 1-based, from 0 (``array_upper(a, 1)`` one less than the length), as
one row of a two-dimensional array (``array_length(a, 1)`` 1) and as the last dimension of a
three-dimensional one (``array_length(a, 3) <= 2`` against ``cardinality(a) <= 8``), and as
each array literal the expressions hold ('{1,2}' in ``a <@ '{1,2}'``, written as they are),
whose elements are element probes too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from twinschema.model import Column

# How many of the element kind's probe values get a one-element array each.
_SINGLES = 6
# Arrays are probed at each length up to this one that an integer literal names (and beside it).
_LONGEST = 16
# The most dimensions a PostgreSQL array has (MAXDIM); three are always probed.
_DIMENSIONS = 6
# An array's text as PostgreSQL reads it: '{...}', or with bounds of its own '[0:1]={...}'.
_ARRAY_TEXT = re.compile(r"^\s*(\[-?\d+:-?\d+\])*\s*=?\s*\{.*\}\s*$", re.DOTALL)
# Characters that make PostgreSQL quote an element in an array's text.
_QUOTED = re.compile(r'[{}",\\\s]')


def is_array(*columns: Column) -> bool:
    """True when each of ``columns`` is an array."""
    return all(c.type.array for c in columns)


def literals(strings: Sequence[str]) -> list[str]:
    """The string literals of the expressions that are arrays' text ('{}', '[0:0]={5}')."""
    return [s for s in strings if _ARRAY_TEXT.match(s)]


def elements(arrays: Sequence[str]) -> tuple[list[Decimal], list[str]]:
    """The numbers and the texts of the elements of one-dimensional array literals ('{1,2}':
    1 and 2), to be probed as elements too."""
    numbers: list[Decimal] = []
    texts: list[str] = []
    for text in arrays:
        inner = text[text.index("{") + 1 : text.rindex("}")]
        if "{" in inner:
            continue
        for part in (p.strip().strip('"') for p in inner.split(",") if p.strip()):
            if part.upper() == "NULL":
                continue
            try:
                numbers.append(Decimal(part))
            except InvalidOperation:
                texts.append(part)
    return numbers, texts


def of_column(
    kind: str | None, scalars: Sequence[Any], strings: Sequence[str], numbers: Sequence[Decimal]
) -> list[Any]:
    """The probe values of an array column of element ``kind`` whose elements, as scalars,
    would be probed at ``scalars``: the elements of the expressions' array literals first."""
    from twinschema.evaluate import probes

    arrays = literals(strings)
    more_numbers, more_texts = elements(arrays)
    own = probes.values_for(kind, tuple(more_numbers), tuple(more_texts)) if arrays else []
    return values([*own, *scalars], arrays, numbers)


def values(
    element_values: Sequence[Any], arrays: Sequence[str], numbers: Sequence[Decimal]
) -> list[Any]:
    """The probe values of an array column whose elements are probed at ``element_values``
    (NULL first among them, most telling next), beside the array literals ``arrays`` and at
    the lengths the integer literals ``numbers`` name (see the module docstring)."""
    shown = [element_text(v) for v in element_values if v is not None]
    items = [e for e in dict.fromkeys(shown) if e is not None]
    if not items:
        return [None, "{}", *arrays]
    first, second = items[0], items[1 % len(items)]
    found: list[Any] = [None, "{}", *arrays]
    found += [f"{{{e}}}" for e in items[:_SINGLES]]
    found += [
        f"{{{first},{second}}}",
        "{NULL}",
        f"{{{first},NULL}}",
        f"[2:3]={{{first},{second}}}",
        f"{{{{{first}}},{{{second}}}}}",
        f"{{{{{first},{second}}},{{{second},{first}}}}}",  # 2 by 2: cardinality 4, length 2
        # Two dimensions holding the second element alone: a function that fails on any
        # multidimensional array (array_position) fails where the first, most telling,
        # element would have the CHECK refuse the row anyway (stranger68 004).
        f"{{{{{second}}}}}",
    ]
    named = {k for n in numbers if n == int(n) for k in (int(n) - 1, int(n), int(n) + 1)}
    for depth in sorted({3} | {k for k in named if 3 <= k <= _DIMENSIONS}):
        found += [_nested([first], depth), _nested([first, second], depth)]
        # Each dimension alone two long, and from 0 (stranger66 003); one long from 0 at 3 only.
        for dim in range(depth):
            found += [
                _shaped([second, first], depth, dim, 1),
                _shaped([first, second], depth, dim, 0),
            ]
            found += [_shaped([first], depth, dim, 0)] if depth == 3 else []
    # From lower bound 0, each element alone: a[1] is NULL there, a[array_lower(a, 1)] is it.
    found += [f"[0:0]={{{e}}}" for e in items[:_SINGLES]]
    lengths = sorted({int(n) for n in numbers if n == int(n) and 0 <= n <= _LONGEST})
    for length in sorted({k for n in lengths for k in (n - 1, n, n + 1) if 0 < k <= _LONGEST}):
        inner = ",".join(items[i % len(items)] for i in range(length))
        # 1-based; from 0 (array_upper is length - 1); one row of them (array_length 1).
        found += [f"{{{inner}}}", f"[0:{length - 1}]={{{inner}}}", f"{{{{{inner}}}}}"]
        found.append(f"{{{{{{{inner}}}}}}}")  # the last of three dimensions that long
    return list(dict.fromkeys(found))


def _nested(items: Sequence[str], depth: int) -> str:
    """An array of ``depth`` dimensions, each as long as ``items``, its elements taken from
    ``items`` in turn ('{{{1,2},{2,1}},{{1,2},{2,1}}}' for two items at depth 3)."""
    if depth == 1:
        return "{" + ",".join(items) + "}"
    rows = [_nested([*items[i:], *items[:i]], depth - 1) for i in range(len(items))]
    return "{" + ",".join(rows) + "}"


def _shaped(items: Sequence[str], depth: int, dim: int, lower: int) -> str:
    """An array of ``depth`` dimensions, each one long but dimension ``dim`` (0-based), which
    holds ``items``; that dimension's lower bound is ``lower`` (bounds written when not 1):
    '[1:1][1:1][0:1]={{{1,2}}}' for depth 3, dim 2, lower 0."""
    below = depth - dim - 1
    text = "{" * dim + "{" + ",".join("{" * below + i + "}" * below for i in items) + "}"
    text += "}" * dim
    if lower == 1:
        return text
    bounds = "".join(
        f"[{lower}:{lower + len(items) - 1}]" if level == dim else "[1:1]" for level in range(depth)
    )
    return bounds + "=" + text


def element_text(value: Any) -> str | None:
    """A probe value as an element of an array's text (quoted where PostgreSQL would quote
    it); None for one no text writes (bytes)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    text = str(value)
    if text == "" or text.upper() == "NULL" or _QUOTED.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text
