"""OpenVINO copies of an image pipeline's UNet and VAE decoder, kept in ``cache/openvino/`` of the workspace.

An entry is a folder named by the SHA-256 digests of the base model and of the LoRA adapter active in it
and by the adapter's scale (the adapter is traced into the copy at that scale), so an edited model or
another scale never reuses a stale copy. It holds ``unet.xml/.bin`` and ``vae_decoder.xml/.bin``
(OpenVINO IR, 32-bit weights, batch and size left open) and ``entry.json``, which records each file's
size and modification time and how far the copy's UNet output was from PyTorch's on a probe input when
it was built. A copy further off than ``TOLERANCE`` is remembered as refused and PyTorch generates.
The folder is written under ``tmp/`` (tidied when the workspace is opened) and moved into place only
when complete. ``compiled/`` beside the entries is OpenVINO's own cache of compiled models, so another
process does not compile the same shapes again. Removing a model or adapter drops its entries.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

log = logging.getLogger(__name__)
DIGITS = 32          # hex digits of each digest in an entry's name
TOLERANCE = 1e-3     # largest UNet output difference on the probe, relative to the output's largest value
PARTS = ("unet", "vae_decoder")


def cache_dir(ws) -> Path:
    return ws.root / "cache" / "openvino"


def compiled_dir(ws) -> Path:
    return cache_dir(ws) / "compiled"


def entry_name(base, adapter, scale: float) -> str:
    if adapter is None:
        return f"{base.sha256[:DIGITS]}-base"
    return f"{base.sha256[:DIGITS]}-{adapter.sha256[:DIGITS]}-x{float(scale)!r}"


def read_entry(ws, name: str) -> dict | None:
    """The entry's record when it is whole and its files unchanged; None when it must be (re)built."""
    from engine import safe_json
    folder = cache_dir(ws) / name
    try:
        record = safe_json.load_file(folder / "entry.json")
    except (OSError, ValueError, UserError):
        return None
    if not isinstance(record, dict) or "verified" not in record:
        return None
    if not record["verified"]:
        return record           # a refused conversion is remembered, not retried on every generation
    try:
        for file, (size, mtime_ns) in record["files"].items():
            info = (folder / file).stat()
            if info.st_size != size or info.st_mtime_ns != mtime_ns:
                return None
    except (OSError, KeyError, TypeError, ValueError):
        return None
    record["folder"] = str(folder)
    return record


def ensure(engine, base, adapter, scale: float, pipe, ctx) -> dict:
    """The cache entry for ``pipe`` (``base`` + ``adapter`` at ``scale``), built now when missing or damaged."""
    name = entry_name(base, adapter, scale)
    record = read_entry(engine.workspace, name)
    if record is not None:
        return record
    return build(engine.workspace, base, adapter, scale, pipe, name, ctx)


def _probe_inputs(unet):
    """A batch-2 input of the smallest size every down/up-sampling level divides (classifier-free guidance)."""
    import torch
    side = max(8, 2 ** (len(unet.config.block_out_channels) - 1))
    width = unet.config.cross_attention_dim
    generator = torch.Generator("cpu").manual_seed(0)
    sample = torch.randn(2, unet.config.in_channels, side, side, generator=generator)
    states = torch.randn(2, 77, int(width if isinstance(width, int) else width[0]), generator=generator)
    return sample, torch.tensor([500.0, 500.0]), states


def _unet_module(unet):
    import torch

    class UNetCall(torch.nn.Module):
        """The UNet as OpenVINO traces it: latents, one float timestep per row, text states -> noise."""

        def __init__(self):
            super().__init__()
            self.unet = unet

        def forward(self, sample, timestep, encoder_hidden_states):
            return self.unet(sample, timestep, encoder_hidden_states, return_dict=False)[0]
    return UNetCall()


def _vae_module(vae):
    import torch

    class VAEDecode(torch.nn.Module):
        """The VAE decoder as OpenVINO traces it: scaled latents -> pixels in [-1, 1] (before clamping)."""

        def __init__(self):
            super().__init__()
            self.vae = vae

        def forward(self, latents):
            return self.vae.decode(latents, return_dict=False)[0]
    return VAEDecode()


def _convert(module, example, path: Path) -> None:
    import warnings

    import openvino as ov
    import torch
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")         # the tracer's notes on shape-dependent Python branches
        model = ov.convert_model(module, example_input=example)
    ov.save_model(model, str(path), compress_to_fp16=False)
    del model


def probe_difference(xml: Path, module, example) -> float:
    """Largest difference between the saved copy's output and PyTorch's on ``example``, relative to PyTorch's
    largest value."""
    import numpy as np
    import openvino as ov
    import torch
    with torch.no_grad():
        expected = module(*example).float().numpy()
    compiled = ov.Core().compile_model(str(xml), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    got = compiled([t.numpy() for t in example])[0]
    return float(np.abs(got - expected).max() / max(float(np.abs(expected).max()), 1e-6))


def build(ws, base, adapter, scale: float, pipe, name: str, ctx) -> dict:
    """Convert, probe and publish one entry. Returns its record."""
    from engine import atomic
    from engine.faults import fault_point
    import openvino as ov
    folder = cache_dir(ws)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = ws.folder("tmp") / f"openvino-{name}.{os.getpid()}.partial"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(mode=0o700)
    started = time.perf_counter()
    vae = pipe.vae
    tiling, slicing = vae.use_tiling, vae.use_slicing
    try:
        ctx.check_cancelled()
        ctx.report(0.0, tr("converting the UNet for OpenVINO (once per model)"))
        unet_call = _unet_module(pipe.unet)
        example = _probe_inputs(pipe.unet)
        _convert(unet_call, example, temp / "unet.xml")
        ctx.check_cancelled()
        ctx.report(0.0, tr("converting the VAE decoder for OpenVINO (once per model)"))
        vae.use_tiling = vae.use_slicing = False      # the copy decodes whole latents; tiling stays PyTorch's
        _convert(_vae_module(vae), (example[0][:1],), temp / "vae_decoder.xml")
        ctx.check_cancelled()
        difference = probe_difference(temp / "unet.xml", unet_call, example)
        verified = difference <= TOLERANCE
        record = {"verified": verified, "model": base.name, "model_sha256": base.sha256,
                  "adapter": adapter.name if adapter is not None else None,
                  "adapter_sha256": adapter.sha256 if adapter is not None else None,
                  "adapter_scale": float(scale) if adapter is not None else None, "openvino": ov.__version__.split("-")[0],
                  "probe_difference": difference, "parts": list(PARTS),
                  "built_s": round(time.perf_counter() - started, 2)}
        if verified:
            files = {}
            for path in sorted(temp.iterdir()):
                os.chmod(path, 0o600)
                info = path.stat()
                files[path.name] = [info.st_size, info.st_mtime_ns]
            record["files"] = files
        else:
            record["reason"] = tr("its UNet output differs from PyTorch's by {difference:.2g} of the largest value",
                                  difference=difference)
            for path in list(temp.iterdir()):
                path.unlink()
        atomic.write_json(temp / "entry.json", record)
        fault_point("openvino_cache.publish")   # killed here: tmp/ holds the partial copy, tidied on open
        atomic.replace_dir(temp, folder / name)
    finally:
        vae.use_tiling, vae.use_slicing = tiling, slicing
        shutil.rmtree(temp, ignore_errors=True)
        import gc
        gc.collect()
    if verified:
        record["folder"] = str(folder / name)
    else:
        log.warning("OpenVINO copy %s refused: %s", name, record["reason"])
    return record


def drop(ws, sha256: str | None) -> list[str]:
    """Remove every entry made from a model or adapter with this digest (unless another catalog entry shares it)."""
    from engine.models.derived_copies import drop_made_from
    return drop_made_from(ws, cache_dir(ws), sha256, DIGITS, keep=("compiled",))
