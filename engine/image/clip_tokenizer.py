"""CLIP tokenizers built locally: from the bundled OpenCLIP BPE file, or trained on captions.

Single-file checkpoints carry no tokenizer, and the tools people use fetch one from
the network. We ship the CLIP BPE merges (``resources/image_configs/clip/``, MIT,
from the open_clip_torch wheel) and rebuild the exact CLIP vocabulary from them.
"""
from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path

from engine import atomic

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
CLIP_VOCAB_SIZE = 49408


def bpe_path() -> Path:
    from engine.samples import resources_dir
    return resources_dir() / "image_configs" / "clip" / "bpe_simple_vocab_16e6.txt.gz"


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """The byte -> printable character table that CLIP (like GPT-2) uses."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def vocab_from_merges(merges: list[tuple[str, str]]) -> dict[str, int]:
    """CLIP's layout: 256 byte symbols, the same with ``</w>``, one token per merge, then BOS/EOS."""
    base = list(bytes_to_unicode().values())
    tokens = base + [b + "</w>" for b in base] + ["".join(m) for m in merges] + [BOS, EOS]
    return {token: index for index, token in enumerate(tokens)}


def openclip_merges() -> list[tuple[str, str]]:
    path = bpe_path()
    if not path.is_file():
        raise FileNotFoundError(f"the CLIP vocabulary {path} is missing from this installation")
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    lines = lines[1:49152 - 256 - 2 + 1]
    return [tuple(line.split()) for line in lines]


def train_merges(texts: list[str], vocab_size: int) -> list[tuple[str, str]]:
    """BPE merges learnt from ``texts`` with CLIP's normalisation and word-end marker."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE(unk_token=EOS, continuing_subword_prefix="", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                           normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
                             behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False)])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[BOS, EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), end_of_word_suffix="</w>")
    tok.train_from_iterator(texts, trainer)
    import json
    merges = json.loads(tok.to_str())["model"]["merges"]
    return [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in merges]


def write_tokenizer(folder: str | os.PathLike, merges: list[tuple[str, str]], max_length: int = 77) -> Path:
    """Write a CLIP tokenizer folder (vocab.json, merges.txt, tokenizer.json, tokenizer_config.json)."""
    from transformers import CLIPTokenizer
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = vocab_from_merges(merges)
    atomic.write_json(folder / "vocab.json", vocab, indent=None)
    atomic.write_text(folder / "merges.txt", "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[tuple(m) for m in merges], model_max_length=max_length)
    tokenizer.save_pretrained(folder)
    return folder


def write_openclip_tokenizer(folder: str | os.PathLike, max_length: int = 77, pad_token: str | None = None) -> Path:
    """The standard CLIP tokenizer (SD 1.x/2.x/SDXL), from the bundled BPE file only."""
    path = write_tokenizer(folder, openclip_merges(), max_length)
    if pad_token:  # SD 2.x / SDXL's second tokenizer pad with "!" instead of EOS
        from transformers import CLIPTokenizer
        tok = CLIPTokenizer.from_pretrained(path, local_files_only=True)
        tok.pad_token = pad_token
        tok.save_pretrained(path)
    return path
