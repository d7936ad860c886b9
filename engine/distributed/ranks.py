"""Who this process is among the ranks, and the few collectives the trainer needs."""
from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass


def die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent ends (a killed job takes its ranks along)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Ranks:
    rank: int
    world: int
    local_rank: int
    backend: str = "gloo"

    @property
    def main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_env(cls) -> "Ranks":
        return cls(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)),
                   int(os.environ.get("LOCAL_RANK", 0)))

    def start(self) -> None:
        """Join the process group: NCCL with one GPU per rank, gloo on the CPU."""
        import torch
        import torch.distributed as dist
        if torch.cuda.is_available() and os.environ.get("AIGC_DEVICE", "").lower() in ("", "cuda"):
            torch.cuda.set_device(self.local_rank)
            self.backend = "nccl"
        dist.init_process_group(backend=self.backend)

    def stop(self) -> None:
        import torch.distributed as dist
        if dist.is_initialized():
            dist.destroy_process_group()

    def _device(self):
        import torch
        return torch.device("cuda", self.local_rank) if self.backend == "nccl" else torch.device("cpu")

    def sum(self, values: list[float]) -> list[float]:
        """Element-wise sum over all ranks (float64)."""
        import torch
        import torch.distributed as dist
        tensor = torch.tensor(values, dtype=torch.float64, device=self._device())
        dist.all_reduce(tensor)
        return tensor.tolist()

    def from_main(self, value: float) -> float:
        """Rank 0's value on every rank."""
        import torch
        import torch.distributed as dist
        tensor = torch.tensor([float(value)], dtype=torch.float64, device=self._device())
        dist.broadcast(tensor, 0)
        return float(tensor.item())

    def wrap(self, module):
        """DDP around ``module``: gradients averaged over the ranks on the last micro-batch of a step."""
        from torch.nn.parallel import DistributedDataParallel
        if self.backend == "nccl":
            return DistributedDataParallel(module, device_ids=[self.local_rank])
        return DistributedDataParallel(module)
