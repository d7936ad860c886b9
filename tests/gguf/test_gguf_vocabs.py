"""Real vocabularies survive the GGUF trip: llama.cpp tokenizes like our tokenizer, token for token.

Each vocabulary is one of llama.cpp's own vocab-only test files (vocabs/README.md), read into a Hugging Face
tokenizer by transformers' GGUF reader, put on a random tiny model body of its architecture, exported with
``aigc models export --format gguf`` and tokenized again by llama-cpp-python.
"""
from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from engine.cli import main

from gguf_helpers import needs_llama_cpp

needs_llama_cpp()

VOCABS = Path(__file__).with_name("vocabs")
# vocab file: (model architecture, chat template file, tokenizer.ggml.model, tokenizer.ggml.pre)
CASES = {
    "gpt-2": ("gpt2", None, "gpt2", "gpt-2"),
    "phi-3": ("phi3", "microsoft-Phi-3.5-mini-instruct.jinja", "llama", "default"),
    "llama-spm": ("llama", None, "llama", "default"),
    "qwen2": ("qwen2", "Qwen-Qwen2.5-7B-Instruct.jinja", "gpt2", "qwen2"),
    "llama-bpe": ("llama", "meta-llama-Llama-3.1-8B-Instruct.jinja", "gpt2", "llama-bpe"),
}
SLOW = {"qwen2", "llama-bpe", "gpt-2", "llama-spm"}   # phi-3 (SentencePiece + chat template) runs by default
# Texts that begin with a space or follow a special token: transformers reads a SentencePiece vocabulary as a
# Metaspace pre-tokenizer that prepends "▁" only to the first piece and not before an existing space, while
# llama.cpp (like SentencePiece itself and llama.cpp's reference outputs for this file) always prepends it.
METASPACE_FIRST = {"llama-spm"}


def hf_tokenizer(name: str, folder: Path):
    from transformers import AutoTokenizer
    folder.mkdir(parents=True)
    source = folder / f"ggml-vocab-{name}.gguf"
    source.write_bytes(lzma.decompress((VOCABS / f"{source.name}.xz").read_bytes()))
    tok = AutoTokenizer.from_pretrained(str(folder), gguf_file=source.name)
    template = CASES[name][1]
    if template:
        tok.chat_template = (VOCABS / template).read_text(encoding="utf-8")
    return tok


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out.strip().splitlines()[-1])


def field(reader, key):
    f = reader.fields[key]
    return f.contents() if hasattr(f, "contents") else f.parts[f.data[0]]


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES])
def test_real_vocabulary_tokenizes_the_same_in_llama_cpp(capsys, tmp_path, name):
    import llama_cpp
    from gguf import GGUFReader
    from text_tiny import build_model
    from engine.deploy.compare import PROBE_TEXTS, tokenizer_texts
    from engine.deploy.gguf_file import read_gguf
    from engine.deploy.runtime import render_messages, template_parts
    from engine.text.loader import load_tokenizer
    from engine.text.templates import render
    arch, template, kind, pre = CASES[name]
    folder = build_model(arch, tmp_path / "model", hf_tokenizer(name, tmp_path / "vocab"))
    ws, out = tmp_path / "ws", tmp_path / f"{name}.gguf"
    aigc(capsys, ws, "models", "import", str(folder), "--name", "real-vocab", "--reference")
    result = aigc(capsys, ws, "models", "export", "real-vocab", "--format", "gguf", "--quant", "f16", str(out))
    assert result["check"]["greedy_prefix"] == result["check"]["tokens"]

    reader = GGUFReader(str(out))
    assert field(reader, "tokenizer.ggml.model") == kind and field(reader, "tokenizer.ggml.pre") == pre
    ours = load_tokenizer(folder)           # what training and PyTorch generation use
    assert len(field(reader, "tokenizer.ggml.tokens")) >= len(ours)
    messages = [{"role": "system", "content": "You write ads."}, {"role": "user", "content": "Tea, 你好 🤗"}]
    if template:   # stored verbatim and rendered from the file exactly as transformers renders it
        assert field(reader, "tokenizer.chat_template") == (VOCABS / template).read_text(encoding="utf-8")
        stored, bos, eos = template_parts(read_gguf(out).metadata)
        assert (bos, eos) == (ours.bos_token or "", ours.eos_token or "")
        assert render_messages(stored, messages, True, bos, eos) == render(ours, messages, True)
    rendered = render(ours, messages, add_generation_prompt=True)

    llm = llama_cpp.Llama(model_path=str(out), n_ctx=64, vocab_only=True, verbose=False)
    try:
        texts = PROBE_TEXTS + tokenizer_texts(ours) + [rendered]
        differ = []
        for text in texts:
            for add in (False, True):
                theirs = llm.tokenize(text.encode("utf-8"), add_bos=add, special=True)
                if list(ours(text, add_special_tokens=add)["input_ids"]) != theirs:
                    differ.append(text)
        for token in (ours.bos_token, ours.eos_token):   # special ids in both directions
            if token:
                assert llm.tokenize(token.encode(), add_bos=False, special=True) == [ours.convert_tokens_to_ids(token)]
    finally:
        llm.close()
    specials = set(ours.all_special_tokens)
    if name in METASPACE_FIRST:
        expected = {t for t in texts if t.startswith(" ") or any(f"{s}H" in t or f"{s} " in t for s in specials)}
        assert set(differ) == expected and all(t not in expected for t in PROBE_TEXTS)
    else:
        assert differ == []
    reported = result["check"]["tokenizer_differences"]
    assert len(reported) == len({t for t in differ if t in tokenizer_texts(ours)})


def _sentencepiece_like(pre_tokenizer, normalizer=None):
    """A small SentencePiece-style BPE (▁ for spaces, byte fallback) with the given pre-tokenizer."""
    from tokenizers import Tokenizer, decoders, models
    from transformers import PreTrainedTokenizerFast
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, **{f"<0x{i:02X}>": 3 + i for i in range(256)}}
    for piece in ("▁", "a", "b", "▁a", "ab", "▁ab"):
        vocab[piece] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[("▁", "a"), ("a", "b"), ("▁a", "b")], byte_fallback=True))
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    tok.pre_tokenizer = pre_tokenizer
    tok.normalizer = normalizer
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>")


def test_sentencepiece_scores_follow_merge_order_and_odd_layouts_are_refused():
    from tokenizers import normalizers, pre_tokenizers
    from engine.deploy.vocab import BYTE, CONTROL, UNKNOWN, build_vocab
    from engine.errors import UserError
    vocab = build_vocab(_sentencepiece_like(pre_tokenizers.Metaspace(prepend_scheme="first", split=False)), 272, "")
    assert vocab.model == "llama" and vocab.pre == "default" and vocab.add_space_prefix and vocab.merges == []
    ids = {t: i for i, t in enumerate(vocab.tokens)}
    assert vocab.scores[ids["▁a"]] > vocab.scores[ids["ab"]] > vocab.scores[ids["▁ab"]]
    assert [vocab.types[ids[t]] for t in ("<unk>", "<s>", "<0x41>")] == [UNKNOWN, CONTROL, BYTE]
    assert vocab.unk_id == 0 and vocab.tokens[-1] == "[PAD271]"
    legacy = _sentencepiece_like(None, normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]))
    assert build_vocab(legacy, 272, "").add_space_prefix
    with pytest.raises(UserError, match="SentencePiece pre-tokenizer .* is not one llama.cpp implements"):
        build_vocab(_sentencepiece_like(pre_tokenizers.Metaspace(prepend_scheme="first", split=True)), 272, "")
