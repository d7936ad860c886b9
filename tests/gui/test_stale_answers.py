"""A slow answer to an earlier click never replaces the answer to a later one."""
from __future__ import annotations

import time

from tests.gui.conftest import wait_ops
from tests.gui.test_tasks_review_tabs import SLOGANS, write_inputs


def test_review_filter_shows_the_last_choice_even_when_an_earlier_answer_comes_later(make_window, qtbot,
                                                                                    tmp_path, monkeypatch):
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    engine.jobs.wait(engine.tasks.run("slogans", str(write_inputs(tmp_path / "in.csv"))).id, timeout=60)
    page = window.show_page("review")
    page.refresh()
    qtbot.waitUntil(lambda: page.queue.count() == 3, timeout=10_000)
    listing = engine.review.list

    def slow_for_rejected(*args, **kwargs):
        if kwargs.get("status") == "rejected":
            time.sleep(1.5)          # the database was busy for this one
        return listing(*args, **kwargs)
    monkeypatch.setattr(engine.review, "list", slow_for_rejected)
    page.status_filter.setCurrentIndex(page.status_filter.findData("rejected"))   # nothing rejected: empty
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))           # then All: 3
    wait_ops(qtbot)
    assert page.queue.count() == 3 and page.inner.currentWidget() is page.detail


def test_clicking_quickly_through_runs_shows_the_last_one_clicked(make_window, qtbot, monkeypatch):
    from tests.gui import test_shell  # noqa: F401 - registers the test job kinds
    window = make_window()
    engine = window.engine
    first = engine.jobs.run("test.gui_steps", {"steps": 3, "delay": 0})
    second = engine.jobs.run("test.gui_steps", {"steps": 5, "delay": 0})
    page = window.show_page("training")
    getting = engine.jobs.get

    def slow_for_first(job_id):
        if job_id == first.id:
            time.sleep(1.5)
        return getting(job_id)
    monkeypatch.setattr(engine.jobs, "get", slow_for_first)
    from PySide6.QtWidgets import QListWidgetItem
    from PySide6.QtCore import Qt
    for job in (first, second):
        item = QListWidgetItem(job.id)
        item.setData(Qt.ItemDataRole.UserRole, {"id": job.id, "job_id": job.id, "state": "succeeded", "dir": ""})
        page.runs_list.addItem(item)
    page.runs_list.setCurrentRow(0)
    page.runs_list.setCurrentRow(1)
    wait_ops(qtbot)
    assert page.current_job == second.id
