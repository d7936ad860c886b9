"""The engine's message catalog: every message has its Chinese, the language follows the locale,
and no message the window can show names a command-line option."""
from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine"
CATALOG = ROOT / "resources" / "i18n" / "engine_zh_CN.json"


def engine_files():
    return sorted(p for p in ENGINE.rglob("*.py"))


def _constants(node) -> list[str]:
    """A message argument's text: a constant, or each constant branch of ``"a" if x else "b"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def msgids() -> dict[str, list[str]]:
    """Every constant first argument of ``tr(...)`` and ``N_(...)`` in engine code -> where it is used."""
    found: dict[str, list[str]] = {}
    for path in engine_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "N_") \
                    and node.args:
                for text in _constants(node.args[0]):
                    found.setdefault(text, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_engine_message_has_a_chinese_entry_with_the_same_fields():
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    used = msgids()
    assert len(used) > 200            # the scan finds the calls (guards against a scan that finds nothing)
    missing = [f"{where[0]}: {msgid!r}" for msgid, where in used.items() if msgid not in catalog]
    assert not missing, "no zh_CN entry:\n" + "\n".join(missing)
    wrong = [f"{used[m][0]}: {m!r} -> {catalog[m]!r}" for m in used if fields_of(m) != fields_of(catalog[m])]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)
    assert list(catalog) == sorted(catalog), "keep engine_zh_CN.json sorted"
    unused = [english for english in catalog if english not in used]
    assert not unused, f"entries no engine code uses: {unused}"


def test_a_translated_message_keeps_the_words_the_command_line_adds_options_for():
    """flag_hints finds a phrase in the message's own language: each catalog entry holding a phrase
    in English holds the phrase's translation."""
    from engine.cli.flag_hints import PHRASES
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    broken = [(english, phrase) for phrase, _ in PHRASES for english, chinese in catalog.items()
              if phrase in english and english != phrase and catalog[phrase] not in chinese]
    assert not broken


def test_language_from_the_locale_variables(monkeypatch):
    from engine import i18n
    for name in ("AIGC_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n, "_override", None)
    assert i18n.language() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh_CN"
    assert i18n.tr("step {step}/{total} loss {loss}", step=3, total=9, loss="1.0") == "第 3/9 步 损失 1.0"
    monkeypatch.setenv("LC_ALL", "C")          # LC_ALL wins over LANG
    assert i18n.language() == "en"
    monkeypatch.setenv("LANGUAGE", "zh_TW:en")  # LANGUAGE wins over both
    assert i18n.language() == "zh_CN"
    monkeypatch.setenv("AIGC_LANG", "en")       # the window's choice wins over the locale
    assert i18n.language() == "en"


def _cli(args, env_lang, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("AIGC_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(env_lang, PYTHONPATH=str(ROOT), AIGC_WORKBENCH_HOME=str(tmp_path / "ws"))
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)


def test_the_command_line_speaks_chinese_under_a_chinese_locale(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "a", "output": "b"}\n{"instruction": \n', encoding="utf-8")
    zh = _cli(["data", "import", str(bad), "--name", "d1"], {"LANG": "zh_CN.UTF-8"}, tmp_path)
    assert zh.returncode != 0
    assert zh.stderr.startswith("错误：bad.jsonl 第 2 行：不是有效的 JSON"), zh.stderr
    assert "跳过坏行" in zh.stderr and "[选项：--skip-bad]" in zh.stderr   # the option follows the Chinese words
    en = _cli(["data", "import", str(bad), "--name", "d1"], {"LANG": "C.UTF-8"}, tmp_path)
    assert "skipping bad rows" in en.stderr and "--skip-bad" in en.stderr, en.stderr
    # --json keeps its keys in English
    js = _cli(["--json", "data", "list"], {"LC_ALL": "zh_CN.UTF-8"}, tmp_path)
    assert js.returncode == 0, js.stderr
    assert isinstance(json.loads(js.stdout.strip().splitlines()[-1]), dict)


# -- messages never name a command-line option --------------------------------------------------
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
MESSAGE_CALLS = {"UserError", "NotFound", "WorkspaceLocked", "RowError", "tr", "N_"}


def _strings(call: ast.Call) -> list[str]:
    """The string pieces of a message call, leaving out ``options=`` (the options the CLI adds)."""
    parts = [*call.args, *(k.value for k in call.keywords if k.arg != "options")]
    return [sub.value for part in parts for sub in ast.walk(part)
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str)]


def flagged_messages() -> list[str]:
    """Messages (UserError and tr() arguments, hints included) that name a ``--option``."""
    found = []
    for path in engine_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("engine/cli/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MESSAGE_CALLS:
                for text in _strings(node):
                    if FLAG.search(text):
                        found.append(f"{rel}:{node.lineno}: {text}")
    return found


def test_engine_messages_name_no_command_line_option():
    """The window shows engine messages too: they say what to do in words (engine/cli/flag_hints.py and
    ``UserError.options`` add the option on the command line)."""
    flagged = flagged_messages()
    assert not flagged, "\n".join(flagged)


def test_the_scan_finds_a_flag_in_a_message(tmp_path):
    tree = ast.parse('raise UserError("x", hint="pass --force to replace it")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert any(FLAG.search(t) for t in _strings(call))


def test_sample_tasks_in_a_chinese_workspace(eng, monkeypatch):
    from engine import i18n
    from engine.tasks.area import install_sample_tasks
    monkeypatch.setattr(i18n, "_override", "zh_CN")
    install_sample_tasks(eng, None)
    ad = eng.tasks.get("ad-copy")
    assert ad.department == "市场部" and ad.template.startswith("为{product}写一句面向{audience}的广告语")
    poster = eng.tasks.get("product-poster")
    assert {s.name: s.template for s in poster.steps}["copy"].endswith("语气：大胆。")
    assert eng.tasks.get("ticket-intent").template.startswith("Classify")   # classify prompts stay as trained


def test_sample_tasks_in_an_english_workspace(eng):
    from engine.tasks.area import install_sample_tasks
    install_sample_tasks(eng, None)
    ad = eng.tasks.get("ad-copy")
    assert ad.department == "Marketing" and ad.template.startswith("Write a one-line ad")


def test_literal_braces_and_labels(monkeypatch):
    from engine import i18n
    monkeypatch.setattr(i18n, "_override", "en")
    assert i18n.tr("write {{steps.NAME.output}}") == "write {steps.NAME.output}"
    assert i18n.tr("a {label} that is no format string") == "a {label} that is no format string"
    monkeypatch.setattr(i18n, "_override", "zh_CN")
    assert i18n.tr("write {{steps.NAME.output}}") == "请写作 {steps.NAME.output}"


def test_a_field_refusal_names_the_field_in_words_and_the_command_line_adds_the_option(monkeypatch):
    from engine import i18n
    from engine.cli.flag_hints import with_flags
    from engine.errors import UserError
    from engine.text.config import TrainConfig
    with pytest.raises(UserError) as caught:
        TrainConfig(model="m", data="d", learning_rate=5).validate()
    assert str(caught.value) == "learning rate 5 is out of range: it must be a number > 0 and <= 1"
    assert with_flags(str(caught.value), caught.value.options).endswith("[option: --learning-rate]")
    monkeypatch.setattr(i18n, "_override", "zh_CN")
    with pytest.raises(UserError) as caught:
        TrainConfig(model="m", data="d", batch_size=0).validate()
    assert str(caught.value).startswith("批大小 0 超出范围")
    assert with_flags(str(caught.value), caught.value.options).endswith("[选项：--batch-size]")


def test_ids_in_kind_fields_are_said_in_words(monkeypatch):
    from engine import i18n
    monkeypatch.setattr(i18n, "_override", "zh_CN")
    assert i18n.tr("model '{name}' is a {kind} model, not an image model", name="m", kind="text") == \
        "模型“m”是文本模型，不是图像模型"
    assert "data.import" in i18n.tr("job {id} ({kind}) cannot be resumed: a {kind} job keeps nothing when it "
                                    "stops, so it starts over (only {items} jobs continue)",
                                    id="j1", kind="data.import", items="text.train")


# -- job log lines are messages too ---------------------------------------------------------------
def _untranslated(node) -> bool:
    """Text written in the call itself: a constant, an f-string, or a sum or choice holding one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() \
            or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) or _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    return False


def _job_message(node):
    """The text of ``ctx.log(text)`` or ``ctx.report(fraction, text)`` (None for any other call)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            isinstance(node.func.value, ast.Name) and node.func.value.id.endswith("ctx"):
        position = {"log": 0, "report": 1}.get(node.func.attr)
        if position is not None and len(node.args) > position:
            return node.args[position]
    return None


def untranslated_log_lines() -> list[str]:
    """``ctx.log(...)`` and ``ctx.report(...)`` calls in engine/ whose text is English written in place rather
    than ``tr(...)``: the job log and progress lines the window and the command line show."""
    found = []
    for path in engine_files():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            message = _job_message(node)
            if message is not None and _untranslated(message):
                found.append(f"{rel}:{node.lineno}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):     # a log line kept for later (the importer's skipped rows)
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and key.value == "log" and _untranslated(value):
                        found.append(f"{rel}:{node.lineno}")
    return found


def test_job_log_lines_go_through_the_catalog():
    assert not untranslated_log_lines(), "\n".join(untranslated_log_lines())
    tree = ast.parse('ctx.log(f"stopped at step {n}")\nctx.log(tr("step {n}", n=n))')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    assert [_untranslated(c.args[0]) for c in calls] == [True, False]


def test_a_skipped_row_is_logged_in_chinese(eng, tmp_path, monkeypatch):
    from engine import i18n
    monkeypatch.setattr(i18n, "_override", "zh_CN")
    path = tmp_path / "gap.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n{"instruction": "", "output": ""}\n', encoding="utf-8")
    lines = []
    unsubscribe = eng.jobs.subscribe(lambda e: lines.append(e.data["text"]) if e.type == "log" else None)
    try:
        job = eng.jobs.run("data.import", {"path": str(path), "name": "gap", "skip_bad": True})
    finally:
        unsubscribe()
    assert job.state.value == "succeeded", job.error
    assert any(line.startswith("已跳过 gap.jsonl 第 2 行 字段 output：") for line in lines), lines
