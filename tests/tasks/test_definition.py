import json

import pytest

from engine.errors import UserError
from engine.samples import samples_dir
from engine.tasks.definition import task_from_dict
from engine.tasks.store import read_task_file

BASE = {"name": "ads", "template": "Ad for {product}"}


def test_minimal_task_has_one_implicit_step():
    task = task_from_dict(BASE)
    (step,) = task.effective_steps()
    assert step.name == "output" and step.template == "Ad for {product}"
    assert task.input_variables() == ["product"]
    assert task.step_dataset(step) is None


def test_round_trip_through_json():
    task = task_from_dict({**BASE, "constraints": {"max_chars": 60, "banned_terms": ["MegaMart"]},
                           "generation": {"seed": 7, "max_new_tokens": 20}})
    again = task_from_dict(json.loads(json.dumps(task.to_dict())))
    assert again == task


@pytest.mark.parametrize("data, message", [
    ({**BASE, "colour": "red"}, "unknown field 'colour'"),
    ({**BASE, "name": "bad name!"}, "not a valid task name"),
    ({**BASE, "template": ""}, "template is empty"),
    ({**BASE, "constraints": {"min_chars": 10, "max_chars": 5}}, "min_chars"),
    ({**BASE, "constraints": {"regex": "("}}, "regex is not a valid"),
    ({**BASE, "constraints": {"language": "xx"}}, "language 'xx'"),
    ({**BASE, "modality": "video"}, "modality"),
    ({**BASE, "steps": [{"name": "a", "template": "{steps.b.output}"}]}, "step that does not exist"),
    ({**BASE, "steps": [{"name": "a", "template": "{steps.b.output}"}, {"name": "b", "template": "x"}]},
     "step that comes later"),
    ({**BASE, "steps": [{"name": "a", "template": "{steps.a.output}"}]}, "its own output"),
    ({**BASE, "steps": [{"name": "a", "template": "x"}, {"name": "a", "template": "y"}]}, "used twice"),
    ({**BASE, "steps": [{"name": "a", "template": "{x.y}"}]}, "not allowed"),
])
def test_bad_definitions_name_the_field(data, message):
    with pytest.raises(UserError, match=message):
        task_from_dict(data)


def test_sample_tasks_parse_and_poster_is_a_three_step_pipeline():
    tasks = {t.name: t for t in read_task_file(samples_dir() / "tasks.json")}
    poster = tasks["product-poster"]
    assert [s.name for s in poster.effective_steps()] == ["copy", "image_prompt", "poster"]
    assert poster.checked_step() == "copy"  # task constraints check the ad line
    steps = {s.name: s for s in poster.steps}
    assert poster.step_dataset(steps["poster"]) == "posters"
    assert poster.step_dataset(steps["copy"]) == "product-poster-copy"
    assert poster.step_dataset(steps["image_prompt"]) is None
    assert set(poster.input_variables()) == {"product", "audience", "colour"}
    assert poster.step_params(steps["poster"])["width"] == 64
    assert tasks["ad-copy"].step_dataset(tasks["ad-copy"].effective_steps()[0]) == "ad-copy"
