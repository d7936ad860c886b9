"""The engine's own messages in the user's language (English and Simplified Chinese).

    from engine.i18n import tr
    ctx.report(0.5, tr("step {step}/{total} loss {loss}", step=s, total=n, loss=f"{loss:.4f}"))
    raise UserError(tr("no dataset named '{name}'", name=name), hint=tr("check the name"))

The English text is the key; ``resources/i18n/engine_zh_CN.json`` maps it to Chinese. Fields are
named so a translation can put them in its own order. The language is, first to last:
``set_language()`` (the window, from its language setting, and each worker process per job),
``$AIGC_LANG`` (set by the window for every process it starts), then ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` as other command-line tools read them (``LANG=zh_CN.UTF-8 aigc ...``).
Messages are translated where they are made, so job progress and errors stored in the workspace
are in the language of the program that ran the job; JSON keys and ids never are.
"""
from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

SUPPORTED = ("en", "zh_CN")
_ENV_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_override: str | None = None
_lock = threading.Lock()


def from_locale(value: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh', 'zh_CN:en' -> 'zh_CN'; 'C', 'en_US' -> 'en'; '' or None -> None."""
    if not value:
        return None
    first = value.split(":")[0].strip()
    if not first:
        return None
    if first.lower().startswith("zh"):
        return "zh_CN"
    return "en"


def _from_environment() -> str:
    explicit = os.environ.get("AIGC_LANG")
    if explicit in SUPPORTED:
        return explicit
    for name in _ENV_ORDER:
        language = from_locale(os.environ.get(name))
        if language:
            return language
    return "en"


def language() -> str:
    """The language messages are made in now: 'en' or 'zh_CN'."""
    return _override or _from_environment()


def set_language(value: str | None) -> None:
    """Use ``value`` ('en', 'zh_CN') in this process and every process it starts from now on;
    None goes back to the environment."""
    global _override
    with _lock:
        if value is None:
            _override = None
            os.environ.pop("AIGC_LANG", None)
            return
        _override = value if value in SUPPORTED else from_locale(value) or "en"
        os.environ["AIGC_LANG"] = _override


def catalog_path(lang: str) -> Path:
    from engine.samples import resources_dir
    return resources_dir() / "i18n" / f"engine_{lang}.json"


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """English message -> translation (empty for English or a missing file)."""
    if lang == "en":
        return {}
    try:
        data = json.loads(catalog_path(lang).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str) and v}


def N_(msgid: str) -> str:
    """Marks ``msgid`` as a message translated later with ``tr(variable)`` (tables of phrases)."""
    return msgid


# Ids that fill a {kind}, {modality}, {role} or {type} field are said in words ("image" -> 图像).
ID_FIELDS = ("kind", "modality", "role", "type", "kind2", "modality2")
IDS = (N_("text"), N_("image"), N_("model"), N_("adapter"), N_("dataset"), N_("task"), N_("base"))


def tr(msgid: str, /, **fields) -> str:
    """``msgid`` in the current language, with ``{name}`` fields filled in."""
    table = catalog(language())
    text = table.get(msgid, msgid)
    for name in ID_FIELDS:
        if isinstance(fields.get(name), str) and fields[name] in IDS:
            fields[name] = table.get(fields[name], fields[name])
    try:
        return text.format(**fields)       # also turns a literal {{ into {
    except (KeyError, IndexError, ValueError):
        pass
    try:                                   # a broken translation must never hide the message
        return msgid.format(**fields)
    except (KeyError, IndexError, ValueError):
        return msgid                       # a label that is not a format string (tr(variable))




