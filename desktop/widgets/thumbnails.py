"""Images decoded off the GUI thread, already scaled, and kept for the next paint.

A table that decodes a photo each time it paints a cell stalls scrolling; a review pane that
decodes a 4000-pixel photo at full size stalls the window. ``Thumbnails.get`` answers at once
from the cache, or with None while a background read (``QImageReader`` scales while it
decodes) is under way; ``ready`` tells the view to repaint.
"""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from desktop.bridge import Op


def read_scaled(path: str, width: int, height: int) -> QImage:
    """Decode ``path`` to fit width x height (keeping its shape); a null image if unreadable."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > width or size.height() > height):
        reader.setScaledSize(size.scaled(QSize(width, height), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return QImage()
    if image.width() < width and image.height() < height:   # a small picture is shown at the size asked
        image = image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


class Thumbnails(QObject):
    ready = Signal(str)   # the path whose picture just arrived

    def __init__(self, parent: QObject | None = None, limit: int = 512):
        super().__init__(parent)
        self.limit = limit
        self._cache: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._loading: set[tuple] = set()

    def get(self, path: str, width: int, height: int | None = None) -> QPixmap | None:
        key = (path, width, height or width)
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key not in self._loading:
            self._loading.add(key)
            Op(self, read_scaled, path, width, height or width).success(
                lambda image, key=key: self._arrived(key, image)).run_in_background()
        return None

    def _arrived(self, key: tuple, image: QImage) -> None:
        self._loading.discard(key)
        self._cache[key] = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        while len(self._cache) > self.limit:
            self._cache.popitem(last=False)
        self.ready.emit(key[0])
