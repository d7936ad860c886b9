"""AIGC Workbench engine: all logic, no Qt. Usable from the GUI, the CLI and tests."""
from engine import offline as _offline
from engine import omp_wait as _omp_wait

__version__ = "0.1.0"

_omp_wait.sleep_while_waiting()
_offline.enable()
