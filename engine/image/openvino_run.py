"""Running a pipeline's UNet and VAE decoder through their OpenVINO copies, for the length of one generation.

``attached(pipe, parts)`` replaces ``forward`` of the pipeline's UNet and ``decode`` of its VAE with calls
into the compiled copies and puts them back afterwards. The modules themselves stay, so everything
diffusers reads from them (``config``, ``dtype``, ``device``, the VAE encoder for image-to-image) is as
before, and the scheduler, text encoder, random generators and latents stay in PyTorch. A call the copy
cannot take (added conditioning, a size the UNet's down-sampling does not divide, a tiled decode) runs in
PyTorch as before.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

MAX_SHAPES = 6      # compiled (part, input shapes) kept per entry; previews and batches add a few


class OpenVINOParts:
    """The OpenVINO copy of one cache entry, compiled for each input shape on first use (static shapes
    compile to faster code than open ones), in 32-bit floats on the engine's CPU threads."""

    def __init__(self, name: str, record: dict, compiled_dir: Path, threads: int):
        import openvino as ov
        self.name, self.record, self.threads = name, record, int(threads)
        self.core = ov.Core()
        compiled_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # compiled code only: the weights are read again from the entry's .bin (a copy per shape would
        # take the model's size again on disk each time)
        self.core.set_property({"CACHE_DIR": str(compiled_dir), "CACHE_MODE": "OPTIMIZE_SIZE"})
        folder = Path(record["folder"])
        self.models = {part: self.core.read_model(str(folder / f"{part}.xml")) for part in record["parts"]}
        self.requests: dict[tuple, object] = {}
        self.used: set[str] = set()

    def run(self, part: str, arrays: list):
        """One inference of ``part`` on numpy ``arrays``; a copy of its first output."""
        key = (part, *(tuple(a.shape) for a in arrays))
        request = self.requests.pop(key, None)
        if request is None:
            model = self.models[part].clone()
            model.reshape({model.inputs[i]: list(a.shape) for i, a in enumerate(arrays)})
            compiled = self.core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32",
                                                              "INFERENCE_NUM_THREADS": self.threads})
            request = compiled.create_infer_request()
            while len(self.requests) >= MAX_SHAPES:
                self.requests.pop(next(iter(self.requests)))
        self.requests[key] = request          # most recently used last
        request.infer(arrays)
        self.used.add(part)
        return request.get_output_tensor(0).data.copy()


@contextmanager
def attached(pipe, parts: OpenVINOParts, decode: bool = True):
    """``pipe``'s UNet (and, with ``decode``, its VAE decoder) run on ``parts`` inside the ``with`` block."""
    import torch
    unet, vae = pipe.unet, pipe.vae
    torch_forward, torch_decode = unet.forward, vae.decode
    factor = 2 ** (len(unet.config.block_out_channels) - 1)

    def forward(sample, timestep, encoder_hidden_states, *args, return_dict=True, **kwargs):
        extra = [v for v in (*args, *kwargs.values()) if v is not None]
        if extra or sample.shape[-1] % factor or sample.shape[-2] % factor:
            return torch_forward(sample, timestep, encoder_hidden_states, *args, return_dict=return_dict, **kwargs)
        steps = torch.as_tensor(timestep).float().reshape(-1).expand(sample.shape[0]).contiguous()
        out = parts.run("unet", [sample.float().contiguous().numpy(), steps.numpy(),
                                 encoder_hidden_states.float().contiguous().numpy()])
        noise = torch.from_numpy(out).to(sample.dtype)
        if not return_dict:
            return (noise,)
        from diffusers.models.unets.unet_2d_condition import UNet2DConditionOutput
        return UNet2DConditionOutput(sample=noise)

    def vae_decode(z, return_dict=True, generator=None):
        if vae.use_tiling or vae.use_slicing:
            return torch_decode(z, return_dict=return_dict, generator=generator)
        image = torch.from_numpy(parts.run("vae_decoder", [z.float().contiguous().numpy()])).to(z.dtype)
        if not return_dict:
            return (image,)
        from diffusers.models.autoencoders.vae import DecoderOutput
        return DecoderOutput(sample=image)

    parts.used = set()
    unet.forward = forward
    if decode and "vae_decoder" in parts.models:
        vae.decode = vae_decode
    try:
        yield parts
    finally:
        unet.__dict__.pop("forward", None)
        vae.__dict__.pop("decode", None)
