"""Near-duplicate groups by MinHash over character n-grams (works for Chinese, which has no spaces).

Signatures are computed with numpy from the text's code points (deterministic,
no per-character Python loop); LSH banding proposes candidates and the
estimated Jaccard similarity confirms them; a union-find joins the groups.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

NUM_PERM = 64
BANDS = 16
NGRAM = 3
_rng = np.random.default_rng(20260101)
_A = _rng.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64)
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: what 'similar text' compares for near duplicates."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def exact_key(text: str) -> bytes:
    """Digest of the text after NFKC, case folding and whitespace folding only.

    Punctuation, digits and symbols stay: "1.5" and "15", "a - b" and "a + b" are different texts.
    """
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=20).digest()


def signature(text: str) -> np.ndarray:
    norm = normalise(text)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < NGRAM:
        shingles = np.array([int(codes.sum()) * 1_000_003 + len(codes)], dtype=np.uint64)
    else:
        shingles = codes[:-2] * np.uint64(1_000_003 * 1_000_003) + codes[1:-1] * np.uint64(1_000_003) + codes[2:]
        shingles = np.unique(shingles)
    mixed = _mix(shingles)
    hashed = (mixed[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)  # multiply-shift, mod 2**64
    return hashed.min(axis=1).astype(np.uint32)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads similar shingle values over the whole 64-bit range."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class UnionFind:
    def __init__(self, size: int):
        self.parent = np.arange(size, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def groups(signatures: np.ndarray, threshold: float = 0.8, should_stop=None) -> UnionFind:
    """Union-find over row indexes; rows whose estimated Jaccard >= threshold share a root (the earliest row)."""
    count = len(signatures)
    uf = UnionFind(count)
    if count < 2:
        return uf
    rows = NUM_PERM // BANDS
    for band in range(BANDS):
        if should_stop:
            should_stop()
        block = signatures[:, band * rows:(band + 1) * rows].astype(np.uint64)
        keys = np.zeros(count, dtype=np.uint64)
        for column in range(rows):
            keys = keys * np.uint64(0x100000001B3) + block[:, column]
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        for run in np.split(order, boundaries):
            if len(run) < 2:
                continue
            first = run[0]
            similar = (signatures[run[1:]] == signatures[first]).mean(axis=1) >= threshold
            for other in run[1:][similar]:
                uf.union(int(first), int(other))
    return uf
