"""Prepare a text run: resolve the run (new or resumed), check lineage, build model and data."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import UserError
from engine.text.config import TrainConfig
from engine.training import runs
from engine.i18n import N_, tr


def find_run_for(ctx) -> dict | None:
    """The run this job continues: ``params["resume"]``, or the run of the job being resumed."""
    if ctx.params.get("resume"):
        return runs.get_run(ctx.engine, str(ctx.params["resume"]))
    if ctx.resumed_from:
        row = ctx.workspace.db().execute("SELECT id FROM runs WHERE job_id = ?", (ctx.resumed_from,)).fetchone()
        if row:
            return runs.get_run(ctx.engine, row["id"])
    return None


def check_adapter_files(adapter) -> None:
    """An adapter whose folder lost its files is named with its path, not left to a loader's odd error."""
    from pathlib import Path
    folder = Path(adapter.path)
    wanted = [folder / "adapter_config.json"]
    missing = [p for p in wanted if not p.is_file()] or \
        ([] if any(folder.glob("*.safetensors")) or any(folder.glob("*.bin")) else [folder / "adapter_model.safetensors"])
    if missing:
        raise UserError(tr("adapter '{name}': its files are missing ({missing})", name=adapter.name, missing=missing[0]),
                        hint=tr("run 'aigc models verify {name}', then re-import or remove the adapter", name=adapter.name))


def refuse_gguf(base) -> None:
    if base.info.get("format") == "gguf":
        raise UserError(tr("model '{name}' is a GGUF file, which runs in llama.cpp but cannot be fine-tuned", name=base.name),
                        hint=tr("train the original Hugging Face model, then export it with 'aigc models export'"))


NPROC_MAX = 64


def check_nproc(value) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= NPROC_MAX:
        raise UserError(tr("the number of processes {value!r} must be a whole number from 1 to {nproc_max}", value=value, nproc_max=NPROC_MAX),
                        hint=tr("use 1 for one process, or the number of GPUs"), options=("--nproc",))


def check_new_run(engine, params: dict) -> None:
    """Everything about a new text run that can be refused before the job starts (no run folder)."""
    from pathlib import Path

    from engine.input_paths import check_input_file
    check_nproc(params.get("nproc"))
    if params.get("resume"):
        runs.get_run(engine, str(params["resume"]))
        return
    raw = dict(params.get("config") or {})
    if not raw:
        raise UserError(tr("text.train needs a config (model, data, ...) or a run to resume"))
    config = TrainConfig.from_dict(raw).validate()
    base = engine.models.get(config.model)
    if base.kind != "text":
        raise UserError(tr("model '{name}' is an {kind} model; text training needs a text model", name=base.name, kind=base.kind))
    if base.role != "base":
        raise UserError(tr("model '{name}' is an adapter", name=base.name), hint=tr("train on its base model instead"))
    refuse_gguf(base)
    config.check_names(engine)
    if config.output_name:   # before the job exists: a queued or running training may take the name
        engine.models.check_name_not_pending(config.output_name, "--output-name")
    if config.init_adapter:
        adapter = engine.models.get(config.init_adapter)
        if adapter.role != "adapter" or adapter.kind != "text":
            raise UserError(tr("the adapter to start from, {name}, is not a text adapter", name=adapter.name),
                            hint=tr("choose a text adapter from the model list"), options=("--init-adapter",))
        check_adapter_files(adapter)
    data = Path(str(config.data)).expanduser()
    if data.suffix.lower() in (".jsonl", ".json") or data.exists():
        check_input_file(data, N_("training data file"))
        from engine.text.data import load_examples
        load_examples(engine, str(data))  # a bad line is named now, before a run folder exists
    else:
        info = engine.data.get(config.data)
        if info.modality != "text":
            raise UserError(tr("training data: dataset '{name}' holds {modality} examples, not text", name=info.name, modality=info.modality),
                            hint=tr("choose a text dataset"), options=("--data",))


def resolve_run(ctx, nproc: int = 1) -> tuple[TrainConfig, dict, list[dict], bool]:
    """(config, run, raw examples, resumed?) with the base model hash and dataset checked on resume."""
    from engine.text.data import load_examples
    from engine.text.preflight import preflight_training
    engine = ctx.engine
    run = find_run_for(ctx)
    if run is not None:
        if run["kind"] != "text":
            raise UserError(tr("run {id} is an {kind} run, not a text run", id=run['id'], kind=run['kind']))
        if run.get("job_state") in ("running", "queued") and run["job_id"] != ctx.job_id:
            raise UserError(tr("run {id} is already being trained by job {job_id}", id=run['id'], job_id=run['job_id']),
                            hint=tr("wait for it, or cancel that job first"))
        if run["state"] == "succeeded":
            raise UserError(tr("run {id} already finished", id=run['id']), hint=tr("start a new run instead"))
        config = TrainConfig.from_dict(run["config"])
        base = engine.models.get(config.model)
        if config.base_sha256 and base.sha256 != config.base_sha256:
            raise UserError(tr("base model '{name}' changed since run {id} started", name=base.name, id=run['id']),
                            hint=tr("re-import the original model to resume, or start a new run"))
        rows, ref = load_examples(engine, config.data, config.data_version)
        if config.dataset_ref.get("hash") and ref.get("hash") != config.dataset_ref.get("hash"):
            raise UserError(tr("dataset '{data}' changed since run {id} started", data=config.data, id=run['id']),
                            hint=tr("resume needs the same dataset version; start a new run for new data"))
        preflight_training(engine, config, nproc=nproc)
        return config, run, rows, True
    raw = dict(ctx.params.get("config") or {})
    if not raw:
        raise UserError(tr("text.train needs a config (model, data, ...) or a run to resume"))
    config = TrainConfig.from_dict(raw).validate()
    config.check_names(engine)
    base = engine.models.get(config.model)
    if base.kind != "text":
        raise UserError(tr("model '{name}' is an {kind} model; text training needs a text model", name=base.name, kind=base.kind))
    if base.role != "base":
        raise UserError(tr("model '{name}' is an adapter", name=base.name), hint=tr("train on its base model instead"))
    refuse_gguf(base)
    rows, ref = load_examples(engine, config.data, config.data_version)
    config.model = base.name
    if config.max_length is None:
        from engine.text.preflight import model_shape
        config.max_length = min(512, int(model_shape(base.path, base.info)["context"] or 512))
    config.base_sha256 = base.sha256
    config.dataset_ref = ref
    config.data_version = ref.get("version")
    preflight_training(engine, config, nproc=nproc)
    run = runs.create_run(engine, "text", config.to_dict(), ctx.job_id)
    return config, run, rows, False


@dataclass
class Precision:
    name: str                 # fp32 | bf16 | fp16
    device: str
    scaler: object = None
    extra: dict = field(default_factory=dict)

    def autocast(self):
        import contextlib
        import torch
        if self.name == "fp32":
            return contextlib.nullcontext()
        dtype = torch.bfloat16 if self.name == "bf16" else torch.float16
        return torch.autocast(device_type=self.device, dtype=dtype)


def choose_precision(config: TrainConfig, device) -> Precision:
    import torch
    name = config.precision
    if name == "auto":
        # CPU stays fp32: bf16 autocast measured 2x slower than fp32 here for small models
        # (autocast casts dominate); ask for --precision bf16 explicitly to try it.
        name = ("bf16" if device.bf16_supported else "fp16") if device.kind == "cuda" else "fp32"
    if name == "fp16" and device.kind != "cuda":
        raise UserError(tr("fp16 precision needs a CUDA GPU"), hint=tr("use automatic precision"), options=("--precision auto",))
    scaler = torch.amp.GradScaler("cuda") if name == "fp16" else None
    return Precision(name, device.kind, scaler)


def start_adapter(engine, config: TrainConfig, base) -> str | None:
    """The folder of ``config.init_adapter`` after checking it fits ``base``; adopts its LoRA shape."""
    if not config.init_adapter:
        return None
    if config.method == "full":
        raise UserError(tr("starting from an adapter needs the LoRA method"),
                        hint=tr("start without an adapter for a full fine-tune"), options=("--init-adapter", "--method lora"))
    adapter = engine.models.get(config.init_adapter)
    if adapter.role != "adapter" or adapter.kind != "text":
        raise UserError(tr("{name} is not a text adapter", name=adapter.name), hint=tr("name an adapter from 'aigc models list'"))
    if adapter.base_id != base.id:
        raise UserError(tr("adapter {name} was trained on another base model", name=adapter.name),
                        hint=tr("train on its base, or start without an adapter"))
    import json
    from pathlib import Path
    check_adapter_files(adapter)
    from engine.safe_json import load_file
    settings = load_file(Path(adapter.path) / "adapter_config.json", N_("adapter config"))
    config.lora_r = int(settings.get("r", config.lora_r))
    config.lora_alpha = int(settings.get("lora_alpha", config.lora_alpha))
    targets = settings.get("target_modules")
    config.target_modules = sorted(targets) if isinstance(targets, list) else targets or config.target_modules
    return str(adapter.path)


def build_model(config: TrainConfig, base_path: str, device, checkpoint=None, init_adapter_path=None):
    """The trainable model: LoRA-wrapped base, or the full model (from the checkpoint when resuming)."""
    import torch
    from engine.text.loader import load_model
    from engine.text.lora import apply_lora
    quant = None
    if config.method == "qlora":
        quant = qlora_config(device)
    if config.method == "full":
        source = str(checkpoint / "model") if checkpoint is not None else base_path
        model = load_model(source, "float32", device.kind)
    else:
        # frozen base in the GPU's half precision under autocast; fp32 where there is no autocast (CPU, MPS)
        dtype = device.dtype if device.kind == "cuda" else "float32"
        model = load_model(base_path, dtype, device.kind, quantization_config=quant)
        if quant is not None:
            from peft import prepare_model_for_kbit_training
            model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=config.gradient_checkpointing)
        model = apply_lora(model, config.lora_r, config.lora_alpha, config.lora_dropout, config.target_modules)
        start = checkpoint / "adapter" if checkpoint is not None else init_adapter_path
        if start is not None:
            from pathlib import Path

            from peft import set_peft_model_state_dict
            from safetensors.torch import load_file
            set_peft_model_state_dict(model, load_file(str(Path(start) / "adapter_model.safetensors")))
        for param in model.parameters():  # trainable weights in fp32 whatever the base dtype
            if param.requires_grad and param.dtype != torch.float32:
                param.data = param.data.float()
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model, "enable_input_require_grads"):
            model.enable_input_require_grads()
    model.config.use_cache = False
    return model


def qlora_config(device):
    if device.kind != "cuda":
        raise UserError(tr("QLoRA needs a CUDA GPU"), hint=tr("use the LoRA method on this machine"), options=("--method lora",))
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise UserError(tr("QLoRA needs the bitsandbytes package"), hint=tr("install the 'cuda' extra, or use the LoRA method"), options=("--method lora",)
                        ) from None
    import torch
    from transformers import BitsAndBytesConfig
    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                              bnb_4bit_compute_dtype=torch.bfloat16 if device.bf16_supported else torch.float16)
