"""Imports every module of the datasets area that registers a job kind, installer or check."""
from engine.data import importer  # noqa: F401  data.import
from engine.data import cleaning  # noqa: F401  data.clean
from engine.data import split  # noqa: F401  data.split
from engine.data import export  # noqa: F401  data.export
from engine.data import augment  # noqa: F401  data.augment
from engine.data import samples  # noqa: F401  sample installer and self-test check
