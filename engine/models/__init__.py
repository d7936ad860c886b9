"""The models catalog: verified imports, SHA-256 manifests, adapters with lineage."""
from engine.models.catalog import ModelInfo, ModelsAPI

__all__ = ["ModelInfo", "ModelsAPI"]
