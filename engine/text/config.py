"""The typed configuration of a text training run, saved as ``config.json`` beside the run."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine.errors import UserError

METHODS = ("lora", "full", "qlora")
SCHEDULES = ("cosine", "linear", "constant")


@dataclass
class TrainConfig:
    model: str                          # catalog name or id of the base model
    data: str                           # dataset name, or a path to a JSONL file
    method: str = "lora"
    output_name: str | None = None      # catalog name of the result (default: "<model>-<run id>")
    init_adapter: str | None = None     # start LoRA from this adapter's weights (retrain with feedback)
    data_version: int | None = None
    # optimisation
    learning_rate: float = 2e-4
    weight_decay: float = 0.0
    warmup_steps: int = 0
    warmup_ratio: float = 0.03
    schedule: str = "cosine"
    max_grad_norm: float = 1.0
    batch_size: int = 4
    grad_accum: int = 1
    epochs: float = 1.0
    max_steps: int | None = None        # overrides epochs when given
    seed: int = 42
    # data
    max_length: int | None = None      # None: min(512, the model's context)
    packing: bool = False
    group_by_length: bool = True
    val_fraction: float = 0.1           # held out when the dataset has no validation split
    system: str | None = None           # system prompt added to every example
    # LoRA
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: list[str] | str | None = None   # None: chosen per architecture
    # runtime
    gradient_checkpointing: bool = False
    precision: str = "auto"             # auto | fp32 | bf16 | fp16
    # checkpoints, validation
    save_every: int = 50
    keep_checkpoints: int = 2
    eval_every: int = 50
    early_stopping_patience: int | None = None
    use_best: bool = True               # final output = best validation checkpoint when there is one
    log_every: int = 1
    merge: bool = False                 # also write the adapter merged into the base as a full model
    # filled in when the run starts (lineage)
    base_sha256: str | None = None
    dataset_ref: dict = field(default_factory=dict)

    def validate(self) -> "TrainConfig":
        if self.method not in METHODS:
            raise UserError(f"--method {self.method} is not one of {', '.join(METHODS)}")
        if self.schedule not in SCHEDULES:
            raise UserError(f"--schedule {self.schedule} is not one of {', '.join(SCHEDULES)}")
        checks = [("learning_rate", self.learning_rate > 0), ("batch_size", self.batch_size >= 1),
                  ("grad_accum", self.grad_accum >= 1), ("max_length", self.max_length is None or self.max_length >= 8),
                  ("epochs", self.epochs > 0), ("lora_r", self.lora_r >= 1), ("save_every", self.save_every >= 1),
                  ("eval_every", self.eval_every >= 1), ("keep_checkpoints", self.keep_checkpoints >= 1),
                  ("val_fraction", 0 <= self.val_fraction < 1),
                  ("max_steps", self.max_steps is None or self.max_steps >= 1)]
        for name, ok in checks:
            if not ok:
                raise UserError(f"training option {name}={getattr(self, name)} is out of range")
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise UserError(f"--precision {self.precision} is not auto, fp32, bf16 or fp16")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(f"unknown training option '{unknown[0]}'", hint="see 'aigc train --help'")
        return cls(**data)
