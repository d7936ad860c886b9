"""Resuming with another number of processes keeps the checkpoint's effective batch, or says why it cannot."""
from __future__ import annotations

import pytest

from engine.errors import UserError
from engine.text.trainer import same_effective_batch


def test_accumulation_is_rescaled_to_keep_the_effective_batch():
    assert same_effective_batch({"world_size": 2, "grad_accum": 1}, 1, 1) == 2     # 2 processes -> 1
    assert same_effective_batch({"world_size": 1, "grad_accum": 4}, 4, 2) == 2     # 1 process -> 2
    assert same_effective_batch({}, 3, 1) == 3                                      # a checkpoint from before
    with pytest.raises(UserError, match="2 processes cannot keep its effective batch") as refused:
        same_effective_batch({"world_size": 1, "grad_accum": 1}, 1, 2)
    assert "divides 1" in str(refused.value)
