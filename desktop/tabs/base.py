"""What every tab shares: a header, an engine once the workspace is open, and empty states."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop.tabs import TABS, tab_of
from desktop.widgets.empty_state import EmptyState


def _listed(cls) -> bool:
    return any(tab.page == f"{cls.__module__}:{cls.__name__}" for tab in TABS)


def has_facade(engine, name: str) -> bool:
    """Whether this build of the engine offers the area (without creating the facade)."""
    return engine is not None and getattr(type(engine), name, None) is not None


class Page(QWidget):
    """A tab. Subclasses build ``self.content`` and fill it in ``on_engine`` / ``refresh``."""

    facade: str | None = None   # the engine area the tab needs ("data", "models" ...)

    def __init__(self, window, title: str | None = None, subtitle: str | None = None):
        """The heading is the tab's entry in ``desktop.tabs.TABS`` unless given."""
        super().__init__()
        if title is None or subtitle is None:
            tab = next(tab_of(cls) for cls in type(self).__mro__ if _listed(cls))
            title, subtitle = title or tab.title, subtitle or tab.subtitle
        self.setObjectName("page")
        self.window_ = window
        self.bridge = window.bridge
        self.engine = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 16)
        outer.setSpacing(14)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("pageTitle")
        self.subtitle_label = QLabel(subtitle)
        self.subtitle_label.setObjectName("pageSubtitle")
        self.subtitle_label.setWordWrap(True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        header.addLayout(self.actions)
        outer.addLayout(header)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.loading = EmptyState("refresh", self.tr("Opening the workspace…"),
                                  self.tr("This takes a moment the first time."))
        self.missing = EmptyState("warning", self.tr("Not available in this build"),
                                  self.tr("This part of the workbench is not installed. "
                                          "Update AIGC Workbench to use it."))
        self.content = QWidget()
        self.stack.addWidget(self.loading)
        self.stack.addWidget(self.missing)
        self.stack.addWidget(self.content)

    def newest(self, key: str, callback):
        """``callback`` for the answer to the newest request under ``key`` only: clicking quickly, an
        older answer that comes back late is dropped instead of replacing a newer one."""
        generations = self.__dict__.setdefault("_generations", {})
        generations[key] = generation = generations.get(key, 0) + 1
        return lambda result: callback(result) if generations.get(key) == generation else None

    # -- lifecycle -----------------------------------------------------------
    def set_engine(self, engine) -> None:
        self.engine = engine
        if self.facade and not has_facade(engine, self.facade):
            self.stack.setCurrentWidget(self.missing)
            self._set_actions_enabled(False)
            return
        self.stack.setCurrentWidget(self.content)
        self._set_actions_enabled(True)
        self.on_engine(engine)

    def available(self) -> bool:
        return self.engine is not None and (not self.facade or has_facade(self.engine, self.facade))

    def on_engine(self, engine) -> None:
        """The workspace is open: load what the tab shows (through Op, never inline); by default, refresh."""
        self.refresh()

    def refresh(self) -> None:
        """Reload after something changed elsewhere (a job finished, samples installed)."""

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        """Any job ended; tabs refresh when it is one of theirs."""

    def _set_actions_enabled(self, enabled: bool) -> None:
        for index in range(self.actions.count()):
            widget = self.actions.itemAt(index).widget()
            if widget is not None:
                widget.setEnabled(enabled)

    def add_action_button(self, button) -> None:
        self.actions.addWidget(button)
        button.setEnabled(self.available())
