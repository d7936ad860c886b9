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
from engine.i18n import N_, tr

INT_LIMIT = 2**53          # larger ints are refused outright (C longs, floats and JSON all stay exact)
SEED_MAX = 2**32 - 1       # numpy's and most samplers' seed range


# Field names as messages say them (``field_error`` turns learning_rate into "learning rate").
FIELD_LABELS = (
    N_("adapter scale"),
    N_("alpha"),
    N_("batch size"),
    N_("candidates"),
    N_("caption dropout"),
    N_("checkpoint every"),
    N_("data version"),
    N_("early stopping patience"),
    N_("epochs"),
    N_("eval every"),
    N_("grad accum"),
    N_("gradient accumulation"),
    N_("guidance scale"),
    N_("height"),
    N_("keep checkpoints"),
    N_("learning rate"),
    N_("limit"),
    N_("log every"),
    N_("lora alpha"),
    N_("lora dropout"),
    N_("lora r"),
    N_("max chars"),
    N_("max grad norm"),
    N_("max length"),
    N_("max new tokens"),
    N_("max retries"),
    N_("max steps"),
    N_("max tokens"),
    N_("min chars"),
    N_("min tokens"),
    N_("near dup"),
    N_("noise offset"),
    N_("num beams"),
    N_("per example"),
    N_("preview every"),
    N_("rank"),
    N_("repetition penalty"),
    N_("resolution"),
    N_("save every"),
    N_("snr gamma"),
    N_("seed"),
    N_("steps"),
    N_("strength"),
    N_("temperature"),
    N_("test"),
    N_("text encoder lr"),
    N_("threshold"),
    N_("top k"),
    N_("top p"),
    N_("val"),
    N_("val fraction"),
    N_("validation every"),
    N_("validation steps"),
    N_("warmup ratio"),
    N_("warmup steps"),
    N_("weight decay"),
    N_("width"),
)


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
        parts = []
        if self.lo is not None:
            parts.append(f"{'>' if self.lo_open else '>='} {_fmt(self.lo)}")
        if self.hi is not None:
            parts.append(f"{'<' if self.hi_open else '<='} {_fmt(self.hi)}")
        if parts:
            text = tr("an integer {bounds}" if self.integer else "a number {bounds}", bounds=tr(" and ").join(parts))
        else:
            text = tr("a finite integer" if self.integer else "a finite number")
        if self.zero_means:
            text += tr(" (or 0: {meaning})", meaning=tr(self.zero_means))
        return text

    def problem(self, value) -> str | None:
        """Why ``value`` is not allowed, or None."""
        if value is None:
            return None if self.optional else tr("is required")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return tr("is not a number ({type})", type=type(value).__name__)
        if self.integer and isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return tr("is not a whole number")
            value = int(value)
        if isinstance(value, float) and not math.isfinite(value):
            return tr("is not a finite number")
        if isinstance(value, int) and abs(value) > INT_LIMIT:
            return tr("is far too large")
        if self.zero_means and value == 0:
            return None
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return tr("is out of range")
        if self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi)):
            return tr("is out of range")
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
    """Names the field in words both interfaces show ("learning rate"); the CLI adds the option."""
    option = spec.flag if spec.flag and spec.flag.startswith("--") else None
    # a rule key such as "min-chars" is what the user writes in either interface: it stays as it is
    label = spec.flag if spec.flag and not option else tr(name.lstrip("-").replace("_", " ").replace("-", " "))
    prefix = f"{where}: " if where else ""
    shown = value if not isinstance(value, float) else repr(value)
    return UserError(tr("{where}{field} {value} {problem}: it must be {allowed}", where=prefix, field=label,
                        value=shown, problem=problem, allowed=spec.describe()),
                     options=(option,) if option else ())


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
        raise argparse.ArgumentTypeError(tr("'{value}' is not a whole number", value=text)) from None
    if abs(value) > INT_LIMIT:
        raise argparse.ArgumentTypeError(tr("{value} is far too large (at most {limit})", value=text,
                                            limit=f"{INT_LIMIT:,}"))
    return value


def cli_float(text: str) -> float:
    """An argparse type: a finite number (nan and inf are refused here, with the flag named)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("'{value}' is not a number", value=text)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(tr("'{value}' is not a finite number", value=text))
    return value
