"""A Hugging Face fast tokenizer as GGUF tokenizer metadata.

llama.cpp re-implements the tokenizer from this metadata. Two kinds are written:
- byte-level BPE (GPT-2, Llama 3, Qwen2): vocabulary, merges, token types and
  the name of the pre-tokenizer (the regex that splits text before BPE), read
  from ``tokenizer.json`` and matched to one llama.cpp knows;
- SentencePiece BPE (Llama 2, Mistral, Phi-3; ``▁`` for spaces, byte fallback):
  vocabulary, token types and scores. llama.cpp merges the adjacent pair whose
  joined text is the highest-scoring token, so a token's score is minus the rank
  of the first merge that makes it, which merges in the order Hugging Face does.
Anything else is refused rather than exported with a tokenizer that would split
text differently.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from engine.errors import UserError
from engine.i18n import tr

# Split regexes of the byte-level BPE families llama.cpp knows, keyed by its pre-tokenizer name.
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_SPLIT = QWEN2_SPLIT.replace(r"|\p{N}|", r"|\p{N}{1,3}|")
KNOWN_SPLITS = {QWEN2_SPLIT: "qwen2", LLAMA3_SPLIT: "llama-bpe"}

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
SPACE = "\u2581"
BYTE_TOKEN = re.compile(r"<0x[0-9A-F]{2}>")


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
    model: str = "gpt2"                    # llama.cpp's tokenizer kind: gpt2 (byte-level BPE) or llama (SentencePiece)
    scores: list[float] | None = None
    unk_id: int | None = None
    add_space_prefix: bool = False


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


def _space_prefix(spec: dict, where: str) -> bool | None:
    """For a SentencePiece-style BPE: whether a space is put before the text (None: not that kind)."""
    model, decoder = spec.get("model") or {}, spec.get("decoder") or {}
    steps = decoder.get("decoders") or [] if decoder.get("type") == "Sequence" else [decoder]
    if not model.get("byte_fallback") or not any(d.get("type") == "ByteFallback" for d in steps):
        return None
    pre, norm = spec.get("pre_tokenizer"), spec.get("normalizer")
    if pre and pre.get("type") == "Metaspace" and pre.get("replacement") == SPACE and not pre.get("split") \
            and not norm:
        return pre.get("prepend_scheme", "always") != "never"
    norms = (norm or {}).get("normalizers") or [] if (norm or {}).get("type") == "Sequence" else [norm] if norm else []
    kinds = [(n.get("type"), n.get("prepend") or (n.get("pattern") or {}).get("String")) for n in norms]
    if not pre and kinds in ([("Replace", " ")], [("Prepend", SPACE), ("Replace", " ")]):
        return len(kinds) == 2
    raise UserError(f"{where}: SentencePiece pre-tokenizer {json.dumps(pre)[:60]} with normalizer "
                    f"{json.dumps(norm)[:60]} is not one llama.cpp implements",
                    hint="GGUF export supports the Llama 2 / Mistral / Phi-3 SentencePiece layout")


def _scores(by_id: dict[int, str], merges: list[str]) -> dict[int, float]:
    """Minus the rank of the first merge that makes each token: llama.cpp then merges in Hugging Face's order."""
    ids = {text: i for i, text in by_id.items()}
    scores: dict[int, float] = {}
    for rank, merge in enumerate(merges):
        left, _, right = merge.partition(" ")
        token = ids.get(left + right)
        if token is not None and token not in scores:
            scores[token] = -float(rank)
    return scores


def build_vocab(tokenizer, vocab_size: int, chat_template: str, eos_ids: list[int] | None = None) -> GGUFVocab:
    """Everything llama.cpp needs to tokenize and render prompts exactly as ``tokenizer`` does."""
    where = f"tokenizer of {getattr(tokenizer, 'name_or_path', '') or 'the model'}"
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise UserError(tr("{where}: a slow (Python) tokenizer cannot be exported", where=where),
                        hint=tr("the model needs a tokenizer.json (fast tokenizer)"))
    spec = json.loads(backend.to_str())
    model = spec.get("model") or {}
    space_prefix = _space_prefix(spec, where) if model.get("type") == "BPE" else None
    if model.get("type") != "BPE" or (space_prefix is None and (spec.get("decoder") or {}).get("type") != "ByteLevel"):
        raise UserError(f"{where}: a {model.get('type')} tokenizer of this kind cannot be exported yet",
                        hint="GGUF export supports byte-level BPE (GPT-2, Llama 3, Qwen2) and SentencePiece BPE "
                             "(Llama 2, Mistral, Phi-3) tokenizers")
    pre = "default" if space_prefix is not None else _pre_tokenizer_name(spec.get("pre_tokenizer"), where)
    by_id = {int(i): t for t, i in model.get("vocab", {}).items()}
    special = {}
    for added in spec.get("added_tokens") or []:
        by_id[int(added["id"])] = added["content"]
        special[int(added["id"])] = CONTROL if added.get("special") else USER_DEFINED
    size = max(vocab_size, max(by_id) + 1)
    if size > vocab_size:
        raise UserError(tr("{where}: {size:,} tokens but the model's embeddings have {vocab_size:,} rows", where=where, size=size, vocab_size=vocab_size),
                        hint=tr("the tokenizer does not belong to this model"))
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges") or []]
    unk = tokenizer.unk_token_id
    ranks = _scores(by_id, merges) if space_prefix is not None else {}
    tokens, types, scores = [], [], []
    for i in range(size):
        if i in by_id:
            tokens.append(by_id[i])
            kind = special.get(i, NORMAL)
            if space_prefix is not None and i == unk:
                kind = UNKNOWN
            elif space_prefix is not None and kind == NORMAL and BYTE_TOKEN.fullmatch(by_id[i]):
                kind = BYTE
            types.append(kind)
            scores.append(ranks.get(i, -float(len(merges) + 1) if kind == NORMAL and len(by_id[i]) > 1 else 0.0))
        else:  # rows the checkpoint pads its embeddings with
            tokens.append(f"[PAD{i}]")
            types.append(UNUSED)
            scores.append(-float(len(merges) + 1))
    probe = tokenizer("a", add_special_tokens=True)["input_ids"]
    bos = tokenizer.bos_token_id
    eos = tokenizer.eos_token_id
    eot = next((i for i in (eos_ids or []) if i != eos), None)
    spm = space_prefix is not None
    return GGUFVocab(tokens=tokens, types=types, merges=[] if spm else merges, pre=pre, bos_id=bos, eos_id=eos,
                     pad_id=tokenizer.pad_token_id, eot_id=eot,
                     add_bos=bool(probe) and bos is not None and probe[0] == bos, chat_template=chat_template,
                     model="llama" if spm else "gpt2", scores=scores if spm else None,
                     unk_id=unk if spm else None, add_space_prefix=bool(space_prefix))


def add_to_writer(writer, vocab: GGUFVocab) -> None:
    writer.add_tokenizer_model(vocab.model)
    writer.add_tokenizer_pre(vocab.pre)
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    if vocab.model == "llama":
        writer.add_token_scores(vocab.scores)
        writer.add_add_space_prefix(vocab.add_space_prefix)
    else:
        writer.add_token_merges(vocab.merges)
    for setter, value in ((writer.add_bos_token_id, vocab.bos_id), (writer.add_eos_token_id, vocab.eos_id),
                          (writer.add_pad_token_id, vocab.pad_id), (writer.add_eot_token_id, vocab.eot_id),
                          (writer.add_unk_token_id, vocab.unk_id)):
        if value is not None:
            setter(int(value))
    writer.add_add_bos_token(vocab.add_bos)
    writer.add_add_eos_token(False)
    writer.add_chat_template(vocab.chat_template)
