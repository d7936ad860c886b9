"""The typed config of an image LoRA run, saved as config.json in the run folder."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from engine.errors import UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.i18n import N_, tr


@dataclass
class ImageTrainConfig:
    model: str = ""                    # catalog name/id or pipeline folder
    data: str = ""                     # dataset name or image folder
    data_version: int | None = number(None, lo=1, integer=True, flag="--data-version")
    output_name: str = ""              # adapter name in the catalog
    init_adapter: str = ""             # start from this adapter's weights (retrain with feedback)
    resolution: int = number(0, lo=8, hi=4096, integer=True, flag="--resolution",
                             zero_means=N_("the model's native size"))
    max_steps: int = number(0, lo=1, hi=10_000_000, integer=True, flag="--max-steps", zero_means=N_("use the number of epochs"))
    epochs: int = number(1, lo=1, hi=10_000, integer=True, flag="--epochs")
    batch_size: int = number(1, lo=1, hi=256, integer=True, flag="--batch-size")
    gradient_accumulation: int = number(1, lo=1, hi=4096, integer=True, flag="--grad-accum")
    learning_rate: float = number(1e-4, lo=0, hi=1, flag="--learning-rate")   # 0: the weights stay as they start
    text_encoder_lr: float = number(5e-5, lo=0, hi=1, lo_open=True)
    rank: int = number(8, lo=1, hi=2**50, integer=True, flag="--lora-r")
    alpha: float = number(8.0, lo=0, hi=65_536, lo_open=True, flag="--lora-alpha")
    train_text_encoder: bool = False
    center_crop: bool = True
    buckets: bool = False
    flip: bool = True
    caption_dropout: float = number(0.05, lo=0, hi=1, hi_open=True)
    noise_offset: float = number(0.0, lo=0, hi=1)
    snr_gamma: float = number(5.0, lo=0, hi=100)      # min-SNR weighting; 0 turns it off
    mixed_precision: str = "auto"      # auto | no | fp16 | bf16
    gradient_checkpointing: bool = False
    use_8bit_adam: bool = False        # only with bitsandbytes on CUDA
    seed: int = seed_field(42)
    checkpoint_every: int = number(50, lo=1, hi=10_000_000, integer=True, flag="--save-every",
                                   zero_means=N_("no checkpoints"))
    keep_checkpoints: int = number(2, lo=1, hi=1000, integer=True, flag="--keep-checkpoints")
    validation_every: int = number(0, lo=1, hi=10_000_000, integer=True, flag="--eval-every",
                                   zero_means=N_("only at the end"))
    validation_prompts: list[str] = field(default_factory=list)
    validation_seed: int = seed_field(1234, flag=None)
    validation_steps: int = number(20, lo=1, hi=500, integer=True)
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

    def check_names(self, engine) -> None:
        """The adapter name, checked before training starts (no run folder for a taken or unusable name)."""
        if self.output_name:
            self.output_name = engine.models.check_new_name(self.output_name, "--output-name")

    def validate(self) -> None:
        if not self.model:
            raise UserError(tr("no base model given"), hint=tr("choose a base model"), options=("--model NAME",))
        if not self.data:
            raise UserError(tr("no training data given"), hint=tr("choose a dataset or an image folder"), options=("--data",))
        check_fields(self)
        if self.resolution and self.resolution % 8:
            raise UserError(tr("resolution {resolution} is not a multiple of 8", resolution=self.resolution),
                            hint=tr("use {value} or {value2}", value=self.resolution - self.resolution % 8 or 8, value2=self.resolution - self.resolution % 8 + 8))
        for name in ("batch_size", "rank", "epochs", "gradient_accumulation"):
            if int(getattr(self, name)) < 1:
                raise UserError(tr("{name} must be at least 1 (got {getattr})", name=name, getattr=getattr(self, name)))
        if not 0 <= self.caption_dropout < 1:
            raise UserError(tr("caption_dropout {caption_dropout} must be in [0, 1)", caption_dropout=self.caption_dropout))
        if self.mixed_precision not in ("auto", "no", "fp16", "bf16"):
            raise UserError(tr("mixed_precision '{mixed_precision}' is not auto, no, fp16 or bf16", mixed_precision=self.mixed_precision))

    def to_dict(self) -> dict:
        return asdict(self)
