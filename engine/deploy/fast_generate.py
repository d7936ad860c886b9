"""Generation of a PyTorch catalog model through its cached GGUF copy in llama.cpp.

llama.cpp computes the logits; everything else is the PyTorch path's own: our
tokenizer renders the chat template and tokenizes the prompt, the UTF-8 guard
masks tokens that would break a character, the repetition penalty covers the
prompt and the new tokens, stop strings cut the text, and the text is decoded
by our tokenizer. The prompts of a batch are decoded together as sequences of
one llama.cpp context (``engine.deploy.multiseq``). What differs: sampled
(temperature > 0) tokens come from a NumPy random stream per prompt, so a seed
gives the same text every time on this backend but not the same text as on
PyTorch; greedy tokens match PyTorch up to f16 rounding (checked when the copy
is built). Beam search is handed to the PyTorch path.
"""
from __future__ import annotations

import threading

from engine.errors import UserError

MAX_SEQUENCES = 64    # prompts per llama.cpp context: beyond this a CPU gains little and the KV cache grows


def llama_threads() -> int:
    """Threads for llama.cpp: the engine's count, but no more than the cores other programs leave idle.

    llama.cpp's threads wait for each other by spinning after every operation, so one thread that the
    system deschedules holds up all of them: on a busy machine fewer threads run much faster (measured
    about 5x on 2 cores at load 9). ``AIGC_THREADS`` overrides this too.
    """
    import os
    from engine import devices
    wanted = devices.cpu_threads()
    if os.environ.get("AIGC_THREADS", "").isdigit():
        return wanted
    # a core counts as idle when less than a quarter of it is taken
    return max(1, min(wanted, int(devices.idle_cores() + 0.25)))


class LoadedFast:
    """A cached GGUF copy of a base model (+ merged adapter) opened in llama.cpp, with our tokenizer."""

    device = "cpu"
    quantize = None
    merged_adapter = None

    def __init__(self, base, adapter, record: dict):
        from transformers import AutoConfig, GenerationConfig
        from engine.deploy.runtime import open_llama
        from engine.models.text_check import context_length
        from engine.text.loader import load_tokenizer
        self.base, self.adapter, self.record = base, adapter, record
        self.adapters: dict[str, str] = {}
        self.lock = threading.RLock()
        self.quant, self.gguf_sha256 = record["quant"], record["sha256"]
        self.tokenizer = load_tokenizer(base.path)
        config = AutoConfig.from_pretrained(base.path, local_files_only=True, trust_remote_code=False)
        self.context_length = context_length(config)
        try:
            eos = GenerationConfig.from_pretrained(base.path, local_files_only=True).eos_token_id
        except (OSError, ValueError):
            eos = getattr(config, "eos_token_id", None)
        eos = list(eos) if isinstance(eos, (list, tuple)) else ([eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None and self.tokenizer.eos_token_id not in eos:
            eos.append(self.tokenizer.eos_token_id)
        self.eos_ids = eos or None
        self.threads = llama_threads()
        self.llm = open_llama(record["path"], n_ctx=64, threads=self.threads)   # holds the weights
        self.n_vocab = self.llm.n_vocab()
        self.multi = None
        self._masks = None

    def context_for(self, n_ctx: int, n_seq: int):
        """A multi-sequence context with room for ``n_ctx`` cells and ``n_seq`` prompts (kept for reuse)."""
        from engine.deploy.multiseq import MultiSeq
        if self.multi is None or not self.multi.fits(n_ctx, n_seq):
            if self.multi is not None:
                self.multi.close()
                self.multi = None
            size = -(-n_ctx // 256) * 256
            self.multi = MultiSeq(self.llm._model, size, max(n_seq, 1), self.threads)
        self.multi.set_threads(llama_threads())
        self.multi.clear()
        return self.multi

    def utf8_tables(self):
        """(state table, masks) of the UTF-8 guard over llama.cpp's vocabulary, built once."""
        import numpy as np
        from engine.text.utf8_guard import transitions
        if self._masks is None:
            table = np.asarray(transitions(self.tokenizer, self.n_vocab), dtype=np.int16)
            self._masks = (table, table < 0)
        return self._masks

    def ensure_adapter(self, adapter) -> str:
        raise UserError("the llama.cpp copy has its adapter merged; it cannot switch adapters",
                        hint="ask for the adapter when generating")


class FastGenerator:
    """The llama.cpp twin of ``TextGenerator`` for PyTorch catalog models: same arguments, same result dicts."""

    def __init__(self, loaded: LoadedFast, base_name: str, adapter_label: str | None, fallback):
        self.loaded = loaded
        self.base_name = base_name
        self.adapter_label = adapter_label
        self.fallback = fallback      # () -> TextGenerator, for beam search

    def render_prompt(self, prompt: str, system: str | None = None, chat: bool = True,
                      history: list[dict] | None = None) -> str:
        from engine.text.templates import chat_messages, render
        if not chat:
            return prompt
        return render(self.loaded.tokenizer, chat_messages(prompt, system, history), add_generation_prompt=True)

    def generate(self, prompts: list[str], params=None, on_token=None, should_stop=None, system: str | None = None,
                 chat: bool = True, seeds: list[int] | None = None, history: list[dict] | None = None) -> list[dict]:
        from engine.text.generator import GenerationParams, _two_argument, prompts_and_seeds
        params = params if isinstance(params, GenerationParams) else GenerationParams.from_dict(params)
        if params.num_beams != 1:
            return self.fallback().generate(prompts, params, on_token, should_stop, system, chat, seeds, history)
        prompts, seeds = prompts_and_seeds(prompts, params, seeds)
        emit = _two_argument(on_token) if on_token is not None else None
        results = []
        size = min(params.batch_size, MAX_SEQUENCES)
        with self.loaded.lock:
            for start in range(0, len(prompts), size):
                if should_stop is not None and should_stop():
                    break
                end = min(start + size, len(prompts))
                results += [self._result(r, params) for r in
                            self.run(start, prompts[start:end], seeds[start:end], params, emit, should_stop,
                                     system, chat, history)]
        return results

    def _encode(self, index: int, prompt: str, system, chat, history=None) -> list[int]:
        ids = list(self.loaded.tokenizer(self.render_prompt(prompt, system, chat, history),
                                         add_special_tokens=not chat)["input_ids"])
        context = self.loaded.context_length
        if context and len(ids) >= context:
            raise UserError(f"prompt {index + 1} is {len(ids)} tokens, the model's context is {context}",
                            hint="shorten the prompt")
        if not ids:
            raise UserError(f"prompt {index + 1} is empty", hint="give some text")
        return ids

    def run(self, first: int, prompts, seeds, params, emit, should_stop, system, chat, history=None) -> list[dict]:
        """Decode one batch of prompts together; rows with their new token ids (``ids``)."""
        import numpy as np
        from engine.deploy.runtime import sample
        from engine.text.utf8_guard import whole_characters
        loaded, tokenizer = self.loaded, self.loaded.tokenizer
        rows = [self._encode(first + i, p, system, chat, history) for i, p in enumerate(prompts)]
        context = loaded.context_length
        limits = [min(params.max_new_tokens, context - len(r)) if context else params.max_new_tokens for r in rows]
        multi = loaded.context_for(sum(len(r) + n for r, n in zip(rows, limits)), len(rows))
        table, masks = loaded.utf8_tables()
        eos = set(loaded.eos_ids or [])
        state = [{"new": [], "history": list(r), "utf8": 0, "rng": np.random.default_rng(int(s)), "done": False,
                  "finish": "length", "sent": 0} for r, s in zip(rows, seeds)]
        logits = multi.prefill(rows)
        live = list(range(len(rows)))
        cancelled = False
        while live:
            items = []
            for slot, row in enumerate(live):
                st = state[row]
                scores = logits[slot]
                mask = masks[st["utf8"]]
                if not mask.all():
                    scores = np.where(mask, np.float32(-np.inf), scores)
                token = sample(scores, st["history"], params, st["rng"])
                st["new"].append(token)
                st["history"].append(token)
                following = int(table[st["utf8"], token])
                st["utf8"] = following if following >= 0 else 0
                if token in eos:
                    st["done"], st["finish"] = True, "stop"
                elif len(st["new"]) >= limits[row]:
                    st["done"] = True
                if (params.stop or emit is not None) and self._text_step(first + row, st, params, emit):
                    st["done"], st["finish"] = True, "stop"
                if st["done"]:
                    multi.drop(row)
                else:
                    items.append((token, len(st["history"]) - 1, row))
            live = [row for _, _, row in items]
            if live and should_stop is not None and should_stop():
                cancelled = True
                break
            if live:
                logits = multi.step(items)
        out = []
        for row, (prompt, seed) in enumerate(zip(prompts, seeds)):
            st = state[row]
            text = tokenizer.decode(whole_characters(tokenizer, st["new"]), skip_special_tokens=True)
            finish = st["finish"]
            if params.stop:
                cut = min((text.find(s) for s in params.stop if s and s in text), default=-1)
                if cut >= 0:
                    text, finish = text[:cut], "stop"
            if cancelled and not st["done"]:
                finish = "cancelled"
            if emit is not None and len(text) > st["sent"]:
                emit(first + row, text[st["sent"]:])
            out.append({"text": text, "ids": st["new"], "prompt_tokens": len(rows[row]), "seed": int(seed),
                        "finish_reason": finish, "batch": {"size": len(rows), "position": row}, "prompt": prompt})
        return out

    def _text_step(self, index: int, st: dict, params, emit) -> bool:
        """Stream the row's new text (whole characters only); True when a stop string has appeared."""
        text = self.loaded.tokenizer.decode(st["new"], skip_special_tokens=True)
        cut = min((text.find(s) for s in params.stop if s and s in text), default=-1) if params.stop else -1
        if cut >= 0:
            text = text[:cut]
        if emit is not None and len(text) > st["sent"] and (cut >= 0 or not text.endswith("\ufffd")):
            emit(index, text[st["sent"]:])
            st["sent"] = len(text)
        return cut >= 0

    def _result(self, row: dict, params) -> dict:
        loaded = self.loaded
        row = dict(row)
        ids = row.pop("ids")
        return {**row, "tokens": len(ids), "params": params.to_dict(), "model": self.base_name,
                "adapter": self.adapter_label, "backend": "llama.cpp", "device": "cpu", "quant": loaded.quant,
                "gguf_sha256": loaded.gguf_sha256, "model_sha256": loaded.base.sha256,
                "adapter_sha256": loaded.adapter.sha256 if loaded.adapter is not None else None}
