"""An image gallery: thumbnails in a grid, the caption (prompt, seed, model) as tooltip, ordered newest first,
oldest first or by seed."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

ORDER_ROLE = Qt.ItemDataRole.UserRole + 2   # arrival number
SEED_ROLE = Qt.ItemDataRole.UserRole + 3
ORDERS = ("newest", "oldest", "seed")


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
        self.order = "newest"
        self._arrivals = 0
        self.itemActivated.connect(lambda item: self.image_activated.emit(
            item.data(Qt.ItemDataRole.UserRole), item.data(Qt.ItemDataRole.UserRole + 1) or {}))

    def add_image(self, path: str, caption: str = "", info: dict | None = None,
                  seed: int | None = None, arrival: int | None = None) -> QListWidgetItem:
        """``arrival`` orders "newest"/"oldest" when images are read back out of the order they came in."""
        pixmap = QPixmap(path)
        if not pixmap.isNull():
            pixmap = pixmap.scaled(self.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        item = QListWidgetItem(QIcon(pixmap), caption[:40])
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setData(Qt.ItemDataRole.UserRole + 1, info or {})
        tooltip = "\n".join(f"{k}: {v}" for k, v in (info or {}).items() if not isinstance(v, (dict, list)))
        item.setToolTip(caption + ("\n" + tooltip if tooltip else ""))
        self._arrivals = max(self._arrivals + 1, arrival or 0)
        item.setData(ORDER_ROLE, arrival if arrival is not None else self._arrivals)
        item.setData(SEED_ROLE, seed)
        keys = [self._key(self.item(i)) for i in range(self.count())]
        mine = self._key(item)
        self.insertItem(next((i for i, k in enumerate(keys) if mine < k), len(keys)), item)
        return item

    def _key(self, item) -> tuple:
        arrival = int(item.data(ORDER_ROLE) or 0)
        if self.order == "oldest":
            return (arrival,)
        if self.order == "seed":
            seed = item.data(SEED_ROLE)
            return (seed is None, seed if seed is not None else 0, arrival)
        return (-arrival,)

    def set_order(self, order: str) -> None:
        """Reorder the thumbnails: "newest" first, "oldest" first, or by "seed" (lowest first)."""
        self.order = order if order in ORDERS else "newest"
        current = self.currentItem().data(ORDER_ROLE) if self.currentItem() is not None else None
        selected = {item.data(ORDER_ROLE) for item in self.selectedItems()}
        self.blockSignals(True)
        items = [self.takeItem(0) for _ in range(self.count())]
        items.sort(key=self._key)
        for item in items:
            self.addItem(item)
            item.setSelected(item.data(ORDER_ROLE) in selected)
            if item.data(ORDER_ROLE) == current:
                self.setCurrentItem(item, self.selectionModel().SelectionFlag.NoUpdate)
        self.blockSignals(False)

    def paths(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]
