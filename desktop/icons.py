"""Line icons from ``resources/icons/*.svg``, tinted to the current palette."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


def icons_dir():
    from engine.samples import resources_dir
    return resources_dir() / "icons"


@lru_cache(maxsize=256)
def _svg(name: str) -> str:
    path = icons_dir() / f"{name}.svg"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def pixmap(name: str, color: str = "#5b6472", size: int = 24, ratio: float = 2.0) -> QPixmap:
    """The icon drawn in ``color`` at ``size`` logical pixels (sharp on HiDPI)."""
    source = _svg(name).replace("#000000", QColor(color).name())
    image = QPixmap(QSize(int(size * ratio), int(size * ratio)))
    image.fill(Qt.GlobalColor.transparent)
    if source:
        renderer = QSvgRenderer(QByteArray(source.encode("utf-8")))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
        painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def icon(name: str, color: str | None = None, active_color: str | None = None) -> QIcon:
    """A QIcon with a normal and a selected/active tint."""
    from desktop.style import current_palette
    colors = current_palette()
    result = QIcon()
    normal = pixmap(name, color or colors["icon"])
    result.addPixmap(normal, QIcon.Mode.Normal, QIcon.State.Off)
    active = pixmap(name, active_color or colors["accent"])
    result.addPixmap(active, QIcon.Mode.Selected, QIcon.State.Off)
    result.addPixmap(active, QIcon.Mode.Active, QIcon.State.Off)
    result.addPixmap(pixmap(name, colors["disabled"]), QIcon.Mode.Disabled, QIcon.State.Off)
    return result
