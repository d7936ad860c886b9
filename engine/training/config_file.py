"""Training configs as files, and as the ``aigc train`` command that starts the same run.

A saved config is the typed config a run keeps as its ``config.json`` (``TrainConfig`` for text,
``ImageTrainConfig`` for images), so a run's own ``config.json`` loads as well. The command is built from
the CLI parser itself, so every flag it shows is one ``aigc train`` accepts.
"""
from __future__ import annotations

import shlex
from dataclasses import MISSING, fields

from engine.errors import UserError

LINEAGE = ("base_sha256", "dataset_ref", "dataset_hash")   # filled in when a run starts, never given
# image config field -> ``aigc train`` option dest
IMAGE_DESTS = {"data_version": "data_version", "output_name": "output_name", "init_adapter": "init_adapter",
               "resolution": "resolution", "max_steps": "max_steps", "epochs": "epochs", "batch_size": "batch_size",
               "gradient_accumulation": "grad_accum", "learning_rate": "learning_rate", "rank": "lora_r",
               "alpha": "lora_alpha", "seed": "seed", "checkpoint_every": "save_every",
               "keep_checkpoints": "keep_checkpoints", "validation_every": "eval_every"}
TEXT_SWITCHES = ("packing", "gradient_checkpointing", "merge")


def _classes():
    from engine.image.train_config import ImageTrainConfig
    from engine.text.config import TrainConfig
    return {"text": TrainConfig, "image": ImageTrainConfig}


def typed_config(kind: str, config: dict) -> dict:
    """Every field of the run's typed config, defaults filled in, checked as a run would check it."""
    cls = _classes().get(kind)
    if cls is None:
        raise UserError(f"unknown training kind {kind!r}", hint="use text or image")
    if kind == "text":
        return cls.from_dict(dict(config)).validate().to_dict()
    given = dict(config)
    unknown = sorted(set(given) - {f.name for f in fields(cls)})
    if unknown:
        raise UserError(f"unknown image training option '{unknown[0]}'", hint="remove it; the training options list the known ones")
    typed = cls(**given)
    typed.validate()
    return typed.to_dict()


def save_config(path, kind: str, config: dict) -> dict:
    from engine import atomic
    typed = typed_config(kind, config)
    atomic.write_json(path, typed)
    return typed


def load_config(path) -> tuple[str, dict]:
    """(kind, typed config) from a saved config or a run's ``config.json``; the kind is told by the fields."""
    from engine.safe_json import load_file
    data = load_file(path, "training config")
    if not isinstance(data, dict):
        raise UserError(f"{path}: a training config is a JSON object", hint="save a config from the Training tab")
    keys = set(data) - set(LINEAGE)
    for kind, cls in _classes().items():
        if keys <= {f.name for f in fields(cls)}:
            try:
                return kind, typed_config(kind, {k: v for k, v in data.items() if k in keys})
            except (TypeError, ValueError) as exc:
                raise UserError(f"{path}: {exc}", hint="fix the value in the file") from None
            except UserError as exc:
                raise UserError(f"{path}: {exc.message}", hint=exc.hint) from None
    text_fields = {f.name for f in fields(_classes()["text"])}
    unknown = sorted(keys - text_fields) if "method" in keys or "lora_r" in keys else \
        sorted(keys - {f.name for f in fields(_classes()["image"])})
    raise UserError(f"{path}: unknown training option '{unknown[0]}'",
                    hint="a config saved from the Training tab or a run's config.json loads here")


def _train_flags() -> dict[str, object]:
    """``aigc train`` option dest -> its argparse action."""
    from engine.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    train = sub.choices["train"]
    return {a.dest: a for a in train._actions if a.option_strings}


def train_command(kind: str, config: dict, nproc: int = 1, workspace=None) -> dict:
    """The ``aigc train`` argv (and one shell line) that starts this run; ``left_out`` names config fields the
    command line cannot set (a saved config file carries them)."""
    flags = _train_flags()
    cls = _classes()[kind]
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    argv, left_out = ["aigc"], []
    if workspace is not None:
        argv += ["--workspace", str(workspace)]
    argv.append("train")

    def add(dest: str, value) -> None:
        action = flags[dest]
        if action.nargs == 0:
            if value:
                argv.append(action.option_strings[0])
            return
        values = value if isinstance(value, (list, tuple)) else [value]
        argv.append(action.option_strings[0])
        argv.extend(_number(v) for v in values)

    for key, value in config.items():
        if value is None or key in LINEAGE or (value == "" and key != "model"):
            continue
        if kind == "text":
            if key == "target_modules" and value == "all-linear":
                value = ["all-linear"]
            if key in TEXT_SWITCHES and value is False:
                continue
            if key in flags and (key not in TEXT_SWITCHES or value is True):
                add(key, value)
                continue
        else:
            if key in ("model", "data"):
                add(key, value)
                continue
            if key == "mixed_precision" and value != "auto":
                add("precision", {"no": "fp32"}.get(value, value))
                continue
            if key == "gradient_checkpointing" and value is True:
                add(key, True)
                continue
            if key == "alpha" and float(value).is_integer():
                value = int(value)
            if key in IMAGE_DESTS and not (key == "alpha" and isinstance(value, float)):
                add(IMAGE_DESTS[key], value)
                continue
        if value != defaults.get(key):
            left_out.append(key)
    if nproc > 1:
        add("nproc", nproc)
    return {"argv": argv, "command": shlex.join(argv), "left_out": left_out}


def _number(value) -> str:
    """Numbers as the parser reads them back exactly (no 1e-04 surprises for an int field)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)
