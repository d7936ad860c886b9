"""Archiving a task hides it from the list and keeps everything it made; unarchive brings it back."""
import pytest

from engine.errors import NotFound, UserError

from .helpers import TEMPLATE_TASK, product_rows, write_csv
from .test_cli import run as run_cli


def test_archive_hides_and_unarchive_restores(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    eng.tasks.create({**TEMPLATE_TASK, "name": "slogans-2"})
    eng.jobs.wait(eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", product_rows(2))).id)
    with pytest.raises(UserError, match="cannot be removed"):
        eng.tasks.remove("slogans")  # a task with runs is archived, not deleted
    assert eng.tasks.archive("slogans") == {"task": "slogans", "archived": True, "changed": True}
    assert eng.tasks.archive("slogans")["changed"] is False
    assert [t.name for t in eng.tasks.list(archived=False)] == ["slogans-2"]
    assert [t.name for t in eng.tasks.list(archived=True)] == ["slogans"]
    assert [t.name for t in eng.tasks.list()] == ["slogans", "slogans-2"]
    assert eng.tasks.archived() == {"slogans"}
    assert eng.tasks.get("slogans").name == "slogans"          # still readable
    assert len(eng.review.list(task="slogans")) == 4            # its outputs stay in review
    eng.tasks.create(TEMPLATE_TASK, replace=True)               # editing keeps it archived
    assert eng.tasks.archived() == {"slogans"}
    assert eng.tasks.unarchive("slogans")["changed"] is True
    assert eng.tasks.archived() == set() and len(eng.tasks.list(archived=False)) == 2


def test_archive_unknown_task(eng):
    with pytest.raises(NotFound, match="no task named 'ghost'"):
        eng.tasks.archive("ghost")


def test_archive_from_the_command_line(capsys, tmp_path):
    ws = tmp_path / "ws"
    (tmp_path / "t.json").write_text(__import__("json").dumps(TEMPLATE_TASK), encoding="utf-8")
    assert run_cli(capsys, ws, "task", "create", "--from", str(tmp_path / "t.json"))[0] == 0
    code, out, _ = run_cli(capsys, ws, "task", "archive", "slogans")
    assert code == 0 and out["archived"] is True
    assert run_cli(capsys, ws, "task", "list")[1]["tasks"] == []
    assert [t["name"] for t in run_cli(capsys, ws, "task", "list", "--archived")[1]["tasks"]] == ["slogans"]
    code, out, _ = run_cli(capsys, ws, "task", "unarchive", "slogans")
    assert code == 0 and [t["name"] for t in run_cli(capsys, ws, "task", "list")[1]["tasks"]] == ["slogans"]
    code, _, err = run_cli(capsys, ws, "task", "archive", "ghost")
    assert code != 0 and "no task named 'ghost'" in err
