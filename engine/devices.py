"""Which device and dtype to compute on: CUDA, then Apple MPS, then CPU.

``AIGC_DEVICE=cpu|cuda|mps`` overrides the choice. Importing this module is
cheap; torch is imported only when a device is actually detected.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace

from engine.errors import UserError
from engine.i18n import tr


@dataclass
class DeviceInfo:
    kind: str                      # "cuda" | "mps" | "cpu"
    name: str
    total_memory: int              # bytes (system RAM for CPU and MPS)
    free_memory: int               # bytes
    dtype: str                     # training/inference dtype: "bfloat16" | "float16" | "float32"
    autocast_dtype: str | None     # autocast on CPU/GPU, or None for plain fp32
    needs_loss_scaling: bool       # fp16 on older GPUs
    cpu_cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    threads: int = 1
    bf16_supported: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        gib = self.total_memory / 2**30
        return f"{self.kind.upper()} · {self.name} · {gib:.0f} GiB"


def system_memory() -> tuple[int, int]:
    try:
        import psutil
        vm = psutil.virtual_memory()
        return int(vm.total), int(vm.available)
    except Exception:  # psutil missing in an odd build: fall back to sysconf
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return pages, pages // 2


_interactive = False


def set_interactive(flag: bool) -> None:
    """Declare whether this process draws a window: then heavy work leaves one core for it."""
    global _interactive, _cached
    _interactive = bool(flag)
    _cached = None


def cpu_threads() -> int:
    """Every core for the CLI and background workers; one core fewer in the window's own process.

    ``AIGC_THREADS`` overrides both. A background worker keeps the window responsive by
    running at a lower OS priority (``lower_priority``), not by idling a core.
    """
    cores = os.cpu_count() or 1
    requested = os.environ.get("AIGC_THREADS")
    if requested and requested.isdigit():
        return max(1, int(requested))
    return max(1, cores - 1) if _interactive else cores


def idle_cores(samples: int = 10, gap: float = 0.002) -> float:
    """Cores that other programs leave idle right now.

    On Linux: the scheduler's count of runnable tasks (``/proc/loadavg``'s fourth field, which
    counts the reader itself), averaged over a few samples 2 ms apart. The one-minute load average
    that other systems give lags by a minute, so it still counts work this program itself just
    finished (a benchmark's other side, the last generation) and misses a program that just started.
    """
    import time
    cores = os.cpu_count() or 1
    try:
        running = 0
        for i in range(samples):
            with open("/proc/loadavg", "rb") as handle:
                running += int(handle.read().split()[3].split(b"/")[0])
            if i + 1 < samples:
                time.sleep(gap)
        return max(0.0, cores - (running / samples - 1))
    except (OSError, ValueError, IndexError):
        pass
    if hasattr(os, "getloadavg"):
        return max(0.0, cores - os.getloadavg()[0])
    return float(cores)


def lower_priority(step: int = 10) -> bool:
    """Run this process below normal priority so the window's process wins the cores; False if not possible."""
    try:
        if hasattr(os, "nice"):
            os.nice(step)
            return True
        import psutil  # Windows
        psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        return True
    except Exception:   # no permission or no psutil: normal priority still works
        return False


def become_background_worker() -> None:
    """For a process that runs jobs for a window: all cores, lower priority."""
    set_interactive(False)
    lower_priority()


def _cpu_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            flags = handle.read()
        return "avx512_bf16" in flags or "amx_bf16" in flags
    except OSError:
        return False


def free_memory(kind: str) -> int:
    """Bytes free on the device right now; other programs come and go, so this is never cached."""
    if kind == "cuda":
        import torch
        return int(torch.cuda.mem_get_info(torch.cuda.current_device())[0])
    return system_memory()[1]


_cached: DeviceInfo | None = None


def detect(refresh: bool = False) -> DeviceInfo:
    """The compute device: its static facts are found once, its free memory is read anew on every call."""
    global _cached
    if _cached is not None and not refresh:
        return replace(_cached, free_memory=free_memory(_cached.kind))
    import torch

    wanted = os.environ.get("AIGC_DEVICE", "").strip().lower() or None
    if wanted not in (None, "cpu", "cuda", "mps"):
        raise UserError(tr("AIGC_DEVICE={wanted} is not a device", wanted=wanted), hint=tr("use cpu, cuda or mps"))
    total, free = system_memory()
    threads = cpu_threads()
    if wanted in (None, "cuda") and torch.cuda.is_available():
        index = torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        free_b, total_b = torch.cuda.mem_get_info(index)
        bf16 = torch.cuda.is_bf16_supported()
        info = DeviceInfo("cuda", props.name, int(total_b), int(free_b),
                          "bfloat16" if bf16 else "float16", "bfloat16" if bf16 else "float16",
                          needs_loss_scaling=not bf16, threads=threads, bf16_supported=bf16)
    elif wanted == "cuda":
        raise UserError(tr("AIGC_DEVICE=cuda but no CUDA GPU is available"), hint=tr("unset AIGC_DEVICE to use the CPU"))
    elif wanted in (None, "mps") and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        info = DeviceInfo("mps", "Apple GPU", total, free, "float16", None, needs_loss_scaling=False,
                          threads=threads, bf16_supported=False)
    elif wanted == "mps":
        raise UserError(tr("AIGC_DEVICE=mps but Apple MPS is not available"), hint=tr("unset AIGC_DEVICE to use the CPU"))
    else:
        import platform
        bf16 = _cpu_bf16()
        info = DeviceInfo("cpu", platform.processor() or platform.machine() or "CPU", total, free,
                          "float32", "bfloat16" if bf16 else None, needs_loss_scaling=False,
                          threads=threads, bf16_supported=bf16)
        torch.set_num_threads(threads)
    _cached = info
    return replace(info)


def gpu_count() -> int:
    """CUDA GPUs this process can use (0 without CUDA, or when AIGC_DEVICE asks for another device)."""
    import torch
    if os.environ.get("AIGC_DEVICE", "").strip().lower() not in ("", "cuda") or not torch.cuda.is_available():
        return 0
    return torch.cuda.device_count()


def torch_device(info: DeviceInfo | None = None):
    import torch
    return torch.device((info or detect()).kind)


def torch_dtype(name: str):
    import torch
    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]
