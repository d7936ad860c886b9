"""The Monitor tab (a task's runs over time, trend after three runs, flagged runs) and the Tasks tab's
evaluation section (Evaluate as a cancellable job, leaderboard with intervals, confusion matrix)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_ops
from tests.tasks.classify_helpers import ok, prepared_workspace, task_def
from tests.tasks.helpers import write_csv


def select_task(page, name: str) -> None:
    for g in range(page.tree.topLevelItemCount()):
        group = page.tree.topLevelItem(g)
        for c in range(group.childCount()):
            if group.child(c).data(0, Qt.ItemDataRole.UserRole).name == name:
                page.tree.setCurrentItem(group.child(c))


def relabel(engine, run_id: str, wrong: bool) -> None:
    """Review a run's answers: approve them as they are, or correct every one to another label."""
    other = {"tea": "shoes", "shoes": "lamp", "lamp": "tea"}
    for item in engine.review.list(task="products"):
        if item.run_id == run_id:
            engine.review.edit(item.id, other[item.output_text]) if wrong else engine.review.approve(item.id)


def test_monitor_shows_runs_trend_and_flags(make_window, qtbot, workspace_dir, tiny_text_dir, tmp_path):
    prepared_workspace(workspace_dir, tiny_text_dir, tmp_path)
    window = make_window()
    engine = window.engine
    engine.tasks.create(task_def(alerts={"min_accuracy": 50}), replace=True)
    inputs = write_csv(tmp_path / "in.csv", [["text"], ["Fresh tea."], ["Shoes for runners."], ["A lamp."]])
    runs = []
    for wrong in (False, False):
        runs.append(ok(engine, engine.tasks.run("products", inputs)).result["run_id"])
        relabel(engine, runs[-1], wrong)
    tasks = window.show_page("tasks")
    wait_ops(qtbot)
    select_task(tasks, "products")
    tasks.monitor_button.click()                      # the task's runs, one click away
    page = window.pages["monitor"]
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=20_000)
    wait_ops(qtbot)
    assert page.task.currentData() == "products"
    assert page.chart.isHidden() and "after 3 runs (2 so far)" in page.chart_hint.text()
    assert page.table.item(0, 7).text() == "accuracy 100.0%, F1 100.0"
    assert page.table.item(0, 3).text() == "3/3" and page.table.item(0, 8).text() == ""

    runs.append(ok(engine, engine.tasks.run("products", inputs)).result["run_id"])
    relabel(engine, runs[-1], wrong=True)             # every answer corrected: accuracy 0
    page.refresh_button.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=20_000)
    wait_ops(qtbot)
    assert not page.chart.isHidden() and set(page.chart.panels) == {
        "seconds_per_item", "error_rate", "quality", "items_per_minute"}
    assert page.chart.values["quality"] == [100.0, 100.0, 0.0]
    assert page.chart.flagged["quality"] == [2] and page.chart.flagged_points("quality") == 1
    assert page.chart.flagged["seconds_per_item"] == [] and page.chart.flagged_points("error_rate") == 0
    assert all(v is not None and v > 0 for v in page.chart.values["seconds_per_item"])
    newest = page.table.item(0, 0)
    assert newest.data(Qt.ItemDataRole.UserRole) == runs[-1] and newest.text() == "3"
    assert page.table.item(0, 8).text() == "accuracy 0% < 50%"
    assert not page.flags.isHidden() and "Run 3: accuracy 0% < 50%" in page.flags.text()
    assert page.table.item(0, 7).text().startswith("accuracy 0.0%")


def test_evaluate_is_a_cancellable_job_and_fills_the_leaderboard(make_window, qtbot, workspace_dir, tiny_text_dir,
                                                                 tmp_path):
    prepared_workspace(workspace_dir, tiny_text_dir, tmp_path, split=True)
    window = make_window()
    engine = window.engine
    page = window.show_page("tasks")
    wait_ops(qtbot)
    select_task(page, "products")
    panel = page.eval_panel
    qtbot.waitUntil(lambda: "No evaluations yet" in panel.message.text(), timeout=10_000)
    assert panel.table.rowCount() == 0 and panel.evaluate_button.isEnabled()
    assert panel.adapter.currentData() is None        # the base model alone

    panel.evaluate_button.click()                     # a fresh worker takes seconds to start: stop it first
    qtbot.waitUntil(lambda: panel.job_row is not None, timeout=10_000)
    assert not panel.evaluate_button.isEnabled()
    panel.job_row.cancel_button.click()
    qtbot.waitUntil(lambda: panel.job_row.state == "cancelled", timeout=60_000)
    wait_ops(qtbot)
    assert panel.evaluate_button.isEnabled() and engine.tasks.evals("products") == []

    panel.evaluate_button.click()
    qtbot.waitUntil(lambda: panel.job_row is not None and panel.job_row.state == "succeeded", timeout=120_000)
    assert panel.job_row.bar.value() == 1000
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=20_000)
    wait_ops(qtbot)
    stored = engine.tasks.evals("products")
    assert len(stored) == 1
    metrics = stored[0]["metrics"]
    assert panel.table.item(0, 0).text() == "starter-text (base model)"
    assert panel.table.item(0, 1).text() == "label likelihood"     # the scoring method in words, not its id
    assert panel.message.text().endswith(", test split"), panel.message.text()
    lo, hi = metrics["ci"]["macro_f1"]
    assert panel.table.item(0, 3).text() == f"{metrics['macro_f1']:.1f} [{lo:.1f}–{hi:.1f}]"
    lo, hi = metrics["ci"]["accuracy"]
    assert panel.table.item(0, 4).text() == f"{metrics['accuracy']:.1f} [{lo:.1f}–{hi:.1f}]"
    calibration = metrics["calibration"]            # fitted on the validation split
    assert panel.table.item(0, 5).text() == f"{calibration['ece_before']:.3f} → {calibration['ece_after']:.3f}"
    matrix = panel.matrix
    assert not matrix.isHidden() and "Confusion matrix" in panel.detail_title.text()
    assert [matrix.verticalHeaderItem(i).text() for i in range(matrix.rowCount())] == ["tea", "shoes", "lamp"]
    counts = [[int(matrix.item(i, j).text()) for j in range(matrix.columnCount())] for i in range(matrix.rowCount())]
    assert sum(map(sum, counts)) == stored[0]["examples"]
    diagonal = sum(counts[i][i] for i in range(3))
    assert round(100 * diagonal / stored[0]["examples"], 2) == metrics["accuracy"]


def test_multi_label_evaluation_shows_per_label_scores(make_window, qtbot, workspace_dir, tiny_text_dir, tmp_path):
    from engine.api import Engine
    from tests.tasks.classify_helpers import LABELS, TEMPLATE, write_jsonl
    from tests.tasks.conftest import import_model
    from tests.tasks.test_multilabel import tag_rows
    with Engine.open(workspace_dir) as eng:
        import_model(eng, tiny_text_dir, "starter-text", "text")
        ok(eng, eng.data.import_file(write_jsonl(tmp_path / "tags.jsonl", tag_rows()), "tags-data"))
        eng.tasks.create({"name": "tags", "template": TEMPLATE, "model": "starter-text", "dataset": "tags-data",
                          "department": "Customer Service",
                          "classify": {"labels": LABELS, "multi_label": True, "threshold": 0.25}})
        ok(eng, eng.tasks.evaluate("tags"))
        metrics = eng.tasks.evals("tags")[0]["metrics"]
    window = make_window()
    page = window.show_page("tasks")
    wait_ops(qtbot)
    select_task(page, "tags")
    panel = page.eval_panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=20_000)
    wait_ops(qtbot)
    assert "Per-label scores" in panel.detail_title.text() and not panel.matrix.isHidden()
    matrix = panel.matrix
    assert [matrix.verticalHeaderItem(i).text() for i in range(matrix.rowCount())] == LABELS
    assert [matrix.horizontalHeaderItem(j).text() for j in range(4)] == ["Precision", "Recall", "F1", "Support"]
    for i, label in enumerate(LABELS):
        assert matrix.item(i, 2).text() == f"{metrics['per_class'][label]['f1']:g}"
        assert matrix.item(i, 3).text() == str(metrics["per_class"][label]["support"])
    assert panel.table.item(0, 5).text() == "–"        # multi-label answers are not temperature-scaled


def test_a_flag_in_any_language_marks_the_chart_of_its_measure():
    from desktop.tabs.monitor import flagged_panels
    runs = [{"flags": ["准确率 10% < 50%"], "flagged": ["accuracy"]}, {"flags": [], "flagged": []},
            {"flags": ["重试率 60% > 50%"], "flagged": ["retry_rate"]}]
    assert flagged_panels(runs) == {"seconds_per_item": [2], "error_rate": [2], "quality": [0, 2],
                                    "items_per_minute": [2]}


def test_with_no_runs_the_task_picker_stays_at_the_top(make_window, qtbot):
    window = make_window()
    window.resize(1360, 860)
    page = window.show_page("monitor")
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.empty.isVisible(), timeout=10_000)
    qtbot.wait(200)
    top = page.task.mapTo(page, page.task.rect().topLeft()).y()
    assert top < page.empty.mapTo(page, page.empty.rect().topLeft()).y()
    assert top < 120, top      # under the page title (it sat mid-page before)
