"""Atomic training checkpoints: ``<run>/checkpoints/step-NNNNNN/``.

A checkpoint is written into a hidden temporary folder, every file fsynced, and
only then renamed to ``step-NNNNNN``; ``trainer_state.json`` is written last, so
a folder with that name and that file is complete. A process killed mid-write
leaves a ``.tmp-*`` folder that the next save or ``latest_checkpoint`` removes,
and the previous checkpoint stays intact. Model-agnostic: the caller writes its
own weights/optimizer files through ``write_fn``; this module adds the RNG
states and the trainer state (step, data position, metrics).
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import uuid
from pathlib import Path
from typing import Callable, Iterable

from engine import atomic
from engine.atomic import _fsync_dir
from engine.faults import fault_point

STEP_DIR = re.compile(r"^step-(\d{6,})$")
STATE_FILE = "trainer_state.json"
RNG_FILE = "rng_state.pt"


def checkpoints_dir(run_dir: str | os.PathLike) -> Path:
    return Path(run_dir) / "checkpoints"


def step_name(step: int) -> str:
    return f"step-{int(step):06d}"


# -- RNG ----------------------------------------------------------------------
def capture_rng() -> dict:
    """Python, numpy and torch (CPU + CUDA) generator states, as tensors and plain types.

    Plain types so that ``torch.load(weights_only=True)`` can read them back.
    """
    import numpy as np
    import torch
    version, internal, gauss = random.getstate()
    np_state = np.random.get_state()
    state = {
        "python": {"version": version, "state": list(internal), "gauss": gauss},
        "numpy": {"kind": np_state[0], "keys": torch.from_numpy(np_state[1].astype(np.int64)),
                  "pos": int(np_state[2]), "has_gauss": int(np_state[3]), "cached_gaussian": float(np_state[4])},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict) -> None:
    import numpy as np
    import torch
    py = state["python"]
    random.setstate((py["version"], tuple(py["state"]), py["gauss"]))
    nps = state["numpy"]
    np.random.set_state((nps["kind"], nps["keys"].numpy().astype(np.uint32), nps["pos"], nps["has_gauss"],
                         nps["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# -- writing --------------------------------------------------------------------
def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for sub in [folder, *[p for p in folder.rglob("*") if p.is_dir()]]:
        _fsync_dir(sub)


def clean_partial(run_dir: str | os.PathLike) -> list[str]:
    """Remove half-written checkpoint folders left by a killed process."""
    root = checkpoints_dir(run_dir)
    removed = []
    if root.is_dir():
        for child in root.iterdir():
            if child.is_dir() and child.name.startswith(".tmp-"):
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
    return removed


def save_checkpoint(run_dir: str | os.PathLike, step: int, write_fn: Callable[[Path], None], state: dict,
                    keep: int = 3, protect: Iterable[str | os.PathLike] = (), rng: bool = True) -> Path:
    """Write checkpoint ``step`` atomically and keep only the newest ``keep`` (plus ``protect``).

    ``write_fn(folder)`` writes the model/optimizer/scheduler files; ``state`` is any
    JSON-able dict (data position, metrics ...) saved as trainer_state.json with ``step``.
    """
    import torch
    root = checkpoints_dir(run_dir)
    root.mkdir(parents=True, exist_ok=True)
    clean_partial(run_dir)
    tmp = root / f".tmp-{step_name(step)}-{uuid.uuid4().hex[:6]}"
    tmp.mkdir()
    try:
        write_fn(tmp)
        fault_point("checkpoint.write", tmp)
        if rng:
            torch.save(capture_rng(), tmp / RNG_FILE)
        atomic.write_json(tmp / STATE_FILE, {**state, "step": int(step)})
        _fsync_tree(tmp)
        atomic.replace_dir(tmp, root / step_name(step))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune(run_dir, keep, protect)
    return root / step_name(step)


def list_checkpoints(run_dir: str | os.PathLike) -> list[Path]:
    """Complete checkpoints, oldest first."""
    root = checkpoints_dir(run_dir)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        match = STEP_DIR.match(child.name)
        if match and child.is_dir() and (child / STATE_FILE).is_file():
            found.append((int(match.group(1)), child))
    return [path for _, path in sorted(found)]


def latest_checkpoint(run_dir: str | os.PathLike) -> Path | None:
    clean_partial(run_dir)
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def prune(run_dir: str | os.PathLike, keep: int, protect: Iterable[str | os.PathLike] = ()) -> list[Path]:
    protected = {Path(p).resolve() for p in protect}
    found = list_checkpoints(run_dir)
    doomed = [p for p in found[:-keep] if p.resolve() not in protected] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed


# -- reading --------------------------------------------------------------------
def load_state(checkpoint: str | os.PathLike) -> dict:
    with open(Path(checkpoint) / STATE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def load_rng(checkpoint: str | os.PathLike) -> dict | None:
    import torch
    path = Path(checkpoint) / RNG_FILE
    return torch.load(path, weights_only=True) if path.is_file() else None


def restore_checkpoint_rng(checkpoint: str | os.PathLike) -> bool:
    state = load_rng(checkpoint)
    if state is None:
        return False
    restore_rng(state)
    return True
