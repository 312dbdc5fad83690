"""Imported by each worker of the pipeline's LocalCluster as it starts (a Dask preload).

A pipeline task unpickles on a worker by importing its flow module, and with it Prefect and
the analysis stack: about 5 s per worker process on this 2-core machine, paid by the first
task of each worker and again by the first analysis task. Imported at start-up instead,
while the flow simulates or validates its inputs, the first tasks start at once.
"""

import flows.analysis  # noqa: F401
import flows.ingest  # noqa: F401
import flows.network  # noqa: F401
