"""Sample selections of a study plan (``samples: "load != 'empty'"``), evaluated safely.

A selection is a small boolean expression over the sample sheet's columns: comparisons
(``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``) of a column with numbers,
text, ``True``/``False`` or a list of them, a boolean column on its own (``reference``), joined
by ``and``, ``or``, ``not`` and parentheses. It is parsed with :mod:`ast` and only those nodes
are evaluated, on the sheet's columns: nothing in a study file runs as code (pandas'
``DataFrame.query`` would call functions, read attributes and ``@`` variables). Missing
values compare as in pandas: unequal to everything, never less or greater.

Examples
--------
>>> sheet = pd.DataFrame({"load": ["ug15", "empty", "ug45"], "reference": [False, False, True],
...                       "plex": [1, 1, 2]})
>>> select_samples(sheet, "load != 'empty' and not reference").tolist()
[True, False, False]
>>> select_samples(sheet, "plex >= 2 or load in ['ug15']").tolist()
[True, False, True]
>>> select_samples(sheet, "__import__('os').system('true')")
Traceback (most recent call last):
omics.errors.OmicsInputError: samples: found "__import__('os').system('true')", which uses a \
function call; expected comparisons of sample-sheet columns (load, reference, plex) with values, \
joined by and, or, not
"""

from __future__ import annotations

import ast
import operator

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError

__all__ = ["paired_keys", "select_samples"]

_COMPARISONS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
                ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_NODE_WORDS = {ast.Call: "a function call", ast.Attribute: "an attribute",
               ast.Subscript: "indexing", ast.Lambda: "a lambda", ast.BinOp: "arithmetic",
               ast.NamedExpr: "an assignment"}


class _Refused(Exception):
    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def select_samples(samples: pd.DataFrame, expression: str | None) -> pd.Series:
    """Boolean mask of the samples an expression selects (all when ``None`` or empty).

    Parameters
    ----------
    samples
        The sample sheet, one row per sample.
    expression
        The selection (see the module docstring), e.g. ``"condition != 'pool'"``.

    Returns
    -------
    Series of bool
        Indexed like ``samples``.

    Examples
    --------
    >>> select_samples(pd.DataFrame({"g": ["a", "b"]}), "g == 'b'").tolist()
    [False, True]
    """
    if not expression:
        return pd.Series(True, index=samples.index)
    columns = ", ".join(map(str, samples.columns))
    expected = (f"comparisons of sample-sheet columns ({columns}) with values, joined by "
                "and, or, not")
    try:
        tree = ast.parse(expression.replace("`", ""), mode="eval")
    except SyntaxError:
        raise OmicsInputError("samples", f"{expression!r}, which does not parse",
                              expected) from None
    try:
        mask = _truth(_evaluate(tree.body, samples))
    except _Refused as refused:
        raise OmicsInputError("samples", f"{expression!r}, which uses {refused.found}",
                              expected) from None
    return pd.Series(mask, index=samples.index)


def _evaluate(node: ast.AST, samples: pd.DataFrame):
    """The value of one allowed node: a column (Series), a constant, a list, or a mask."""
    if isinstance(node, ast.BoolOp):
        masks = [_truth(_evaluate(v, samples)) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return combine.reduce(masks)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ~_truth(_evaluate(node.operand, samples))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate(node.operand, samples)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _Refused("a sign on something other than a number")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Compare):
        return _compare(node, samples)
    if isinstance(node, ast.Name):
        if node.id not in samples.columns:
            raise _Refused(f"the name {node.id!r}, which is not a sample-sheet column")
        return samples[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool
                                                     | type(None)):
        return node.value
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [_evaluate(element, samples) for element in node.elts]
        if any(isinstance(v, pd.Series | np.ndarray) for v in values):
            raise _Refused("a column inside a list")
        return values
    raise _Refused(_NODE_WORDS.get(type(node), type(node).__name__))


def _compare(node: ast.Compare, samples: pd.DataFrame) -> np.ndarray:
    """A (possibly chained) comparison: every link must hold."""
    left = _evaluate(node.left, samples)
    result = np.ones(len(samples), dtype=bool)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _evaluate(right_node, samples)
        result &= _compare_pair(op, left, right)
        left = right
    return result


def _compare_pair(op: ast.cmpop, left, right) -> np.ndarray:
    if isinstance(op, ast.In | ast.NotIn) or (isinstance(op, ast.Eq | ast.NotEq)
                                              and isinstance(right, list)):
        if not isinstance(left, pd.Series) or not isinstance(right, list):
            raise _Refused("'in' without a column on the left and a list on the right")
        inside = left.isin(right).to_numpy()
        return ~inside if isinstance(op, ast.NotIn | ast.NotEq) else inside
    function = _COMPARISONS.get(type(op))
    if function is None:
        raise _Refused(f"the comparison {type(op).__name__}")
    if not isinstance(left, pd.Series) and not isinstance(right, pd.Series):
        raise _Refused("a comparison without a sample-sheet column")
    try:
        outcome = function(left, right)
    except TypeError:
        raise _Refused("a comparison of text with a number") from None
    return np.asarray(pd.Series(outcome).fillna(False), dtype=bool)


def _truth(value) -> np.ndarray:
    """A boolean mask from a comparison result or a boolean column."""
    if isinstance(value, pd.Series):
        if value.dtype != bool:
            raise _Refused(f"the column {value.name!r} as a condition (it is not true/false)")
        return value.to_numpy(dtype=bool)
    if isinstance(value, np.ndarray) and value.dtype == bool:
        return value
    raise _Refused("a value where a condition is expected")


def paired_keys(samples: pd.DataFrame, pair_by: str | None) -> pd.Series:
    """The name each sample goes by across modalities: its ``pair_by`` value (a subject, a
    culture), or without ``pair_by`` its own id; NaN where that value names more than one of
    these samples (such a sample cannot be paired).

    Examples
    --------
    >>> sheet = pd.DataFrame({"culture": ["c1", "c1", "c2"]}, index=["s1", "s2", "s3"])
    >>> paired_keys(sheet, "culture").tolist(), paired_keys(sheet, None).tolist()
    ([nan, nan, 'c2'], ['s1', 's2', 's3'])
    """
    keys = samples[pair_by].astype(str) if pair_by is not None \
        else pd.Series(samples.index.astype(str), index=samples.index)
    return keys.where(~keys.duplicated(keep=False))
