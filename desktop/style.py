"""The look: Fusion with a light or dark palette (following the system) and one stylesheet."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

LIGHT = {
    "window": "#f5f6f8", "surface": "#ffffff", "sidebar": "#eef0f4", "border": "#dde1e7",
    "text": "#1f2430", "muted": "#6b7280", "icon": "#5b6472", "disabled": "#b4bac4",
    "accent": "#3b6fe0", "accent_hover": "#2f5fcc", "accent_soft": "#e4ecfd", "on_accent": "#ffffff",
    "danger": "#d14343", "danger_soft": "#fde8e8", "success": "#1f9d55", "success_soft": "#e3f6eb",
    "warning": "#c47f00", "selection": "#dbe6fc", "alt_row": "#f9fafb",
}
DARK = {
    "window": "#1c1f26", "surface": "#242833", "sidebar": "#181b21", "border": "#353a46",
    "text": "#e6e8ec", "muted": "#9aa1ad", "icon": "#aab1bd", "disabled": "#59606c",
    "accent": "#6b96ff", "accent_hover": "#82a7ff", "accent_soft": "#2a3450", "on_accent": "#0f1420",
    "danger": "#ff6b6b", "danger_soft": "#442528", "success": "#4cc38a", "success_soft": "#1f3a2d",
    "warning": "#f0b44c", "selection": "#2f3d5e", "alt_row": "#272b36",
}

_current = dict(LIGHT)


def current_palette() -> dict:
    return _current


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return bool(scheme and scheme() == Qt.ColorScheme.Dark)


def stylesheet(c: dict) -> str:
    return f"""
QWidget {{ color: {c['text']}; }}
QMainWindow, QDialog {{ background: {c['window']}; }}
QWidget#page {{ background: {c['window']}; }}
QListWidget#nav {{ background: {c['sidebar']}; border: none; border-right: 1px solid {c['border']};
    padding: 10px 8px; outline: 0; }}
QListWidget#nav::item {{ padding: 9px 10px; border-radius: 8px; margin: 2px 0; color: {c['text']}; }}
QListWidget#nav::item:hover {{ background: {c['border']}; }}
QListWidget#nav::item:selected {{ background: {c['accent_soft']}; color: {c['accent']}; font-weight: 600; }}
QLabel#brand {{ font-size: 15px; font-weight: 700; padding: 16px 16px 6px 18px; background: {c['sidebar']}; }}
QLabel#brandSub {{ color: {c['muted']}; padding: 0 16px 10px 18px; background: {c['sidebar']}; }}
QWidget#sidebar {{ background: {c['sidebar']}; border-right: 1px solid {c['border']}; }}
QLabel#pageTitle {{ font-size: 20px; font-weight: 700; }}
QLabel#pageSubtitle {{ color: {c['muted']}; }}
QLabel#sectionTitle {{ font-size: 13px; font-weight: 600; color: {c['muted']}; }}
QLabel#muted, QLabel[muted="true"] {{ color: {c['muted']}; }}
QLabel#emptyTitle {{ font-size: 16px; font-weight: 600; }}
QLabel#emptyText {{ color: {c['muted']}; }}
QLabel#stat {{ font-size: 18px; font-weight: 700; }}
QFrame#card {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: 10px; }}
QFrame#banner {{ background: {c['accent_soft']}; border: 1px solid {c['accent']}; border-radius: 8px; }}
QFrame#errorBanner {{ background: {c['danger_soft']}; border: 1px solid {c['danger']}; border-radius: 8px; }}
QPushButton {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: 7px;
    padding: 6px 14px; min-height: 20px; }}
QPushButton:hover {{ border-color: {c['accent']}; }}
QPushButton:pressed {{ background: {c['accent_soft']}; }}
QPushButton:disabled {{ color: {c['disabled']}; border-color: {c['border']}; }}
QPushButton[primary="true"] {{ background: {c['accent']}; color: {c['on_accent']}; border: 1px solid {c['accent']};
    font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: {c['accent_hover']}; }}
QPushButton[primary="true"]:disabled {{ background: {c['border']}; border-color: {c['border']}; color: {c['disabled']}; }}
QPushButton[danger="true"] {{ color: {c['danger']}; }}
QPushButton[danger="true"]:hover {{ border-color: {c['danger']}; }}
QToolButton {{ border: none; border-radius: 6px; padding: 4px; }}
QToolButton:hover {{ background: {c['border']}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    background: {c['surface']}; border: 1px solid {c['border']}; border-radius: 7px; padding: 5px 8px;
    selection-background-color: {c['selection']}; selection-color: {c['text']}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{
    border-color: {c['accent']}; }}
QComboBox {{ padding-right: 26px; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url({c['_down']}); width: 11px; height: 11px; }}
QComboBox::down-arrow:disabled {{ image: url({c['_down_disabled']}); }}
QAbstractSpinBox {{ padding-right: 24px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border; width: 20px;
    border: none; border-left: 1px solid {c['border']}; background: transparent; }}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 7px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; border-bottom-right-radius: 7px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{ background: {c['accent_soft']}; }}
QAbstractSpinBox::up-arrow {{ image: url({c['_up']}); width: 9px; height: 9px; }}
QAbstractSpinBox::down-arrow {{ image: url({c['_down']}); width: 9px; height: 9px; }}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::up-arrow:off {{ image: url({c['_up_disabled']}); }}
QAbstractSpinBox::down-arrow:disabled, QAbstractSpinBox::down-arrow:off {{ image: url({c['_down_disabled']}); }}
QTableView, QTreeView, QListView {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: 8px;
    alternate-background-color: {c['alt_row']}; gridline-color: {c['border']};
    selection-background-color: {c['selection']}; selection-color: {c['text']}; }}
QHeaderView::section {{ background: {c['surface']}; border: none; border-bottom: 1px solid {c['border']};
    padding: 6px 8px; font-weight: 600; color: {c['muted']}; }}
QProgressBar {{ background: {c['border']}; border: none; border-radius: 4px; height: 8px; text-align: center;
    max-height: 8px; }}
QProgressBar::chunk {{ background: {c['accent']}; border-radius: 4px; }}
QGroupBox {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: 10px; margin-top: 18px;
    padding: 14px 10px 10px 10px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; top: 2px; color: {c['muted']}; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ background: transparent; padding: 7px 14px; border: none; border-bottom: 2px solid transparent;
    color: {c['muted']}; }}
QTabBar::tab:selected {{ color: {c['accent']}; border-bottom: 2px solid {c['accent']}; font-weight: 600; }}
QStatusBar {{ background: {c['sidebar']}; border-top: 1px solid {c['border']}; color: {c['muted']}; }}
QStatusBar QLabel {{ color: {c['muted']}; padding: 0 8px; }}
QSplitter::handle {{ background: {c['window']}; }}
QScrollArea {{ border: none; background: transparent; }}
QDockWidget::title {{ padding: 6px; background: {c['sidebar']}; }}
QLabel#chip {{ border-radius: 9px; padding: 1px 8px; background: {c['accent_soft']}; color: {c['accent']}; }}
QLabel#chipSuccess {{ border-radius: 9px; padding: 1px 8px; background: {c['success_soft']}; color: {c['success']}; }}
QLabel#chipDanger {{ border-radius: 9px; padding: 1px 8px; background: {c['danger_soft']}; color: {c['danger']}; }}
QLabel#chipMuted {{ border-radius: 9px; padding: 1px 8px; background: {c['border']}; color: {c['muted']}; }}
"""


def arrow_files(c: dict) -> dict:
    """The dropdown and spin box arrows tinted to the palette, as files a stylesheet can name."""
    import os
    import tempfile
    from pathlib import Path

    from desktop.icons import _svg
    folder = Path(tempfile.gettempdir()) / "aigc-workbench-style"
    folder.mkdir(exist_ok=True)
    files = {}
    for key, name, color in (("_down", "chevron-down", c["icon"]), ("_up", "chevron-up", c["icon"]),
                             ("_down_disabled", "chevron-down", c["disabled"]),
                             ("_up_disabled", "chevron-up", c["disabled"])):
        path = folder / f"{name}-{color.lstrip('#')}.svg"
        if not path.exists():   # written whole under a private name first: another window may be reading
            partial = path.with_name(f"{path.name}.{os.getpid()}")
            partial.write_text(_svg(name).replace("#000000", color), encoding="utf-8")
            os.replace(partial, path)
        files[key] = path.as_posix()
    return files


def apply(app: QApplication, theme: str = "system") -> dict:
    """Fusion + palette + stylesheet; returns the colour set in use."""
    dark = system_is_dark() if theme == "system" else theme == "dark"
    colors = DARK if dark else LIGHT
    _current.clear()
    _current.update(colors)
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colors["window"], QPalette.ColorRole.WindowText: colors["text"],
        QPalette.ColorRole.Base: colors["surface"], QPalette.ColorRole.AlternateBase: colors["alt_row"],
        QPalette.ColorRole.Text: colors["text"], QPalette.ColorRole.Button: colors["surface"],
        QPalette.ColorRole.ButtonText: colors["text"], QPalette.ColorRole.Highlight: colors["accent"],
        QPalette.ColorRole.HighlightedText: colors["on_accent"], QPalette.ColorRole.ToolTipBase: colors["surface"],
        QPalette.ColorRole.ToolTipText: colors["text"], QPalette.ColorRole.PlaceholderText: colors["muted"],
        QPalette.ColorRole.Link: colors["accent"],
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(colors["disabled"]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(colors["disabled"]))
    app.setPalette(palette)
    font = QFont(app.font())
    # CJK needs a font that has the glyphs; list the common system ones after the UI font.
    font.setFamilies([font.family(), "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
                      "PingFang SC", "WenQuanYi Micro Hei"])
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet({**colors, **arrow_files(colors)}))
    return colors
