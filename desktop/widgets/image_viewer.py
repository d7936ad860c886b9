"""A full-size image window: fit to the window or zoom (buttons, Ctrl+wheel, + / -), scroll when larger."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout

ZOOMS = (0.125, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


class ImageViewer(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Image"))
        self.resize(760, 640)
        self.pixmap = QPixmap()
        self.zoom = 1.0
        self.fitting = True
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.image)
        self.caption = QLabel()
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fit_button = QPushButton(self.tr("Fit"))
        self.actual_button = QPushButton(self.tr("100%"))
        self.zoom_in_button = QPushButton("+")
        self.zoom_out_button = QPushButton("−")
        self.zoom_label = QLabel()
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        self.zoom_in_button.clicked.connect(lambda: self.step(1))
        self.zoom_out_button.clicked.connect(lambda: self.step(-1))
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, lambda: self.step(1)),
                           (QKeySequence.StandardKey.ZoomOut, lambda: self.step(-1))):
            QShortcut(keys, self, slot)
        bar = QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_in_button, self.actual_button, self.fit_button):
            bar.addWidget(widget)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.caption)

    def show_image(self, path: str, caption: str = "") -> None:
        self.pixmap = QPixmap(path)
        self.caption.setText(caption or path)
        self.setWindowTitle(path.replace("\\", "/").rsplit("/", 1)[-1])
        self.fit()

    def fit(self) -> None:
        """Scale the whole image into the window (a small image is enlarged to fill it)."""
        self.fitting = True
        if self.pixmap.isNull():
            return
        area = self.scroll.viewport().size()
        scale = min(area.width() / self.pixmap.width(), area.height() / self.pixmap.height(), ZOOMS[-1] * 4)
        self._render(max(scale, 0.01))

    def set_zoom(self, zoom: float) -> None:
        self.fitting = False
        self._render(zoom)

    def step(self, direction: int) -> None:
        """The next zoom level up (1) or down (-1) from the current one."""
        larger = [z for z in ZOOMS if z > self.zoom + 1e-6]
        smaller = [z for z in ZOOMS if z < self.zoom - 1e-6]
        if direction > 0:
            target = larger[0] if larger else min(self.zoom * 1.5, ZOOMS[-1] * 8)
        else:
            target = smaller[-1] if smaller else max(self.zoom / 1.5, 0.01)
        self.set_zoom(target)

    def _render(self, zoom: float) -> None:
        self.zoom = zoom
        if self.pixmap.isNull():
            return
        size = self.pixmap.size() * zoom
        self.image.setPixmap(self.pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                Qt.TransformationMode.SmoothTransformation))
        self.image.resize(self.image.pixmap().size())
        self.zoom_label.setText(f"{zoom * 100:.0f}%")

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()
