import json

import pytest

from engine.errors import NotFound, UserError
from engine.samples import samples_dir

from .helpers import TEMPLATE_TASK


def test_create_get_list_and_remove(eng):
    task = eng.tasks.create(TEMPLATE_TASK)
    assert eng.tasks.get("slogans") == task
    assert [t.name for t in eng.tasks.list()] == ["slogans"]
    eng.tasks.create(TEMPLATE_TASK)  # the same definition again changes nothing
    with pytest.raises(UserError, match="already exists"):
        eng.tasks.create({**TEMPLATE_TASK, "department": "Brand"})
    assert eng.tasks.create({**TEMPLATE_TASK, "department": "Brand"}, replace=True).department == "Brand"
    eng.tasks.remove("slogans")
    with pytest.raises(NotFound):
        eng.tasks.get("slogans")


def test_export_then_import_into_another_workspace(eng, tmp_path):
    from engine.api import Engine
    eng.tasks.import_file(samples_dir() / "tasks.json")
    bundle = tmp_path / "bundle" / "tasks.json"
    result = eng.tasks.export_file(bundle)
    assert len(result["tasks"]) == 7
    assert json.loads(bundle.read_text(encoding="utf-8"))["format"] == "aigc-tasks"
    with Engine.open(tmp_path / "other") as other:
        assert other.tasks.import_file(bundle)["added"] == sorted(result["tasks"])
        assert other.tasks.get("product-poster") == eng.tasks.get("product-poster")
        assert other.tasks.get("ticket-intent") == eng.tasks.get("ticket-intent")  # label set and alerts kept
        assert len(other.tasks.get("ticket-intent").classify.labels) == 6


def test_a_bad_bundle_changes_nothing(eng, tmp_path):
    good = dict(TEMPLATE_TASK)
    bad = {**TEMPLATE_TASK, "name": "second", "steps": [{"name": "a", "template": "{steps.zz.output}"}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
    with pytest.raises(UserError, match=r"tasks.json: task second steps\[0\]|step that does not exist"):
        eng.tasks.import_file(path)
    assert eng.tasks.list() == []
    path.write_text('[{"name": "x",', encoding="utf-8")
    with pytest.raises(UserError, match="line 1 column"):
        eng.tasks.import_file(path)


def test_sample_installer_is_idempotent(eng):
    from engine.tasks.area import install_sample_tasks
    first = install_sample_tasks(eng, None)
    assert "product-poster" in first["added"]
    second = install_sample_tasks(eng, None)
    assert second["added"] == [] and len(second["skipped"]) == 7
