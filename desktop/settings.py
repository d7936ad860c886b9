"""User preferences kept with QSettings: workspace, device, language, theme, window geometry."""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "AIGC Workbench"
APPLICATION = "AIGC Workbench"

DEVICES = ("auto", "cpu", "cuda", "mps")
LANGUAGES = ("system", "en", "zh_CN")
THEMES = ("system", "light", "dark")


class Settings:
    """Typed access to the stored preferences (one INI file per user)."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                        ORGANIZATION, APPLICATION)

    def _get(self, key: str, default: str, allowed: tuple[str, ...] | None = None) -> str:
        value = self.store.value(key, default)
        value = str(value) if value is not None else default
        return value if allowed is None or value in allowed else default

    @property
    def workspace(self) -> str:
        return self._get("workspace", "")

    @workspace.setter
    def workspace(self, path: str) -> None:
        self.store.setValue("workspace", str(path))

    @property
    def device(self) -> str:
        return self._get("device", "auto", DEVICES)

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("device", value if value in DEVICES else "auto")
        self.apply_device()

    def apply_device(self) -> None:
        """New jobs read AIGC_DEVICE; 'auto' leaves the choice to the engine."""
        if self.device == "auto":
            os.environ.pop("AIGC_DEVICE", None)
        else:
            os.environ["AIGC_DEVICE"] = self.device

    @property
    def language(self) -> str:
        return self._get("language", "system", LANGUAGES)

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("language", value if value in LANGUAGES else "system")

    @property
    def theme(self) -> str:
        return self._get("theme", "system", THEMES)

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("theme", value if value in THEMES else "system")

    def geometry(self):
        return self.store.value("window/geometry")

    def window_state(self):
        return self.store.value("window/state")

    def save_window(self, geometry, state) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    def sync(self) -> None:
        self.store.sync()
