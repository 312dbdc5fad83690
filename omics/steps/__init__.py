"""Pipeline steps: each reads a study store, calls the core library, and writes back.

A step takes a store path and its part of the study plan and returns a small summary, so the
flows (:mod:`flows`) and the command line (:mod:`omics.cli`) pass paths and small values only.
Steps import the core (:mod:`omics.io`, :mod:`omics.store`, :mod:`omics.pp`,
:mod:`omics.stats`, :mod:`omics.tl`, :mod:`omics.pl`); the core never imports a step.
"""
