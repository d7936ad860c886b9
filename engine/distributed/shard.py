"""Splitting work between ranks so that nothing is done twice and the whole is done once."""
from __future__ import annotations
from engine.i18n import tr


def take(items: list, rank: int, world: int) -> list:
    """Rank ``rank``'s share of ``items``: every ``world``-th one from its own offset (round robin)."""
    return items[rank::world]


def check_world(nproc: int, device_kind: str, gpus: int) -> None:
    """One GPU per rank on CUDA; on the CPU any number of processes share the machine."""
    from engine.errors import UserError
    if device_kind == "cuda" and nproc > gpus:
        raise UserError(f"{nproc} processes: this machine has {gpus} GPU(s), one is needed per process",
                        hint=f"use {gpus} processes or fewer", options=("--nproc",))
