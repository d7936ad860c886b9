"""Saves that must reach the workspace one after another, in the order the user made them.

A reviewer pressing A, R, A in quick succession makes three edits of the same dataset. Sent as
three parallel background calls they race for the workspace's write lock (and the later ones fail
as "busy"); sent in order through one queue each waits only for the one before it. The screen
shows each edit at once (the caller updates its rows before queueing) and the queue undoes the
shown change of every edit that could not be saved, with one message for all of them.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from desktop.bridge import Op


class _Item:
    __slots__ = ("fn", "args", "kwargs", "done", "undo")

    def __init__(self, fn, args, kwargs, done, undo):
        self.fn, self.args, self.kwargs, self.done, self.undo = fn, args, kwargs, done, undo


class SerialQueue(QObject):
    """One engine call at a time, in order; ``drained`` fires when the last one has returned."""

    drained = Signal()
    failed = Signal(object, str, int)   # exception, details, how many queued saves were dropped

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._items: deque[_Item] = deque()
        self._running: _Item | None = None

    def put(self, fn: Callable, *args: Any, done: Callable[[Any], None] | None = None,
            undo: Callable[[], None] | None = None, **kwargs: Any) -> None:
        """Queue ``fn(*args, **kwargs)``; ``done(result)`` once it saved, ``undo()`` if it or one before failed."""
        self._items.append(_Item(fn, args, kwargs, done, undo))
        if self._running is None:
            self._next()

    def pending(self) -> int:
        """Saves not yet finished (the one running included)."""
        return len(self._items) + (self._running is not None)

    def _next(self) -> None:
        if not self._items:
            self._running = None
            self.drained.emit()
            return
        item = self._running = self._items.popleft()
        Op(self, item.fn, *item.args, **item.kwargs).success(lambda result: self._saved(item, result)) \
            .failure(lambda exc, details: self._failed(item, exc, details)).run_in_background()

    def _saved(self, item: _Item, result) -> None:
        if item.done is not None:
            item.done(result)
        self._next()

    def _failed(self, item: _Item, exc, details: str) -> None:
        """The edits queued after a failed one are dropped too: they were made on top of it."""
        dropped = [item, *self._items]
        self._items.clear()
        self._running = None
        for undone in reversed(dropped):
            if undone.undo is not None:
                undone.undo()
        self.failed.emit(exc, details, len(dropped))
        self.drained.emit()
