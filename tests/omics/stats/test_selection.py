"""Sample selections of a study plan: pandas-query-like expressions, never run as code."""

from __future__ import annotations

import pandas as pd
import pytest

from omics.errors import OmicsInputError
from omics.stats.selection import select_samples

SHEET = pd.DataFrame({"condition": ["res", "sens", "pool", None], "plex": [1, 1, 2, 2],
                      "reference": [False, False, True, False], "dose": [0.5, 1.0, 2.0, 4.0]})


@pytest.mark.parametrize(("expression", "chosen"), [
    ("not reference", [True, True, False, True]),
    ("condition != 'pool' and not reference", [True, True, False, True]),  # NaN != 'pool'
    ("condition in ['res', 'sens']", [True, True, False, False]),
    ("condition not in ('pool',)", [True, True, False, True]),
    ("condition == ['res', 'pool']", [True, False, True, False]),
    ("plex == 2 or dose < 1", [True, False, True, True]),
    ("0.5 < dose <= 2", [False, True, True, False]),
    ("dose > -1 and (plex == 1)", [True, True, False, False]),
    ("condition == 'res' or condition == 'sens'", [True, True, False, False]),
    ("`plex` == 1", [True, True, False, False]),
    ("", [True, True, True, True]),
])
def test_selections_choose_what_pandas_query_would(expression, chosen):
    assert select_samples(SHEET, expression).tolist() == chosen
    if expression:
        expected = SHEET.index.isin(SHEET.query(expression.replace("`", "")).index).tolist()
        assert expected == chosen


@pytest.mark.parametrize(("expression", "found"), [
    ("@pd.io.common.os.system('touch /tmp/omics-owned')", "does not parse"),
    ("__import__('os').system('touch /tmp/omics-owned')", "uses a function call"),
    ("condition.str == 'r'", "uses an attribute"),
    ("plex + 1 == 2", "uses arithmetic"),
    ("conditon == 'res'", "uses the name 'conditon', which is not a sample-sheet column"),
    ("condition", "uses the column 'condition' as a condition (it is not true/false)"),
    ("dose > 'a'", "uses a comparison of text with a number"),
    ("'a' == 'b'", "uses a comparison without a sample-sheet column"),
    ("[c for c in 'x']", "uses ListComp"),
])
def test_anything_else_is_refused_in_one_line_and_nothing_runs(tmp_path, expression, found):
    with pytest.raises(OmicsInputError) as caught:
        select_samples(SHEET, expression)
    message = str(caught.value)
    assert message.startswith(f"samples: found {expression!r}, which {found}") or \
        found in message, message
    assert "expected comparisons of sample-sheet columns (condition, plex, reference, dose)" \
        in message and "\n" not in message


@pytest.mark.parametrize(("formula", "token"), [
    ("~ I(__import__('os').system('touch /tmp/omics-owned'))", "I"),
    ("~ 0 + condition + np.log(dose)", "np"),
    ("~ {dose * 2}", "{"),
    ("~ condition + dose ** 2", "**"),
    ("~ C(condition, contr.treatment)", "contr"),
])
def test_design_formulas_are_checked_before_formulaic_sees_them(formula, token):
    from omics.stats.design import design_matrix

    with pytest.raises(OmicsInputError) as caught:
        design_matrix(SHEET.dropna(), formula)
    assert str(caught.value) == (
        f"design: found {formula!r}, which uses {token!r}; expected a formula of sample-sheet "
        "columns (condition, plex, reference, dose), 0/1, + - : * and C(column)")


@pytest.mark.parametrize("formula", ["condition ~ dose", "~ dose ~ plex", "condition ~"])
def test_formulas_with_a_left_hand_side_are_refused(formula):
    """formulaic returned (lhs, rhs) matrices: a ValueError or AttributeError traceback
    (found by tests/test_fuzz.py)."""
    from omics.stats.design import design_matrix

    with pytest.raises(OmicsInputError) as caught:
        design_matrix(SHEET.dropna(), formula)
    assert str(caught.value) == (
        f"design: found {formula!r}, which has a left-hand side; expected a one-sided formula "
        "(the values are the response), e.g. '~ 0 + group'")


def test_allowed_formulas_still_build_their_designs():
    from omics.stats.design import design_matrix

    design = design_matrix(SHEET.dropna(), "~ 0 + condition + C(plex) + dose + condition:dose")
    assert design.shape[0] == 3 and "C(plex)[T.2]" in design.columns
