"""Tasks in the workspace database, and their JSON files for offline bundles.

A bundle file is ``{"format": "aigc-tasks", "version": 1, "tasks": [...]}``;
a plain list of task objects (the sample file) is accepted too. Import checks
every task before it writes any, so a bad file leaves the workspace unchanged.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from engine import atomic
from engine import names as naming
from engine.errors import NotFound, UserError
from engine.tasks.definition import TaskDef, task_from_dict
from engine.i18n import N_, tr

BUNDLE_FORMAT = "aigc-tasks"
BUNDLE_VERSION = 1


def _row_to_task(row) -> TaskDef:
    return task_from_dict(json.loads(row["definition"]), where=f"stored task {row['name']}")


def get_task(workspace, name_or_id) -> TaskDef:
    con = workspace.db()
    row = con.execute("SELECT * FROM tasks WHERE name = ?", (str(name_or_id),)).fetchone()
    if row is None and str(name_or_id).isdigit():
        row = con.execute("SELECT * FROM tasks WHERE id = ?", (int(name_or_id),)).fetchone()
    if row is None:
        raise NotFound(tr("no task named '{name_or_id}'", name_or_id=name_or_id), hint=tr("'aigc task list' shows the tasks"))
    return _row_to_task(row)


def task_id(workspace, name: str) -> int:
    row = workspace.db().execute("SELECT id FROM tasks WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(tr("no task named '{name}'", name=name), hint=tr("'aigc task list' shows the tasks"))
    return row[0]


def list_tasks(workspace, archived: bool | None = None) -> list[TaskDef]:
    """All tasks (``archived=None``), only active ones (False) or only archived ones (True)."""
    where = {None: "", False: " WHERE archived_at IS NULL", True: " WHERE archived_at IS NOT NULL"}[archived]
    return [_row_to_task(r) for r in workspace.db().execute(f"SELECT * FROM tasks{where} ORDER BY name")]


def archived_names(workspace) -> set[str]:
    return {r[0] for r in workspace.db().execute("SELECT name FROM tasks WHERE archived_at IS NOT NULL")}


def set_archived(workspace, name: str, archived: bool) -> bool:
    """Archive (hide from the task list, keep everything) or bring back a task; returns whether it changed."""
    tid = task_id(workspace, name)
    with workspace.transaction() as con:
        if archived:
            changed = con.execute("UPDATE tasks SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
                                  (time.time(), tid)).rowcount
        else:
            changed = con.execute("UPDATE tasks SET archived_at = NULL WHERE id = ? AND archived_at IS NOT NULL",
                                  (tid,)).rowcount
    return bool(changed)


def save_tasks(workspace, tasks: list[TaskDef], replace: bool = False) -> dict:
    """Insert (or with ``replace`` update) tasks in one transaction: all or nothing."""
    names = [t.name for t in tasks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UserError(tr("task '{dupes}' appears twice in the same file", dupes=dupes[0]))
    now = time.time()
    added, replaced, skipped = [], [], []
    with workspace.transaction() as con:
        for task in tasks:
            body = json.dumps(task.to_dict(), ensure_ascii=False, sort_keys=True)
            row = con.execute("SELECT id, definition FROM tasks WHERE name = ?", (task.name,)).fetchone()
            if row is None:
                naming.check_new_name(task.name, [r[0] for r in con.execute("SELECT name FROM tasks")], "task",
                                     hint="choose another name (task names ignore case)")
                con.execute("INSERT INTO tasks(name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)",
                            (task.name, body, now, now))
                added.append(task.name)
            elif json.loads(row["definition"]) == task.to_dict():
                skipped.append(task.name)
            elif replace:
                con.execute("UPDATE tasks SET definition = ?, updated_at = ? WHERE id = ?", (body, now, row["id"]))
                replaced.append(task.name)
            else:
                raise UserError(tr("a different task named '{name}' already exists", name=task.name),
                                hint=tr("choose another name, or choose to replace it"), options=("--replace",))
    return {"added": added, "replaced": replaced, "unchanged": skipped}


def rename_task(workspace, old: str, task: TaskDef) -> None:
    """Save ``task`` in place of task ``old`` under its new name, with its runs and outputs: all or nothing."""
    tid = task_id(workspace, old)
    body = json.dumps(task.to_dict(), ensure_ascii=False, sort_keys=True)
    with workspace.transaction() as con:
        taken = con.execute("SELECT id FROM tasks WHERE name = ? AND id != ?", (task.name, tid)).fetchone()
        if taken is not None:
            raise UserError(tr("a task named '{name}' already exists", name=task.name), hint=tr("choose another name"))
        con.execute("UPDATE tasks SET name = ?, definition = ?, updated_at = ? WHERE id = ?",
                    (task.name, body, time.time(), tid))
        con.execute("UPDATE task_runs SET task_name = ? WHERE task_id = ?", (task.name, tid))
        con.execute("UPDATE task_outputs SET task_name = ? WHERE task_name = ?", (task.name, old))


def remove_task(workspace, name: str) -> None:
    tid = task_id(workspace, name)
    runs = workspace.db().execute("SELECT count(*) FROM task_runs WHERE task_id = ?", (tid,)).fetchone()[0]
    if runs:
        raise UserError(tr("task '{name}' has {runs} run(s) whose outputs are kept for review; it cannot be removed", name=name, runs=runs),
                        hint=tr("edit it instead, or create a new task under another name"))
    workspace.db().execute("DELETE FROM tasks WHERE id = ?", (tid,))


# -- files -----------------------------------------------------------------------
def read_task_file(path: str | Path) -> list[TaskDef]:
    from engine.safe_json import load_file
    path = Path(path)
    data = load_file(path, N_("task file"))
    if isinstance(data, dict) and "tasks" in data:
        if data.get("format") != BUNDLE_FORMAT:
            raise UserError(tr("{path}: field 'format' is {get!r}, expected '{bundle_format}'", path=path, get=data.get('format'), bundle_format=BUNDLE_FORMAT))
        if int(data.get("version", 0)) > BUNDLE_VERSION:
            raise UserError(tr("{path}: task file version {get} is newer than this program supports", path=path, get=data.get('version')),
                            hint=tr("update AIGC Workbench"))
        items = data["tasks"]
    elif isinstance(data, dict):
        items = [data]
    else:
        items = data
    if not isinstance(items, list) or not items:
        raise UserError(tr("{path}: expected a list of tasks", path=path))
    tasks = []
    for index, item in enumerate(items):
        try:
            tasks.append(task_from_dict(item, where=f"task #{index + 1}"))
        except UserError as exc:
            raise UserError(tr("{path}: {message}", path=path, message=exc.message), hint=exc.hint) from None
    return tasks


def write_task_file(tasks: list[TaskDef], path: str | Path) -> Path:
    path = Path(path)
    atomic.write_json(path, {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION,
                             "tasks": [t.to_dict() for t in tasks]})
    return path
