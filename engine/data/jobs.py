"""Imports every module of the datasets area that registers a job kind, installer or check."""
from engine.data import importer  # noqa: F401  data.import
