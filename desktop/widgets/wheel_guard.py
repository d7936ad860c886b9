"""Scrolling a form scrolls the form: a spin box or dropdown under the pointer changes its value
with the wheel only once it has the keyboard focus (clicked or tabbed into)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox)


def _guarded(obj) -> QWidget | None:
    """The spin box or combo box ``obj`` is, or is part of (a spin box's line edit)."""
    if isinstance(obj, GUARDED):
        return obj
    parent = obj.parent() if isinstance(obj, QWidget) else None
    return parent if isinstance(parent, GUARDED) else None


class WheelGuard(QObject):
    """Installed once on the application (``install``)."""

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, GUARDED):
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # the wheel no longer focuses it
        elif kind == QEvent.Type.Wheel:
            widget = _guarded(obj)
            if widget is not None and not widget.hasFocus() and not (
                    isinstance(widget, QComboBox) and widget.view().isVisible()):
                area = widget.parentWidget()
                while area is not None and not isinstance(area, QAbstractScrollArea):
                    area = area.parentWidget()
                if area is not None:   # scrolls the form around it instead
                    QApplication.sendEvent(area.viewport(), event)
                return True
        return False


def install(app: QApplication) -> WheelGuard:
    guard = getattr(app, "_aigc_wheel_guard", None)
    if guard is None:
        guard = app._aigc_wheel_guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
