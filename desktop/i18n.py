"""English and Simplified Chinese through Qt's translation system.

Our strings live in ``resources/i18n/workbench_<lang>.ts`` (compiled to ``.qm``);
Qt's own strings (standard buttons, file dialogs) come from the ``qtbase`` catalog
that ships with Qt.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

SUPPORTED = ("en", "zh_CN")


def i18n_dir() -> Path:
    from engine.samples import resources_dir
    return resources_dir() / "i18n"


def resolve_language(preference: str) -> str:
    """'system' follows the OS locale: Chinese locales get zh_CN, everything else English."""
    if preference in SUPPORTED:
        return preference
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


_installed: list[QTranslator] = []


def install(app: QApplication, preference: str) -> str:
    """Install the translators for the language; returns the language used."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = resolve_language(preference)
    from engine.i18n import set_language
    set_language(language)   # engine messages, worker processes and sample content follow the window
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return language
    QLocale.setDefault(QLocale(language))
    ours = QTranslator(app)
    if ours.load(str(i18n_dir() / f"workbench_{language}.qm")):
        app.installTranslator(ours)
        _installed.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return language
