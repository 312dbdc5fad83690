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


def _type_of(node: dict) -> str:
    """A schema node's type in words (``DifferentialPlan``, ``list of string``, ...)."""
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "const" in node:
        return repr(node["const"])
    if "enum" in node:
        return " | ".join(map(repr, node["enum"]))
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " | ".join(_type_of(option) for option in node[key])
    kind = node.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(node.get('items', {}))}"
    if kind == "object" and "additionalProperties" in node:
        return f"mapping of name to {_type_of(node['additionalProperties'])}"
    return kind


def _write_study_schema(folder) -> None:
    """``_generated/study.schema.json`` (``omics schema``) and ``_generated/study_keys.rst``:
    every section of ``study.yaml`` with its keys, types, defaults and descriptions."""
    import json
    from pathlib import Path

    from omics.io.study import study_schema

    out = Path(folder) / "_generated"
    out.mkdir(exist_ok=True)
    schema = study_schema()
    (out / "study.schema.json").write_text(json.dumps(schema, indent=2) + "\n")
    sections = {"StudyConfig (the top level)": schema, **schema.get("$defs", {})}
    lines = []
    for name, node in sections.items():
        lines += [name, "~" * len(name), ""]
        if node.get("description"):
            lines += [" ".join(node["description"].split()), ""]
        lines += [".. list-table::", "   :header-rows: 1", "", "   * - key", "     - type",
                  "     - default"]
        required = set(node.get("required", []))
        for key, field in node.get("properties", {}).items():
            default = (f"``{json.dumps(field['default'])}``" if "default" in field
                       else "(required)" if key in required else "(empty)")
            lines += [f"   * - ``{key}``", f"     - {_type_of(field)}", f"     - {default}"]
        lines.append("")
    (out / "study_keys.rst").write_text("\n".join(lines) + "\n")


_write_study_schema(__import__("os").path.dirname(__file__))
exclude_patterns.append("_generated/*.rst")
