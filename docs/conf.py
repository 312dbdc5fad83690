"""Sphinx configuration of the omics-axis API reference (built in CI with warnings as errors:
``sphinx-build -W -b html docs docs/_build``)."""

project = "omics-axis"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_typehints = "none"
html_theme = "alabaster"
exclude_patterns = ["_build"]
suppress_warnings = ["autosummary.import_cycle"]
# Every documented public function says what it takes, returns, and shows an example.
numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01"}
numpydoc_validation_exclude = {r"\.__init__$", r"\.model_", r"\.__repr__$", r"Warning$"}
