"""Output checks: length in characters or words, required and banned terms, regex, language.

Each failed check is one short string ("max_chars: 72 > 60") so the review
queue can show and filter on why an output failed.
"""
from __future__ import annotations

import re
import unicodedata

from engine.tasks.definition import Constraints

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff\uac00-\ud7af]+(?:['’-][A-Za-z0-9]+)*")


def char_count(text: str) -> int:
    """Visible characters: whitespace does not count (a Chinese ad line has none)."""
    return sum(1 for ch in text if not ch.isspace())


def word_count(text: str) -> int:
    """Words: each Han or kana character is one word, and each run of letters or digits is one."""
    return len(_HAN.findall(text)) + len(_KANA.findall(text)) + len(_WORD.findall(text))


def script_shares(text: str) -> dict[str, float]:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    total = len(letters) or 1
    joined = "".join(letters)
    return {
        "han": len(_HAN.findall(joined)) / total,
        "kana": len(_KANA.findall(joined)) / total,
        "hangul": len(_HANGUL.findall(joined)) / total,
        "cyrillic": len(_CYRILLIC.findall(joined)) / total,
        "latin": len(_LATIN.findall(joined)) / total,
    }


def detect_language(text: str) -> str | None:
    """The main script of a text as a language code, or None when it has no letters."""
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        return None
    shares = script_shares(text)
    if shares["kana"] >= 0.1:
        return "ja"
    if shares["hangul"] >= 0.3:
        return "ko"
    if shares["han"] >= 0.3:
        return "zh"
    if shares["cyrillic"] >= 0.5:
        return "ru"
    if shares["latin"] >= 0.5:
        return "en"
    return None


def _contains(text: str, term: str) -> bool:
    """Case-insensitive for Latin terms; ASCII words match on word boundaries."""
    if term.isascii() and re.fullmatch(r"\w[\w\s'-]*\w|\w", term):
        return re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text, re.IGNORECASE) is not None
    return term.casefold() in text.casefold()


def check(text: str, constraints: Constraints) -> list[str]:
    """The failed checks of an output (empty list: it passes)."""
    failures: list[str] = []
    c = constraints
    if c.min_chars is not None or c.max_chars is not None:
        n = char_count(text)
        if c.min_chars is not None and n < c.min_chars:
            failures.append(f"min_chars: {n} < {c.min_chars}")
        if c.max_chars is not None and n > c.max_chars:
            failures.append(f"max_chars: {n} > {c.max_chars}")
    if c.min_words is not None or c.max_words is not None:
        n = word_count(text)
        if c.min_words is not None and n < c.min_words:
            failures.append(f"min_words: {n} < {c.min_words}")
        if c.max_words is not None and n > c.max_words:
            failures.append(f"max_words: {n} > {c.max_words}")
    for term in c.required_terms:
        if not _contains(text, term):
            failures.append(f"required_terms: '{term}' missing")
    for term in c.banned_terms:
        if _contains(text, term):
            failures.append(f"banned_terms: '{term}' present")
    if c.regex and re.search(c.regex, text) is None:
        failures.append(f"regex: no match for {c.regex}")
    if c.language:
        found = detect_language(text)
        if found != c.language:
            failures.append(f"language: {found or 'none'} instead of {c.language}")
    return failures


def failure_kinds(failures: list[str]) -> list[str]:
    """The check names of failures ("max_chars", "banned_terms" ...), for filters."""
    return sorted({f.split(":", 1)[0] for f in failures})
