"""One module per tab of the main window, listed in ``TABS`` in sidebar order.

A new tab is its module plus one line here. The sidebar, the View menu and Ctrl+1..n are made
from this list alone, so a tab's module is imported and its page built only when first shown
(or when something asks ``window.pages[key]``).
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True)
class Tab:
    key: str
    page: str       # "module:Class"
    icon: str
    title_source: str
    subtitle_source: str

    @property
    def title(self) -> str:
        return QCoreApplication.translate("Tabs", self.title_source)

    @property
    def subtitle(self) -> str:
        return QCoreApplication.translate("Tabs", self.subtitle_source)

    def page_class(self):
        module, name = self.page.split(":")
        return getattr(importlib.import_module(module), name)


TABS: tuple[Tab, ...] = (
    Tab("tasks", "desktop.tabs.tasks:TasksPage", "tasks", QT_TRANSLATE_NOOP("Tabs", "Tasks"),
        QT_TRANSLATE_NOOP("Tabs", "What each department needs done, and how to judge it")),
    Tab("datasets", "desktop.tabs.datasets:DatasetsPage", "datasets", QT_TRANSLATE_NOOP("Tabs", "Datasets"),
        QT_TRANSLATE_NOOP("Tabs", "Examples imported from your files, cleaned, split and versioned")),
    Tab("training", "desktop.tabs.training:TrainingPage", "training", QT_TRANSLATE_NOOP("Tabs", "Training"),
        QT_TRANSLATE_NOOP("Tabs", "Fine-tune a text or image model on a dataset version")),
    Tab("generation", "desktop.tabs.generation:GenerationPage", "generation", QT_TRANSLATE_NOOP("Tabs", "Generation"),
        QT_TRANSLATE_NOOP("Tabs", "Write text and render images with a base model or a trained adapter")),
    Tab("review", "desktop.tabs.review:ReviewPage", "review", QT_TRANSLATE_NOOP("Tabs", "Review"),
        QT_TRANSLATE_NOOP("Tabs", "Approve, edit or reject outputs before they are used")),
    Tab("models", "desktop.tabs.models:ModelsPage", "models", QT_TRANSLATE_NOOP("Tabs", "Models"),
        QT_TRANSLATE_NOOP("Tabs", "Base models and trained adapters on this machine")),
    Tab("monitor", "desktop.tabs.monitor:MonitorPage", "monitor", QT_TRANSLATE_NOOP("Tabs", "Monitor"),
        QT_TRANSLATE_NOOP("Tabs", "How each task's runs go over time")),
)


def tab_of(page_class) -> Tab:
    """The entry of a page class (its heading comes from here)."""
    name = f"{page_class.__module__}:{page_class.__name__}"
    for tab in TABS:
        if tab.page == name:
            return tab
    raise LookupError(f"{name} is not listed in desktop.tabs.TABS")


class Pages(Mapping):
    """The window's pages by tab key, in sidebar order. ``pages[key]`` builds the page the first time
    (so menus, shortcuts, screenshots and tests reach any page); ``built()`` holds only those
    already built, which is what refreshes, job notices and closing go through."""

    def __init__(self, window):
        self._window = window
        self._built: dict = {}

    def __getitem__(self, key: str):
        if key not in self._built:
            tab = next((tab for tab in TABS if tab.key == key), None)
            if tab is None:
                raise KeyError(key)
            self._built[key] = self._window._build_page(tab)   # the window places it and brings it up to date
        return self._built[key]

    def __iter__(self):
        return iter([tab.key for tab in TABS])

    def __len__(self) -> int:
        return len(TABS)

    def built(self) -> dict:
        return {tab.key: self._built[tab.key] for tab in TABS if tab.key in self._built}

    def loaded(self, key: str):
        """The page if it was built, else None (nothing to refresh on a page not built yet)."""
        return self._built.get(key)
