"""The layer contract: which package may import which (fails CI on a forbidden import).

Layers, bottom to top::

    core   omics.errors omics.io omics.store omics.preprocess omics.pp omics.stats omics.tl
           omics.pl omics.datasets omics.simulate   + the graphs core (graphs.*, not steps)
    steps  omics.steps  graphs.steps
    top    omics.report  omics.cli  flows

An import may point down or sideways within its layer, never up, and module-level imports
form no cycle. Checked on the source (every ``import``, also inside functions), and by
importing the public modules in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEPS = ("omics.steps", "graphs.steps")
TOP = ("omics.report", "omics.cli", "flows")


def _layer(module: str) -> int:
    if module.startswith(TOP):
        return 2
    if module.startswith(STEPS):
        return 1
    return 0


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            yield node.lineno, names
        elif isinstance(node, ast.Import):
            yield node.lineno, [a.name for a in node.names]


def _project_target(names: list[str]) -> str | None:
    """The most specific project module among an import's names."""
    known = [n for n in names if n.split(".")[0] in ("omics", "graphs", "flows")]
    return max(known, key=len) if known else None


def forbidden_imports(root: Path = ROOT) -> list[str]:
    problems = []
    for package in ("omics", "graphs", "flows"):
        for path in sorted((root / package).rglob("*.py")):
            source = _module_name(path, root)
            for line, names in _imports(path):
                target = _project_target(names)
                if target and _layer(target) > _layer(source):
                    problems.append(f"{path.relative_to(root)}:{line}: {source} imports "
                                    f"{target} (a higher layer)")
    return problems


def test_no_module_imports_a_higher_layer():
    assert forbidden_imports() == []


def test_contract_catches_a_forbidden_import(tmp_path):
    """On a copy of the packages: a probe module in the tree itself was seen by the check
    above when the two ran at once on two xdist workers."""
    import shutil

    for package in ("omics", "graphs", "flows"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.j2"))
    (tmp_path / "omics" / "stats" / "_contract_probe.py").write_text(
        "from flows.pipeline import omics_pipeline\n")
    assert forbidden_imports(tmp_path) == [
        "omics/stats/_contract_probe.py:1: omics.stats._contract_probe imports "
        "flows.pipeline.omics_pipeline (a higher layer)"]


PUBLIC_MODULES = ["omics", "omics.io", "omics.pp", "omics.tl", "omics.pl", "omics.stats",
                  "omics.store", "omics.datasets", "graphs"]


def test_public_modules_import_no_orchestration():
    """One fresh interpreter imports every public module (and ``ox.<name>``); none of them
    may bring in prefect, typer, the flows, the steps, the report or the CLI."""
    code = "import sys, importlib\nimport omics as ox\n"
    code += "".join(f"importlib.import_module({m!r})\n" for m in PUBLIC_MODULES)
    code += "".join(f"ox.{m.split('.')[-1]}\n" for m in PUBLIC_MODULES if m.startswith("omics."))
    code += ("bad = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('prefect', 'typer', 'flows') or m.startswith(('omics.steps', 'omics.cli', "
             "'omics.report', 'graphs.steps')))\nassert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_omics_keeps_the_matplotlib_backend():
    code = ("import matplotlib; matplotlib.use('svg'); import omics as ox; ox.pl; ox.tl; "
            "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()")
    subprocess.run([sys.executable, "-c", code], check=True)


def _module_level_imports(path: Path):
    """Project modules imported at module level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        target = _project_target(names)
        if target:
            yield target


def test_module_imports_have_no_cycles():
    import networkx as nx

    modules = {_module_name(p): p for package in ("omics", "graphs", "flows")
               for p in (ROOT / package).rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        for target in _module_level_imports(path):
            while target not in modules and "." in target:  # `from pkg.mod import name`
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name and not name.startswith(target + "."):
                graph.add_edge(name, target)
    assert list(nx.simple_cycles(graph)) == []
