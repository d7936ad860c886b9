"""Importing this module registers the bundle job kinds (``bundle.export``, ``bundle.import``,
``bundle.inspect``) and self-test."""
from engine.bundles import export as _export  # noqa: F401
from engine.bundles import importer as _importer  # noqa: F401
from engine.bundles import inspect_job as _inspect  # noqa: F401
from engine.bundles import selfcheck as _selfcheck  # noqa: F401
