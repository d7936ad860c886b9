"""Errors that carry a one-line message meant for the person using the product."""


class UserError(Exception):
    """A failure caused by input or environment, explained in one line.

    The CLI prints ``str(err)`` and exits non-zero; the GUI shows it in a dialog.
    ``hint`` says what to do about it, when we know.
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class WorkspaceLocked(UserError):
    exit_code = 3


class NotFound(UserError):
    exit_code = 4


class NetworkBlocked(UserError, OSError):
    """Raised when code in an engine process tries to reach the network (connect, send, name lookup).

    It is also an ``OSError``, the error code written for a machine without a network already
    expects, so libraries that fall back when offline (``socket.getfqdn``) keep doing so."""

    exit_code = 5


class Cancelled(Exception):
    """Raised inside a job's work function when the user cancelled it."""
