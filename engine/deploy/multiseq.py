"""Several prompts decoded together in one llama.cpp context (the low-level batch API).

Each prompt is its own sequence in one unified KV cache: prompts are prefilled
in shared batches, then every step evaluates one new token per unfinished
sequence in a single ``llama_decode`` call, so the weights are read once per
step for all of them instead of once per prompt. A sequence only attends to
its own cells, so its logits do not depend on which prompts share the context
(up to float noise from other matrix shapes, as with a padded PyTorch batch).
"""
from __future__ import annotations

from engine.errors import UserError

MAX_BATCH = 512


class MultiSeq:
    """A llama.cpp context for up to ``n_seq`` sequences and ``n_ctx`` KV cells in all."""

    def __init__(self, model, n_ctx: int, n_seq: int, threads: int):
        import llama_cpp
        from llama_cpp import _internals as internals
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = params.n_ubatch = min(MAX_BATCH, n_ctx)
        params.n_seq_max = n_seq
        params.kv_unified = True
        params.n_threads = params.n_threads_batch = threads
        self.llama_cpp = llama_cpp
        self.n_ctx, self.n_seq, self.n_batch = n_ctx, n_seq, params.n_batch
        self.n_vocab = model.n_vocab()
        try:
            self.context = internals.LlamaContext(model=model, params=params, verbose=False)
        except ValueError:
            raise UserError(f"llama.cpp could not make a context of {n_ctx} tokens for {n_seq} prompts",
                            hint="use a smaller batch size or fewer new tokens") from None
        self.batch = internals.LlamaBatch(n_tokens=self.n_batch, embd=0, n_seq_max=1, verbose=False)

    def fits(self, n_ctx: int, n_seq: int) -> bool:
        return n_ctx <= self.n_ctx and n_seq <= self.n_seq

    def set_threads(self, threads: int) -> None:
        self.llama_cpp.llama_set_n_threads(self.context.ctx, threads, threads)

    def clear(self) -> None:
        self.llama_cpp.llama_memory_clear(self.context.memory, True)

    def drop(self, seq: int) -> None:
        """Free a finished sequence's cells."""
        self.llama_cpp.llama_memory_seq_rm(self.context.memory, seq, -1, -1)

    def _decode(self, entries: list[tuple[int, int, int, bool]]):
        """Evaluate (token, position, sequence, wants logits) entries; the logits rows asked for, in order."""
        import numpy as np
        batch = self.batch.batch
        for i, (token, pos, seq, wants) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = pos
            batch.seq_id[i][0] = seq
            batch.n_seq_id[i] = 1
            batch.logits[i] = wants
        batch.n_tokens = len(entries)
        code = self.llama_cpp.llama_decode(self.context.ctx, batch)
        if code != 0:
            raise UserError(f"llama.cpp could not evaluate the batch (code {code})",
                            hint="use a smaller batch size or fewer new tokens")
        rows = sum(1 for e in entries if e[3])
        if not rows:
            return np.empty((0, self.n_vocab), dtype=np.float32)
        pointer = self.llama_cpp.llama_get_logits(self.context.ctx)
        return np.ctypeslib.as_array(pointer, shape=(rows, self.n_vocab)).copy()

    def prefill(self, rows: list[list[int]]):
        """Evaluate each prompt as sequence ``index``; the logits after each prompt's last token (one row each)."""
        import numpy as np
        entries = [(token, pos, seq, pos == len(row) - 1) for seq, row in enumerate(rows)
                   for pos, token in enumerate(row)]
        out = []
        for start in range(0, len(entries), self.n_batch):
            out.append(self._decode(entries[start:start + self.n_batch]))
        return np.concatenate(out, axis=0)

    def step(self, items: list[tuple[int, int, int]]):
        """One new (token, position, sequence) per live sequence; their next logits, in that order."""
        return self._decode([(token, pos, seq, True) for token, pos, seq in items])

    def close(self) -> None:
        self.batch.close()
        self.context.close()
