"""The shipped starter image model: installs into a sample workspace, `aigc generate` writes a PNG,
and the pictures follow the prompt's background colour (demo quality, but recognisable)."""
from __future__ import annotations

import json

import numpy as np
from PIL import Image

from engine.image import starter

PALETTE = {"red": (220, 38, 38), "orange": (247, 128, 20), "yellow": (250, 204, 21), "green": (34, 160, 70),
           "teal": (13, 148, 136), "blue": (37, 99, 235), "purple": (126, 58, 200), "pink": (236, 92, 160)}


def border_colour(path) -> np.ndarray:
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    edge = np.concatenate([pixels[:3].reshape(-1, 3), pixels[-3:].reshape(-1, 3),
                           pixels[:, :3].reshape(-1, 3), pixels[:, -3:].reshape(-1, 3)])
    return np.median(edge, axis=0)


def ranked(rgb) -> list[str]:
    return sorted(PALETTE, key=lambda name: float(np.sum((np.array(PALETTE[name]) - rgb) ** 2)))


def nearest(rgb) -> str:
    return ranked(rgb)[0]


def test_starter_is_registered_and_generates_through_the_cli(workspace_dir, tmp_path, capsys):
    from engine.api import Engine
    eng = Engine.open(workspace_dir)
    assert (starter.pipeline_dir() / "model_index.json").is_file(), "the starter weights are not shipped"
    added = starter.install_into(eng)
    assert added.get("added") == "starter-image"
    assert starter.install_into(eng) == {"skipped": "starter-image"}  # idempotent
    model = eng.models.get("starter-image")
    assert model.demo and model.kind == "image" and model.info["quality"] == "demo"
    eng.close()

    from engine.cli import main
    code = main(["--workspace", str(workspace_dir), "--json", "generate", "--model", "starter-image",
                 "--prompt", "product poster, a white mug on a blue background", "--seed", "4", "--steps", "10",
                 "--out", str(tmp_path)])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    path = result["images"][0]["path"]
    assert Image.open(path).size == (32, 32)
    assert json.loads(Image.open(path).text["aigc:provenance"])["model"] == "starter-image"


def test_starter_follows_the_background_colour(eng, tmp_path):
    generator = eng.image.generator(str(starter.pipeline_dir()))
    exact = close = 0
    pairs = (("red", "white"), ("blue", "yellow"), ("green", "white"), ("yellow", "black"), ("purple", "white"),
             ("orange", "blue"), ("teal", "white"), ("pink", "black"))  # combinations the posters contain
    for colour, thing in pairs:
        made = generator.generate(f"product poster, a {thing} mug on a {colour} background",
                                  {"steps": 25, "seed": 11}, out_dir=tmp_path)
        order = ranked(border_colour(made[0]["path"]))
        exact += order[0] == colour
        close += colour in order[:2]  # neighbouring hues (teal/green, orange/yellow) may swap at 32 px
    assert exact >= 4 and close >= 7, f"{exact} exact and {close} close of 8 prompted background colours"


def test_shipped_weights_stay_small():
    total = sum(p.stat().st_size for p in starter.pipeline_dir().rglob("*") if p.is_file())
    assert total < 15 * 2**20, f"starter image weights are {total / 2**20:.1f} MB"
