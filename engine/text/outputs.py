"""What a finished text run leaves behind: a PEFT adapter (or full model), optionally merged, in the catalog.

Outputs are written under ``tmp/`` and moved to ``models/<id>/files`` before
they are registered, with lineage: base model hash, dataset version, run id.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

from engine.atomic import replace_dir
from engine.errors import UserError
from engine.faults import fault_point
from engine.models.catalog import new_model_id
from engine.training import runs
from engine.i18n import tr


def load_best(trainer) -> bool:
    """Put the best validation weights back into the model; False when there are none."""
    best = trainer.run_dir / "best"
    if not trainer.config.use_best or trainer.best_val is None or not best.is_dir():
        return False
    from safetensors.torch import load_file
    if trainer.config.method == "full":
        state = {}
        for shard in sorted((best / "model").glob("*.safetensors")):
            state.update(load_file(str(shard)))
        load_full_weights(trainer.model, state, best / "model")
    else:
        from peft import set_peft_model_state_dict
        set_peft_model_state_dict(trainer.model, load_file(str(best / "adapter" / "adapter_model.safetensors")))
    return True


def load_full_weights(model, state: dict, where: Path) -> None:
    """Load every weight of ``model`` from ``state`` or fail naming what does not fit.

    Only a tied weight (the output layer sharing the embedding's tensor) may be absent: it is
    saved once, under the embedding's name.
    """
    hint = "the run's checkpoints are intact; delete its best/ folder to finish with the last weights"
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as exc:   # a shape mismatch
        reason = " ".join(str(exc).split())[:200]
        raise UserError(tr("{where}: the best weights do not fit the model ({reason})", where=where, reason=reason), hint=hint) from None
    current = model.state_dict()
    loaded = {current[k].data_ptr() for k in state if k in current}
    missing = [k for k in result.missing_keys if current[k].data_ptr() not in loaded]
    if missing or result.unexpected_keys:
        parts = [f"{len(missing)} weights missing (first: {missing[0]})" if missing else "",
                 f"{len(result.unexpected_keys)} unexpected (first: {result.unexpected_keys[0]})"
                 if result.unexpected_keys else ""]
        raise UserError(tr("{where}: the best weights do not match the model: {items}", where=where, items='; '.join(p for p in parts if p)),
                        hint=hint)


def output_name(trainer) -> str:
    cfg = trainer.config
    return cfg.output_name or f"{trainer.base.name}-{cfg.method}-{trainer.run['id'][-6:]}"


def _store(trainer, name: str, role: str, write, info: dict):
    engine = trainer.ctx.engine
    model_id = new_model_id()
    staging = trainer.ctx.workspace.folder("tmp") / f"output-{model_id}"
    final = trainer.ctx.workspace.root / "models" / model_id
    try:
        write(staging / "files")
        fault_point("adapter.write", staging / "files")
        replace_dir(staging, final)
        lineage = {"base_sha256": trainer.base.sha256, "dataset": trainer.config.dataset_ref.get("dataset"),
                   "dataset_version": trainer.config.dataset_ref.get("version"),
                   "dataset_hash": trainer.config.dataset_ref.get("hash"), "run_id": trainer.run["id"]}
        return engine.models.register(name, "text", role, final / "files", base=trainer.base, lineage=lineage,
                                      info=info, model_id=model_id)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def kept_checkpoint(history: list, used_best: bool, last_step: int) -> dict:
    """Which weights became the output and why; ``never_improved`` when validation loss never went
    below its first value, so the kept weights are those of the first evaluation (close to the base)."""
    vals = [(int(step), float(value)) for step, name, value in history if name == "val_loss"]
    if used_best and vals:
        best_step, best = min(vals, key=lambda pair: pair[1])    # the first of equal minima, as training kept it
        return {"weights": "best", "step": best_step, "val_loss": best, "reason": "lowest_val_loss",
                "evaluations": len(vals), "first_val_loss": vals[0][1], "last_val_loss": vals[-1][1],
                "never_improved": len(vals) > 1 and best_step == vals[0][0]}
    return {"weights": "last", "step": last_step, "val_loss": vals[-1][1] if vals else None,
            "reason": "best_off" if vals else "no_validation", "evaluations": len(vals), "never_improved": False}


def finish_run(trainer) -> dict:
    cfg, engine = trainer.config, trainer.ctx.engine
    name = output_name(trainer)
    existing = engine.models.find(name)
    if existing is not None and existing.name == name:
        if existing.lineage.get("run_id") != trainer.run["id"]:
            raise UserError(tr("a model named '{name}' already exists", name=name), hint=tr("choose another output name"))
        model = existing  # registered by a job that died just before finishing the run
    else:
        used_best = load_best(trainer)
        kept = kept_checkpoint(trainer.history, used_best, trainer.step)
        if kept["never_improved"]:
            trainer.ctx.log(tr("validation loss never improved on its first value ({loss} at step {step}): the output "
                               "keeps the step-{step} weights", loss=f"{kept['first_val_loss']:.4f}", step=kept["step"]))
        losses = [v for _, n, v in trainer.history if n == "loss"]
        info = {"method": cfg.method, "steps": trainer.step, "final_loss": losses[-1] if losses else None,
                "best_val_loss": trainer.best_val,
                "perplexity": math.exp(min(trainer.best_val, 50)) if trainer.best_val is not None else None,
                "weights": "best" if used_best else "last", "stopped_early": trainer.stopped_early, "kept": kept,
                "trainable_parameters": sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
                "architecture": trainer.base.info.get("architecture"), "demo": trainer.base.demo}

        def write(folder: Path) -> None:
            trainer.model.save_pretrained(folder)
            if cfg.method == "full":
                trainer.tokenizer.save_pretrained(folder)

        role = "base" if cfg.method == "full" else "adapter"
        model = _store(trainer, name, role, write, info)
    result = {"run_id": trainer.run["id"], "model": model.name, "model_id": model.id, "role": model.role,
              "steps": trainer.step, "total_steps": trainer.total_steps, "best_val_loss": trainer.best_val,
              "path": model.path, "stopped_early": trainer.stopped_early,
              "kept": (model.info or {}).get("kept")}
    if cfg.merge and cfg.method != "full":
        merged_name = f"{name}-merged"
        if engine.models.find(merged_name) is None:
            merged = trainer.model.merge_and_unload()

            def write_merged(folder: Path) -> None:
                merged.save_pretrained(folder)
                trainer.tokenizer.save_pretrained(folder)
            merged_model = _store(trainer, merged_name, "base", write_merged,
                                  {"method": "merged", "adapter": model.name, "steps": trainer.step})
            result["merged_model"] = merged_model.name
    runs.update_run(engine, trainer.run["id"], state="succeeded", model_id=model.id, step=trainer.step, result=result)
    return result
