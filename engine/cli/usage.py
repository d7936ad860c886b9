"""argparse in the person's language: the usage mistakes argparse words in English become the one line
``aigc`` prints in the words of the catalog (option names stay), and ``--help`` has its headings
("usage:", "options:") in those words too; the help texts of the options stay English."""
from __future__ import annotations

import argparse
import re

from engine.i18n import tr

# argparse's English wording (Python 3.11-3.13) -> the catalog message for it
PATTERNS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"),
     lambda m: tr("the following arguments are required: {names}", names=m["names"])),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"),
     lambda m: tr("unrecognized arguments: {names}", names=m["names"])),
    (re.compile(r"one of the arguments (?P<names>.+) is required"),
     lambda m: tr("one of the arguments {names} is required", names=m["names"])),
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     lambda m: tr("invalid choice: {value} (choose from {choices})", value=m["value"], choices=m["choices"])),
    (re.compile(r"expected one argument"), lambda m: tr("expected one argument")),
    (re.compile(r"expected at least one argument"), lambda m: tr("expected at least one argument")),
    (re.compile(r"not allowed with argument (?P<other>.+)"),
     lambda m: tr("not allowed with argument {other}", other=m["other"])),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.+)"),
     lambda m: tr("invalid {type} value: {value}", type=m["type"], value=m["value"])),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<names>.+)"),
     lambda m: tr("ambiguous option: {option} could match {names}", option=m["option"], names=m["names"])),
)
ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.+)", re.S)


def translate(message: str) -> str:
    """One argparse message in the current language ('argument --kind: invalid choice: ...' too)."""
    argument = ARGUMENT.fullmatch(message)
    if argument:
        return tr("argument {name}: {problem}", name=argument["name"], problem=translate(argument["rest"]))
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return message


def usage_error(message: str, prog: str) -> str:
    return tr("error: {message} (see '{command} --help')", message=translate(message), command=prog)


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, tr("usage: ") if prefix is None else prefix)


def translate_headings(parser: argparse.ArgumentParser) -> None:
    """The words argparse puts in every ``--help`` (a parser made with ``HelpFormatter``)."""
    parser._positionals.title = tr("positional arguments")
    parser._optionals.title = tr("options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = tr("show this help message and exit")
