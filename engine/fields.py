"""Config fields declared once: type, range, finiteness, the CLI flag that sets them.

    @dataclass
    class GenerateParams:
        steps: int = number(20, lo=1, hi=500, flag="--steps")

    check_fields(params)          # UserError naming the flag, the value and the allowed range

The same declarations check values from the CLI, from the GUI and from facade
calls, so "--lora-dropout 2" is blamed on --lora-dropout and "--seed 1e23" never
reaches a library as an OverflowError. ``cli_int``/``cli_float`` are argparse
types that refuse what cannot be a number at all (nan, inf, 10**30).
"""
from __future__ import annotations

import argparse
import math
from dataclasses import MISSING, dataclass, field, fields

from engine.errors import UserError

INT_LIMIT = 2**53          # larger ints are refused outright (C longs, floats and JSON all stay exact)
SEED_MAX = 2**32 - 1       # numpy's and most samplers' seed range


@dataclass(frozen=True)
class Range:
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False      # lo itself not allowed
    hi_open: bool = False
    integer: bool = False
    optional: bool = False     # None allowed
    flag: str | None = None
    zero_means: str | None = None   # 0 is allowed and means this (shown in the message)

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        parts = []
        if self.lo is not None:
            parts.append(f"{'>' if self.lo_open else '>='} {_fmt(self.lo)}")
        if self.hi is not None:
            parts.append(f"{'<' if self.hi_open else '<='} {_fmt(self.hi)}")
        text = f"{kind} " + " and ".join(parts) if parts else f"a finite {kind.split()[1]}"
        if self.zero_means:
            text += f" (or 0: {self.zero_means})"
        return text

    def problem(self, value) -> str | None:
        """Why ``value`` is not allowed, or None."""
        if value is None:
            return None if self.optional else "is required"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"is not a number ({type(value).__name__})"
        if self.integer and isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return "is not a whole number"
            value = int(value)
        if isinstance(value, float) and not math.isfinite(value):
            return "is not a finite number"
        if isinstance(value, int) and abs(value) > INT_LIMIT:
            return "is far too large"
        if self.zero_means and value == 0:
            return None
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return "is out of range"
        if self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi)):
            return "is out of range"
        return None


def _fmt(bound: float) -> str:
    if isinstance(bound, float) and bound.is_integer() and abs(bound) < 1e15:
        bound = int(bound)
    return f"{bound:,}" if isinstance(bound, int) and abs(bound) >= 10_000 else str(bound)


def number(default=MISSING, *, lo=None, hi=None, lo_open=False, hi_open=False, integer=False, optional=False,
           flag=None, zero_means=None, default_factory=MISSING):
    """A dataclass field with a declared range (``dataclasses.field`` metadata)."""
    spec = Range(lo, hi, lo_open, hi_open, integer, optional or default is None, flag, zero_means)
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata={"range": spec})
    return field(default=default, metadata={"range": spec})


def seed(default=None, flag="--seed"):
    return number(default, lo=0, hi=SEED_MAX, integer=True, optional=default is None, flag=flag)


def range_of(cls, name: str) -> Range | None:
    for f in fields(cls):
        if f.name == name:
            return f.metadata.get("range")
    return None


def field_error(name: str, spec: Range, value, problem: str, where: str | None = None) -> UserError:
    label = spec.flag or name
    prefix = f"{where}: " if where else ""
    shown = value if not isinstance(value, float) else repr(value)
    return UserError(f"{prefix}{label} {shown} {problem}: it must be {spec.describe()}",
                     hint=f"field {name}" if spec.flag else None)


def check_fields(obj, where: str | None = None):
    """Check every declared field of a dataclass instance; ints given as whole floats become ints."""
    for f in fields(obj):
        spec = f.metadata.get("range")
        if spec is None:
            continue
        value = getattr(obj, f.name)
        problem = spec.problem(value)
        if problem:
            raise field_error(f.name, spec, value, problem, where)
        if spec.integer and isinstance(value, float):
            setattr(obj, f.name, int(value))
    return obj


def check_value(cls, name: str, value, where: str | None = None):
    """Check one value against the field ``name`` of ``cls`` (for values not yet in a config)."""
    spec = range_of(cls, name)
    if spec is not None:
        problem = spec.problem(value)
        if problem:
            raise field_error(name, spec, value, problem, where)
    return value


def check_finite(value, label: str, *, lo=None, hi=None, integer=False, optional=True):
    """Ad-hoc range check where no config class holds the value."""
    spec = Range(lo, hi, integer=integer, optional=optional, flag=label)
    problem = spec.problem(value)
    if problem:
        raise field_error(label, spec, value, problem)
    return value


# -- argparse types ----------------------------------------------------------------
def cli_int(text: str) -> int:
    """An argparse type: a whole number small enough for every library (no OverflowError later)."""
    try:
        value = int(text.replace("_", ""), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if abs(value) > INT_LIMIT:
        raise argparse.ArgumentTypeError(f"{text} is far too large (at most {INT_LIMIT:,})")
    return value


def cli_float(text: str) -> float:
    """An argparse type: a finite number (nan and inf are refused here, with the flag named)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return value
