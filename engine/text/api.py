"""``engine.text``: the facade for text training and generation."""
from __future__ import annotations


class TextAPI:
    def __init__(self, engine):
        self.engine = engine
