"""What a CHECK's NULL does: the operands of a canonical CHECK that add nothing, because a CHECK
passes when it is NULL (``passes_on_null``) or because the column is NOT NULL
(``without_not_null``)."""

from __future__ import annotations

from sqlglot import exp

from twinschema.canonical.expr_tree import (
    chain,
    key,
    operands,
    sorted_unique,
    unparen,
)


def passes_on_null(tree: exp.Expr) -> exp.Expr:
    """A CHECK's canonical tree without the ``x IS NULL`` operands of its top OR that add
    nothing: a CHECK passes when it is NULL, and each other operand is NULL when x is (a
    comparison of x), so ``a > 0 OR a IS NULL`` is ``a > 0``. ``(a > 0 AND b > 0) OR a IS NULL``
    keeps it: with a NULL and b = -1 the AND is false, not NULL. The same holds for each
    operand of a top AND: ``a > 0 AND (b > 0 OR b IS NULL)`` is ``a > 0 AND b > 0`` (where b is
    NULL the operand is true on one side and NULL on the other, and the AND is false on both
    exactly where ``a > 0`` is), so regrouped CHECKs meet (``check_groups``)."""
    if type(tree) is exp.And:
        items = operands(tree, exp.And)
        simpler = [passes_on_null(i) for i in items]
        if all(a is b for a, b in zip(items, simpler, strict=True)):
            return tree
        return chain(exp.And, sorted_unique(simpler))
    if type(tree) is not exp.Or:
        return tree
    items = operands(tree, exp.Or)
    tests = {key(unparen(i.this)): i for i in items if _is_null_test(i)}
    rest = [i for i in items if not _is_null_test(i)]
    if not tests or not rest:
        return tree
    kept = [i for name, i in tests.items() if not all(_strict(r, name) for r in rest)]
    if len(kept) == len(tests):
        return tree
    items = sorted_unique([*rest, *kept])
    return chain(exp.Or, items) if len(items) > 1 else unparen(items[0])


def without_not_null(tree: exp.Expr, not_null: tuple[str, ...]) -> exp.Expr:
    """A CHECK's canonical tree without the ``x IS NOT NULL`` operands of its top AND where the
    column x is NOT NULL: the column already rejects what they reject. A CHECK that is nothing
    but such tests is TRUE (it rejects nothing the columns do not)."""
    if not not_null:
        return tree
    items = operands(tree, exp.And) if type(tree) is exp.And else [tree]
    kept = [i for i in items if not _not_null_test(i, not_null)]
    if len(kept) == len(items):
        return tree
    if not kept:
        return exp.true()
    return chain(exp.And, kept) if len(kept) > 1 else unparen(kept[0])


def not_null_tested(tree: exp.Expr) -> tuple[str, ...]:
    """The columns a CHECK's canonical tree makes NOT NULL: those whose ``x IS NOT NULL`` test
    is the whole CHECK or an operand of its top AND (a NULL in x makes the CHECK false)."""
    items = operands(tree, exp.And) if type(tree) is exp.And else [tree]
    found: set[str] = set()
    for item in items:
        found.update(_not_null_columns(item) or ())
    return tuple(sorted(found))


def true_only_when_not_null(tree: exp.Expr) -> tuple[str, ...]:
    """The columns a predicate's canonical tree can be true only without a NULL in: those named
    by an operand of its top AND that is ``x IS NOT NULL`` or NULL whenever x is (``x > 0``). A
    partial index's rows are those its predicate is true on, so none holds a NULL there."""
    items = operands(tree, exp.And) if type(tree) is exp.And else [tree]
    found = set(not_null_tested(tree))
    for item in items:
        for column in item.find_all(exp.Column):
            if _strict(item, key(column)):
                found.add(column.name)
    return tuple(sorted(found))


def null_passes(tree: exp.Expr, name: str) -> bool:
    """True when a CHECK of the condition ``tree`` is known to pass a row whose column ``name``
    is NULL (the condition is NULL or true there): ANDs of such conditions, ORs of them or with
    ``name IS NULL``, and conditions NULL whenever the column is (``_null_at_null``). False
    where it is not known (``coalesce``, a function not in ``_STRICT_FUNCTIONS``, ``IS NOT
    NULL``). Read for a PostgreSQL domain's CHECK only (``_PATTERN_TESTS``, ``_ARRAY_TERMS``):
    the column's array functions, subscripts and ANY/ALL are PostgreSQL's there."""
    node = unparen(tree)
    if isinstance(node, exp.And):
        return null_passes(node.this, name) and null_passes(node.expression, name)
    if isinstance(node, exp.Or):
        if any(_is_null_of(side, name) for side in (node.this, node.expression)):
            return True
        return null_passes(node.this, name) and null_passes(node.expression, name)
    if isinstance(node, exp.Boolean) and node.this:
        return True  # TRUE passes every row
    return _is_null_of(node, name) or _null_at_null(node.transform(_array_term), name)


def _null_at_null(node: exp.Expr, name: str) -> bool:
    """True when the condition ``node`` is NULL whenever the column ``name`` is."""
    node = unparen(node)
    if isinstance(node, (exp.And, exp.Or)):
        return _null_at_null(node.this, name) and _null_at_null(node.expression, name)
    if isinstance(node, exp.Not):
        return _null_at_null(node.this, name)
    if isinstance(node, exp.Between):
        return _strict_term(_uncast(node.this), name)
    if isinstance(node, _STRICT_TESTS) or (isinstance(node, exp.In) and not node.args.get("query")):
        return _strict(node.transform(_uncast), name)
    if isinstance(node, _PATTERN_TESTS):  # a domain's CHECK is PostgreSQL's: ~, ~*, SIMILAR TO
        return _strict_term(_uncast(node.this), name) or _strict_term(
            _uncast(node.expression), name
        )
    return False


def _array_term(node: exp.Expr) -> exp.Expr:
    """``node`` with a PostgreSQL array term NULL whenever its array is (``_ARRAY_TERMS``) read
    as that array (``VALUE[1][1]`` as ``VALUE``): what ``_strict_term`` then follows to the
    column."""
    while True:
        if isinstance(node, exp.Anonymous) and node.expressions:
            if str(node.this).lower() not in _ARRAY_FUNCTIONS:
                return node
            node = node.expressions[0]
        elif isinstance(node, (exp.Bracket, exp.ArraySize, exp.Any, exp.All)):
            node = node.this
        else:
            return node


def _is_null_of(node: exp.Expr, name: str) -> bool:
    """True when ``node`` is ``name IS NULL`` (not ``IS NOT NULL``, which sqlglot reads as a
    negated Is)."""
    node = unparen(node)
    if not isinstance(node, exp.Is) or node.args.get("negate"):
        return False
    return isinstance(node.expression, exp.Null) and _strict_term(_uncast(node.this), name)


def _uncast(node: exp.Expr) -> exp.Expr:
    """``node`` without a cast around it (a cast of NULL is NULL)."""
    while isinstance(unparen(node), exp.Cast):
        node = unparen(node).this
    return node


def _not_null_test(node: exp.Expr, not_null: tuple[str, ...]) -> bool:
    columns = _not_null_columns(node)
    return bool(columns) and all(c in not_null for c in columns or ())


def _not_null_columns(node: exp.Expr) -> tuple[str, ...] | None:
    """The columns an ``x IS NOT NULL`` operand makes NOT NULL: x itself, or each column of a
    concatenation ``(a || b || '-') IS NOT NULL``, which is NULL exactly when one of them is (on
    both dialects); None for any other operand."""
    node = unparen(node)
    if not isinstance(node, exp.Not):
        return None
    test = unparen(node.this)
    if not isinstance(test, exp.Is) or not isinstance(unparen(test.expression), exp.Null):
        return None
    return _concatenated(unparen(test.this))


def _concatenated(node: exp.Expr) -> tuple[str, ...] | None:
    """The columns of a column or of a concatenation of columns and string literals (None for
    anything else: a function, a NULL, a number)."""
    if isinstance(node, exp.Column):
        return (node.name,)
    if isinstance(node, exp.Literal) and node.is_string:
        return ()
    if not isinstance(node, exp.DPipe):
        return None
    left, right = _concatenated(unparen(node.this)), _concatenated(unparen(node.expression))
    if left is None or right is None:
        return None
    return left + right


def _is_null_test(node: exp.Expr) -> bool:
    node = unparen(node)
    return (
        isinstance(node, exp.Is)
        and isinstance(unparen(node.expression), exp.Null)
        and isinstance(unparen(node.this), exp.Column)
    )


_STRICT_OPERATORS = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.DPipe)


# Functions NULL whenever their first argument is, on both dialects (``length(NULL)`` is NULL):
# ``coalesce`` and ``nullif`` are not, nor is a function sqlglot does not know.
_STRICT_FUNCTIONS = (
    exp.Length, exp.Lower, exp.Upper, exp.Trim, exp.Abs, exp.Round, exp.Substring
)  # fmt: skip


_STRICT_TESTS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.Glob)

# PostgreSQL's pattern tests, NULL whenever the value or the pattern is (``NULL::text ~ 'a'``,
# ``~*``, ``SIMILAR TO``; run on PostgreSQL 16). Read only for a domain's CHECK (``null_passes``):
# a SQLite ``REGEXP`` is the application's own function, whose NULL is not known.
_PATTERN_TESTS = (exp.RegexpLike, exp.RegexpILike, exp.SimilarTo)


# PostgreSQL's array functions NULL whenever the array is (``array_ndims(NULL::int[])``,
# ``cardinality``, ``array_length(NULL::int[], 1)``, ``array_upper``, ``array_lower``,
# ``array_dims``), as a subscript of a NULL array is and ``x = ANY (NULL::int[])`` and ``x <=
# ALL (...)`` are (run on PostgreSQL 16; ALL (v) parses as a call of ``all``). Read only for a
# domain's CHECK: a SQLite CHECK's function of these names is the application's own.
_ARRAY_FUNCTIONS = frozenset(
    (
        "array_ndims",
        "cardinality",
        "array_length",
        "array_upper",
        "array_lower",
        "array_dims",
        "all",
    )
)


def _strict(node: exp.Expr, name: str) -> bool:
    """True when ``node`` (a canonical condition) is NULL whenever the column ``name`` is."""
    node = unparen(node)
    if isinstance(node, exp.Not):
        return _strict(node.this, name)
    if isinstance(node, exp.In) and not node.args.get("query"):
        return _strict_term(node.this, name)
    if isinstance(node, _STRICT_TESTS):
        return _strict_term(node.this, name) or _strict_term(node.expression, name)
    return False


def _strict_term(node: exp.Expr, name: str) -> bool:
    """True when the value ``node`` is NULL whenever the column ``name`` is."""
    node = unparen(node)
    if isinstance(node, exp.Column):
        return key(node) == name
    if isinstance(node, (exp.Neg, *_STRICT_FUNCTIONS)):
        return _strict_term(node.this, name)
    if isinstance(node, _STRICT_OPERATORS):
        return _strict_term(node.this, name) or _strict_term(node.expression, name)
    return False
