"""What the frozen VAE and text encoders make of each training image and caption, computed once per run.

A LoRA run over N images for E epochs would otherwise run the VAE encoder and the text encoder
N x E times on the same inputs. The VAE's latent *distribution* (mean and log-variance) is kept,
not a sample, and sampled each step from the same random stream as before, so a step with a
cached entry computes what a step that encodes again computes. Entries are keyed by the pixels
themselves (a flipped or differently cropped image is another entry) and by the caption text.
Bounded in memory: past the budget, new entries are computed each time and not kept.
"""
from __future__ import annotations

import hashlib

BUDGET_BYTES = 512 * 2**20


class EncodeCache:
    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget = budget
        self.used = 0
        self.latents: dict = {}
        self.texts: dict = {}
        self.hits = self.misses = 0

    def _keep(self, store: dict, key, value) -> None:
        size = sum(t.numel() * t.element_size() for t in value if t is not None)
        if self.used + size <= self.budget:
            store[key] = value
            self.used += size

    @staticmethod
    def pixel_key(tensor) -> tuple:
        data = tensor.detach().contiguous().cpu().numpy().tobytes()
        return tuple(tensor.shape), str(tensor.dtype), hashlib.blake2b(data, digest_size=16).hexdigest()

    def latent_dist(self, vae, pixels):
        """The VAE's latent distribution for a batch of pixels, encoding only the images not seen before."""
        import torch
        from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
        keys = [self.pixel_key(p) for p in pixels]
        missing = [i for i, k in enumerate(keys) if k not in self.latents]
        fresh = {}
        if missing:
            self.misses += len(missing)
            with torch.no_grad():
                params = vae.encode(pixels[missing].to(vae.dtype)).latent_dist.parameters
            for row, i in enumerate(missing):
                fresh[keys[i]] = params[row]
                self._keep(self.latents, keys[i], (params[row],))
        self.hits += len(keys) - len(missing)
        stacked = torch.stack([fresh[k] if k in fresh else self.latents[k][0] for k in keys])
        return DiagonalGaussianDistribution(stacked)

    def text(self, conditioner, captions: list[str], device):
        """(encoder hidden states, pooled) for the captions, running the text encoders on new captions only."""
        import torch
        missing = sorted({c for c in captions if c not in self.texts})
        fresh = {}
        if missing:
            with torch.no_grad():
                states, pooled = conditioner(missing, device)
            for row, caption in enumerate(missing):
                value = (states[row], pooled[row] if pooled is not None else None)
                fresh[caption] = value
                self._keep(self.texts, caption, value)
        rows = [fresh[c] if c in fresh else self.texts[c] for c in captions]
        states = torch.stack([r[0] for r in rows])
        pooled = torch.stack([r[1] for r in rows]) if rows[0][1] is not None else None
        return states, pooled

    def stats(self) -> dict:
        return {"latents": len(self.latents), "captions": len(self.texts), "hits": self.hits, "misses": self.misses,
                "megabytes": round(self.used / 2**20, 1)}
