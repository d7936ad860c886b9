"""Tasks tab: every edit on screen is saved (steps, example values), a rename renames, and leaving
a task with unsaved edits asks first."""
from __future__ import annotations

from tests.gui.conftest import wait_ops
from tests.gui.test_tasks_review_tabs import SLOGANS, tree_names


def open_tasks(make_window, qtbot, *definitions):
    window = make_window()
    for definition in definitions:
        window.engine.tasks.create(definition)
    page = window.show_page("tasks")
    page.refresh()
    wait_ops(qtbot)
    return window, page


def select(page, name):
    for g in range(page.tree.topLevelItemCount()):
        group = page.tree.topLevelItem(g)
        for c in range(group.childCount()):
            if group.child(c).toolTip(0) == name:
                page.tree.setCurrentItem(group.child(c))
                return


def save(page, qtbot):
    page.message.clear()
    page.save_button.click()
    qtbot.waitUntil(lambda: page.message.text()[:1] in ("✓", "⚠"), timeout=10_000)
    assert page.message.text().startswith("✓"), page.message.text()
    wait_ops(qtbot)


def test_edited_steps_and_example_values_are_saved(make_window, qtbot):
    window, page = open_tasks(make_window, qtbot, SLOGANS)
    assert page.current.name == "slogans" and page.steps.rowCount() == 1
    assert page.steps.cellWidget(0, 1).currentText() == "Text"          # a name, not the id "text"
    page.steps.item(0, 3).setText("{product}: loved by {audience}")
    page.steps_editor.add_step()
    page.steps.item(1, 0).setText("shout")
    page.steps.item(1, 3).setText("{steps.copy.output}!")
    page.template.setPlainText("{product} for {audience}")
    page.variables.item(0, 1).setText("canvas tote")
    save(page, qtbot)
    task = window.engine.tasks.get("slogans")
    assert [(s.name, s.template) for s in task.steps] == [("copy", "{product}: loved by {audience}"),
                                                          ("shout", "{steps.copy.output}!")]
    assert task.steps[0].dataset == "slogan-examples"                  # what the table does not show is kept
    assert task.examples == {"product": "canvas tote"}
    page.refresh()
    wait_ops(qtbot)
    assert page.variables.item(0, 1).text() == "canvas tote"          # shown again after a reload
    assert not page.has_unsaved_edits()


def test_renaming_and_saving_renames_instead_of_copying(make_window, qtbot):
    window, page = open_tasks(make_window, qtbot, SLOGANS)
    page.name.setText("ad-lines")
    save(page, qtbot)
    assert [t.name for t in window.engine.tasks.list()] == ["ad-lines"]
    assert tree_names(page) == ["ad-lines"] and page.current.name == "ad-lines"


def test_picking_another_task_with_unsaved_edits_asks_first(make_window, qtbot):
    window, page = open_tasks(make_window, qtbot, SLOGANS, {**SLOGANS, "name": "slogans-b"})
    assert page.current.name == "slogans"
    page.max_chars.setValue(40)
    select(page, "slogans-b")
    box = page.question                                      # asked, without blocking the window
    assert page.current.name == "slogans" and page.max_chars.value() == 40
    next(b for b in box.buttons() if box.standardButton(b) == box.StandardButton.Cancel).click()
    assert page.current.name == "slogans" and page.max_chars.value() == 40

    select(page, "slogans-b")
    next(b for b in page.question.buttons() if b.text() == "Save").click()
    qtbot.waitUntil(lambda: page.current.name == "slogans-b", timeout=10_000)
    wait_ops(qtbot)
    assert window.engine.tasks.get("slogans").constraints.max_chars == 40

    page.max_chars.setValue(50)
    select(page, "slogans")
    next(b for b in page.question.buttons() if b.text() == "Discard changes").click()
    assert page.current.name == "slogans" and page.max_chars.value() == 40
    assert window.engine.tasks.get("slogans-b").constraints.max_chars == 24
