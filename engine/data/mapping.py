"""Column mapping: which source column (or JSON key) fills which record field.

Detection looks at the names a department's files actually use (English and
Chinese spreadsheet headers, Alpaca, ShareGPT, OpenAI chat, prompt/completion,
plain text); ``--map COLUMN=FIELD`` overrides it, ``COLUMN=-`` ignores a column.
"""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr

TEXT_TARGETS = ("system", "instruction", "input", "output", "messages", "label", "tags", "note", "status", "split")
IMAGE_TARGETS = ("file_name", "caption", "label", "tags", "note", "status", "split")
IGNORE = "-"

ALIASES = {
    "system": ("system", "system_prompt", "系统", "系统提示", "系统提示词"),
    "instruction": ("instruction", "prompt", "question", "query", "instruct", "问题", "指令", "提问", "提示词", "用户"),
    "input": ("input", "context", "输入", "上下文", "背景"),
    "output": ("output", "response", "answer", "completion", "reply", "target", "回答", "答案", "输出", "回复",
               "文案"),
    "messages": ("messages", "conversations", "conversation", "dialog", "对话"),
    "label": ("label", "category", "class", "intent", "标签", "类别", "分类", "意图"),
    "tags": ("tags", "标记"),
    "note": ("note", "notes", "comment", "备注"),
    "status": ("status",),
    "split": ("split",),
    "file_name": ("file_name", "filename", "file", "path", "image", "image_path", "文件名", "图片", "路径"),
    "caption": ("caption", "text", "prompt", "description", "描述", "标题", "说明"),
}
TEXT_FALLBACK = ("text", "content", "document", "文本", "内容", "正文")


def parse_map(pairs: list[str] | dict | None) -> dict[str, str]:
    if not pairs:
        return {}
    if isinstance(pairs, dict):
        return dict(pairs)
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserError(tr("mapping '{pair}' must look like COLUMN=FIELD", pair=pair), hint=tr("e.g. 问题=instruction"), options=("--map",))
        column, target = pair.split("=", 1)
        mapping[column.strip()] = target.strip() or IGNORE
    return mapping


def detect_mapping(columns: list[str], modality: str = "text", overrides: dict | None = None) -> dict[str, str]:
    """source column -> record field, for the columns we recognise."""
    targets = TEXT_TARGETS if modality == "text" else IMAGE_TARGETS
    overrides = overrides or {}
    for column, target in overrides.items():
        if target != IGNORE and target not in targets + (("text",) if modality == "text" else ()):
            raise UserError(tr("mapping {column}={target}: unknown field '{target}'", column=column, target=target), options=("--map",),
                            hint=f"fields are: {', '.join(targets)}" + (", text" if modality == "text" else ""))
    mapping: dict[str, str] = {c: t for c, t in overrides.items() if t != IGNORE}
    taken = set(mapping.values())
    free = [c for c in columns if c not in overrides]
    lowered = {c: c.strip().lower() for c in free}
    for target in targets:
        if target in taken:
            continue
        for alias in ALIASES.get(target, ()):
            match = next((c for c in free if lowered[c] == alias and c not in mapping), None)
            if match:
                mapping[match] = target
                taken.add(target)
                break
    if modality == "text" and "output" not in taken and "messages" not in taken:
        match = next((c for c in free if lowered[c] in TEXT_FALLBACK and c not in mapping), None)
        if match:
            mapping[match] = "output"
    for column, target in list(mapping.items()):
        if target == "text":
            mapping[column] = "output"
    return mapping


def check_overrides(overrides: dict, columns: list[str], source: str) -> None:
    """Every --map COLUMN names a column the file has (a typo must not pass as 'nothing to map')."""
    absent = [c for c in overrides if c not in columns]
    if absent:
        raise UserError(tr("{source}: the mapping {absent}={overrides} names no column of the file", source=source, absent=absent[0], overrides=overrides[absent[0]]),
                        hint="its columns are: " + (", ".join(columns[:20]) or "none"))


def shape_of(mapping: dict[str, str]) -> str:
    """The fine-tuning shape the mapping describes, for previews and reports."""
    fields = set(mapping.values())
    if "messages" in fields:
        return "chat"
    if "instruction" in fields and "output" in fields:
        return "instruction"
    if "output" in fields:
        return "text"
    if "file_name" in fields:
        return "image"
    return "unknown"


def check_mapping(mapping: dict[str, str], columns: list[str], modality: str, source: str, fmt: str) -> None:
    fields = set(mapping.values())
    if modality == "image":
        if "file_name" not in fields:
            raise UserError(tr("{source}: no column names the image file (columns: {items})", source=source, items=', '.join(columns)),
                            hint=tr("map a column to the image file field (file_name)"))
        return
    if fmt in ("sharegpt", "openai") and "messages" not in fields:
        raise UserError(tr("{source}: no '{value}' field for the chat turns (fields: {items})", source=source, value='conversations' if fmt == 'sharegpt' else 'messages', items=', '.join(columns)), hint=tr("map the field that holds the turns to messages"))
    if fmt == "alpaca" and not {"instruction", "output"} <= fields:
        raise UserError(tr("{source}: Alpaca needs instruction and output fields (found: {items})", source=source, items=', '.join(columns)),
                        hint=tr("map a column to instruction and one to output"))
    if not fields & {"messages", "output", "instruction", "input"}:
        raise UserError(tr("{source}: no column holds the example text (columns: {items})", source=source, items=', '.join(columns)),
                        hint=tr("map a column to output (and one to instruction for prompts)"))


def apply_mapping(row: dict, mapping: dict[str, str]) -> dict:
    example = {}
    for column, target in mapping.items():
        value = row.get(column)
        if value is not None and value != "":
            example[target] = value
    return example
