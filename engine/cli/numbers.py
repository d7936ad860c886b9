"""Numeric command-line options checked when they are parsed, against the ranges the configs declare.

``aigc train --lora-dropout 2`` is refused naming --lora-dropout and its range, before the
workspace is even opened. An option backed by a config field takes that field's range
(engine.fields); the few that only steer printing or listing have theirs here. Where one
command feeds two configs (``train`` and ``generate`` serve text and image models) a value
passes when either accepts it; the config then checks again for the model at hand.
"""
from __future__ import annotations

import argparse
from dataclasses import fields

from engine.fields import SEED_MAX, Range, cli_float, cli_int
from engine.i18n import tr

# command path -> "module:Class" whose declared fields back its options (imported on first use)
CONFIGS = {
    ("train",): ("engine.text.config:TrainConfig", "engine.image.train_config:ImageTrainConfig"),
    ("generate",): ("engine.text.generator:GenerationParams", "engine.image.generator:GenerateParams"),
    ("task", "run"): ("engine.tasks.runner:RunConfig",),
    ("task", "eval"): ("engine.text.generator:GenerationParams",),
    ("data", "split"): ("engine.data.split:SplitConfig",),
    ("data", "augment"): ("engine.data.augment:AugmentConfig",),
    ("review", "feedback"): ("engine.text.config:TrainConfig",),
}

# options that belong to no config
CLI_RANGES = {
    ("jobs", "list", "--limit"): Range(1, 100_000, integer=True, flag="--limit"),
    ("data", "show", "--records"): Range(0, 100_000, integer=True, flag="--records"),
    ("data", "show", "--offset"): Range(0, 10**12, integer=True, flag="--offset"),
    ("data", "diff", "--limit"): Range(1, 10**9, integer=True, flag="--limit"),
    ("task", "create", "--min-chars"): Range(0, 10**8, integer=True, flag="--min-chars"),
    ("task", "create", "--max-chars"): Range(1, 10**8, integer=True, flag="--max-chars"),
    ("task", "eval", "--limit"): Range(1, 10**9, integer=True, flag="--limit"),
    ("review", "add", "--seed"): Range(0, SEED_MAX, integer=True, flag="--seed"),
    ("review", "list", "--limit"): Range(1, 100_000, integer=True, flag="--limit"),
    ("train", "--steps"): Range(1, 10_000_000, integer=True, flag="--steps"),
    ("train", "--nproc"): Range(1, 64, integer=True, flag="--nproc"),
    ("task", "run", "--nproc"): Range(1, 64, integer=True, flag="--nproc"),
    ("models", "compress-report", "--tokens"): Range(1, 4096, integer=True, flag="--tokens"),
    ("models", "export", "--adapter-scale"): Range(-10, 10, flag="--adapter-scale"),
    ("task", "runs", "--last"): Range(1, 10**6, integer=True, flag="--last"),
    ("task", "train-head", "--max-steps"): Range(1, 10_000_000, integer=True, flag="--max-steps"),
    ("task", "train-head", "--batch-size"): Range(1, 4096, integer=True, flag="--batch-size"),
    ("task", "train-head", "--learning-rate"): Range(0, 1, lo_open=True, flag="--learning-rate"),
    ("task", "leaderboard", "--version"): Range(1, 10**9, integer=True, flag="--version"),
}


def _load(ref: str):
    import importlib
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def specs_for(command: tuple[str, ...], options: list[str]) -> list[Range]:
    """Every declared range an option of ``command`` is checked against."""
    found = [spec for key, spec in CLI_RANGES.items() if key[:-1] == command and key[-1] in options]
    for ref in CONFIGS.get(command, ()):
        for f in fields(_load(ref)):
            spec = f.metadata.get("range")
            if spec is not None and spec.flag in options:
                found.append(spec)
    return found


class Number:
    """An argparse type: a finite number, then (when declared) inside the option's range."""

    def __init__(self, integer: bool, command: tuple[str, ...], options: list[str]):
        self.integer, self.command, self.options = integer, command, options
        self.__name__ = "integer" if integer else "number"  # argparse names the type in its messages

    def __call__(self, text: str):
        specs = specs_for(self.command, self.options)
        if not specs:
            return cli_int(text) if self.integer else cli_float(text)
        try:
            value = int(text.replace("_", ""), 10) if self.integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(tr("'{value}' is not a whole number" if self.integer
                                                else "'{value}' is not a number", value=text)) from None
        if all(spec.problem(value) for spec in specs):  # out of every declared range (nan, inf, 10**30 too)
            spec = specs[0]
            raise argparse.ArgumentTypeError(tr("{value} {problem}: it must be {allowed}", value=text,
                                                problem=spec.problem(value), allowed=spec.describe()))
        return value


def check_numbers(parser: argparse.ArgumentParser, command: tuple[str, ...] = ()) -> None:
    """Give every int/float option of ``parser`` and its sub-commands a ``Number`` type."""
    for action in parser._actions:
        if action.type in (int, float):
            action.type = Number(action.type is int, command, list(action.option_strings))
        if isinstance(action, argparse._SubParsersAction):
            seen = set()
            for name, child in action.choices.items():
                if id(child) not in seen:
                    seen.add(id(child))
                    check_numbers(child, command + (name,))
