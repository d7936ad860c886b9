"""The command line under a Chinese locale: tables, details, job lines and usage mistakes in Chinese;
``--json`` byte for byte what it is in English."""
from __future__ import annotations

import json

import pytest

from engine.cli import main

LOCALE_VARIABLES = ("AIGC_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A workspace with the sample datasets, starter models and tasks (made once, in English)."""
    folder = str(tmp_path_factory.mktemp("cli-zh") / "ws")
    assert main(["--workspace", folder, "init"]) == 0
    return folder


def use_locale(monkeypatch, value: str) -> None:
    from engine import i18n
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n, "_override", None)
    monkeypatch.setenv("LANG", value)


def run(capsys, workspace, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--workspace", workspace, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


COMMANDS = {
    ("data", "list"): ["条记录"],
    ("data", "show", "ad-copy", "--records", "2"): ["第 1 版：", "条未被拒绝", "划分      训练集 ", "[训练集/未审核]"],
    ("data", "versions", "ad-copy"): ["条记录"],
    ("models", "list"): ["starter-text", "文本", "基础模型", "（演示质量）"],
    ("models", "details", "starter-text"): ["参数量：", "上下文长度：512"],
    ("models", "show", "starter-text"): ["路径", "对话模板将一段对话渲染为："],
    ("jobs", "list"): ["已成功", "载入示例内容"],
    ("task", "list"): ["模型 starter-text  数据集 ad-copy"],
    ("train", "--list-runs"): ["没有运行记录"],
    ("task", "runs"): ["没有运行记录"],
    ("status",): ["工作区", "离线保护    开启"],
}


def test_tables_and_details_are_chinese_and_json_is_unchanged(workspace, capsys, monkeypatch):
    for command, expected in COMMANDS.items():
        use_locale(monkeypatch, "en_US.UTF-8")
        code, english, _ = run(capsys, workspace, *command)
        assert code == 0
        _, english_json, _ = run(capsys, workspace, "--json", *command)
        use_locale(monkeypatch, "zh_CN.UTF-8")
        code, chinese, err = run(capsys, workspace, *command)
        assert code == 0, err
        for text in expected:
            assert text in chinese, (command, text, chinese)
            assert text not in english or text.isascii(), (command, text)
        _, chinese_json, _ = run(capsys, workspace, "--json", *command)
        if command != ("status",):      # status holds the lock's age and the time
            assert chinese_json == english_json, command
        assert json.loads(chinese_json.splitlines()[-1]).keys() == json.loads(english_json.splitlines()[-1]).keys()


def test_a_job_prints_its_progress_and_result_in_chinese(workspace, capsys, monkeypatch, tmp_path):
    use_locale(monkeypatch, "zh_CN.UTF-8")
    monkeypatch.setenv("AIGC_PROGRESS", "1")
    code, out, err = run(capsys, workspace, "data", "split", "ad-copy", "--val", "0.2", "--test", "0.1")
    assert code == 0, err
    assert "作业" in err and "已开始" in err and "%]" in err
    assert out.startswith("第 2 版：") and "训练集" in out and "验证集" in out and "测试集" in out
    job = json.loads(run(capsys, workspace, "--json", "jobs", "list")[1].splitlines()[-1])["jobs"][0]["id"]
    code, out, err = run(capsys, workspace, "jobs", "show", job)
    assert code == 0 and "状态      已成功" in out and "划分数据集" in out


def test_usage_mistakes_are_chinese(workspace, capsys, monkeypatch):
    use_locale(monkeypatch, "zh_CN.UTF-8")
    code, _, err = run(capsys, workspace, "data", "lst")
    assert code == 2
    assert err.startswith("错误：参数 ") and "无效的选择：'lst'（可选 " in err and "（参见“aigc data --help”）" in err
    code, _, err = run(capsys, workspace, "data", "show")
    assert code == 2 and err.startswith("错误：缺少以下参数：name"), err
    code, _, err = run(capsys, workspace, "jobs", "list", "--limit", "x")
    assert code == 2 and "参数 --limit：“x”不是整数" in err, err
    code, _, err = run(capsys, workspace, "data", "annotate", "ad-copy")
    assert code != 0 and err.startswith("错误：没有要修改的内容"), err
    use_locale(monkeypatch, "C")
    code, _, err = run(capsys, workspace, "data", "lst")
    assert code == 2 and err.startswith("error: argument ") and "invalid choice: 'lst'" in err


def test_help_headings_follow_the_locale(workspace, capsys, monkeypatch):
    use_locale(monkeypatch, "zh_CN.UTF-8")
    code, out, _ = run(capsys, workspace, "data", "show", "--help")
    assert code == 0 and out.startswith("用法：aigc data show") and "选项" in out and "显示此帮助信息并退出" in out
    use_locale(monkeypatch, "C.UTF-8")
    code, out, _ = run(capsys, workspace, "data", "show", "--help")
    assert code == 0 and out.startswith("usage: aigc data show") and "show this help message and exit" in out


def test_run_monitoring_text_is_chinese(monkeypatch):
    from engine.cli.task_monitor import trends_text
    run = {"run_id": "run-1", "created_at": 0, "state": "finished", "finished_items": 3, "items": 4,
           "items_per_minute": 6.0, "pass_rate": 75.0, "error_rate": 0.0, "retries": 1, "mean_confidence": None,
           "seconds_per_item": 1.5, "accuracy": None, "approval_rate": 50.0, "flags": [],
           "failures_by_cause": {"max_chars": 1}}
    result = {"task": "ad-copy", "runs": [run], "alerts": {}, "trend": {}, "slowest_steps": [],
              "most_failed_rules": [{"rule": "max_chars", "failed": 1, "checked": 4, "pass_rate": 75.0}],
              "flagged_runs": [], "classify": False}
    use_locale(monkeypatch, "zh_CN.UTF-8")
    text = trends_text(result)
    assert text.startswith("任务 ad-copy：1 次运行，告警阈值：未设置")
    assert "已完成" in text and "通过 50%" in text and "4 条中失败 1 条（通过率 75.0%）" in text
    use_locale(monkeypatch, "C")
    assert trends_text(result).startswith("task ad-copy: 1 run(s), alert thresholds: none set")
