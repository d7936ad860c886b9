"""Offline bundles: one ``.zip`` with a manifest and SHA-256 of every file, for air-gapped machines."""
from engine.bundles.api import BundlesAPI

__all__ = ["BundlesAPI"]
