"""An image gallery: thumbnails in a grid, the caption (prompt, seed, model) as tooltip."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem


class Gallery(QListWidget):
    image_activated = Signal(str, dict)   # path, info

    def __init__(self, parent=None, size: int = 160):
        super().__init__(parent)
        self.setObjectName("gallery")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(size, size))
        self.setGridSize(QSize(size + 24, size + 44))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setSpacing(6)
        self.itemActivated.connect(lambda item: self.image_activated.emit(
            item.data(Qt.ItemDataRole.UserRole), item.data(Qt.ItemDataRole.UserRole + 1) or {}))

    def add_image(self, path: str, caption: str = "", info: dict | None = None) -> QListWidgetItem:
        pixmap = QPixmap(path)
        if not pixmap.isNull():
            pixmap = pixmap.scaled(self.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        item = QListWidgetItem(QIcon(pixmap), caption[:40])
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setData(Qt.ItemDataRole.UserRole + 1, info or {})
        tooltip = "\n".join(f"{k}: {v}" for k, v in (info or {}).items() if not isinstance(v, (dict, list)))
        item.setToolTip(caption + ("\n" + tooltip if tooltip else ""))
        self.insertItem(0, item)
        return item

    def paths(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]
