"""Text models: chat templates, LoRA/full fine-tuning with exact resume, streaming generation."""
from engine.text.api import TextAPI

__all__ = ["TextAPI"]
