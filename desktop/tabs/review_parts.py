"""Parts of the Review tab's detail pane: the changes between an edit and the original output, and a
picture the reviewer can zoom into."""
from __future__ import annotations

import difflib
import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QHBoxLayout, QLabel,
                               QPushButton, QTextBrowser, QVBoxLayout, QWidget)

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.1, 16.0)


def pieces(text: str) -> list[str]:
    """Words and spaces for alphabetic text; single characters for Chinese, which has no spaces."""
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9_']+|\s+|.", text, flags=re.S)


def diff_html(original: str, edited: str) -> str:
    """The edit against the original: removed pieces struck through in red, added ones in green."""
    a, b = pieces(original), pieces(edited)
    out = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(a[a0:a1])))
            continue
        if a1 > a0:
            out.append('<span style="color:#c0392b; text-decoration:line-through;">'
                       + html.escape("".join(a[a0:a1])) + "</span>")
        if b1 > b0:
            out.append('<span style="color:#1e8449; font-weight:600;">' + html.escape("".join(b[b0:b1])) + "</span>")
    return '<div style="white-space:pre-wrap;">' + "".join(out) + "</div>"


class ChangesView(QWidget):
    """Shown while the output differs from what the model wrote: what the edit removed and added."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Changes from the model's output"))
        self.title.setObjectName("sectionTitle")
        self.view = QTextBrowser()
        self.view.setObjectName("reviewChanges")
        self.view.setMaximumHeight(110)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        self.hide()

    def compare(self, original: str, edited: str) -> None:
        if original == edited or not original:
            self.hide()
            return
        self.view.setHtml(diff_html(original, edited))
        self.show()


class ImageViewer(QWidget):
    """A picture fitted to the pane; zoom with the buttons, Ctrl+wheel, + and -; drag to pan.

    ``wants(width)`` asks for a sharper decode when the zoom outgrows the one shown."""

    wants = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = _View(self)
        self.view.setScene(self.scene)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setMinimumHeight(200)
        self.zoom = 1.0            # 1.0: the picture's natural size; fitted pictures start below
        self.fitted = True
        self.natural_width = 0     # the picture's own width, when known
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("muted")
        self.out_button = QPushButton("−")
        self.out_button.setToolTip(self.tr("Zoom out (-)"))
        self.in_button = QPushButton("+")
        self.in_button.setToolTip(self.tr("Zoom in (+)"))
        self.fit_button = QPushButton(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the picture to the pane"))
        self.actual_button = QPushButton("1:1")
        self.actual_button.setToolTip(self.tr("Show the picture at its own size"))
        self.out_button.clicked.connect(lambda: self.set_zoom(self.zoom / ZOOM_STEP))
        self.in_button.clicked.connect(lambda: self.set_zoom(self.zoom * ZOOM_STEP))
        self.fit_button.clicked.connect(self.fit)
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        bar = QHBoxLayout()
        for button in (self.out_button, self.in_button, self.fit_button, self.actual_button):
            if button is not self.fit_button:   # the word "Fit" needs its own width in every language
                button.setMaximumWidth(64)
            bar.addWidget(button)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)

    def show_message(self, text: str) -> None:
        self.item.setPixmap(QPixmap())
        self.message.setText(text)
        self.message.show()

    def set_pixmap(self, pixmap: QPixmap, natural_width: int | None = None) -> None:
        """Show ``pixmap`` (a decode of the picture, maybe scaled down) keeping the zoom asked for."""
        self.message.hide()
        self.natural_width = natural_width or self.natural_width or pixmap.width()
        self.item.setPixmap(pixmap)
        self.scene.setSceneRect(self.item.boundingRect())
        if self.fitted:
            self.fit()
        else:
            self.set_zoom(self.zoom)

    def reset(self) -> None:
        self.fitted, self.zoom, self.natural_width = True, 1.0, 0

    def _decoded_scale(self) -> float:
        """How many natural pixels one pixel of the decoded pixmap stands for."""
        width = self.item.pixmap().width()
        return self.natural_width / width if width and self.natural_width else 1.0

    def fit(self) -> None:
        pixmap = self.item.pixmap()
        self.fitted = True
        if pixmap.isNull():
            return
        self.view.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom = self.view.transform().m11() / self._decoded_scale()
        self._zoom_changed()

    def set_zoom(self, zoom: float) -> None:
        self.fitted = False
        self.zoom = max(ZOOM_RANGE[0], min(ZOOM_RANGE[1], zoom))
        self.view.resetTransform()
        scale = self.zoom * self._decoded_scale()
        self.view.scale(scale, scale)
        self._zoom_changed()
        if scale > 1.01 and self.item.pixmap().width() < self.natural_width:
            self.wants.emit(min(self.natural_width, int(self.item.pixmap().width() * scale) + 1))

    def _zoom_changed(self) -> None:
        self.zoom_label.setText(f"{self.zoom * 100:.0f}%")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self.fit()


class _View(QGraphicsView):
    def wheelEvent(self, event) -> None:
        owner = self.parent()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            owner.set_zoom(owner.zoom * (ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP))
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        owner = self.parent()
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            owner.set_zoom(owner.zoom * ZOOM_STEP)
        elif event.key() == Qt.Key.Key_Minus:
            owner.set_zoom(owner.zoom / ZOOM_STEP)
        else:
            super().keyPressEvent(event)
