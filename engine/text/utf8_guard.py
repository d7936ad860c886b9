"""Sampling that only ever produces valid UTF-8.

A byte-level BPE model can emit a token that starts a multi-byte character and then a token that
does not continue it: the decoded text shows U+FFFD. ``Utf8Guard`` knows each token's bytes and,
at every step, masks the tokens that cannot continue the character in progress (or that start
with a stray continuation byte), so every output decodes cleanly. A run cut by its token limit in
the middle of a character is trimmed back to the last whole character (``whole_characters``).
"""
from __future__ import annotations

import re

# (bytes still needed, lowest and highest allowed next byte): the states of a UTF-8 decoder (RFC 3629)
STATES = ((0, 0, 0), (1, 0x80, 0xBF), (2, 0x80, 0xBF), (2, 0xA0, 0xBF), (2, 0x80, 0x9F),
          (3, 0x90, 0xBF), (3, 0x80, 0xBF), (3, 0x80, 0x8F))
_INDEX = {state: i for i, state in enumerate(STATES)}
_BYTE_TOKEN = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def next_state(state: tuple, byte: int) -> tuple | None:
    """The decoder state after ``byte``, or None when the byte cannot come here."""
    need, lo, hi = state
    if need:
        if not lo <= byte <= hi:
            return None
        return (need - 1, 0x80, 0xBF) if need > 1 else STATES[0]
    if byte < 0x80:
        return state
    if 0xC2 <= byte <= 0xDF:
        return (1, 0x80, 0xBF)
    if byte == 0xE0:
        return (2, 0xA0, 0xBF)
    if byte == 0xED:
        return (2, 0x80, 0x9F)
    if 0xE1 <= byte <= 0xEF:
        return (2, 0x80, 0xBF)
    if byte == 0xF0:
        return (3, 0x90, 0xBF)
    if 0xF1 <= byte <= 0xF3:
        return (3, 0x80, 0xBF)
    if byte == 0xF4:
        return (3, 0x80, 0x8F)
    return None


def bytes_to_unicode() -> dict[int, str]:
    """The byte-level BPE alphabet (GPT-2's): every byte as a printable character."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {byte: chr(char) for byte, char in zip(printable, chars)}


def token_bytes(tokenizer) -> list[bytes | None]:
    """Each token id's bytes; None for a special token (it adds no text)."""
    size = len(tokenizer)
    special = set(tokenizer.all_special_ids)
    pieces = tokenizer.convert_ids_to_tokens(list(range(size)))
    decoder = getattr(getattr(tokenizer, "backend_tokenizer", None), "decoder", None)
    byte_level = decoder is not None and "ByteLevel" in type(decoder).__name__ + repr(decoder)
    alphabet = {ch: b for b, ch in bytes_to_unicode().items()} if byte_level else {}
    added = {i for i in getattr(tokenizer, "added_tokens_decoder", {}) or {}}
    out: list[bytes | None] = []
    for index, piece in enumerate(pieces):
        if index in special or piece is None:
            out.append(None)
        elif index in added:
            out.append(piece.encode("utf-8"))
        elif byte_level and all(ch in alphabet for ch in piece):
            out.append(bytes(alphabet[ch] for ch in piece))
        elif (match := _BYTE_TOKEN.match(piece)):
            out.append(bytes([int(match.group(1), 16)]))
        else:
            out.append(piece.replace("\u2581", " ").encode("utf-8"))
    return out


def transitions(tokenizer, vocab: int) -> list[list[int]]:
    """``table[state][token]``: the state index after the token, -1 when it cannot come in that state.
    Cached on the tokenizer; ids past the tokenizer (padded embeddings) are never allowed."""
    cached = getattr(tokenizer, "_utf8_transitions", None)
    if cached is not None and len(cached[0]) == vocab:
        return cached
    if cached is not None and len(cached[0]) > vocab:
        return [row[:vocab] for row in cached]
    pieces = token_bytes(tokenizer)
    table = []
    for start in STATES:
        row = []
        for index in range(vocab):
            data = pieces[index] if index < len(pieces) else b"\xff"
            if data is None:
                row.append(0 if start == STATES[0] else -1)   # an end token never cuts a character
                continue
            state = start
            for byte in data:
                state = next_state(state, byte)
                if state is None:
                    break
            row.append(-1 if state is None else _INDEX[state])
        table.append(row)
    try:
        tokenizer._utf8_transitions = table
    except AttributeError:   # pragma: no cover - a tokenizer that refuses attributes is rebuilt each time
        pass
    return table


def state_after(table: list[list[int]], tokens) -> int:
    state = 0
    for token in tokens:
        state = table[state][token] if 0 <= token < len(table[0]) else -1
        if state < 0:
            return 0   # text already broken (forced tokens): start afresh rather than block everything
    return state


def whole_characters(tokenizer, tokens: list[int]) -> list[int]:
    """``tokens`` without a trailing character cut in half by the token limit."""
    if not tokens:
        return tokens
    cached = getattr(tokenizer, "_utf8_transitions", None)
    table = cached if cached is not None and len(cached[0]) > max(tokens) else \
        transitions(tokenizer, max(len(tokenizer), max(tokens) + 1))
    state, last_whole = 0, 0
    for i, token in enumerate(tokens):
        state = table[state][token]
        if state < 0:
            return tokens
        if state == 0:
            last_whole = i + 1
    return tokens[:last_whole]


def guard_class():
    import torch
    from transformers import LogitsProcessor

    class Utf8Guard(LogitsProcessor):
        """Masks, per row, the tokens that would make the new text invalid UTF-8."""

        def __init__(self, tokenizer, width: int):
            self.tokenizer, self.width = tokenizer, width
            self.table = self.masks = None

        def __call__(self, input_ids, scores):
            if self.masks is None or self.masks.shape[1] != scores.shape[1]:   # the model's own vocabulary size
                self.table = transitions(self.tokenizer, scores.shape[1])
                self.masks = torch.tensor(self.table, device=scores.device) < 0
            states = [state_after(self.table, row) for row in input_ids[:, self.width:].tolist()]
            mask = self.masks[torch.tensor(states, device=scores.device)]
            mask &= ~mask.all(dim=1, keepdim=True)     # never leave a row with nothing to choose
            return scores.masked_fill(mask, float("-inf"))
    return Utf8Guard
