"""Render examples with the model's chat template and mask the loss to the response tokens.

Examples arrive as dataset dicts (``instruction/input/output`` or ``messages``),
Alpaca, prompt/completion or plain ``text`` records. A model without a chat
template gets PLAIN_TEMPLATE, so training and generation always render the same
way. Response spans are found on the rendered text (prefix rendering), then
mapped to tokens through the tokenizer's character offsets.
"""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr

PLAIN_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}\n\n"
    "{% elif message['role'] == 'user' %}### Instruction:\n{{ message['content'] }}\n\n"
    "{% else %}### Response:\n{{ message['content'] }}{{ eos_token }}\n\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}### Response:\n{% endif %}"
)
IGNORE = -100


def _answer(example: dict):
    return example.get("output") if example.get("output") is not None else example.get("completion")


def plain_text(example: dict) -> str | None:
    """The text of a plain-text record (continued pre-training), or None for a prompt/answer or chat example.

    A record is plain text when it has ``text``, or an answer with no prompt, input or chat turns (a TXT
    corpus line, a single text column): it is learnt whole, not as a reply to an empty prompt.
    """
    if example.get("messages") or example.get("instruction") or example.get("prompt") or example.get("input"):
        return None
    if example.get("text") is not None:
        return str(example["text"])
    answer = _answer(example)
    return str(answer) if answer else None


def chat_messages(prompt: str, system: str | None = None, history: list[dict] | None = None) -> list[dict]:
    """The messages a chat turn sends: the system prompt, the earlier turns (user/assistant pairs), the prompt."""
    turns = check_history(history)
    return ([{"role": "system", "content": system}] if system else []) + turns + [{"role": "user", "content": prompt}]


def check_history(history) -> list[dict]:
    """Earlier chat turns as ``[{"role": "user"|"assistant", "content": str}, ...]``, alternating from a user turn."""
    turns = []
    for index, turn in enumerate(history or []):
        role = turn.get("role") if isinstance(turn, dict) else None
        expected = "user" if index % 2 == 0 else "assistant"
        if role != expected or not isinstance(turn.get("content"), str):
            raise UserError(f"history turn {index + 1}: expected a {expected} turn with text content, got {turn!r:.60}",
                            hint="give earlier turns as alternating user/assistant messages")
        turns.append({"role": role, "content": turn["content"]})
    if len(turns) % 2:
        raise UserError(f"history ends with a user turn (turn {len(turns)}) that has no answer",
                        hint="end the history with the assistant's reply")
    return turns


def to_messages(example: dict, system: str | None = None) -> list[dict] | None:
    """Chat messages for one example, or None for a plain-text record (see ``plain_text``)."""
    messages = example.get("messages")
    if messages:
        msgs = [{"role": str(m.get("role", "")).strip(), "content": str(m.get("content") or "")} for m in messages]
        msgs = [{"role": "user" if m["role"] == "human" else "assistant" if m["role"] in ("gpt", "bot") else m["role"],
                 "content": m["content"]} for m in msgs]
    elif plain_text(example) is not None:
        return None
    elif any(example.get(key) is not None for key in ("instruction", "prompt", "input")):
        user = str(example.get("instruction") or example.get("prompt") or "")
        extra = example.get("input")
        if extra:
            user = f"{user}\n\n{extra}" if user else str(extra)
        msgs = [{"role": "user", "content": user}, {"role": "assistant", "content": str(_answer(example) or "")}]
        if example.get("system"):
            msgs.insert(0, {"role": "system", "content": str(example["system"])})
    else:
        raise UserError(tr("example has none of the fields messages, instruction/output, prompt/completion or text"),
                        hint=tr("map your columns to instruction and output when importing the dataset"))
    if system and not any(m["role"] == "system" for m in msgs):
        msgs.insert(0, {"role": "system", "content": system})
    return msgs


def template_of(tokenizer) -> str:
    template = getattr(tokenizer, "chat_template", None)
    if isinstance(template, dict):
        template = template.get("default") or next(iter(template.values()), None)
    return template or PLAIN_TEMPLATE


def render(tokenizer, messages: list[dict], add_generation_prompt: bool) -> str:
    try:
        return tokenizer.apply_chat_template(messages, chat_template=template_of(tokenizer), tokenize=False,
                                             add_generation_prompt=add_generation_prompt)
    except Exception as exc:  # noqa: BLE001 - jinja errors from a template we do not control
        raise UserError(tr("the model's chat template cannot render these messages ({value})", value=' '.join(str(exc).split())[:160]),
                        hint=tr("check the roles (system/user/assistant, alternating) in the dataset")) from None


def response_spans(tokenizer, messages: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The full rendered text and the character spans of every assistant reply (incl. end-of-turn)."""
    full = render(tokenizer, messages, add_generation_prompt=False)
    spans = []
    for index, message in enumerate(messages):
        if message["role"] != "assistant" or index == 0:
            continue
        prefix = render(tokenizer, messages[:index], add_generation_prompt=True)
        upto = render(tokenizer, messages[:index + 1], add_generation_prompt=False)
        if full.startswith(prefix) and full.startswith(upto) and len(upto) > len(prefix):
            spans.append((len(prefix), len(upto)))
    if not spans and messages and messages[-1]["role"] == "assistant":
        prefix = render(tokenizer, messages[:-1], add_generation_prompt=True)
        if full.startswith(prefix):
            spans.append((len(prefix), len(full)))
    return full, spans


def _token_labels(tokenizer, text: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    try:
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = enc["offset_mapping"]
    except (NotImplementedError, TypeError, ValueError):
        # Python ("slow") tokenizers have no offset mapping: label piece by piece instead.
        return _token_labels_by_prefix(tokenizer, text, spans)
    ids = list(enc["input_ids"])
    labels = []
    for token, (start, end) in zip(ids, offsets):
        inside = any(start < s_end and end > s_start for s_start, s_end in spans)
        labels.append(token if inside else IGNORE)
    return ids, labels


def _token_labels_by_prefix(tokenizer, text: str, spans: list[tuple[int, int]]):
    """Slow path for tokenizers without offsets: tokenize each piece separately."""
    ids, labels, cursor = [], [], 0
    for start, end in spans:
        piece = tokenizer(text[cursor:start], add_special_tokens=False)["input_ids"]
        ids += piece
        labels += [IGNORE] * len(piece)
        piece = tokenizer(text[start:end], add_special_tokens=False)["input_ids"]
        ids += piece
        labels += piece
        cursor = end
    tail = tokenizer(text[cursor:], add_special_tokens=False)["input_ids"]
    return ids + tail, labels + [IGNORE] * len(tail)


def encode_example(tokenizer, example: dict, max_length: int, system: str | None = None):
    """``(input_ids, labels)`` with labels only on response tokens, or None when nothing is left to learn."""
    messages = to_messages(example, system)
    if messages is None:
        eos = tokenizer.eos_token or ""
        ids = tokenizer(plain_text(example) + eos, add_special_tokens=False)["input_ids"][:max_length]
        return (list(ids), list(ids)) if len(ids) > 1 else None
    if not any(m["role"] == "assistant" and m["content"].strip() for m in messages):
        return None
    text, spans = response_spans(tokenizer, messages)
    if not spans:
        return None
    ids, labels = _token_labels(tokenizer, text, spans)
    ids, labels = ids[:max_length], labels[:max_length]
    if all(label == IGNORE for label in labels[1:]):
        return None
    return ids, labels
