"""``engine.text``: the facade for text training and generation.

It keeps the last base model loaded (one at a time, to bound memory) and loads
adapters into it by name, so switching adapter never reloads the base.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from engine.errors import UserError
from engine.jobs.context import NoJob
from engine.i18n import tr

_log = logging.getLogger(__name__)


class LoadedModel:
    """A base model on its device, with the adapters loaded into it so far."""

    def __init__(self, base, quantize: str | None = None, merged_adapter=None):
        import warnings
        import torch
        from transformers.utils import logging as hf_logging
        from engine import devices
        from engine.text.loader import load_model, load_tokenizer
        hf_logging.disable_progress_bar()
        self.base = base
        self.quantize = quantize
        self.lock = threading.RLock()
        info = devices.detect()
        if quantize == "int8" and info.kind != "cpu":
            raise UserError(tr("int8 dynamic quantization is for CPU inference"), hint=tr("turn off int8 quantization on a GPU"), options=("--int8",))
        self.device = info.kind
        dtype = "float32" if info.kind == "cpu" else info.dtype
        self.tokenizer = load_tokenizer(base.path)
        self.model = load_model(base.path, dtype, self.device)
        self.adapters: dict[str, str] = {}
        self.merged_adapter = merged_adapter
        if merged_adapter is not None:
            from peft import PeftModel
            self.model = PeftModel.from_pretrained(self.model, merged_adapter.path, is_trainable=False).merge_and_unload()
        if quantize == "int8":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from torch.ao.quantization import quantize_dynamic
                self.model = quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model.eval()
        self.model.config.use_cache = True
        from engine.models.text_check import context_length
        self.context_length = context_length(self.model.config)
        eos = getattr(self.model.generation_config, "eos_token_id", None)
        eos = list(eos) if isinstance(eos, (list, tuple)) else ([eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None and self.tokenizer.eos_token_id not in eos:
            eos.append(self.tokenizer.eos_token_id)
        self.eos_ids = eos or None

    def ensure_adapter(self, adapter) -> str:
        if self.quantize == "int8":
            raise UserError(tr("an int8 model cannot switch adapters"), hint=tr("ask for the adapter when loading"))
        if adapter.id in self.adapters:
            return self.adapters[adapter.id]
        from peft import PeftModel
        name = "a_" + adapter.id.replace("-", "_")
        with self.lock:
            if isinstance(self.model, PeftModel):
                self.model.load_adapter(adapter.path, adapter_name=name, is_trainable=False)
            else:
                self.model = PeftModel.from_pretrained(self.model, adapter.path, adapter_name=name,
                                                       is_trainable=False)
            self.model.eval()
        self.adapters[adapter.id] = name
        return name

    @contextmanager
    def adapter_context(self, name: str | None):
        from peft import PeftModel
        if isinstance(self.model, PeftModel):
            if name is None:
                with self.model.disable_adapter():
                    yield
                return
            self.model.set_adapter(name)
        yield


class TextAPI:
    def __init__(self, engine):
        self.engine = engine
        self._loaded: LoadedModel | None = None
        self._load_lock = threading.Lock()

    # -- models ------------------------------------------------------------------
    def _resolve(self, model, adapter=None):
        models = self.engine.models
        model = models.get(model) if isinstance(model, str) else model
        adapter = models.get(adapter) if isinstance(adapter, str) else adapter
        if model.kind != "text":
            raise UserError(tr("model '{name}' is an {kind} model, not a text model", name=model.name, kind=model.kind))
        if model.role == "adapter":
            if adapter is not None:
                raise UserError(tr("'{name}' is an adapter; choose its base model as the model", name=model.name), options=("--model",))
            adapter, model = model, models.get(model.base_id)
        if adapter is not None:
            if adapter.role != "adapter" or adapter.kind != "text":
                raise UserError(tr("'{name}' is not a text adapter", name=adapter.name))
            if (adapter.info or {}).get("method") == "sequence-classification":
                raise UserError(tr("'{name}' is a classification head; it answers its classify task and cannot generate text", name=adapter.name), hint=tr("use it with 'aigc task run' or 'aigc task eval'"))
            if adapter.base_id != model.id:
                base = models.get(adapter.base_id)
                raise UserError(tr("adapter '{name}' was trained on '{name2}', not '{name3}'", name=adapter.name, name2=base.name, name3=model.name),
                                hint=tr("use the model {name}", name=base.name), options=("--model",))
            from engine.text.setup import check_adapter_files
            check_adapter_files(adapter)
        return model, adapter

    def generator(self, model, adapter=None, quantize: str | None = None, backend: str | None = None,
                  quant: str | None = None, ctx=None):
        """A generator for ``model`` (+ ``adapter``); reuses the loaded model when it can.

        ``backend`` auto|torch|llamacpp (default: the workspace setting, else auto) decides whether a
        PyTorch model runs in PyTorch (``TextGenerator``) or through its cached GGUF copy in llama.cpp
        (``FastGenerator``); ``quant`` picks that copy's quantization (f16 unless asked). ``ctx`` (a job's
        context) gets the progress of building the copy and can cancel it.
        """
        base, adapter = self._resolve(model, adapter)
        if base.info.get("format") == "gguf":
            if backend == "torch" or quant is not None:
                raise UserError(f"'{base.name}' is a GGUF model: it runs in llama.cpp as it is",
                                hint="drop the torch backend and the quantization for this model")
            return self._gguf_generator(base, adapter, quantize)
        from engine.deploy.backend_choice import choose
        chosen, why = choose(self.engine, base, backend, quant, quantize)
        if chosen == "llamacpp":
            fast = self._fast_generator(base, adapter, quant or "f16", ctx)
            if fast is not None:
                return fast
        return self._torch_generator(base, adapter, quantize)

    def _fast_generator(self, base, adapter, quant: str, ctx):
        """The llama.cpp generator over the cached GGUF copy; None (reason logged) when the copy disagreed."""
        from engine.deploy import gguf_cache
        from engine.deploy.fast_generate import FastGenerator, LoadedFast
        ctx = ctx if ctx is not None else NoJob()
        with self._load_lock:
            current = self._loaded
            same = (isinstance(current, LoadedFast) and current.base.id == base.id and current.quant == quant
                    and (current.adapter.id if current.adapter else None) == (adapter.id if adapter else None))
            if not same:
                self._loaded = current = None      # free the previous model before converting or loading
                import gc
                gc.collect()
                record = gguf_cache.ensure(self.engine, base, adapter, quant, ctx)
                if not record["verified"]:
                    message = tr("generating with PyTorch: the llama.cpp copy was refused ({reason})",
                                 reason=record.get("reason"))
                    ctx.log(message)
                    _log.warning(message)
                    return None
                current = LoadedFast(base, adapter, record)
                self._loaded = current
        return FastGenerator(current, base.name, adapter.name if adapter else None,
                             lambda: self._torch_generator(base, adapter, None))

    def _torch_generator(self, base, adapter, quantize):
        from engine.text.generator import TextGenerator
        from engine.text.preflight import preflight_inference
        merged = adapter if quantize == "int8" else None
        with self._load_lock:
            current = self._loaded
            same = (isinstance(current, LoadedModel) and current.base.id == base.id and current.quantize == quantize
                    and (current.merged_adapter.id if current.merged_adapter else None) == (merged.id if merged else None))
            if not same:
                self._loaded = None
                current = None
                import gc
                gc.collect()
                preflight_inference(self.engine, base.id)
                current = LoadedModel(base, quantize, merged)
                self._loaded = current
        name = current.ensure_adapter(adapter) if adapter is not None and merged is None else None
        return TextGenerator(current, name, base.name, adapter.name if adapter else None)

    def _gguf_generator(self, base, adapter, quantize):
        """A GGUF model runs in llama.cpp; it holds the same one-model slot as a PyTorch model."""
        from engine.deploy.runtime import GGUFGenerator, LoadedGGUF
        if adapter is not None:
            raise UserError(tr("'{name}' is a GGUF model; adapters cannot be applied to it", name=base.name),
                            hint=tr("export the base model with this adapter merged to get one GGUF file"))
        if quantize:
            raise UserError(tr("'{name}' is a GGUF model, already quantized ({get})", name=base.name, get=base.info.get('quant')),
                            hint=tr("turn off int8 quantization"), options=("--int8",))
        with self._load_lock:
            current = self._loaded
            if not (isinstance(current, LoadedGGUF) and current.base.id == base.id):
                self._loaded = None
                import gc
                gc.collect()
                current = LoadedGGUF(base)
                self._loaded = current
        return GGUFGenerator(current, base.name)

    def generation_backend(self) -> str:
        """The workspace's default generation backend: auto, torch or llamacpp."""
        from engine.deploy.backend_choice import default_backend
        return default_backend(self.engine)

    def set_generation_backend(self, backend: str) -> None:
        from engine.deploy.backend_choice import SETTING, check_backend
        check_backend(backend, None)
        self.engine.workspace.set_setting(SETTING, backend)

    def unload(self) -> None:
        with self._load_lock:
            self._loaded = None
        import gc
        gc.collect()

    def loaded(self) -> dict | None:
        current = self._loaded
        if current is None:
            return None
        return {"model": current.base.name, "adapters": sorted(current.adapters), "quantize": current.quantize,
                "device": current.device}

    def render_template(self, model, messages: list[dict] | None = None, add_generation_prompt: bool = True) -> str:
        """The exact text the model sees for ``messages`` (to show and test a chat template)."""
        from engine.text.loader import load_tokenizer
        from engine.text.templates import render
        base, _ = self._resolve(model)
        messages = messages or [{"role": "system", "content": "You are helpful."},
                                {"role": "user", "content": "Hello!"}]
        if base.info.get("format") == "gguf":
            from engine.deploy.runtime import render_gguf_template
            return render_gguf_template(base, messages, add_generation_prompt)
        return render(load_tokenizer(base.path), messages, add_generation_prompt)

    # -- jobs ---------------------------------------------------------------------
    def preflight(self, config: dict, nproc: int = 1) -> dict:
        """Memory estimate for a training config (per process when ``nproc`` > 1); raises UserError with
        suggestions when it cannot fit."""
        from engine.text.config import TrainConfig
        from engine.text.preflight import model_shape, preflight_training
        cfg = TrainConfig.from_dict(dict(config)).validate()
        if cfg.max_length is None:
            base = self.engine.models.get(cfg.model)
            cfg.max_length = min(512, int(model_shape(base.path, base.info)["context"] or 512))
        return preflight_training(self.engine, cfg, nproc=nproc)

    def train(self, config: dict, nproc: int = 1):
        params = {"config": dict(config)}
        if nproc > 1:
            params["nproc"] = nproc   # torchrun ranks with DDP (engine.distributed)
        return self.engine.jobs.submit("text.train", params)

    def resume(self, run_id: str):
        from engine.training.runs import get_run
        run = get_run(self.engine, run_id)
        return self.engine.jobs.submit("text.train", {"resume": run["id"]}, title=f"Resume {run['id']}")

    def generate(self, model, prompts: list[str], params: dict | None = None, adapter=None, system=None,
                 chat: bool = True, quantize: str | None = None, backend: str | None = None,
                 quant: str | None = None, history: list[dict] | None = None):
        """``history``: earlier turns of a conversation (alternating user/assistant), rendered before each prompt."""
        job = {"model": model, "adapter": adapter, "prompts": list(prompts), "params": dict(params or {}),
               "system": system, "chat": chat, "quantize": quantize, "backend": backend, "quant": quant}
        if history:
            job["history"] = list(history)
        return self.engine.jobs.submit("text.generate", job)

    def runs(self) -> list[dict]:
        from engine.training.runs import list_runs
        return list_runs(self.engine, kind="text")
