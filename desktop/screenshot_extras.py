"""The screenshots beyond the tabs: the first-run greeting, the import dialog, a failed import.

The import pictures use a small campaign sheet a copywriter might bring (``CAMPAIGN``): one
row has a typo in its status column, so the dialog's preview marks that row and, imported
without "Skip bad rows", the job fails with the one-line message naming the file, line and
field, shown above the tabs.
"""
from __future__ import annotations

import csv
import tempfile
from pathlib import Path

CAMPAIGN = {   # instruction, output, status; the third row's status is misspelt on purpose
    "en": [("Write a one-line ad for the Harbor leather tote, tone: warm.",
            "Harbor tote: carried with care, every single day.", "accepted"),
           ("Write a one-line ad for Pure Oat barista oat milk, tone: playful.",
            "Froth goals? Pure Oat has you covered.", "accepted"),
           ("Write a one-line ad for the Echo Pro earbuds, tone: urgent.",
            "Echo Pro: last units at launch price!", "acepted"),
           ("Write a one-line ad for the Aurora 750 ml bottle, tone: calm.",
            "Aurora: warm tea at noon, cool water at four.", "unreviewed")],
    "zh_CN": [("为港湾真皮托特包写一句广告语，语气：温暖。", "港湾托特包：每一天，都被用心承载。", "accepted"),
              ("为纯燕咖啡师燕麦奶写一句广告语，语气：俏皮。", "想要绵密奶泡？纯燕帮你搞定。", "accepted"),
              ("为回声Pro耳机写一句广告语，语气：紧迫。", "回声Pro：首发价最后几件！", "acepted"),
              ("为极光750ml保温水杯写一句广告语，语气：沉稳。", "极光水杯：午间热茶，午后凉水。", "unreviewed")],
}


def campaign_file(lang: str) -> Path:
    """The campaign sheet as a CSV in a temporary folder."""
    path = Path(tempfile.mkdtemp(prefix="aigc-shots-import-")) / ("spring-campaign.csv" if lang == "en"
                                                                  else "春季活动.csv")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("instruction", "output", "status"))
        writer.writerows(CAMPAIGN.get(lang, CAMPAIGN["en"]))
    return path


def composite(window, dialog):
    """The window with the dialog drawn over its middle, under a title bar with the dialog's title (a
    dialog is its own top-level window, which a grab of the main window leaves out)."""
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPen
    picture = window.grab()
    over = dialog.grab()
    ratio = picture.devicePixelRatio() or 1.0
    width, height = int(picture.width() / ratio), int(picture.height() / ratio)
    size = over.size() / (over.devicePixelRatio() or 1.0)
    bar = 30
    left, top = (width - size.width()) // 2, (height - size.height() - bar) // 2
    painter = QPainter(picture)
    painter.fillRect(QRect(0, 0, width, height), QColor(0, 0, 0, 60))
    palette = dialog.palette()
    frame = QRect(left, top, size.width(), size.height() + bar)
    painter.fillRect(QRect(left, top, size.width(), bar), palette.window().color().darker(112))
    font = QFont(dialog.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(palette.windowText().color())
    painter.drawText(QRect(left + 12, top, size.width() - 24, bar), Qt.AlignmentFlag.AlignVCenter,
                     dialog.windowTitle())
    painter.drawPixmap(QPoint(left, top + bar), over)
    painter.setPen(QPen(QColor(0, 0, 0, 110), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(frame.adjusted(-1, -1, 0, 0))
    painter.end()
    return picture


class Extras:
    def __init__(self, app, window, lang: str, wait_until, settle):
        self.app, self.window, self.lang = app, window, lang
        self.wait_until, self.settle = wait_until, settle
        self.dialog = None

    def welcome(self) -> bool:
        """The greeting an empty workspace opens with; False when this workspace is not empty."""
        window = self.window
        if window.engine.workspace.get_setting("samples_installed") is not None:
            return False
        if not self.wait_until(self.app, lambda: window.welcome is not None and window.welcome.isVisible(),
                               timeout=60):
            return False
        window.show_page("tasks")
        self.settle(self.app, 600)
        return True

    def load_samples(self) -> None:
        """What the greeting's first button does."""
        self.window.welcome.samples_button.click()

    def import_dialog(self) -> None:
        """The import dialog on the campaign sheet, its preview marking the misspelt row."""
        page = self.window.show_page("datasets")
        self.settle(self.app, 300)
        dialog = page.open_import(str(campaign_file(self.lang)))
        dialog.resize(1120, 640)   # wide enough for the file's three columns
        self.wait_until(self.app, lambda: dialog.preview_result is not None, timeout=120)
        self.settle(self.app, 500)
        self.dialog = dialog

    def failed_import(self) -> None:
        """Import anyway: the job refuses the misspelt row and the window says so above the tabs."""
        dialog, window = self.dialog, self.window
        dialog.import_button.click()
        self.wait_until(self.app, lambda: not dialog.isVisible(), timeout=60)
        self.wait_until(self.app, lambda: any(row.state == "failed" for row in window.banner_rows()),
                        timeout=120)
        window.show_page("datasets")
        self.settle(self.app, 600)
