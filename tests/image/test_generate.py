"""Generation: seeds reproduce, provenance is in the PNG, sizes are checked, cancel is prompt."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.errors import Cancelled, UserError

BASE = {"steps": 3, "width": 16, "height": 16}


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


@pytest.fixture
def gen(eng, tiny_sd_dir):
    return eng.image.generator(str(tiny_sd_dir))


def test_same_seed_same_image_and_different_seed_differs(gen, tmp_path):
    a = gen.generate("a red bottle", {**BASE, "seed": 7, "batch_size": 2}, out_dir=tmp_path)
    b = gen.generate("a red bottle", {**BASE, "seed": 7, "batch_size": 2, "scheduler": "euler a"}, out_dir=tmp_path)
    c = gen.generate("a red bottle", {**BASE, "seed": 7, "batch_size": 2}, out_dir=tmp_path)
    d = gen.generate("a red bottle", {**BASE, "seed": 8}, out_dir=tmp_path)
    assert [x["seed"] for x in a] == [7, 8]
    assert (pixels(a[0]["path"]) == pixels(c[0]["path"])).all()
    assert (pixels(a[1]["path"]) == pixels(c[1]["path"])).all()
    assert not (pixels(a[0]["path"]) == pixels(b[0]["path"])).all(), "the scheduler choice had no effect"
    assert not (pixels(a[0]["path"]) == pixels(d[0]["path"])).all()


def test_png_carries_provenance(gen, tmp_path):
    from engine.image.provenance import read_provenance
    made = gen.generate("海报: a red bottle", {**BASE, "seed": 3, "negative_prompt": "blurry",
                                              "guidance_scale": 5.5, "scheduler": "DPM++ 2M"}, out_dir=tmp_path)
    stored = read_provenance(made[0]["path"])
    assert stored["prompt"] == "海报: a red bottle" and stored["negative_prompt"] == "blurry"
    assert stored["seed"] == 3 and stored["params"]["guidance_scale"] == 5.5
    assert stored["params"]["scheduler"] == "dpmpp_2m" and stored["scheduler_class"] == "DPMSolverMultistepScheduler"
    assert len(stored["model_sha256"]) == 64 and stored["created"]
    text = Image.open(made[0]["path"]).text
    assert "Seed: 3" in text["parameters"] and text["prompt"] == "海报: a red bottle"


def test_size_not_divisible_by_8_is_refused(gen, tmp_path):
    with pytest.raises(UserError, match="width 20 is not a multiple of 8"):
        gen.generate("x", {**BASE, "width": 20}, out_dir=tmp_path)
    assert not list(tmp_path.glob("*.png"))


def test_lcm_needs_lcm_weights(gen, tmp_path):
    with pytest.raises(UserError, match="LCM"):
        gen.generate("x", {**BASE, "scheduler": "lcm"}, out_dir=tmp_path)


def test_img2img_and_step_progress(gen, tmp_path):
    first = gen.generate("a red bottle", {**BASE, "seed": 1}, out_dir=tmp_path)
    steps = []
    made = gen.generate("a blue bottle", {**BASE, "steps": 4, "seed": 1, "init_image": first[0]["path"],
                                          "strength": 0.5}, on_step=lambda s, t, p: steps.append((s, t, p)),
                        out_dir=tmp_path)
    assert [s for s, _, _ in steps] == [1, 2] and steps[-1][1] == 2
    assert Image.open(steps[-1][2]).size == (16, 16)  # the preview
    assert made[0]["provenance"]["params"]["init_image"] == first[0]["path"]


def test_cancel_stops_between_steps(gen, tmp_path):
    seen = []
    with pytest.raises(Cancelled):
        gen.generate("x", {**BASE, "steps": 10}, on_step=lambda s, t, p: seen.append(s),
                     should_stop=lambda: len(seen) >= 2, out_dir=tmp_path)
    assert seen == [1, 2]
    assert not list(tmp_path.glob("*.png"))


def test_generate_job_streams_previews_and_images(eng, tiny_sd_dir, tmp_path):
    events = []
    eng.jobs.subscribe(lambda e: events.append(e) if e.type == "partial" else None)
    job = eng.jobs.run("image.generate", {"model": str(tiny_sd_dir), "prompt": "a red bottle", **BASE, "seed": 2,
                                          "out_dir": str(tmp_path)})
    assert job.state.value == "succeeded", job.error
    assert [e.data["step"] for e in events if "preview" in e.data] == [1, 2, 3]
    assert [e.data["image"] for e in events if "image" in e.data] == [job.result["images"][0]["path"]]


def test_a_folder_outside_the_catalog_passes_the_import_checks_first(eng, tiny_sd_copy, tmp_path):
    (tiny_sd_copy / "unet" / "attention_patch.py").write_text("import os\n", encoding="utf-8")
    with pytest.raises(UserError, match="attention_patch.py.*Python code"):
        eng.image.generator(str(tiny_sd_copy)).generate("a red bottle", BASE, out_dir=tmp_path)
    (tiny_sd_copy / "unet" / "attention_patch.py").unlink()
    import json
    config = json.loads((tiny_sd_copy / "unet" / "config.json").read_text(encoding="utf-8"))
    config["cross_attention_dim"] = config["cross_attention_dim"] * 2   # weights no longer fit the config
    (tiny_sd_copy / "unet" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(UserError, match="unet"):
        eng.image.generator(str(tiny_sd_copy)).generate("a red bottle", BASE, out_dir=tmp_path)


@pytest.mark.slow   # a CLI process of its own: about a minute on a loaded 2-core machine
def test_aigc_generate_gives_the_plain_pipelines_pixels_for_the_same_seed(workspace_dir, tiny_sd_dir, tmp_path):
    """``aigc generate`` in its own process (run as a user runs it, with the engine's process settings:
    OpenMP threads that sleep while they wait) makes the image a plain diffusers pipeline makes for the
    same prompt, seed, steps and scheduler, pixel for pixel: those settings change speed, never pixels."""
    import json
    import subprocess
    import torch
    from diffusers import DDIMScheduler, StableDiffusionPipeline
    from engine.api import Engine
    from engine.offline import child_env, python_command
    with Engine.open(workspace_dir) as eng:
        job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
        assert job.state.value == "succeeded", job.error
    env = {k: v for k, v in child_env().items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    proc = subprocess.run(python_command(["-m", "engine", "--workspace", str(workspace_dir), "--json", "generate",
                                          "--model", "tiny", "--prompt", "a red bottle", "--steps", "3", "--width",
                                          "16", "--height", "16", "--seed", "5", "--scheduler", "ddim",
                                          "--guidance-scale", "7", "--out", str(tmp_path)]),
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours = pixels(json.loads(proc.stdout.strip().splitlines()[-1])["images"][0]["path"])
    plain = StableDiffusionPipeline.from_pretrained(str(tiny_sd_dir), local_files_only=True, safety_checker=None,
                                                    requires_safety_checker=False)
    plain.set_progress_bar_config(disable=True)
    plain.scheduler = DDIMScheduler.from_config(plain.scheduler.config)
    image = plain("a red bottle", num_inference_steps=3, width=16, height=16, guidance_scale=7.0,
                  generator=torch.Generator("cpu").manual_seed(5)).images[0]
    assert np.array_equal(ours, np.asarray(image.convert("RGB"), dtype=np.int16))


def test_aigc_generate_prints_only_its_own_lines(workspace_dir, tiny_sd_dir, tmp_path):
    """The libraries' loading bars and their notes about optional image processors (torchvision is not
    shipped) stay off the terminal: a user sees the command's own output and nothing else."""
    import subprocess
    from engine.api import Engine
    from engine.offline import child_env, python_command
    with Engine.open(workspace_dir) as eng:
        job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
        assert job.state.value == "succeeded", job.error
    proc = subprocess.run(python_command(["-m", "engine", "--workspace", str(workspace_dir), "generate",
                                          "--model", "tiny", "--prompt", "a red bottle", "--steps", "2", "--width",
                                          "16", "--height", "16", "--seed", "5", "--out", str(tmp_path)]),
                          capture_output=True, text=True, env=child_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "(seed 5)" in proc.stdout
    assert proc.stderr.strip() == "", proc.stderr[-2000:]
