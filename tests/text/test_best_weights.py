"""Restoring the best full fine-tune: every weight comes back, or the run fails naming what does not fit."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.errors import UserError
from engine.text.outputs import load_best


def trainer_for(folder, tmp_path):
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True)
    return SimpleNamespace(model=model, run_dir=tmp_path / "run", best_val=1.0,
                           config=SimpleNamespace(use_best=True, method="full"))


def save_best(model, trainer, drop: str | None = None):
    import torch
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.5)   # the "best" weights differ from the ones in the trainer
    model.save_pretrained(trainer.run_dir / "best" / "model", max_shard_size="40KB")
    if drop:
        from safetensors.torch import load_file, save_file
        for shard in (trainer.run_dir / "best" / "model").glob("*.safetensors"):
            state = load_file(str(shard))
            if drop in state:
                del state[drop]
                save_file(state, str(shard), metadata={"format": "pt"})


@pytest.mark.parametrize("arch", ["llama", "qwen2"])   # qwen2 ties its output layer to the embedding
def test_best_full_weights_load_completely_from_shards(tiny_models, tmp_path, arch):
    import torch
    trainer = trainer_for(tiny_models[arch], tmp_path)
    best = trainer_for(tiny_models[arch], tmp_path).model
    save_best(best, trainer)
    assert len(list((trainer.run_dir / "best" / "model").glob("*.safetensors"))) > 1
    assert load_best(trainer) is True
    for (name, got), want in zip(trainer.model.state_dict().items(), best.state_dict().values()):
        assert torch.equal(got, want), name


def test_best_weights_that_do_not_fit_fail_clearly(tiny_models, tmp_path):
    trainer = trainer_for(tiny_models["llama"], tmp_path)
    save_best(trainer_for(tiny_models["llama"], tmp_path).model, trainer,
              drop="model.layers.1.mlp.down_proj.weight")
    with pytest.raises(UserError, match=r"best weights do not match.*model.layers.1.mlp.down_proj.weight"):
        load_best(trainer)
