"""The typed config of an image LoRA run, saved as config.json in the run folder."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine.errors import UserError


@dataclass
class ImageTrainConfig:
    model: str = ""                    # catalog name/id or pipeline folder
    data: str = ""                     # dataset name or image folder
    data_version: int | None = None
    output_name: str = ""              # adapter name in the catalog
    init_adapter: str = ""             # start from this adapter's weights (retrain with feedback)
    resolution: int = 0                # 0: the model's native size
    max_steps: int = 0                 # 0: use epochs
    epochs: int = 1
    batch_size: int = 1
    gradient_accumulation: int = 1
    learning_rate: float = 1e-4
    text_encoder_lr: float = 5e-5
    rank: int = 8
    alpha: float = 8.0
    train_text_encoder: bool = False
    center_crop: bool = True
    buckets: bool = False
    flip: bool = True
    caption_dropout: float = 0.05
    noise_offset: float = 0.0
    snr_gamma: float = 5.0             # min-SNR weighting; 0 turns it off
    mixed_precision: str = "auto"      # auto | no | fp16 | bf16
    gradient_checkpointing: bool = False
    use_8bit_adam: bool = False        # only with bitsandbytes on CUDA
    seed: int = 42
    checkpoint_every: int = 50
    keep_checkpoints: int = 2
    validation_every: int = 0          # 0: only at the end
    validation_prompts: list[str] = field(default_factory=list)
    validation_seed: int = 1234
    validation_steps: int = 20
    register: bool = True
    base_sha256: str = ""              # set when the run starts: a resume refuses a changed base model
    dataset_hash: str = ""             # ... or changed training data

    @classmethod
    def given(cls, params: dict) -> dict:
        """The config fields that ``params`` sets (aliases resolved, None left out)."""
        names = {f.name for f in fields(cls)}
        aliases = {"steps": "max_steps", "lr": "learning_rate", "name": "output_name", "lora_rank": "rank",
                   "lora_alpha": "alpha", "version": "data_version"}
        values = {}
        for key, value in (params or {}).items():
            key = aliases.get(key, key)
            if key in names and value is not None:
                values[key] = value
        return values

    @classmethod
    def from_params(cls, params: dict) -> "ImageTrainConfig":
        config = cls(**cls.given(params))
        config.validate()
        return config

    def conflicts(self, params: dict) -> dict:
        """field -> (this config's value, the value in params) where params set something else."""
        mine = self.to_dict()
        return {key: (mine[key], value) for key, value in self.given(params).items()
                if key not in ("base_sha256", "dataset_hash") and value != mine[key]}

    def validate(self) -> None:
        if not self.model:
            raise UserError("no base model given", hint="pass --model NAME")
        if not self.data:
            raise UserError("no training data given", hint="pass --data DATASET or an image folder")
        if self.resolution and self.resolution % 8:
            raise UserError(f"resolution {self.resolution} is not a multiple of 8",
                            hint=f"use {self.resolution - self.resolution % 8 or 8} or {self.resolution - self.resolution % 8 + 8}")
        for name in ("batch_size", "rank", "epochs", "gradient_accumulation"):
            if int(getattr(self, name)) < 1:
                raise UserError(f"{name} must be at least 1 (got {getattr(self, name)})")
        if not 0 <= self.caption_dropout < 1:
            raise UserError(f"caption_dropout {self.caption_dropout} must be in [0, 1)")
        if self.mixed_precision not in ("auto", "no", "fp16", "bf16"):
            raise UserError(f"mixed_precision '{self.mixed_precision}' is not auto, no, fp16 or bf16")

    def to_dict(self) -> dict:
        return asdict(self)
