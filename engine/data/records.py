"""The record model: what a text or image example holds, in one canonical form.

A record is content only (prompt, answer, chat turns, image + caption); the
annotations that a person changes (label, tags, status, note, split) live on the
dataset membership, so two versions that differ only in a tag share the record.
The content hash of the canonical JSON is the record's key.
"""
from __future__ import annotations

import hashlib
import json

from engine.i18n import tr

TEXT_FIELDS = ("system", "instruction", "input", "output")
IMAGE_FIELDS = ("image", "caption", "file_name")
ANNOTATION_FIELDS = ("label", "tags", "status", "note", "split")
STATUSES = ("unreviewed", "accepted", "rejected")
ROLES = ("system", "user", "assistant", "tool")
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system", "function_call": "assistant", "observation": "tool", "tool": "tool",
                  "chatgpt": "assistant", "bing": "assistant", "bard": "assistant"}


class RecordError(ValueError):
    """A row that cannot become a record; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def canonical_json(obj) -> str:
    """Sorted-key compact JSON, the text every content hash is taken of (it must never change)."""
    fast = _orjson_canonical(obj)
    return fast.decode("utf-8") if fast is not None else _reference_json(obj)


def canonical_bytes(obj) -> bytes:
    """``canonical_json`` encoded as UTF-8 (what is hashed), without a decode and encode in between."""
    fast = _orjson_canonical(obj)
    return fast if fast is not None else _reference_json(obj).encode("utf-8")


def _reference_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_ONLY_STR = {str}


def _orjson_canonical(obj) -> bytes | None:
    """A flat dict of strings (almost every text record) through orjson, which writes the same bytes
    as ``json.dumps`` for strings (tests/data/test_canonical_json.py), 5x faster; None for the rest."""
    if type(obj) is dict and set(map(type, obj.values())) <= _ONLY_STR:
        try:
            orjson = _ORJSON or _orjson()
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except (TypeError, ImportError):   # lone surrogates, non-str keys, no orjson: the reference path
            pass
    return None


_ORJSON = None


def _orjson():
    global _ORJSON
    if _ORJSON is None:
        import orjson
        _ORJSON = orjson
    return _ORJSON


def content_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()[:32]


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise RecordError(field, tr("expected text, got {name}", name=type(value).__name__))


def normalise_messages(messages, field: str = "messages") -> list[dict]:
    """Chat turns as [{"role", "content"}]; accepts OpenAI and ShareGPT spellings."""
    if isinstance(messages, str):
        try:
            messages = json.loads(messages)
        except json.JSONDecodeError:
            raise RecordError(field, tr("is not a JSON list of chat messages")) from None
    if not isinstance(messages, list) or not messages:
        raise RecordError(field, tr("must be a non-empty list of chat messages"))
    turns = []
    for index, turn in enumerate(messages):
        if not isinstance(turn, dict):
            raise RecordError(f"{field}[{index}]", tr("must be an object with role and content"))
        if "role" in turn:
            role = str(turn["role"]).lower()
            content = turn.get("content")
        elif "from" in turn:
            role = SHAREGPT_ROLES.get(str(turn["from"]).lower(), "")
            content = turn.get("value")
        else:
            raise RecordError(f"{field}[{index}]", tr("has neither role/content nor from/value"))
        if role not in ROLES:
            raise RecordError(f"{field}[{index}].role", tr("unknown role '{value}'", value=turn.get('role', turn.get('from'))))
        if isinstance(content, list):  # OpenAI content parts: keep the text parts
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        turns.append({"role": role, "content": _text(content, f"{field}[{index}].content")})
    return turns


def text_fields(example: dict) -> dict:
    """Canonical content of a text example (only non-empty fields are kept)."""
    fields: dict = {}
    if example.get("messages") not in (None, "", []):
        fields["messages"] = normalise_messages(example["messages"])
        if example.get("system"):
            fields["system"] = _text(example["system"], "system")
        return fields
    for name in TEXT_FIELDS:
        value = example.get(name)
        if type(value) is not str:
            value = _text(value, name)
        if value:
            fields[name] = value
    if not fields.get("instruction") and not fields.get("output") and not fields.get("input"):
        raise RecordError("output", tr("the example has no text (instruction, input and output are all empty)"))
    return fields


def is_plain_text(fields: dict) -> bool:
    """A text record with an answer and no prompt, input or chat turns: a TXT line or paragraph, a text column."""
    return bool(fields.get("output")) and not any(fields.get(name) for name in ("instruction", "input", "messages"))


def image_fields(digest: str, caption, file_name: str) -> dict:
    return {"image": digest, "caption": _text(caption, "caption"), "file_name": file_name}


def text_length(fields: dict) -> int:
    if "messages" in fields:
        return sum(len(m["content"]) for m in fields["messages"]) + len(fields.get("system", ""))
    if "image" in fields:
        return len(fields.get("caption", ""))
    get = fields.get
    return len(get("system", "")) + len(get("instruction", "")) + len(get("input", "")) + len(get("output", ""))


def plain_text(fields: dict) -> str:
    """All the words of a record in one string (for duplicates, PII, length and language rules)."""
    if "messages" in fields:
        parts = [fields.get("system", "")] + [m["content"] for m in fields["messages"]]
    elif "image" in fields:
        parts = [fields.get("caption", "")]
    else:
        parts = [fields.get(name, "") for name in TEXT_FIELDS]
    return "\n".join(p for p in parts if p)


def normalise_tags(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace(";", ",").split(",")
    if not isinstance(value, (list, tuple)):
        raise RecordError("tags", tr("must be a list or a comma-separated string"))
    tags = []
    for tag in value:
        tag = str(tag).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return sorted(tags)


def annotations(example: dict) -> dict:
    """Membership annotations carried by an imported row (native exports keep them)."""
    status = example.get("status") or "unreviewed"
    if status not in STATUSES:
        raise RecordError("status", tr("must be one of {items}, not '{value}'", items=", ".join(STATUSES), value=status))
    split = example.get("split") or "train"
    if split not in ("train", "val", "test"):
        raise RecordError("split", tr("must be train, val or test, not '{value}'", value=split))
    label = example.get("label")
    return {"label": None if label in (None, "") else _text(label, "label"),
            "tags": normalise_tags(example.get("tags")), "status": status,
            "note": _text(example.get("note"), "note"), "split": split}
