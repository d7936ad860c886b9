"""Run a catalog GGUF model on the CPU with llama.cpp (llama-cpp-python).

``GGUFGenerator.generate`` takes and returns what ``engine.text.generator.TextGenerator.generate``
does, so generation jobs, task runs and evaluation use either without knowing
which. The prompt is rendered with the chat template stored in the file and
tokenized by llama.cpp with special tokens parsed, as our own tokenizer does.
Sampling (repetition penalty, temperature, top-k, top-p, one seeded random
stream per prompt) is done here on llama.cpp's logits, one token at a time, so
stop strings and cancel act between tokens.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

GGUF_FILE = "model.gguf"
MAX_CONTEXT = 4096     # KV cache cap: a GGUF model's own context can be far larger than our prompts need


def require_llama_cpp():
    try:
        import llama_cpp
    except ImportError:
        raise UserError(tr("GGUF models need llama-cpp-python, which is not installed in this build"),
                        hint=tr("install the 'llamacpp' extra (llama-cpp-python 0.3.36) into the environment")) from None
    return llama_cpp


def gguf_path(model) -> Path:
    return Path(model.path) / model.info.get("file", GGUF_FILE)


def open_llama(path: str | os.PathLike, n_ctx: int = 512, logits_all: bool = False, threads: int | None = None,
               lora_path: str | os.PathLike | None = None):
    """A ``llama_cpp.Llama`` for ``path`` (+ a GGUF LoRA); a file llama.cpp refuses is a UserError, not a crash."""
    llama_cpp = require_llama_cpp()
    from engine.deploy.fast_generate import llama_threads
    try:
        return llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_batch=min(512, n_ctx), logits_all=logits_all,
                               n_threads=threads or llama_threads(), verbose=False,
                               lora_path=str(lora_path) if lora_path else None)
    except (ValueError, RuntimeError, OSError) as exc:
        what = f"{path} with the adapter {lora_path}" if lora_path else str(path)
        raise UserError(tr("{what}: llama.cpp could not load the model ({value})", what=what, value=' '.join(str(exc).split())[:160]),
                        hint=tr("the file is damaged or made for a newer llama.cpp")) from None


def last_logits(llm):
    """The logits llama.cpp computed for the last token evaluated (a fresh numpy copy)."""
    import numpy as np
    llama_cpp = require_llama_cpp()
    pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),)).copy()


def render_messages(template: str, messages: list[dict], add_generation_prompt: bool, bos: str, eos: str) -> str:
    """A chat template rendered the way transformers renders it (sandboxed jinja, trimmed blocks)."""
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise TemplateError(message)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: __import__("datetime").datetime.now().strftime(fmt)
    try:
        return env.from_string(template).render(messages=messages, add_generation_prompt=add_generation_prompt,
                                                bos_token=bos, eos_token=eos)
    except Exception as exc:  # noqa: BLE001 - jinja errors from a template we do not control
        raise UserError(tr("the model's chat template cannot render these messages ({value})", value=' '.join(str(exc).split())[:160]),
                        hint=tr("check the roles (system/user/assistant, alternating)")) from None


def template_parts(metadata: dict) -> tuple[str, str, str]:
    """(chat template, bos text, eos text) stored in a GGUF file; our plain template when it has none."""
    from engine.text.templates import PLAIN_TEMPLATE
    tokens = metadata.get("tokenizer.ggml.tokens") or []

    def token(key: str) -> str:
        index = metadata.get(key)
        return tokens[index] if isinstance(index, int) and 0 <= index < len(tokens) else ""
    return (metadata.get("tokenizer.chat_template") or PLAIN_TEMPLATE, token("tokenizer.ggml.bos_token_id"),
            token("tokenizer.ggml.eos_token_id"))


def render_gguf_template(model, messages: list[dict], add_generation_prompt: bool) -> str:
    from engine.deploy.gguf_file import read_gguf
    template, bos, eos = template_parts(read_gguf(gguf_path(model)).metadata)
    return render_messages(template, messages, add_generation_prompt, bos, eos)


class LoadedGGUF:
    """A GGUF model opened by llama.cpp, held by ``TextAPI`` in the same slot as a PyTorch model."""

    device = "cpu"
    quantize = None
    merged_adapter = None

    def __init__(self, model):
        from engine.deploy.gguf_file import read_gguf
        self.base = model
        self.adapters: dict[str, str] = {}
        self.lock = threading.RLock()
        self.path = gguf_path(model)
        info = read_gguf(self.path)
        md = info.metadata
        self.quant = info.quant
        self.file_sha256 = model.sha256
        context = int(info.arch_value("context_length") or 2048)
        self.context_length = min(context, MAX_CONTEXT)
        self.llm = open_llama(self.path, n_ctx=self.context_length)
        self.template, self.bos_text, self.eos_text = template_parts(md)
        self.add_bos = bool(md.get("tokenizer.ggml.add_bos_token", False))
        eog = [md.get(k) for k in ("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id")]
        self.eos_ids = sorted({i for i in eog if isinstance(i, int)})

    def tokenize(self, text: str, add_bos: bool) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos and self.add_bos, special=True)

    def ensure_adapter(self, adapter) -> str:
        raise UserError(tr("'{name}' is a GGUF model; adapters cannot be added to it", name=self.base.name),
                        hint=tr("export the base model with this adapter merged to get one GGUF file"))


def sample(logits, history: list[int], params, rng) -> int:
    """The next token: repetition penalty, then greedy or temperature/top-k/top-p sampling."""
    import numpy as np
    scores = logits.astype(np.float64)
    if params.repetition_penalty != 1.0 and history:
        seen = np.unique(np.asarray(history))
        picked = scores[seen]
        scores[seen] = np.where(picked < 0, picked * params.repetition_penalty, picked / params.repetition_penalty)
    if params.temperature == 0:
        return int(np.argmax(scores))
    scores = scores / params.temperature
    if params.top_k and params.top_k < scores.size:
        cutoff = np.partition(scores, -params.top_k)[-params.top_k]
        scores = np.where(scores < cutoff, -np.inf, scores)
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    if params.top_p < 1.0:
        order = np.argsort(probs)
        tail = np.cumsum(probs[order]) <= 1 - params.top_p
        tail[-1] = False
        probs[order[tail]] = 0.0
        probs /= probs.sum()
    return int(rng.choice(probs.size, p=probs))


class GGUFGenerator:
    """The llama.cpp twin of ``TextGenerator``: prompts one after another, tokens streamed as they come."""

    def __init__(self, loaded: LoadedGGUF, base_name: str):
        self.loaded = loaded
        self.base_name = base_name
        self.adapter_label = None

    def render_prompt(self, prompt: str, system: str | None = None, chat: bool = True,
                      history: list[dict] | None = None) -> str:
        if not chat:
            return prompt
        from engine.text.templates import chat_messages
        messages = chat_messages(prompt, system, history)
        return render_messages(self.loaded.template, messages, True, self.loaded.bos_text, self.loaded.eos_text)

    def generate(self, prompts: list[str], params=None, on_token=None, should_stop=None, system: str | None = None,
                 chat: bool = True, seeds: list[int] | None = None, history: list[dict] | None = None) -> list[dict]:
        from engine.text.generator import GenerationParams, _two_argument, prompts_and_seeds
        params = params if isinstance(params, GenerationParams) else GenerationParams.from_dict(params)
        if params.num_beams != 1:
            raise UserError(tr("beam search (num_beams={num_beams}) is not available for GGUF models", num_beams=params.num_beams),
                            hint=tr("use num_beams 1"))
        prompts, seeds = prompts_and_seeds(prompts, params, seeds)
        emit = _two_argument(on_token) if on_token is not None else None
        results = []
        with self.loaded.lock:
            for index, (prompt, seed) in enumerate(zip(prompts, seeds)):
                if should_stop is not None and should_stop():
                    break
                results.append(self._one(index, prompt, int(seed), params, emit, should_stop, system, chat,
                                         history))
        return results

    def _one(self, index, prompt, seed, params, emit, should_stop, system, chat, history=None) -> dict:
        import numpy as np
        loaded, llm = self.loaded, self.loaded.llm
        ids = loaded.tokenize(self.render_prompt(prompt, system, chat, history), add_bos=not chat)
        context = loaded.context_length
        if len(ids) >= context:
            raise UserError(tr("prompt {value} is {count} tokens, the model's context is {context}", value=index + 1, count=len(ids), context=context),
                            hint=tr("shorten the prompt"))
        limit = min(params.max_new_tokens, context - len(ids))
        rng = np.random.default_rng(seed)
        llm.reset()
        llm.eval(ids)
        history, new, raw, sent, finish = list(ids), [], b"", 0, "length"
        while len(new) < limit:
            if should_stop is not None and should_stop():
                finish = "cancelled"
                break
            token = sample(last_logits(llm), history, params, rng)
            new.append(token)
            history.append(token)
            if token in loaded.eos_ids:
                finish = "stop"
                break
            raw += llm.detokenize([token])
            text, stopped = _cut(raw, params.stop)
            if emit is not None and len(text) > sent and (stopped or not text.endswith("\ufffd")):
                emit(index, text[sent:])  # a half multi-byte character waits for its other bytes
                sent = len(text)
            if stopped:
                finish = "stop"
                break
            if len(new) < limit:
                llm.eval([token])
        text, _ = _cut(raw, params.stop)
        if emit is not None and len(text) > sent:
            emit(index, text[sent:])
        return {"text": text, "tokens": len(new), "prompt_tokens": len(ids), "seed": seed, "finish_reason": finish,
                "params": params.to_dict(), "batch": {"size": 1, "position": 0}, "model": self.base_name,
                "adapter": None, "prompt": prompt, "backend": "llama.cpp", "quant": loaded.quant,
                "model_sha256": loaded.file_sha256}


def _cut(raw: bytes, stops: list[str]) -> tuple[str, bool]:
    """The text so far, cut before the first stop string; and whether one was found."""
    text = raw.decode("utf-8", errors="replace")
    cut = min((text.find(s) for s in stops if s and s in text), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)
