"""The OpenVINO backend of image generation: the UNet and VAE decoder run through a cached OpenVINO copy while
seeds, scheduler and text encoder stay in PyTorch, so a seed gives the image PyTorch gives (within
TOLERANCE), every time; the copy is converted once per model, adapter and scale; the backend is refused in
one line where it cannot run."""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from PIL import Image

from engine.image.provenance import read_provenance

TOLERANCE = 2          # largest difference of any pixel channel from PyTorch's image, out of 255 (measured: 0-1)
GEN = {"steps": 3, "width": 16, "height": 16, "guidance_scale": 7.0}


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module")
def ov_engine(tmp_path_factory, tiny_sd_dir):
    """One workspace for the module (each OpenVINO conversion takes seconds), with the tiny model imported."""
    from engine.api import Engine
    eng = Engine.open(tmp_path_factory.mktemp("ov") / "ws", isolate=False)
    job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    yield eng
    try:
        eng.close()
    except Exception:  # noqa: BLE001 - the command-line test closes it to let the CLI open the workspace
        pass


def generate(eng, out, **params):
    """Through the ``image.generate`` job, as the window and ``aigc generate`` run it; (images, progress texts)."""
    texts = []
    unsubscribe = eng.jobs.subscribe(lambda e: texts.append(e.data.get("message", ""))
                                     if e.type == "progress" else None)
    try:
        job = eng.jobs.run("image.generate", {"model": "tiny", "prompt": "a red bottle", **GEN, **params,
                                              "out_dir": str(out)})
    finally:
        if callable(unsubscribe):
            unsubscribe()
    assert job.state.value == "succeeded", job.error
    return [img["path"] for img in job.result["images"]], texts


def make_lora(folder, seed: int = 3):
    """A diffusers-format LoRA on the tiny UNet's attention layers with random (non-zero) weights."""
    import torch
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict
    unet = UNet2DConditionModel.from_pretrained(str(folder.parent / "base" / "unet"))
    unet.add_adapter(LoraConfig(r=4, lora_alpha=4, target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in unet.named_parameters():
            if "lora_" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.3)
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    StableDiffusionPipeline.save_lora_weights(str(folder), unet_lora_layers=layers, safe_serialization=True)
    return folder


@pytest.mark.slow   # six generations and the conversion: about a minute on a loaded 2-core machine
def test_openvino_matches_torch_and_repeats_itself_txt2img_cfg_batch2_and_img2img(ov_engine, tmp_path):
    a, texts = generate(ov_engine, tmp_path / "a", backend="openvino", seed=7, batch_size=2)
    b, again = generate(ov_engine, tmp_path / "b", backend="openvino", seed=7, batch_size=2)
    t, _ = generate(ov_engine, tmp_path / "t", backend="torch", seed=7, batch_size=2)
    assert any("converting the UNet for OpenVINO" in text for text in texts)
    assert not any("converting" in text for text in again), "the cached copy was converted again"
    for ours, again_, theirs in zip(a, b, t):
        assert np.array_equal(pixels(ours), pixels(again_)), "the same seed gave another image on OpenVINO"
        assert np.abs(pixels(ours) - pixels(theirs)).max() <= TOLERANCE
    stored = read_provenance(a[0])
    assert stored["backend"] == "openvino" and stored["openvino_parts"] == ["unet", "vae_decoder"]
    assert "OpenVINO" in stored["software"] and read_provenance(t[0])["backend"] == "torch"
    assert not (pixels(a[0]) == pixels(a[1])).all(), "the batch's two seeds made one image"

    img2img = {"seed": 2, "init_image": a[0], "strength": 0.6, "steps": 4}
    c, _ = generate(ov_engine, tmp_path / "c", backend="openvino", **img2img)
    d, _ = generate(ov_engine, tmp_path / "d", backend="openvino", **img2img)
    e, _ = generate(ov_engine, tmp_path / "e", backend="torch", **img2img)
    assert np.array_equal(pixels(c[0]), pixels(d[0]))
    assert np.abs(pixels(c[0]) - pixels(e[0])).max() <= TOLERANCE
    assert read_provenance(c[0])["backend"] == "openvino"


def test_auto_picks_openvino_on_the_cpu_and_the_copy_is_reused_across_engines(ov_engine, tmp_path, monkeypatch):
    from engine.image import openvino_cache
    monkeypatch.delenv("AIGC_IMAGE_BACKEND")
    assert ov_engine.image.backend() == "auto"
    made, _ = generate(ov_engine, tmp_path / "auto", seed=4)
    assert read_provenance(made[0])["backend"] == "openvino"
    ws = ov_engine.workspace
    entries = [p.name for p in openvino_cache.cache_dir(ws).iterdir() if p.name != "compiled"]
    assert len(entries) == 1 and any(openvino_cache.compiled_dir(ws).iterdir())
    ov_engine.image.unload()        # as a new process would: the copy comes from the cache, not a conversion
    again, texts = generate(ov_engine, tmp_path / "again", seed=4)
    assert not any("converting" in text for text in texts)
    assert np.array_equal(pixels(made[0]), pixels(again[0]))
    ov_engine.image.set_backend("torch")           # the workspace setting decides when no backend is asked
    try:
        torch_made, _ = generate(ov_engine, tmp_path / "setting", seed=4)
        assert read_provenance(torch_made[0])["backend"] == "torch"
        assert np.abs(pixels(made[0]) - pixels(torch_made[0])).max() <= TOLERANCE
    finally:
        ov_engine.image.set_backend("auto")


@pytest.mark.slow   # two more conversions (one per adapter scale): about a minute on a loaded 2-core machine
def test_an_adapter_is_traced_into_its_own_copy_per_scale(ov_engine, tiny_sd_dir, tmp_path):
    import shutil
    from engine.image import openvino_cache
    shutil.copytree(tiny_sd_dir, tmp_path / "base")
    lora = make_lora(tmp_path / "lora")
    folder = openvino_cache.cache_dir(ov_engine.workspace)
    before = {p.name for p in folder.iterdir()} if folder.is_dir() else {"compiled"}
    results = {}
    for scale in (1.0, 0.5):
        for backend in ("openvino", "torch"):
            made, _ = generate(ov_engine, tmp_path / f"{backend}-{scale}", backend=backend, seed=5, adapter=str(lora),
                               adapter_scale=scale)
            results[backend, scale] = pixels(made[0])
    added = {p.name for p in folder.iterdir()} - before
    assert len(added) == 2 and all("-x1.0" in n or "-x0.5" in n for n in added), added
    for scale in (1.0, 0.5):
        assert np.abs(results["openvino", scale] - results["torch", scale]).max() <= TOLERANCE
    assert np.abs(results["torch", 1.0] - results["torch", 0.5]).max() > 4 * TOLERANCE, "the scale had no effect"


def _cli(capsys, *argv):
    from engine.cli import main
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr()


def test_cli_backend_openvino_and_its_refusal_without_openvino(ov_engine, tmp_path, capsys, monkeypatch):
    ws = str(ov_engine.workspace.root)
    ov_engine.close()                # the CLI opens the workspace itself
    monkeypatch.setenv("AIGC_INPROCESS_JOBS", "1")          # jobs in this process, where openvino is hidden below
    code, out = _cli(capsys, "--workspace", ws, "--json", "generate", "--model", "tiny", "--prompt", "a red bottle",
                     "--steps", "2", "--width", "16", "--height", "16", "--seed", "1", "--backend", "openvino",
                     "--out", str(tmp_path))
    assert code == 0, out.err
    path = json.loads(out.out.strip().splitlines()[-1])["images"][0]["path"]
    assert read_provenance(path)["backend"] == "openvino"
    monkeypatch.setitem(sys.modules, "openvino", None)      # as in a build without the openvino extra
    code, out = _cli(capsys, "--workspace", ws, "generate", "--model", "tiny", "--prompt", "a red bottle",
                     "--backend", "openvino", "--out", str(tmp_path / "refused"))
    assert code != 0 and out.err.strip().count("\n") == 0, out.err
    assert "the OpenVINO backend needs openvino, which is not installed" in out.err and "--backend" in out.err
    assert not (tmp_path / "refused").exists()
    monkeypatch.delenv("AIGC_IMAGE_BACKEND")                # auto without openvino: PyTorch, no refusal
    code, out = _cli(capsys, "--workspace", ws, "--json", "generate", "--model", "tiny", "--prompt", "a red bottle",
                     "--steps", "2", "--width", "16", "--height", "16", "--out", str(tmp_path / "auto"))
    assert code == 0, out.err
    path = json.loads(out.out.strip().splitlines()[-1])["images"][0]["path"]
    assert read_provenance(path)["backend"] == "torch"
    code, out = _cli(capsys, "--workspace", ws, "generate", "--model", "tiny", "--prompt", "x", "--backend",
                     "llamacpp")
    assert code != 0 and "image backend llamacpp is not one of auto, torch, openvino" in out.err
    from pathlib import Path
    folder = Path(ws) / "cache" / "openvino"
    assert any(p.name.endswith("-base") for p in folder.iterdir())
    code, out = _cli(capsys, "--workspace", ws, "--json", "models", "remove", "tiny")   # its copies go with it
    assert code == 0, out.err
    assert any(name.endswith("-base") for name in json.loads(out.out.strip().splitlines()[-1])["dropped_cache"])
    assert [p.name for p in folder.iterdir()] == ["compiled"]


def test_sdxl_is_refused_for_openvino_and_auto_keeps_torch(eng, tiny_family_dirs):
    from engine.errors import UserError
    from engine.image.backend_choice import choose
    from engine.image.pipeline import resolve
    base = resolve(eng, str(tiny_family_dirs["sdxl"]["folder"]), "base")
    assert choose(eng, base, "auto", "cpu")[0] == "torch"
    with pytest.raises(UserError, match="OpenVINO runs Stable Diffusion 1.x and 2.x pipelines only"):
        choose(eng, base, "openvino", "cpu")
    sd2 = resolve(eng, str(tiny_family_dirs["sd2"]["folder"]), "base")
    assert choose(eng, sd2, "auto", "cpu")[0] == "openvino"
    assert choose(eng, sd2, "auto", "cuda")[0] == "torch"


@pytest.mark.slow   # one more conversion
def test_a_copy_further_from_pytorch_than_the_tolerance_is_refused_once_and_pytorch_generates(
        ov_engine, tiny_sd_dir, tmp_path, monkeypatch):
    import shutil
    from engine.image import openvino_cache
    shutil.copytree(tiny_sd_dir, tmp_path / "base")
    lora = make_lora(tmp_path / "lora", seed=9)
    monkeypatch.setattr(openvino_cache, "TOLERANCE", -1.0)      # no copy is close enough
    logs = []
    unsubscribe = ov_engine.jobs.subscribe(lambda e: logs.append(str(e.data)) if e.type == "log" else None)
    try:
        made, texts = generate(ov_engine, tmp_path / "refused", backend="openvino", seed=3, adapter=str(lora),
                               adapter_scale=0.25)
        again, again_texts = generate(ov_engine, tmp_path / "again", backend="openvino", seed=3, adapter=str(lora),
                                      adapter_scale=0.25)
    finally:
        unsubscribe()
    assert read_provenance(made[0])["backend"] == "torch" and read_provenance(again[0])["backend"] == "torch"
    assert any("the OpenVINO copy was refused" in line for line in logs), logs
    assert any("converting the UNet" in t for t in texts) and not any("converting" in t for t in again_texts)
    refused = [p for p in openvino_cache.cache_dir(ov_engine.workspace).iterdir() if p.name.endswith("-x0.25")]
    assert len(refused) == 1 and sorted(f.name for f in refused[0].iterdir()) == ["entry.json"]
