"""The command-line option behind a hint the engine gives in words.

Engine messages say what to do in words the window can show too ("import again skipping bad
rows"); on the command line the option that does it is added after the message.
"""
from __future__ import annotations

PHRASES = (
    ("skipping bad rows", "--skip-bad"),
    ("map a column", "--map COLUMN=FIELD"),
    ("map the field", "--map FIELD=messages"),
    ("names no column of the file", "--map COLUMN=FIELD"),
    ("choose the file's encoding", "--encoding NAME"),
    ("choose the format", "--format NAME"),
    ("choose the sheet", "--sheet NAME"),
    ("add to the existing dataset", "--append"),
    ("use the auto or torch backend", "--backend auto"),
)


def with_flags(message: str) -> str:
    """``message`` followed by the options its words refer to (none when it already names them)."""
    flags = [flag for phrase, flag in PHRASES if phrase in message and flag.split()[0] not in message]
    flags = list(dict.fromkeys(flags))
    return f"{message} [option: {', '.join(flags)}]" if flags else message
