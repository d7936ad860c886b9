"""Job kinds of the deploy area: ``models.export`` and ``models.compress_report`` (cheap to import)."""
from __future__ import annotations

from engine.deploy import export as _export  # noqa: F401 - registers models.export
from engine.deploy import report as _report  # noqa: F401 - registers models.compress_report
