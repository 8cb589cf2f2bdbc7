"""A CHECK on one side that its own column's type already keeps: it refuses no value that type
holds, so it is no difference (stranger55 F1/F2: ``n smallint CHECK (n <= 32767)`` against
``n smallint``; ``price numeric(10,2) CHECK (price = round(price, 2))``; ``name varchar(10)
CHECK (length(name) <= 10)``: PostgreSQL casts a value to the column's type, overflowing,
rounding to the scale or cutting a varchar's trailing spaces, before any CHECK runs).

Decided on the side's own real PostgreSQL (``Backend.try_rows``: each value stored as an INSERT
stores it, cast first), over probe values that cover the CHECK's every answer, which is why the
CHECK's shape is restricted: one column, and only comparisons of it (or of ``length()`` of it)
with literals, BETWEEN, IN and ``= ANY``/``<> ALL`` of literals, ``col = round(col, s)``, under
AND, OR and NOT. Such a CHECK's answer is the same between two neighbouring breakpoints (its
literals and the type's ends), so the grid values of the type (its scale's step) at and beside
each breakpoint, two deep (``round`` parts two neighbouring grid values where it parts any),
and NaN and the infinities of numeric, meet every answer it gives to a stored value. A NULL
passes every such CHECK. SQLite's types keep none of these values (affinity), so its side is
not settled here.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from functools import partial
from typing import Any

from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.model import Column, ColumnType
from twinschema.records import Difference
from twinschema.records.dialects import POSTGRESQL
from twinschema.sql_expression import parse_expression

_INTEGERS = {
    "smallint": (-(2**15), 2**15 - 1),
    "int2": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "int": (-(2**31), 2**31 - 1),
    "int4": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
    "int8": (-(2**63), 2**63 - 1),
}
_NUMERICS = frozenset({"numeric", "decimal"})
_TEXTS = frozenset({"character varying", "varchar", "character", "char", "bpchar", "text"})
_BOOLEANS = frozenset({"boolean", "bool"})
# A declared length longer than this is not probed (strings of that length each way).
_MAX_LENGTH = 100_000


def settle(st: StageContext, d: Difference, side: str, text: str) -> bool:
    """Settle ``d``, a CHECK (``text``) only ``side`` has, as the equivalence "the type keeps
    it" where its column's type on that side holds no value it refuses (see the module
    docstring); True when settled (``d`` dropped)."""
    own = st.left if side == "left" else st.right
    if own.schema.dialect != POSTGRESQL or d.table is None:
        return False
    found = shape(text)
    if found is None:
        return False
    name, uses, numbers = found
    column = find(own, d.table, name)[1]
    values = _values(column.type, uses, numbers) if column is not None else None
    backend = st.ev.backend(POSTGRESQL)
    if column is None or values is None or backend is None:
        return False
    st.note(POSTGRESQL)
    said = backend.try_rows([(column.name, column.type)], text, [(v,) for v in values], True)
    if False in said or True not in said:
        return False
    held = sum(1 for v in said if v)
    spelling = column.type.spelling()
    rule = (
        f"the type keeps it: {spelling} holds no value the CHECK refuses "
        f"(each stored as {spelling} first; {probe_count(held, 'value')} held, all accepted)"
    )
    return kept(st, d, side, column, rule)


def kept(st: StageContext, d: Difference, side: str, column: Column, rule: str) -> bool:
    """Drop ``d``, a CHECK only ``side`` has, as the equivalence ``rule`` (its ``column``'s
    type keeps it), each side showing its column's type; True."""
    assert d.table is not None
    spelling = column.type.spelling()
    other = st.right if side == "left" else st.left
    theirs = find(other, d.table, column.name)[1]
    shown = theirs.type.spelling() if theirs is not None else ""
    st.drop(d)
    if side == "left":
        st.equivalence(d, rule, left=f"{spelling} {d.left}", right=shown)
    else:
        st.equivalence(d, rule, left=shown, right=f"{spelling} {d.right}")
    return True


def shape(
    text: str, dialect: str = POSTGRESQL
) -> tuple[str, frozenset[str], tuple[Decimal, ...]] | None:
    """The one column ``text`` reads, how it reads it ("value", "length", "round") and the
    numbers it compares with; None for a CHECK outside the shapes the probes cover."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return None
    found = _Found()
    if not found.condition(tree) or len(found.columns) != 1:
        return None
    return next(iter(found.columns)), frozenset(found.uses), tuple(found.numbers)


class _Found:
    """What a walk over a CHECK's tree met: its columns, how each atom reads them, numbers."""

    def __init__(self) -> None:
        self.columns: set[str] = set()
        self.uses: set[str] = set()
        self.numbers: list[Decimal] = []

    def condition(self, node: Any) -> bool:
        """Whether ``node`` is AND/OR/NOT of the atoms the probes cover."""
        from sqlglot import exp

        if isinstance(node, exp.Paren | exp.Not):
            return self.condition(node.this)
        if isinstance(node, exp.And | exp.Or):
            return self.condition(node.this) and self.condition(node.expression)
        if isinstance(node, exp.Column):
            return self.term(node)
        if isinstance(node, exp.Between):
            return (
                self.term(node.this)
                and self.const(node.args.get("low"))
                and self.const(node.args.get("high"))
            )
        if isinstance(node, exp.In):
            listed = node.expressions
            return bool(listed) and self.term(node.this) and all(self.const(e) for e in listed)
        if isinstance(node, exp.EQ) and self._rounded(node.this, node.expression):
            return True
        if isinstance(node, exp.EQ | exp.NEQ | exp.LT | exp.LTE | exp.GT | exp.GTE):
            a, b = node.this, node.expression
            if isinstance(b, exp.Any | exp.All) and isinstance(node, exp.EQ | exp.NEQ):
                return self.term(a) and self._array(b.this)
            if _is_all(b) and isinstance(node, exp.NEQ):  # sqlglot reads ``<> ALL (...)`` so
                return self.term(a) and self._array(b.expressions[0])
            return (self.term(a) and self.const(b)) or (self.const(a) and self.term(b))
        return False

    def _array(self, node: Any) -> bool:
        from sqlglot import exp

        while isinstance(node, exp.Paren | exp.Cast):
            node = node.this
        return isinstance(node, exp.Array) and all(self.const(e) for e in node.expressions)

    def _rounded(self, a: Any, b: Any) -> bool:
        """``col = round(col, s)`` either way round, s an integer literal."""
        from sqlglot import exp

        for x, r in ((_exact(a), _exact(b)), (_exact(b), _exact(a))):
            if isinstance(r, exp.Round) and isinstance(x, exp.Column):
                digits = r.args.get("decimals")
                inner = _exact(r.this)
                if (
                    isinstance(inner, exp.Column)
                    and inner.name == x.name
                    and isinstance(digits, exp.Literal)
                    and not digits.is_string
                    and str(digits.this).isdigit()
                ):
                    self.columns.add(x.name)
                    self.uses.add("round")
                    return True
        return False

    def term(self, node: Any) -> bool:
        """The column itself, or ``length()`` of it (a cast of it to text)."""
        from sqlglot import exp

        node = _exact(node)
        if isinstance(node, exp.Column):
            self.columns.add(node.name)
            self.uses.add("value")
            return True
        if isinstance(node, exp.Length):
            inner = node.this.unnest()
            if isinstance(inner, exp.Cast) and inner.to.is_type(*exp.DataType.TEXT_TYPES):
                inner = inner.this.unnest()
            if isinstance(inner, exp.Column):
                self.columns.add(inner.name)
                self.uses.add("length")
                return True
        return False

    def const(self, node: Any) -> bool:
        """A literal (a number, a string cast to a number, a Boolean), noting its number."""
        from sqlglot import exp

        sign = 1
        while isinstance(node, exp.Paren | exp.Neg | exp.Cast):
            if isinstance(node, exp.Neg):
                sign = -sign
            node = node.this
        if isinstance(node, exp.Boolean):
            return True
        if not isinstance(node, exp.Literal):
            return False
        try:
            self.numbers.append(sign * Decimal(str(node.this)))
        except ArithmeticError:
            return False
        return True


def _exact(node: Any) -> Any:
    """``node`` without its parentheses and a cast to plain ``numeric``, which changes no
    integer or numeric value (PostgreSQL writes ``x = round(x, 0)`` on an integer ``x`` as
    ``(x)::numeric = round((x)::numeric, 0)``); a cast with a precision rounds, so it stays."""
    from sqlglot import exp

    node = node.unnest()
    while (
        isinstance(node, exp.Cast)
        and node.to.is_type(exp.DataType.Type.DECIMAL)
        and not node.to.expressions
    ):
        node = node.this.unnest()
    return node


def _is_all(node: Any) -> bool:
    """PostgreSQL's ``ALL (ARRAY[...])`` as sqlglot reads it: an anonymous call of ALL."""
    from sqlglot import exp

    return (
        isinstance(node, exp.Anonymous)
        and str(node.this).upper() == "ALL"
        and len(node.expressions) == 1
    )


def _values(
    ctype: ColumnType, uses: frozenset[str], numbers: tuple[Decimal, ...]
) -> list[Any] | None:
    """The probe values of ``ctype`` for a CHECK that reads its column so (``uses``) and
    compares it with ``numbers``; None where the type or the reading is not covered."""
    name = ctype.name
    if ctype.array or ctype.definition is not None:
        return None
    if name in _BOOLEANS and uses == {"value"}:
        return [True, False]
    if name in _TEXTS and uses == {"length"}:
        return _strings(ctype.length, numbers)
    if uses - {"value", "round"}:
        return None
    if name in _INTEGERS:
        low, high = _INTEGERS[name]
        return [int(v) for v in grid(Decimal(1), numbers, Decimal(low), Decimal(high))]
    if name in _NUMERICS and ctype.precision is not None:
        scale = ctype.scale or 0
        with localcontext() as ctx:
            ctx.prec = ctype.precision + 10
            step = Decimal(1).scaleb(-scale)
            top = Decimal(10) ** (ctype.precision - scale) - step
            found = grid(step, numbers, -top, top)
        return [*found, Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]
    return None


def grid(step: Decimal, numbers: tuple[Decimal, ...], low: Decimal, high: Decimal) -> list[Decimal]:
    """The values on ``step``'s grid at and beside each breakpoint (``numbers``, the type's
    ends ``low`` and ``high``, and 0), two deep each way; past the ends too (the type refuses
    those: no verdict)."""
    found: dict[Decimal, None] = {}
    for point in (*numbers, low, high, Decimal(0)):
        if not point.is_finite() or abs(point) > 10 * max(abs(low), abs(high)):
            continue
        below = (point / step).to_integral_value(rounding=ROUND_FLOOR) * step
        above = (point / step).to_integral_value(rounding=ROUND_CEILING) * step
        for k in range(3):
            found[below - k * step] = None
            found[above + k * step] = None
    return sorted(found)


def _strings(length: int | None, numbers: tuple[Decimal, ...]) -> list[str] | None:
    """Strings of each length at and beside each compared length and the declared one, and
    one of the declared length followed by spaces (cut to it where PostgreSQL stores it)."""
    if length is not None and length > _MAX_LENGTH:
        return None
    points = [int(n) for n in numbers if n == int(n) and 0 <= n <= _MAX_LENGTH]
    if len(points) != len(numbers):
        return None
    sizes: set[int] = {0, 1}
    for point in (*points, *([length] if length is not None else [])):
        sizes.update(k for k in range(point - 2, point + 3) if k >= 0)
    found = ["x" * k for k in sorted(sizes)]
    if length is not None:
        found.append("x" * length + "  ")
    return found
