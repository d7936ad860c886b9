"""Image models: import, LoRA training and generation over diffusers (facade ``engine.image``).

Importing this package stays cheap; torch and diffusers load on first use.
"""
from __future__ import annotations

import threading
from pathlib import Path

from engine.i18n import tr


class ImageAPI:
    """Facade for the GUI and the CLI. Long operations are jobs: ``image.train``, ``image.generate``."""

    def __init__(self, engine):
        self.engine = engine
        self._lock = threading.RLock()
        self._pipe = None
        self._pipe_key = None
        self._adapter_key = None
        self._img2img_pipe = None
        self._openvino = None

    # -- jobs ------------------------------------------------------------------
    def train(self, params: dict):
        """Start a LoRA training job (see ``engine.image.train_config.ImageTrainConfig``); returns the Job."""
        return self.engine.jobs.submit("image.train", params)

    def generate(self, params: dict):
        """Start a generation job (prompt, model, adapter, steps ...); returns the Job."""
        return self.engine.jobs.submit("image.generate", params)

    # -- direct use ------------------------------------------------------------
    def generator(self, model, adapter=None, adapter_scale: float = 1.0, ctx=None):
        """A generator for ``model`` (+ ``adapter``). ``ctx`` (a job's context) gets the progress of
        building the OpenVINO copy when the generation's backend needs one."""
        from engine.image.generator import ImageGenerator
        from engine.image.pipeline import resolve
        base = resolve(self.engine, model, "base")
        lora = resolve(self.engine, adapter, "adapter") if adapter else None
        return ImageGenerator(self, base, lora, adapter_scale, ctx)

    def backend(self) -> str:
        """The workspace's default image backend: auto, torch or openvino."""
        from engine.image.backend_choice import default_backend
        return default_backend(self.engine)

    def set_backend(self, backend: str) -> None:
        from engine.image.backend_choice import SETTING, check_backend
        check_backend(backend)
        self.engine.workspace.set_setting(SETTING, backend)

    def default_out_dir(self) -> Path:
        return self.engine.workspace.folder("outputs", "images")

    def unload(self) -> None:
        """Free the loaded pipeline (memory on demand)."""
        with self._lock:
            self._pipe = self._pipe_key = self._adapter_key = self._img2img_pipe = self._openvino = None
            import gc
            gc.collect()
            from engine.image.pipeline import clear_cuda
            clear_cuda()

    # -- internals shared with the generator -------------------------------------
    def _pipeline_for(self, base, adapter, scale: float):
        """The shared pipeline set up for ``base`` + ``adapter``; the caller holds ``self._lock``
        for as long as it uses it (``ImageGenerator.generate`` does)."""
        from engine.image import lora_io
        from engine.image.pipeline import load_pipeline, torch_setup
        device, dtype, info = torch_setup()
        with self._lock:
            key = (str(base.path), base.sha256, str(device), str(dtype))
            if self._pipe_key != key:
                self.unload()
                self._pipe = load_pipeline(base.path, device, dtype)
                self._pipe_key = key
            pipe = self._pipe
            wanted = (str(adapter.path), adapter.sha256) if adapter else None
            if wanted != self._adapter_key:
                if self._adapter_key is not None:
                    pipe.unload_lora_weights()
                    self._img2img_pipe = None
                self._adapter_key = None
                if adapter is not None:
                    lora_io.check_compatible(pipe, adapter.path, base.family)
                    from engine.image.pipeline import LOADING
                    try:
                        with LOADING:
                            pipe.load_lora_weights(str(lora_io.lora_file(adapter.path)), adapter_name="active")
                    except (ValueError, RuntimeError, KeyError) as exc:
                        pipe.unload_lora_weights()
                        from engine.errors import UserError
                        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                        raise UserError(f"{adapter.path}: cannot apply this LoRA ({text[:200]})",
                                        hint="the LoRA was made for a different base architecture") from None
                    self._adapter_key = wanted
            if adapter is not None:
                pipe.set_adapters(["active"], adapter_weights=[float(scale)])
            return pipe, device, info

    def _openvino_for(self, base, adapter, scale: float, pipe, ctx):
        """The compiled OpenVINO copy of ``pipe`` as set up now (``base`` + ``adapter`` at ``scale``), converted
        once into the workspace's cache; None (reason logged) when the copy was refused. The caller holds
        ``self._lock``."""
        from engine import devices
        from engine.image import openvino_cache
        from engine.image.openvino_run import OpenVINOParts
        name = openvino_cache.entry_name(base, adapter, scale)
        if self._openvino is not None and self._openvino.name == name:
            return self._openvino
        self._openvino = None
        record = openvino_cache.ensure(self.engine, base, adapter, scale, pipe, ctx)
        if not record["verified"]:
            ctx.log(tr("generating with PyTorch: the OpenVINO copy was refused ({reason})", reason=record.get("reason")))
            return None
        self._openvino = OpenVINOParts(name, record, openvino_cache.compiled_dir(self.engine.workspace),
                                       devices.cpu_threads())
        return self._openvino

    def _img2img(self, pipe):
        if self._img2img_pipe is None:
            from diffusers import AutoPipelineForImage2Image
            self._img2img_pipe = AutoPipelineForImage2Image.from_pipe(pipe)
            self._img2img_pipe.set_progress_bar_config(disable=True)
        self._img2img_pipe.scheduler = pipe.scheduler
        return self._img2img_pipe
