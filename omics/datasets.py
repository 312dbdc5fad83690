"""Built-in data sets (``ox.datasets``).

Examples
--------
>>> mdata = builtin_cohort(scale="small")
>>> mdata["proteomics"].shape, sorted(mdata.mod)
((22, 674), ['cells', 'diglycine', 'proteomics', 'tumours'])
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from omics.errors import OmicsInputError
from omics.io.study_reader import read_study
from omics.simulate import simulate_cohort
from omics.simulate.cohort import DEFAULT_SEED
from omics.simulate.effects import SCALES

__all__ = ["builtin_cohort", "cache_dir"]


def cache_dir() -> Path:
    """Where data sets are cached: ``$OMICS_AXIS_CACHE``, else ``~/.cache/omics-axis``."""
    return Path(os.environ.get("OMICS_AXIS_CACHE", Path.home() / ".cache" / "omics-axis"))


def _simulator_digest() -> str:
    """A digest of the simulator's code: a cohort cached by another version of it (other
    planted effects, other files) is never returned."""
    digest = hashlib.sha256()
    for path in sorted(Path(simulate_cohort.__code__.co_filename).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def builtin_cohort(scale: str = "default", *, seed: int = DEFAULT_SEED):
    """The seeded demonstration cohort of the guiding study, as a MuData.

    TMT proteomics of sensitive and gemcitabine-resistant TNBC cells, their exosomes and
    sensitive cells given resistant exosomes (3 plexes with pooled reference channels);
    RNA-seq counts of the same cultures and of patient tumours; clinical data joined onto
    the tumours' ``obs``; the viability table in ``uns["tables"]``. The planted truth is in
    ``truth.json`` beside the input files (:func:`omics.simulate.cohort.describe_truth`).
    The input files are written once per scale, seed and version of the simulator under
    :func:`cache_dir`.

    Parameters
    ----------
    scale
        ``"small"`` (674 proteins, 2 plexes) or ``"default"`` (4,074 proteins, 3 plexes).
    seed
        Random seed of the simulation.

    Returns
    -------
    mudata.MuData
        Modalities ``proteomics`` (linear reporter intensities), ``cells`` and ``tumours``
        (raw counts).

    Examples
    --------
    >>> mdata = builtin_cohort(scale="small")
    >>> mdata["tumours"].obs["response"].cat.categories.tolist()
    ['highly_sensitive', 'sensitive', 'resistant']
    """
    if scale not in SCALES:
        raise OmicsInputError("scale", repr(scale), "one of " + ", ".join(SCALES))
    folder = cache_dir() / "builtin_cohort" / f"{scale}-seed{seed}-{_simulator_digest()}"
    if not (folder / "study.yaml").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
        try:
            simulate_cohort(staging, scale=scale, seed=seed)
            staging.rename(folder)
        except OSError:  # another process finished first: use its copy
            if not (folder / "study.yaml").exists():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return read_study(folder / "study.yaml")
