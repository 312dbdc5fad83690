"""Packaging: layering rules, CLI help, doctests of the public modules."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest


def _library_modules() -> list[str]:
    """Every module of the omics and graphs packages (their doctests are run)."""
    import graphs
    import omics

    names = []
    for package in (omics, graphs):
        names.append(package.__name__)
        names += [info.name for info in pkgutil.walk_packages(package.__path__,
                                                              package.__name__ + ".")]
    return sorted(names)


LIBRARY_MODULES = _library_modules()


def test_omics_and_graphs_do_not_import_prefect():
    code = ("import sys, omics.cli.main, omics.steps.analysis, omics.steps.ingest, graphs; "
            "assert not any(m == 'prefect' or m.startswith('prefect.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("module", LIBRARY_MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_cli_help_lists_subcommands():
    from typer.testing import CliRunner

    from omics.cli.main import app

    omics = Path(sys.executable).with_name("omics")
    out = subprocess.run([str(omics), "--help"], capture_output=True, text=True, check=True)
    runner = CliRunner()  # each subcommand's help in-process: one interpreter start, not ten
    for command in ("simulate", "ingest", "inspect", "run", "differential", "correlate",
                    "validate", "append", "clinical", "dose-response"):
        assert command in out.stdout
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Usage:" in sub.output, (command, sub.output)


def test_version_and_usage_errors_are_one_message_without_traceback():
    from importlib.metadata import version

    omics = Path(sys.executable).with_name("omics")
    done = subprocess.run([str(omics), "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, f"omics-axis {version('omics-axis')}")
    for arguments, message in [(["frobnicate"], "No such command 'frobnicate'."),
                               (["validate", "--study", "x"], "No such option: --study")]:
        done = subprocess.run([str(omics), *arguments], capture_output=True, text=True)
        assert done.returncode == 2 and message in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) <= 5


def test_inspect_reports_groups_and_sources(small_store):
    omics = Path(sys.executable).with_name("omics")
    out = subprocess.run([str(omics), "inspect", str(small_store)], capture_output=True,
                         text=True, check=True).stdout
    assert "proteomics: shape (674, 22); step reader:wide_table; sources proteomics_tmt.tsv" \
        in " ".join(out.split())
    # each group names the tool that opens it (anndata.read_zarr failed on the xarray
    # groups and xarray.open_zarr on the AnnData groups without saying which is which)
    flat = " ".join(out.split())
    assert "open with xarray.open_zarr(store/proteomics)" in flat
    assert "open with anndata.read_zarr(store/transcriptomics/tumours)" in flat


def test_quiet_prints_errors_only(small_cohort):
    from tests.cli import run_omics

    quiet = run_omics("-q", "validate", small_cohort)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    normal = run_omics("validate", small_cohort)
    assert normal.stdout.strip().endswith("every input is valid")
    both = run_omics("-q", "-v", "validate", small_cohort)
    assert (both.returncode, both.stderr.strip()) == (
        2, "error: command line: found both --quiet and --verbose; expected at most one of them")
