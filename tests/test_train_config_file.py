"""Training configs saved and loaded as the typed run config, and the ``aigc train`` command that starts the
same run: the shown command is parsed back by the real CLI parser into the very same config."""
from __future__ import annotations

import json

import pytest

from engine.cli import build_parser, hoist_global_options
from engine.cli.image_commands import train_params
from engine.cli.models import text_config_from_args
from engine.errors import UserError
from engine.training.config_file import load_config, save_config, train_command

TEXT = {"model": "tiny-llama", "data": "ads", "method": "lora", "epochs": 2.5, "learning_rate": 0.0003,
        "lora_r": 8, "lora_alpha": 16, "batch_size": 2, "max_length": 256, "save_every": 50, "eval_every": 7,
        "output_name": "ads v2", "system": "Be brief.", "packing": True, "target_modules": ["q_proj", "v_proj"]}
IMAGE = {"model": "tiny-sd", "data": "posters", "max_steps": 30, "learning_rate": 0.0001, "rank": 8, "alpha": 8.0,
         "batch_size": 1, "checkpoint_every": 10, "output_name": "poster style", "mixed_precision": "no"}


def parse(argv):
    assert argv[0] == "aigc"
    return build_parser().parse_args(hoist_global_options(argv[1:]))


def test_text_command_parses_back_to_the_same_config(tmp_path):
    shown = train_command("text", TEXT, nproc=2, workspace=tmp_path / "my workspace")
    args = parse(shown["argv"])
    assert args.command == "train" and args.nproc == 2 and args.workspace == str(tmp_path / "my workspace")
    assert text_config_from_args(args) == TEXT and shown["left_out"] == []
    assert "'ads v2'" in shown["command"] and "'Be brief.'" in shown["command"]


def test_image_command_parses_back_to_the_same_config():
    class Model:
        name = "tiny-sd"
    shown = train_command("image", IMAGE)
    params = train_params(parse(shown["argv"]), Model())
    assert {k: v for k, v in params.items() if k != "mixed_precision"} == \
        {k: v for k, v in IMAGE.items() if k != "mixed_precision"}
    assert params["mixed_precision"] == "no"


def test_fields_the_command_line_cannot_set_are_named():
    shown = train_command("text", {**TEXT, "warmup_ratio": 0.2, "max_grad_norm": 1.0})   # 1.0 is the default
    assert shown["left_out"] == ["warmup_ratio"]


def test_config_round_trip_and_a_runs_config_json(tmp_path):
    path = tmp_path / "ads.json"
    typed = save_config(path, "text", TEXT)
    assert json.loads(path.read_text(encoding="utf-8")) == typed and typed["warmup_ratio"] == 0.03
    assert load_config(path) == ("text", typed)
    run_config = {**typed, "base_sha256": "ab" * 32, "dataset_ref": {"name": "ads", "version": 1}}
    (tmp_path / "config.json").write_text(json.dumps(run_config), encoding="utf-8")
    assert load_config(tmp_path / "config.json") == ("text", typed)
    save_config(tmp_path / "poster.json", "image", IMAGE)
    kind, image = load_config(tmp_path / "poster.json")
    assert kind == "image" and image["rank"] == 8 and image["output_name"] == "poster style"


@pytest.mark.parametrize("content, message", [
    ('{"model": "m", "data": "d", "lora_r": 8, "colour": 1}', "unknown training option 'colour'"),
    ('{"model": "m", "data": "d", "learning_rate": -1}', "learning"),
    ('[1]', "a training config is a JSON object"),
])
def test_bad_config_files_are_named(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message) as error:
        load_config(path)
    assert "bad.json" in str(error.value)
