"""Errors that carry a one-line message meant for the person using the product."""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters written as escapes: a file or member
    name from a hostile archive cannot break the message into several lines or hide part of it."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text) if _CONTROL.search(text) else text


class UserError(Exception):
    """A failure caused by input or environment, explained in one line.

    The CLI prints ``str(err)`` and exits non-zero; the GUI shows it in a dialog.
    ``hint`` says what to do about it, when we know, in words the window can show too;
    ``options`` names the command-line options those words refer to (the CLI adds them).
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, options: tuple[str, ...] | list[str] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.options = tuple(o for o in options if o)

    def __str__(self) -> str:
        if not self.hint:
            return one_line(self.message)
        from engine.i18n import tr
        return one_line(tr("{message} ({hint})", message=self.message, hint=self.hint))


class WorkspaceLocked(UserError):
    exit_code = 3


class WorkspaceClosed(UserError):
    """The workspace was closed while a call was still on its way: its answer no longer matters."""


class NotFound(UserError):
    exit_code = 4


class NetworkBlocked(UserError, OSError):
    """Raised when code in an engine process tries to reach the network (connect, send, name lookup).

    It is also an ``OSError``, the error code written for a machine without a network already
    expects, so libraries that fall back when offline (``socket.getfqdn``) keep doing so."""

    exit_code = 5


class Cancelled(Exception):
    """Raised inside a job's work function when the user cancelled it."""
