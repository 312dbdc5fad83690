"""Graph steps: build the axis graph from a study store and run the network analysis.

They sit above the graph core (sources, merge, propagation, paths, modules, enrichment,
export), which imports only the omics core.
"""
