"""Design matrices from formulas (formulaic) and contrasts as expressions over coefficients.

Examples
--------
>>> import pandas as pd
>>> samples = pd.DataFrame({"group": ["a", "a", "b", "b"], "batch": ["x", "y", "x", "y"]})
>>> design = design_matrix(samples, "~ 0 + group + batch")
>>> list(design.columns)
['group[a]', 'group[b]', 'batch[T.y]']
>>> contrast_matrix(design.columns, {"b_vs_a": "group[b] - group[a]"})["b_vs_a"].tolist()
[-1.0, 1.0, 0.0]
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable

import numpy as np
import pandas as pd
from formulaic import model_matrix

from omics.errors import OmicsInputError

__all__ = ["check_formula", "contrast_matrix", "design_matrix"]

#: Formula functions allowed besides sample-sheet columns: formulaic's categorical coding.
FORMULA_FUNCTIONS = frozenset({"C"})
_FORMULA_OPERATORS = frozenset({"~", "+", "-", ":", "*", "(", ")", ","})


def check_formula(formula: str, columns: Iterable[str]) -> None:
    """Refuse a design formula that is more than columns, ``0``/``1``, ``+ - : *``,
    parentheses and ``C(column)``: formulaic evaluates Python (``I(...)``, any function,
    ``{...}``), and nothing from a study file may run as code.

    Parameters
    ----------
    formula
        The formula, e.g. ``"~ 0 + condition + plex"``.
    columns
        The sample-sheet columns it may name.

    Raises
    ------
    OmicsInputError
        One line naming the first token that is not allowed.

    Examples
    --------
    >>> check_formula("~ 0 + group + C(batch)", ["group", "batch"])
    >>> check_formula("~ I(__import__('os').getpid())", ["group"])
    Traceback (most recent call last):
    omics.errors.OmicsInputError: design: found "~ I(__import__('os').getpid())", which uses \
'I'; expected a formula of sample-sheet columns (group), 0/1, + - : * and C(column)
    """
    allowed_names = set(map(str, columns)) | FORMULA_FUNCTIONS
    expected = (f"a formula of sample-sheet columns ({', '.join(map(str, columns))}), 0/1, "
                "+ - : * and C(column)")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(formula).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        raise OmicsInputError("design", f"{formula!r}, which does not parse", expected) from None
    tildes = [i for i, token in enumerate(tokens) if token.string == "~"]
    if len(tildes) > 1 or (tildes and tildes[0] > 0):
        raise OmicsInputError("design", f"{formula!r}, which has a left-hand side",
                              "a one-sided formula (the values are the response), e.g. "
                              "'~ 0 + group'")
    for token in tokens:
        if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER,
                          tokenize.INDENT, tokenize.DEDENT):
            continue
        text = token.string
        ok = ((token.type == tokenize.NAME and text in allowed_names)
              or (token.type == tokenize.NUMBER and text in ("0", "1"))
              or (token.type == tokenize.OP and text in _FORMULA_OPERATORS))
        if not ok:
            raise OmicsInputError("design", f"{formula!r}, which uses {text!r}", expected)


def design_matrix(samples: pd.DataFrame, formula: str) -> pd.DataFrame:
    """Model matrix of ``formula`` over the sample sheet (rows in sample order).

    Categorical columns lose the levels no sample has (a leftover level would be an
    all-zero, non-estimable column).

    Raises
    ------
    OmicsInputError
        The formula names a column the sample sheet lacks, uses anything but columns,
        ``0``/``1``, ``+ - : *`` and ``C(column)`` (:func:`check_formula`), cannot be
        parsed, or uses a column with a missing value for one of ``samples`` (an empty cell
        must not become a level of its own, nor turn a number column into a factor).

    Examples
    --------
    >>> design_matrix(pd.DataFrame({"dose": [1.0, None]}, index=["s1", "s2"]), "~ dose")
    Traceback (most recent call last):
    omics.errors.OmicsInputError: design: found sample 's2' with no value in column 'dose', \
which the design uses; expected a value for every sample analysed (or leave the sample out \
with the analysis's samples: selection)
    """
    check_formula(formula, samples.columns)
    _refuse_missing_values(samples, formula)
    samples = samples.copy()
    for name, column in samples.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            samples[name] = column.cat.remove_unused_categories()
    try:
        matrix = model_matrix(formula, samples, na_action="raise")
    except Exception as exc:  # formulaic raises many types for user formulas
        raise OmicsInputError("design", f"formula {formula!r} ({exc})",
                              f"a formula over the columns {list(samples.columns)}") from None
    frame = pd.DataFrame(np.asarray(matrix, dtype=np.float64), columns=list(matrix.columns),
                         index=samples.index)
    return frame


def _refuse_missing_values(samples: pd.DataFrame, formula: str) -> None:
    named = {token.string for token in tokenize.generate_tokens(io.StringIO(formula).readline)
             if token.type == tokenize.NAME}
    for column in samples.columns:
        if str(column) not in named:
            continue
        missing = samples[column].isna().to_numpy()
        if missing.any():
            sample = samples.index[int(missing.nonzero()[0][0])]
            raise OmicsInputError(
                samples.attrs.get("path", "design"),
                f"sample {sample!r} with no value in column {column!r}, which the design uses",
                "a value for every sample analysed (or leave the sample out with the "
                "analysis's samples: selection)")


class _Linear(ast.NodeVisitor):
    """Evaluate a linear expression over placeholder names into a weight vector."""

    def __init__(self, names: dict[str, int], size: int) -> None:
        self.names, self.size = names, size

    def evaluate(self, node: ast.AST) -> np.ndarray | float:
        if isinstance(node, ast.Expression):
            return self.evaluate(node.body)
        if isinstance(node, ast.Name) and node.id in self.names:
            vector = np.zeros(self.size)
            vector[self.names[node.id]] = 1.0
            return vector
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = self.evaluate(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = self.evaluate(node.left), self.evaluate(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult) and (np.isscalar(left) or np.isscalar(right)):
                return left * right
            if isinstance(node.op, ast.Div) and np.isscalar(right):
                return left / right
        raise ValueError(ast.dump(node))


def contrast_matrix(columns: Iterable[str], contrasts: dict[str, str]) -> pd.DataFrame:
    """Coefficients x contrasts weights from expressions, like limma's ``makeContrasts``.

    Expressions are linear combinations of coefficient names with numbers, ``+ - * /`` and
    parentheses, e.g. ``"(group[b] + group[c]) / 2 - group[a]"``.
    """
    columns = list(columns)
    placeholders = {f"_c{i}": i for i in range(len(columns))}
    by_length = sorted(range(len(columns)), key=lambda i: -len(columns[i]))
    weights = {}
    for name, expression in contrasts.items():
        text = expression
        for i in by_length:
            text = text.replace(columns[i], f" _c{i} ")
        try:
            tree = ast.parse(text.strip(), mode="eval")
            value = _Linear(placeholders, len(columns)).evaluate(tree)
        except (SyntaxError, ValueError):
            value = None
        if not isinstance(value, np.ndarray) or not np.any(value):
            raise OmicsInputError(
                "contrasts", f"contrast {name!r} = {expression!r}",
                "a linear combination of the coefficients " + ", ".join(columns),
            )
        weights[name] = value
    return pd.DataFrame(weights, index=columns)
