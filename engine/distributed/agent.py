"""``torchrun`` behind the offline guard, dying with the job process that started it.

    python -m engine.guarded -m engine.distributed.agent --standalone --nproc-per-node N -m MODULE ...
"""
from __future__ import annotations

import sys

import engine  # noqa: F401 - the network guard, before torch


def main() -> None:
    from engine.distributed.ranks import die_with_parent
    die_with_parent()
    from torch.distributed.run import main as torchrun
    torchrun(sys.argv[1:])


if __name__ == "__main__":
    main()
