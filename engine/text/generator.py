"""Text generation: batched prompts, streaming, sampling, stop strings, beams, chat, cancel mid-stream.

A ``TextGenerator`` wraps a loaded base model (kept by ``TextAPI`` between calls)
and the adapter to apply. Adapters are loaded into one ``PeftModel`` by name, so
switching adapter never reloads the base; the bare base runs with the adapters
disabled.

Prompts run ``batch_size`` at a time in one left-padded ``generate`` call.
Each prompt has its own seed and its own random stream (``engine.text.batching``),
so a prompt's output depends on its text, the parameters and its seed, not on
which prompts share its batch. Greedy and beam outputs are the same batched or
alone; a batched output can still differ from the same prompt run alone by
float noise (padded batches run other matrix shapes), which in rare near ties
changes a token. Results record the batch size and the prompt's position so a
run can be repeated exactly as it was made. Tokens that would make the text invalid
UTF-8 are never chosen (``engine.text.utf8_guard``), so no output holds U+FFFD.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from engine.errors import UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.text.templates import chat_messages, render
from engine.i18n import tr


@dataclass
class GenerationParams:
    max_new_tokens: int = number(128, lo=1, hi=131_072, integer=True, flag="--max-new-tokens")
    temperature: float = number(0.7, lo=0, hi=100, flag="--temperature")        # 0 means greedy
    top_p: float = number(0.9, lo=0, hi=1, lo_open=True, flag="--top-p")
    top_k: int = number(50, lo=0, hi=1_000_000, integer=True, flag="--top-k")
    repetition_penalty: float = number(1.1, lo=0, hi=100, lo_open=True, flag="--repetition-penalty")
    num_beams: int = number(1, lo=1, hi=64, integer=True, flag="--num-beams")
    stop: list[str] = field(default_factory=list)
    seed: int | None = seed_field(None)  # prompt i gets seed + i
    batch_size: int = number(8, lo=1, hi=1024, integer=True, flag="--batch-size")  # prompts per generate call

    @classmethod
    def from_dict(cls, data: dict | None) -> "GenerationParams":
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(tr("unknown generation parameter '{unknown}'", unknown=unknown[0]),
                            hint=tr("use max_new_tokens, temperature, top_p, top_k, repetition_penalty, num_beams, stop, seed, "
                                    "batch_size"))
        if isinstance(data.get("stop"), str):
            data["stop"] = [data["stop"]]
        params = cls(**{k: v for k, v in data.items() if v is not None})
        return check_fields(params)

    def to_dict(self) -> dict:
        return asdict(self)


def _stop_criteria(should_stop):
    from transformers import StoppingCriteria

    class UserStop(StoppingCriteria):
        triggered = False

        def __call__(self, input_ids, scores, **kwargs):
            import torch
            if should_stop is not None and should_stop():
                self.triggered = True
                return torch.ones(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
    return UserStop()


class TextGenerator:
    def __init__(self, loaded, adapter_name: str | None, base_name: str, adapter_label: str | None):
        self.loaded = loaded          # engine.text.api.LoadedModel
        self.adapter_name = adapter_name
        self.base_name = base_name
        self.adapter_label = adapter_label

    def render_prompt(self, prompt: str, system: str | None = None, chat: bool = True,
                      history: list[dict] | None = None) -> str:
        if not chat:
            return prompt
        return render(self.loaded.tokenizer, chat_messages(prompt, system, history), add_generation_prompt=True)

    def generate(self, prompts: list[str], params: dict | GenerationParams | None = None, on_token=None,
                 should_stop=None, system: str | None = None, chat: bool = True,
                 seeds: list[int] | None = None, history: list[dict] | None = None) -> list[dict]:
        """One result per prompt: text, tokens, seed, finish_reason, params, batch.

        ``history`` (earlier user/assistant turns) goes before every prompt in the chat template.

        ``on_token(index, text)`` gets each new piece of text of prompt ``index``
        (``on_token(text)`` is accepted too); ``should_stop()`` returning True ends
        generation after the current token. ``seeds`` gives each prompt its own
        seed (else ``params.seed + index``, else random).
        """
        params = params if isinstance(params, GenerationParams) else GenerationParams.from_dict(params)
        prompts, seeds = prompts_and_seeds(prompts, params, seeds)
        emit = _two_argument(on_token) if on_token is not None else None
        results = []
        with self.loaded.lock, self.loaded.adapter_context(self.adapter_name):
            for start in range(0, len(prompts), params.batch_size):
                if should_stop is not None and should_stop():
                    break
                end = min(start + params.batch_size, len(prompts))
                results += self._batch(start, prompts[start:end], seeds[start:end], params, emit, should_stop,
                                       system, chat, history)
        return results

    def _encode(self, index: int, prompt: str, system, chat, history=None) -> list[int]:
        ids = self.loaded.tokenizer(self.render_prompt(prompt, system, chat, history),
                                    add_special_tokens=not chat)["input_ids"]
        context = self.loaded.context_length
        if context and len(ids) >= context:
            raise UserError(tr("prompt {value} is {count} tokens, the model's context is {context}", value=index + 1, count=len(ids), context=context),
                            hint=tr("shorten the prompt"))
        return list(ids)

    def _batch(self, first: int, prompts, seeds, params: GenerationParams, on_token, should_stop, system,
               chat, history=None) -> list[dict]:
        import torch
        from transformers import StoppingCriteriaList
        from engine.text import batching
        from engine.text.utf8_guard import guard_class, whole_characters
        tokenizer, model, device = self.loaded.tokenizer, self.loaded.model, self.loaded.device
        rows = [self._encode(first + i, p, system, chat, history) for i, p in enumerate(prompts)]
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (self.loaded.eos_ids or [0])[0]
        ids, mask, pads = batching.left_pad(rows, pad_id)
        width = ids.shape[1]
        context = self.loaded.context_length
        limits = [min(params.max_new_tokens, context - len(r)) if context else params.max_new_tokens for r in rows]
        beams = params.num_beams
        sampling = None
        if params.temperature > 0 and beams == 1:
            sampling = {"temperature": params.temperature, "top_k": params.top_k, "top_p": params.top_p}
        user_stop = _stop_criteria(should_stop)
        kwargs = dict(max_new_tokens=max(limits), num_beams=beams, pad_token_id=pad_id,
                      eos_token_id=self.loaded.eos_ids, do_sample=False, temperature=None, top_p=None, top_k=None,
                      repetition_penalty=None,
                      logits_processor=batching.processors(pads, params.repetition_penalty, sampling, seeds,
                                                           device, beams, guard=guard_class()(tokenizer, width)),
                      stopping_criteria=StoppingCriteriaList([user_stop, batching.row_limits(limits, width)]))
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
        streamer = None
        if on_token is not None and beams == 1:
            streamer = batching.BatchStreamer(tokenizer, len(rows), self.loaded.eos_ids,
                                              lambda row, piece: on_token(first + row, piece))
            kwargs["streamer"] = streamer
        with torch.inference_mode():
            output = model.generate(input_ids=ids.to(device), attention_mask=mask.to(device), **kwargs)
        results = []
        for row, (prompt, seed, limit) in enumerate(zip(prompts, seeds, limits)):
            new_tokens = batching.trim(output[row, width:].tolist(), self.loaded.eos_ids, pad_id, limit)
            text = tokenizer.decode(whole_characters(tokenizer, new_tokens), skip_special_tokens=True)
            finish = "length" if len(new_tokens) >= limit else "stop"
            if params.stop:
                cut = min((text.find(s) for s in params.stop if s and s in text), default=-1)
                if cut >= 0:
                    text, finish = text[:cut], "stop"
            if user_stop.triggered:
                finish = "cancelled"
            if on_token is not None and streamer is None:
                on_token(first + row, text)
            results.append({"text": text, "tokens": len(new_tokens), "prompt_tokens": len(rows[row]),
                            "seed": int(seed), "finish_reason": finish, "params": params.to_dict(),
                            "batch": {"size": len(rows), "position": row}, "model": self.base_name,
                            "adapter": self.adapter_label, "prompt": prompt, "backend": "pytorch",
                            "device": str(device)})
        return results

def prompts_and_seeds(prompts, params, seeds: list[int] | None) -> tuple[list[str], list[int]]:
    """The prompts as a list and one seed each: those given, else ``params.seed + index``, else random.
    Every backend numbers seeds the same way, so a seed reproduces an answer whichever one ran it."""
    if isinstance(prompts, str):
        prompts = [prompts]
    if seeds is not None and len(seeds) != len(prompts):
        raise UserError(tr("{count} seeds for {count2} prompts", count=len(seeds), count2=len(prompts)),
                        hint=tr("give one seed per prompt"))
    if seeds is None:
        seeds = [params.seed + i if params.seed is not None else random.randrange(2**31)
                 for i in range(len(prompts))]
    return list(prompts), list(seeds)


def _two_argument(on_token):
    """Accept ``on_token(text)`` as well as ``on_token(index, text)``."""
    import inspect
    try:
        count = len([p for p in inspect.signature(on_token).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)])
    except (TypeError, ValueError):
        count = 2
    return on_token if count >= 2 else (lambda index, piece: on_token(piece))
