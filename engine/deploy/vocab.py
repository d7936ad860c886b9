"""A Hugging Face byte-level BPE tokenizer as GGUF tokenizer metadata.

llama.cpp re-implements the tokenizer from this metadata: the vocabulary, the
merges, the token types, the special ids and the name of the pre-tokenizer
(the regex that splits text before BPE). The pre-tokenizer is read from
``tokenizer.json`` and matched to one llama.cpp knows; anything else is refused
rather than exported with a tokenizer that would split text differently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from engine.errors import UserError
from engine.i18n import tr

# Split regexes of the byte-level BPE families llama.cpp knows, keyed by its pre-tokenizer name.
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_SPLIT = QWEN2_SPLIT.replace(r"|\p{N}|", r"|\p{N}{1,3}|")
KNOWN_SPLITS = {QWEN2_SPLIT: "qwen2", LLAMA3_SPLIT: "llama-bpe"}

NORMAL, CONTROL, USER_DEFINED, UNUSED = 1, 3, 4, 5


@dataclass
class GGUFVocab:
    tokens: list[str]
    types: list[int]
    merges: list[str]
    pre: str
    bos_id: int | None
    eos_id: int | None
    pad_id: int | None
    eot_id: int | None
    add_bos: bool
    chat_template: str


def _pre_tokenizer_name(spec: dict | None, where: str) -> str:
    spec = spec or {}
    if spec.get("type") == "ByteLevel":
        if spec.get("add_prefix_space"):
            raise UserError(tr("{where}: the ByteLevel pre-tokenizer adds a prefix space, which llama.cpp does not", where=where),
                            hint=tr("export a model whose tokenizer has add_prefix_space false"))
        if spec.get("use_regex", True):
            return "gpt-2"
    if spec.get("type") == "Sequence":
        parts = spec.get("pretokenizers") or []
        splits = [p for p in parts if p.get("type") == "Split"]
        levels = [p for p in parts if p.get("type") == "ByteLevel"]
        if len(splits) == 1 and len(levels) == 1 and not levels[0].get("use_regex", True):
            regex = (splits[0].get("pattern") or {}).get("Regex")
            if regex in KNOWN_SPLITS:
                return KNOWN_SPLITS[regex]
    raise UserError(tr("{where}: pre-tokenizer {value} is not one llama.cpp implements", where=where, value=json.dumps(spec)[:120]),
                    hint=tr("GGUF export supports byte-level BPE tokenizers of the GPT-2, Llama 3 and Qwen2 kind"))


def build_vocab(tokenizer, vocab_size: int, chat_template: str, eos_ids: list[int] | None = None) -> GGUFVocab:
    """Everything llama.cpp needs to tokenize and render prompts exactly as ``tokenizer`` does."""
    where = f"tokenizer of {getattr(tokenizer, 'name_or_path', '') or 'the model'}"
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise UserError(tr("{where}: a slow (Python) tokenizer cannot be exported", where=where),
                        hint=tr("the model needs a tokenizer.json (fast tokenizer)"))
    spec = json.loads(backend.to_str())
    model = spec.get("model") or {}
    if model.get("type") != "BPE" or (spec.get("decoder") or {}).get("type") != "ByteLevel":
        raise UserError(tr("{where}: a {get} tokenizer cannot be exported yet", where=where, get=model.get('type')),
                        hint=tr("GGUF export supports byte-level BPE tokenizers (Llama 3, Qwen2, our own)"))
    pre = _pre_tokenizer_name(spec.get("pre_tokenizer"), where)
    by_id = {int(i): t for t, i in model.get("vocab", {}).items()}
    special = {}
    for added in spec.get("added_tokens") or []:
        by_id[int(added["id"])] = added["content"]
        special[int(added["id"])] = CONTROL if added.get("special") else USER_DEFINED
    size = max(vocab_size, max(by_id) + 1)
    if size > vocab_size:
        raise UserError(tr("{where}: {size:,} tokens but the model's embeddings have {vocab_size:,} rows", where=where, size=size, vocab_size=vocab_size),
                        hint=tr("the tokenizer does not belong to this model"))
    tokens, types = [], []
    for i in range(size):
        if i in by_id:
            tokens.append(by_id[i])
            types.append(special.get(i, NORMAL))
        else:  # rows the checkpoint pads its embeddings with
            tokens.append(f"[PAD{i}]")
            types.append(UNUSED)
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges") or []]
    probe = tokenizer("a", add_special_tokens=True)["input_ids"]
    bos = tokenizer.bos_token_id
    eos = tokenizer.eos_token_id
    eot = next((i for i in (eos_ids or []) if i != eos), None)
    return GGUFVocab(tokens=tokens, types=types, merges=merges, pre=pre, bos_id=bos, eos_id=eos,
                     pad_id=tokenizer.pad_token_id, eot_id=eot,
                     add_bos=bool(probe) and bos is not None and probe[0] == bos, chat_template=chat_template)


def add_to_writer(writer, vocab: GGUFVocab) -> None:
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(vocab.pre)
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    writer.add_token_merges(vocab.merges)
    for setter, value in ((writer.add_bos_token_id, vocab.bos_id), (writer.add_eos_token_id, vocab.eos_id),
                          (writer.add_pad_token_id, vocab.pad_id), (writer.add_eot_token_id, vocab.eot_id)):
        if value is not None:
            setter(int(value))
    writer.add_add_bos_token(vocab.add_bos)
    writer.add_add_eos_token(False)
    writer.add_chat_template(vocab.chat_template)
