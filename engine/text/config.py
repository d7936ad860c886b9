"""The typed configuration of a text training run, saved as ``config.json`` beside the run."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine.errors import UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.i18n import tr

METHODS = ("lora", "full", "qlora")
SCHEDULES = ("cosine", "linear", "constant")


@dataclass
class TrainConfig:
    model: str                          # catalog name or id of the base model
    data: str                           # dataset name, or a path to a JSONL file
    method: str = "lora"
    output_name: str | None = None      # catalog name of the result (default: "<model>-<run id>")
    init_adapter: str | None = None     # start LoRA from this adapter's weights (retrain with feedback)
    data_version: int | None = number(None, lo=1, integer=True, flag="--data-version")
    # optimisation
    learning_rate: float = number(2e-4, lo=0, hi=1, lo_open=True, flag="--learning-rate")
    weight_decay: float = number(0.0, lo=0, hi=1, flag="--weight-decay")
    warmup_steps: int = number(0, lo=0, hi=10_000_000, integer=True, flag="--warmup-steps")
    warmup_ratio: float = number(0.03, lo=0, hi=1, hi_open=True)
    schedule: str = "cosine"
    max_grad_norm: float = number(1.0, lo=0, hi=1e6, lo_open=True)
    batch_size: int = number(4, lo=1, hi=4096, integer=True, flag="--batch-size")
    grad_accum: int = number(1, lo=1, hi=4096, integer=True, flag="--grad-accum")
    epochs: float = number(1.0, lo=0, hi=10_000, lo_open=True, flag="--epochs")
    max_steps: int | None = number(None, lo=1, hi=10_000_000, integer=True, flag="--max-steps")  # overrides epochs
    seed: int = seed_field(42)
    # data
    max_length: int | None = number(None, lo=8, hi=1_048_576, integer=True, flag="--max-length")  # None: min(512, context)
    packing: bool = False
    group_by_length: bool = True
    val_fraction: float = number(0.1, lo=0, hi=1, hi_open=True, flag="--val-fraction")  # held out without a val split
    system: str | None = None           # system prompt added to every example
    # LoRA
    lora_r: int = number(8, lo=1, hi=1024, integer=True, flag="--lora-r")
    lora_alpha: int = number(16, lo=1, hi=65_536, integer=True, flag="--lora-alpha")
    lora_dropout: float = number(0.05, lo=0, hi=1, hi_open=True, flag="--lora-dropout")
    target_modules: list[str] | str | None = None   # None: chosen per architecture
    # runtime
    gradient_checkpointing: bool = False
    precision: str = "auto"             # auto | fp32 | bf16 | fp16
    # checkpoints, validation
    save_every: int = number(50, lo=1, hi=10_000_000, integer=True, flag="--save-every")
    keep_checkpoints: int = number(2, lo=1, hi=1000, integer=True, flag="--keep-checkpoints")
    eval_every: int = number(50, lo=1, hi=10_000_000, integer=True, flag="--eval-every")
    early_stopping_patience: int | None = number(None, lo=1, hi=1_000_000, integer=True, flag="--patience")
    use_best: bool = True               # final output = best validation checkpoint when there is one
    log_every: int = number(1, lo=1, hi=1_000_000, integer=True)
    merge: bool = False                 # also write the adapter merged into the base as a full model
    # filled in when the run starts (lineage)
    base_sha256: str | None = None
    dataset_ref: dict = field(default_factory=dict)

    def validate(self) -> "TrainConfig":
        if self.method not in METHODS:
            raise UserError(tr("training method {method} is not one of {items}", method=self.method, items=', '.join(METHODS)), options=("--method",))
        if self.schedule not in SCHEDULES:
            raise UserError(tr("learning-rate schedule {schedule} is not one of {items}", schedule=self.schedule, items=', '.join(SCHEDULES)),
                            options=("--schedule",))
        check_fields(self)
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise UserError(tr("precision {precision} is not auto, fp32, bf16 or fp16", precision=self.precision), options=("--precision",))
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(tr("unknown training option '{unknown}'", unknown=unknown[0]), hint=tr("leave it out"))
        return cls(**data)

    def check_names(self, engine) -> None:
        """Model, adapter and output names, checked before the run starts (no folder is made for a bad one)."""
        if self.output_name is not None:
            self.output_name = engine.models.check_new_name(self.output_name, "--output-name")
