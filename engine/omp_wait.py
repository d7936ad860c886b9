"""OpenMP threads sleep while they wait for each other instead of spinning.

torch's CPU kernels (oneDNN convolutions, MKL matrix products) and llama.cpp run on GNU
OpenMP threads, which by default spin for a while at every barrier, waiting for the
slowest thread. When other programs share the cores (the window, a second job, anything
else on the desktop) the thread being waited for is often descheduled, and its partner
spins away the CPU share it would have needed: on 2 cores under load the same UNet
forward took twice the CPU time and up to twice the wall time with spinning threads
(bench/README.md, Images). The runtime reads the setting once, when it is loaded, so
``import engine`` sets it before anything imports torch; a value already in the
environment (``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT``) is the user's and stays.
"""
from __future__ import annotations

import os

set_here = False   # True when this process chose the policy (its children inherit it)


def sleep_while_waiting() -> None:
    global set_here
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    set_here = True
