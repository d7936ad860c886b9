"""What serves each step of a run: a text generator, an image generator, or the template alone.

A backend resolves its model and adapter in the catalog once, at the start of a
run (a removed model is a clear error before any row is processed), and keeps
their SHA-256 digests for the provenance of every output.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import Cancelled, NotFound, UserError
from engine.tasks.definition import Step
from engine.i18n import tr

TEXT_PARAMS = ("max_new_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "num_beams", "stop")
IMAGE_PARAMS = ("steps", "width", "height", "guidance_scale", "negative_prompt", "scheduler", "strength")


def _lookup(engine, name: str, what: str, where: str):
    try:
        return engine.models.get(name)
    except NotFound:
        raise UserError(tr("{where}: {what} '{name}' is not in the model catalog (was it removed?)", where=where, what=what, name=name),
                        hint=tr("import it again with 'aigc models import', or change the task")) from None


@dataclass
class StepBackend:
    step: Step
    model_name: str | None = None
    model_sha256: str | None = None
    adapter_name: str | None = None
    adapter_sha256: str | None = None
    adapter_scale: float = 1.0
    model_quant: str | None = None      # GGUF models (llama.cpp): the file's quantization, for provenance

    @classmethod
    def resolve(cls, engine, task_name: str, step: Step) -> "StepBackend":
        where = f"task {task_name} step {step.name}"
        backend = cls(step)
        if step.model is None:
            if step.modality == "image":
                raise UserError(tr("{where}: an image step needs a model", where=where), hint=tr("set the step's model"))
            if step.adapter:
                raise UserError(tr("{where}: has an adapter but no model", where=where), hint=tr("set the step's model too"))
            return backend
        model = _lookup(engine, step.model, "model", where)
        if getattr(model, "kind", step.modality) != step.modality:
            raise UserError(tr("{where}: model '{model}' is a {kind} model but the step is {modality}", where=where, model=step.model, kind=model.kind, modality=step.modality))
        backend.model_name, backend.model_sha256 = model.name, model.sha256
        if model.info.get("format") == "gguf":
            backend.model_quant = model.info.get("quant")
        if step.adapter:
            adapter = _lookup(engine, step.adapter, "adapter", where)
            backend.adapter_name, backend.adapter_sha256 = adapter.name, adapter.sha256
        backend.adapter_scale = float(step.params.get("adapter_scale", 1.0))
        return backend

    @property
    def is_template(self) -> bool:
        return self.model_name is None

    def text(self, engine, prompts: list[str], params: dict, system: str, should_stop,
             seeds: list[int] | None = None, ctx=None) -> list[dict]:
        """One text per prompt, in one batched call: dicts with text, seed, batch and the parameters used.

        The step's own ``batch_size`` param caps the batch (1 turns batching off);
        each prompt keeps its seed whatever batch it lands in.
        """
        generator = engine.text.generator(self.model_name, self.adapter_name, ctx=ctx)   # the workspace's backend
        gen_params = {k: v for k, v in params.items() if k in TEXT_PARAMS or k == "seed"}
        size = self.step.params.get("batch_size")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
            raise UserError(tr("step {name}: params.batch_size is {size!r}, not a whole number >= 1", name=self.step.name, size=size),
                            hint=tr("set it to 1 or more, or remove it to batch the whole chunk"))
        gen_params["batch_size"] = size or max(1, len(prompts))
        results = generator.generate(prompts, gen_params, should_stop=should_stop, system=system or None,
                                     seeds=seeds)
        if should_stop():
            raise Cancelled()  # a text cut short by a cancel is not an output
        if len(results) != len(prompts):
            raise UserError(tr("step {name}: the generator returned {count} texts for {count2} prompts", name=self.step.name, count=len(results), count2=len(prompts)))
        return results

    def image(self, engine, prompt: str, params: dict, out_dir, should_stop) -> dict:
        """One image for a prompt: a dict with path, seed and the generator's provenance."""
        generator = engine.image.generator(self.model_name, self.adapter_name, self.adapter_scale)
        params = dict(params)
        if "num_inference_steps" in params:
            params.setdefault("steps", params.pop("num_inference_steps"))
        gen_params = {k: v for k, v in params.items() if k in IMAGE_PARAMS or k == "seed"}
        gen_params["batch_size"] = 1
        results = generator.generate(prompt, gen_params, should_stop=should_stop, out_dir=str(out_dir))
        if should_stop():
            raise Cancelled()
        if not results:
            raise UserError(tr("step {name}: the image generator returned no image", name=self.step.name))
        return results[0]
