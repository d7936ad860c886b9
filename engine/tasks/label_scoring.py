"""Teacher-forced scoring of answers: label log-likelihoods for classification, perplexity for generation.

Each (prompt, answer) pair is rendered and masked exactly as training renders it
(``engine.text.templates``: the chat template, loss only on the answer tokens),
so a label is scored the way the LoRA learned to write it. Sequences are sorted
by length and run in right-padded batches under the loaded model's lock, with
the generator's adapter active (or the bare base when it has none).
"""
from __future__ import annotations

import math

from engine.errors import Cancelled, UserError
from engine.i18n import tr

BATCH = 32


def _messages(prompt: str, answer: str, system: str | None) -> list[dict]:
    head = [{"role": "system", "content": system}] if system else []
    return head + [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]


def encode_pair(tokenizer, prompt: str, answer: str, system: str | None, complete: bool = True):
    """(ids, labels): labels are the answer tokens (with the end-of-answer token when ``complete``), else -100."""
    from engine.text.templates import _token_labels, response_spans
    text, spans = response_spans(tokenizer, _messages(prompt, answer, system))
    if not spans:
        raise UserError(tr("the model's chat template does not mark where the answer starts"),
                        hint=tr("use a model whose template renders assistant turns"))
    if not complete:
        start = text.find(answer, spans[-1][0])
        if start < 0:
            raise UserError(tr("the chat template changes the answer '{answer}' when rendering it", answer=answer))
        spans = [(start, start + len(answer))]
    return _token_labels(tokenizer, text, spans)


def _token_logprobs(loaded, sequences: list[tuple[list[int], list[int]]], should_stop=None) -> list[list[float]]:
    """Log-probabilities of every labelled token of each sequence, in input order."""
    import torch
    from engine.text.templates import IGNORE
    tokenizer, model, device = loaded.tokenizer, loaded.model, loaded.device
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    context = loaded.context_length
    for index, (ids, _) in enumerate(sequences):
        if context and len(ids) > context:
            raise UserError(tr("input {value} with its answer is {count} tokens, the model's context is {context}", value=index + 1, count=len(ids), context=context),
                            hint=tr("shorten the input"))
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i][0]))
    results: list[list[float] | None] = [None] * len(sequences)
    with torch.inference_mode():
        for start in range(0, len(order), BATCH):
            if should_stop is not None and should_stop():
                raise Cancelled()
            chunk = order[start:start + BATCH]
            width = max(len(sequences[i][0]) for i in chunk)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, i in enumerate(chunk):
                seq = sequences[i][0]
                ids[row, :len(seq)] = torch.tensor(seq)
                mask[row, :len(seq)] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1)
            target = ids[:, 1:].to(device)
            picked = logp.gather(-1, target.unsqueeze(-1)).squeeze(-1).cpu()
            for row, i in enumerate(chunk):
                labels = sequences[i][1]
                results[i] = [float(picked[row, t - 1]) for t in range(1, len(labels)) if labels[t] != IGNORE]
    return results  # type: ignore[return-value]


def score_answers(generator, prompts: list[str], answers: list[str], system: str | None = None,
                  complete: bool = True, should_stop=None) -> list[list[float]]:
    """Mean log-probability per token of every answer for every prompt: ``[prompt][answer]``."""
    loaded = generator.loaded
    sequences = [encode_pair(loaded.tokenizer, p, a, system, complete) for p in prompts for a in answers]
    with loaded.lock, loaded.adapter_context(generator.adapter_name):
        per_token = _token_logprobs(loaded, sequences, should_stop)
    means = [sum(v) / len(v) if v else -math.inf for v in per_token]
    width = len(answers)
    return [means[i * width:(i + 1) * width] for i in range(len(prompts))]


def perplexity(generator, cases: list[tuple[str, str, str | None]], should_stop=None) -> dict:
    """Perplexity of the references given their prompts: exp(mean negative log-likelihood per answer token)."""
    loaded = generator.loaded
    sequences = [encode_pair(loaded.tokenizer, p, r, s) for p, r, s in cases]
    with loaded.lock, loaded.adapter_context(generator.adapter_name):
        per_token = _token_logprobs(loaded, sequences, should_stop)
    total = sum(-sum(v) for v in per_token)
    count = sum(len(v) for v in per_token)
    per_example = [math.exp(min(50.0, -sum(v) / len(v))) if v else None for v in per_token]
    return {"perplexity": round(math.exp(min(50.0, total / max(1, count))), 4), "tokens": count,
            "per_example": per_example}
