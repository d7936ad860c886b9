"""Pieces that let several prompts share one ``model.generate`` call without changing any one of them.

A batch is left-padded, so every row ends at the same column and new tokens
line up. Two things in plain ``generate`` would make a padded row behave
differently from the same prompt run alone, and are replaced here:

- the repetition penalty would also penalise the pad token (often the
  end-of-sequence token), so ``PromptRepetitionPenalty`` skips each row's padding;
- sampling would draw from one random stream shared by the batch, so
  ``RowSampler`` draws each row's token from that row's own seeded generator.

What is left is float noise: a padded batch runs different matrix shapes, so
logits can differ in the last bits and, rarely, flip a near tie.
"""
from __future__ import annotations

from typing import Callable


def left_pad(rows: list[list[int]], pad_id: int):
    """``input_ids``, ``attention_mask`` and each row's pad length for a left-padded batch."""
    import torch
    width = max(len(r) for r in rows)
    pads = [width - len(r) for r in rows]
    ids = torch.tensor([[pad_id] * p + r for p, r in zip(pads, rows)], dtype=torch.long)
    mask = torch.tensor([[0] * p + [1] * len(r) for p, r in zip(pads, rows)], dtype=torch.long)
    return ids, mask, pads


def processors(pads: list[int], penalty: float, sampling: dict | None, seeds: list[int], device, beams: int = 1,
               guard=None):
    """The logits processors of a batch: the UTF-8 guard, penalty (pads ignored), then temperature/top-k/top-p
    and a per-row draw."""
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper
    out = LogitsProcessorList()
    if guard is not None:
        out.append(guard)
    if penalty != 1.0:
        out.append(_penalty_class()(penalty, [p for p in pads for _ in range(beams)]))
    if sampling is not None:
        if sampling["temperature"] != 1.0:
            out.append(TemperatureLogitsWarper(sampling["temperature"]))
        if sampling["top_k"]:
            out.append(TopKLogitsWarper(top_k=sampling["top_k"]))
        if sampling["top_p"] < 1.0:
            out.append(TopPLogitsWarper(top_p=sampling["top_p"]))
        out.append(_sampler_class()(seeds, device))
    return out


def _penalty_class():
    import torch
    from transformers import LogitsProcessor

    class PromptRepetitionPenalty(LogitsProcessor):
        """The usual repetition penalty over the prompt and the new tokens, but not over left padding."""

        def __init__(self, penalty: float, pads: list[int]):
            self.penalty, self.pads = penalty, torch.tensor(pads, dtype=torch.long)

        def __call__(self, input_ids, scores):
            pads = self.pads.to(input_ids.device)
            ids = input_ids
            if int(pads.max()) > 0:   # padding replaced by the row's first real token, penalised anyway
                first = input_ids.gather(1, pads[:, None])
                columns = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :]
                ids = torch.where(columns < pads[:, None], first, input_ids)
            score = scores.gather(1, ids)
            score = torch.where(score < 0, score * self.penalty, score / self.penalty)
            return scores.scatter(1, ids, score)
    return PromptRepetitionPenalty


def _sampler_class():
    import torch
    from transformers import LogitsProcessor

    class RowSampler(LogitsProcessor):
        """Samples each row's next token with that row's own generator; the chosen token is left as the only one.

        Runs last, under greedy decoding, so ``generate`` picks exactly the token drawn here.
        """

        def __init__(self, seeds: list[int], device):
            self.generators = [torch.Generator(device=device).manual_seed(int(s)) for s in seeds]

        def __call__(self, input_ids, scores):
            probs = torch.softmax(scores.float(), dim=-1)
            chosen = torch.cat([torch.multinomial(probs[i], 1, generator=g) for i, g in enumerate(self.generators)])
            out = torch.full_like(scores, float("-inf"))
            return out.scatter(1, chosen[:, None], 0.0)
    return RowSampler


def row_limits(limits: list[int], width: int):
    """A stopping criterion that ends each row at its own ``max_new_tokens`` (rows' context room differs)."""
    import torch
    from transformers import StoppingCriteria

    class RowLimit(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            made = input_ids.shape[1] - width
            per_row = input_ids.shape[0] // len(limits)   # beam search asks about every beam of each row
            return torch.tensor([made >= n for n in limits for _ in range(per_row)], dtype=torch.bool,
                                device=input_ids.device)
    return RowLimit()


def trim(tokens: list[int], eos_ids: list[int] | None, pad_id: int | None, limit: int) -> list[int]:
    """A row's own new tokens: up to its first end-of-sequence, without the padding of rows that finished early."""
    tokens = tokens[:limit]
    for i, t in enumerate(tokens):
        if eos_ids and t in eos_ids:
            return tokens[:i + 1]
    if pad_id is not None:
        while tokens and tokens[-1] == pad_id:
            tokens.pop()
    return tokens


class BatchStreamer:
    """Decodes each row's new tokens incrementally and hands text pieces to ``on_text(row, piece)``."""

    def __init__(self, tokenizer, rows: int, eos_ids: list[int] | None, on_text: Callable[[int, str], None]):
        self.tokenizer, self.on_text, self.eos = tokenizer, on_text, set(eos_ids or [])
        self.tokens: list[list[int]] = [[] for _ in range(rows)]
        self.sent = [0] * rows
        self.done = [False] * rows
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:   # generate() first passes the prompts
            self.prompt_seen = True
            return
        for row, token in enumerate(value.reshape(-1).tolist()):
            if self.done[row]:
                continue
            self.tokens[row].append(token)
            if token in self.eos:
                self.done[row] = True
            self._flush(row, final=False)

    def end(self) -> None:
        for row in range(len(self.tokens)):
            self._flush(row, final=True)

    def _flush(self, row: int, final: bool) -> None:
        tokens = self.tokens[row]
        if final:   # a character cut in half by the token limit is left out, as in the final text
            from engine.text.utf8_guard import whole_characters
            tokens = whole_characters(self.tokenizer, tokens)
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        if not final and text.endswith("\ufffd"):   # half of a multi-byte character
            return
        if len(text) > self.sent[row]:
            self.on_text(row, text[self.sent[row]:])
            self.sent[row] = len(text)
