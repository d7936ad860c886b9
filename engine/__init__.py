"""AIGC Workbench engine: all logic, no Qt. Usable from the GUI, the CLI and tests."""
from engine import offline as _offline

__version__ = "0.1.0"

_offline.enable()
