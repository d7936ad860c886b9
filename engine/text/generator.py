"""Text generation: streaming, sampling, stop strings, beams, chat, cancel mid-stream.

A ``TextGenerator`` wraps a loaded base model (kept by ``TextAPI`` between calls)
and the adapter to apply. Adapters are loaded into one ``PeftModel`` by name, so
switching adapter never reloads the base; the bare base runs with the adapters
disabled.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Callable

from engine.errors import UserError
from engine.text.templates import render


@dataclass
class GenerationParams:
    max_new_tokens: int = 128
    temperature: float = 0.7          # 0 means greedy
    top_p: float = 0.9
    top_k: int = 50
    repetition_penalty: float = 1.1
    num_beams: int = 1
    stop: list[str] = field(default_factory=list)
    seed: int | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> "GenerationParams":
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(f"unknown generation parameter '{unknown[0]}'",
                            hint="use max_new_tokens, temperature, top_p, top_k, repetition_penalty, num_beams, "
                                 "stop, seed")
        if isinstance(data.get("stop"), str):
            data["stop"] = [data["stop"]]
        params = cls(**{k: v for k, v in data.items() if v is not None})
        checks = [("max_new_tokens", params.max_new_tokens >= 1), ("temperature", params.temperature >= 0),
                  ("top_p", 0 < params.top_p <= 1), ("top_k", params.top_k >= 0),
                  ("repetition_penalty", params.repetition_penalty > 0), ("num_beams", params.num_beams >= 1)]
        for name, ok in checks:
            if not ok:
                raise UserError(f"generation parameter {name}={getattr(params, name)} is out of range")
        return params

    def to_dict(self) -> dict:
        return asdict(self)


class _Streamer:
    """Decodes new tokens incrementally and hands finished text pieces to ``on_text``."""

    def __init__(self, tokenizer, on_text: Callable[[str], None]):
        self.tokenizer, self.on_text = tokenizer, on_text
        self.tokens: list[int] = []
        self.sent = 0
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:   # generate() first passes the prompt
            self.prompt_seen = True
            return
        self.tokens.extend(value.reshape(-1).tolist())
        text = self.tokenizer.decode(self.tokens, skip_special_tokens=True)
        if text.endswith("\ufffd"):   # half of a multi-byte character
            return
        if len(text) > self.sent:
            self.on_text(text[self.sent:])
            self.sent = len(text)

    def end(self) -> None:
        text = self.tokenizer.decode(self.tokens, skip_special_tokens=True)
        if len(text) > self.sent:
            self.on_text(text[self.sent:])
            self.sent = len(text)


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

    def render_prompt(self, prompt: str, system: str | None = None, chat: bool = True) -> str:
        if not chat:
            return prompt
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
        return render(self.loaded.tokenizer, messages, add_generation_prompt=True)

    def generate(self, prompts: list[str], params: dict | GenerationParams | None = None, on_token=None,
                 should_stop=None, system: str | None = None, chat: bool = True) -> list[dict]:
        """One result per prompt: text, tokens, seed, finish_reason, params.

        ``on_token(index, text)`` gets each new piece of text of prompt ``index``
        (``on_token(text)`` is accepted too); ``should_stop()`` returning True ends
        generation after the current token.
        """
        params = params if isinstance(params, GenerationParams) else GenerationParams.from_dict(params)
        if isinstance(prompts, str):
            prompts = [prompts]
        emit = _two_argument(on_token) if on_token is not None else None
        results = []
        with self.loaded.lock, self.loaded.adapter_context(self.adapter_name):
            for index, prompt in enumerate(prompts):
                if should_stop is not None and should_stop():
                    break
                results.append(self._one(index, prompt, params, emit, should_stop, system, chat))
        return results

    def _one(self, index, prompt, params: GenerationParams, on_token, should_stop, system, chat) -> dict:
        import torch
        from transformers import StoppingCriteriaList
        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        seed = params.seed if params.seed is not None else random.randrange(2**31)
        seed = seed + index if params.seed is not None else seed
        torch.manual_seed(seed)
        text_in = self.render_prompt(prompt, system, chat)
        enc = tokenizer(text_in, return_tensors="pt", add_special_tokens=not chat)
        enc = {k: v.to(self.loaded.device) for k, v in enc.items()}
        prompt_len = enc["input_ids"].shape[1]
        context = self.loaded.context_length
        if context and prompt_len >= context:
            raise UserError(f"prompt {index + 1} is {prompt_len} tokens, the model's context is {context}",
                            hint="shorten the prompt")
        max_new = min(params.max_new_tokens, context - prompt_len) if context else params.max_new_tokens
        user_stop = _stop_criteria(should_stop)
        kwargs = dict(max_new_tokens=max_new, repetition_penalty=params.repetition_penalty,
                      num_beams=params.num_beams, pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=self.loaded.eos_ids, stopping_criteria=StoppingCriteriaList([user_stop]))
        if params.temperature > 0 and params.num_beams == 1:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p, top_k=params.top_k)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
        streamer = None
        if on_token is not None and params.num_beams == 1:
            streamer = _Streamer(tokenizer, lambda piece: on_token(index, piece))
            kwargs["streamer"] = streamer
        with torch.inference_mode():
            output = model.generate(**enc, **kwargs)
        new_tokens = output[0, prompt_len:].tolist()
        text = tokenizer.decode(new_tokens, skip_special_tokens=True)
        finish = "length" if len(new_tokens) >= max_new else "stop"
        if params.stop:
            cut = min((text.find(s) for s in params.stop if s and s in text), default=-1)
            if cut >= 0:
                text, finish = text[:cut], "stop"
        if user_stop.triggered:
            finish = "cancelled"
        if on_token is not None and streamer is None:
            on_token(index, text)
        return {"text": text, "tokens": len(new_tokens), "prompt_tokens": prompt_len, "seed": seed,
                "finish_reason": finish, "params": params.to_dict(), "model": self.base_name,
                "adapter": self.adapter_label, "prompt": prompt}


def _two_argument(on_token):
    """Accept ``on_token(text)`` as well as ``on_token(index, text)``."""
    import inspect
    try:
        count = len([p for p in inspect.signature(on_token).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)])
    except (TypeError, ValueError):
        count = 2
    return on_token if count >= 2 else (lambda index, piece: on_token(piece))
