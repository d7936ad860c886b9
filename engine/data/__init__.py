"""Datasets: import what departments already have, clean, annotate, split, version, export.

The facade is ``engine.data`` (``engine.data.api.DataAPI``); job kinds are
registered by ``engine.data.jobs``.
"""
