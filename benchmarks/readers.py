"""Benchmark: the text readers against ``pandas.read_csv`` of the same file, same run.

For each real file: the project's reader (parse, located checks, AnnData) and plain
``pandas.read_csv`` (type inference, nothing checked), interleaved, best of ``--repeats``;
the figure is the ratio. The careful row-by-row scan (Python's ``csv``, used only to locate
an error) is timed once for scale.

* GSE1992: 124 tumours x 15,528 log-ratio columns plus clinical columns (14 MB CSV, gzip),
  ``read_expression_matrix(value_prefix="num_HS_")``;
* TCGA BRCA RSEM: 20,530 genes x 10 tumours (expected counts, TSV, gzip), ``read_counts``.

    python benchmarks/readers.py [--repeats 5]

Needs ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _measure import best_of  # noqa: E402

from omics.io.counts import read_counts  # noqa: E402
from omics.io.delimited import _careful_table, _read_text  # noqa: E402
from omics.io.expression import read_expression_matrix  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "transcriptomics_clinical"


def _cases(folder: Path) -> dict[str, tuple]:
    gse = DATA / "gse1992_breast_expression_survival.csv.gz"
    rsem = DATA / "tcga_brca_rsem_20530x10.tsv.gz"
    header = pd.read_csv(rsem, sep="\t", nrows=0).columns[1:]
    sheet = folder / "tcga_samples.csv"
    pd.DataFrame({"sample": header, "group": "tumour"}).to_csv(sheet, index=False)
    return {
        "GSE1992 expression (124 x 15,528)": (
            gse, ",", lambda: read_expression_matrix(gse, value_prefix="num_HS_")),
        "TCGA RSEM counts (20,530 x 10)": (
            rsem, "\t", lambda: read_counts(rsem, sheet, feature_column="gene",
                                            expected_counts=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent (it lives beside the repository)")
    with tempfile.TemporaryDirectory() as folder:
        for name, (path, sep, reader) in _cases(Path(folder)).items():
            ours, plain = [], []
            for _ in range(args.repeats):  # interleaved: both see the same machine load
                ours.append(best_of(reader, 1))
                plain.append(best_of(lambda p=path, s=sep: pd.read_csv(p, sep=s,
                                                                      low_memory=False), 1))
            text = _read_text(Path(path))
            careful = best_of(lambda t=text, p=path, s=sep: _careful_table(
                t, Path(p), s, None, True, False), 1)
            print(f"{name}: reader {min(ours):.2f} s, pandas.read_csv {min(plain):.2f} s: "
                  f"ratio {min(ours) / min(plain):.2f} (careful row-by-row scan alone "
                  f"{careful:.2f} s)")


if __name__ == "__main__":
    main()
