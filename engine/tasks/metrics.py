"""Text metrics for task evaluation: BLEU, character-level ROUGE-L, distinct-n, pass rate, length.

BLEU is sacreBLEU's corpus BLEU with its ``zh`` tokenizer (which splits Han
characters and leaves other text to the 13a rules), so one number works for
Chinese and English outputs. ROUGE-L works on characters (whitespace dropped),
the usual choice for Chinese where words are not delimited.
"""
from __future__ import annotations

from engine.tasks.constraints import char_count, check
from engine.tasks.definition import Constraints


def bleu(hypotheses: list[str], references: list[str]) -> float:
    import sacrebleu
    if not hypotheses:
        return 0.0
    return float(sacrebleu.corpus_bleu(hypotheses, [references], tokenize="zh").score)


def _lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if ch == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l_chars(hypothesis: str, reference: str) -> float:
    """ROUGE-L F1 over characters, whitespace ignored, in [0, 1]."""
    hyp = "".join(hypothesis.split())
    ref = "".join(reference.split())
    lcs = _lcs(hyp, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(hyp), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def _units(text: str) -> list[str]:
    """Characters for text with Han script, words otherwise."""
    from engine.tasks.constraints import detect_language
    if detect_language(text) in ("zh", "ja"):
        return [ch for ch in text if not ch.isspace()]
    return text.lower().split()


def distinct_n(texts: list[str], n: int) -> float:
    """Unique n-grams over all n-grams across the outputs (0 when there are none)."""
    grams = []
    for text in texts:
        units = _units(text)
        grams.extend(tuple(units[i:i + n]) for i in range(len(units) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


def evaluate(hypotheses: list[str], references: list[str], constraints: Constraints | None = None) -> dict:
    """Every metric for one system's outputs against the references."""
    count = len(hypotheses)
    passed = sum(1 for h in hypotheses if not check(h, constraints or Constraints()))
    return {
        "bleu": round(bleu(hypotheses, references), 2),
        "rouge_l": round(100 * sum(rouge_l_chars(h, r) for h, r in zip(hypotheses, references)) / max(1, count), 2),
        "distinct_1": round(100 * distinct_n(hypotheses, 1), 2),
        "distinct_2": round(100 * distinct_n(hypotheses, 2), 2),
        "pass_rate": round(100 * passed / max(1, count), 2),
        "avg_chars": round(sum(char_count(h) for h in hypotheses) / max(1, count), 2),
        "count": count,
    }
