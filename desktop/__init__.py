"""AIGC Workbench desktop GUI (PySide6)."""
