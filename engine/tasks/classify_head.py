"""The other way to train a classify task: a sequence-classification head with LoRA (peft ``SEQ_CLS``).

The base model is loaded as ``AutoModelForSequenceClassification`` with one
output per label (softmax for single-label, sigmoid per label for multi-label);
LoRA adapts the body and the new head is trained in full (peft's
``modules_to_save``), both saved as one adapter in the catalog whose info says
``method: sequence-classification`` and lists its labels. Runs and evaluations
of the task then read the head's probabilities instead of scoring label text.
"""
from __future__ import annotations

import math
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.errors import UserError
from engine.jobs import JobContext, job_kind
from engine.i18n import tr

HEAD_METHOD = "sequence-classification"


@dataclass
class HeadConfig:
    task: str
    output_name: str | None = None
    max_steps: int = 200
    batch_size: int = 8
    learning_rate: float = 1e-3
    lora_r: int = 8
    lora_alpha: int = 16
    max_length: int = 256
    seed: int = 42

    def validate(self) -> "HeadConfig":
        for name, ok in (("max_steps", self.max_steps >= 1), ("batch_size", self.batch_size >= 1),
                         ("learning_rate", self.learning_rate > 0), ("lora_r", self.lora_r >= 1),
                         ("max_length", self.max_length >= 8)):
            if not ok:
                raise UserError(tr("head training option {name}={getattr} is out of range", name=name, getattr=getattr(self, name)))
        return self


def is_head(adapter) -> bool:
    return bool(adapter is not None and (adapter.info or {}).get("method") == HEAD_METHOD)


def _load(base_path: str, spec, adapter_path: str | None = None):
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from engine.text.loader import load_tokenizer
    hf_logging.disable_progress_bar()
    tokenizer = load_tokenizer(base_path)
    tokenizer.padding_side = "right"
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()   # the new head is expected to be missing from the checkpoint
    try:
        import torch
        model = AutoModelForSequenceClassification.from_pretrained(   # fp32: a half-precision checkpoint
            base_path, local_files_only=True, trust_remote_code=False, dtype=torch.float32,  # trains to NaN on CPU
            num_labels=len(spec.names),
            id2label=dict(enumerate(spec.names)), label2id={n: i for i, n in enumerate(spec.names)},
            problem_type="multi_label_classification" if spec.multi_label else "single_label_classification")
    finally:
        hf_logging.set_verbosity(verbosity)
    model.config.pad_token_id = tokenizer.pad_token_id
    if adapter_path is not None:
        from peft import PeftModel
        model = PeftModel.from_pretrained(model, adapter_path, is_trainable=False)
    return tokenizer, model


def _examples(engine, task, version: int) -> tuple[list, list]:
    from engine.tasks.evaluate import prompt_and_reference
    train, val = [], []
    for example in engine.data.iter_examples(task.dataset, version=version):
        found = prompt_and_reference(example)
        if found is None or example.get("split") == "test":
            continue
        labels = task.classify.parse(found[1])
        if labels is None:
            raise UserError(tr("dataset {dataset} version {version} record {id}: answer '{value}' is not a label of task {name}", dataset=task.dataset, version=version, id=example['id'], value=found[1].strip()[:60], name=task.name),
                            hint=tr("correct the record's output, or add the label to the task"))
        (val if example.get("split") in ("val", "validation", "dev") else train).append((found[0], labels))
    return train, val


def _targets(spec, labels: list[list[str]]):
    import torch
    if spec.multi_label:
        return torch.tensor([[1.0 if n in chosen else 0.0 for n in spec.names] for chosen in labels])
    return torch.tensor([spec.names.index(chosen[0]) for chosen in labels])


@job_kind("classify.train_head", title="Train a classification head")
def train_head(ctx: JobContext) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model

    from engine.atomic import replace_dir
    from engine.models.catalog import new_model_id
    from engine.tasks.store import get_task
    from engine.text.lora import target_modules_for
    from engine.training import runs
    from engine.training.tensorboard import TrainingEvents
    cfg = HeadConfig(**{k: v for k, v in ctx.params.items() if k in HeadConfig.__dataclass_fields__}).validate()
    engine = ctx.engine
    task = get_task(ctx.workspace, cfg.task)
    spec = task.classify
    if spec is None or not task.model or not task.dataset:
        raise UserError(tr("task {name} is not a classify task with a model and a dataset", name=task.name),
                        hint=tr("give it a classify label set, a model and a dataset"))
    base = engine.models.get(task.model)
    ref = engine.data.version_ref(task.dataset)
    train, val = _examples(engine, task, ref["version"])
    if not train:
        raise UserError(tr("dataset {dataset} version {version} has no training examples", dataset=task.dataset, version=ref['version']))
    name = cfg.output_name or f"{task.name}-head-{time.strftime('%m%d%H%M')}"
    if engine.models.find(name) is not None and engine.models.find(name).name == name:
        raise UserError(tr("a model named '{name}' already exists", name=name), hint=tr("choose another name"))
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    run = runs.create_run(engine, "text", {"method": HEAD_METHOD, **asdict(cfg), "model": base.name,
                                           "base_sha256": base.sha256, "dataset_ref": ref}, ctx.job_id)
    runs.update_run(engine, run["id"], state="running", total_steps=cfg.max_steps)
    events = TrainingEvents(run["dir"], ctx.log)
    try:
        ctx.report(0.02, tr("loading the model with a classification head"))
        tokenizer, model = _load(base.path, spec)
        lora = LoraConfig(task_type="SEQ_CLS", r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=0.0,
                          target_modules=target_modules_for(model.config.model_type))
        model = get_peft_model(model, lora)
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.learning_rate)
        ctx.log(tr("run {id}: {head_method} head for {count} labels on {name}, {count2} train / {count3} "
                   "validation examples, {max_steps} steps", id=run['id'], head_method=HEAD_METHOD, count=len(spec.names), name=base.name, count2=len(train), count3=len(val), max_steps=cfg.max_steps))
        events.config({"method": HEAD_METHOD, **asdict(cfg)})
        order: list[int] = []
        model.train()
        for step in range(1, cfg.max_steps + 1):
            ctx.check_cancelled()
            if len(order) < cfg.batch_size:
                more = list(range(len(train)))
                random.shuffle(more)
                order += more
            batch, order = [train[i] for i in order[:cfg.batch_size]], order[cfg.batch_size:]
            enc = tokenizer([b[0] for b in batch], return_tensors="pt", padding=True, truncation=True,
                            max_length=cfg.max_length)
            loss = model(**enc, labels=_targets(spec, [b[1] for b in batch])).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = float(loss.detach())
            if not math.isfinite(value):
                raise UserError(tr("head training diverged at step {step} (loss {value})", step=step, value=value),
                                hint=tr("lower the learning rate (now {learning_rate})", learning_rate=cfg.learning_rate))
            ctx.metric("loss", value, step)
            events.scalar("loss", value, step)
            ctx.report(0.05 + 0.85 * step / cfg.max_steps, tr("step {step}/{total} loss {loss}", step=step, total=cfg.max_steps, loss=f"{value:.4f}"))
        if val:
            model.eval()
            decisions = predict(tokenizer, model, spec, [v[0] for v in val], cfg.max_length)
            accuracy = sum(d["labels"] == v[1] for d, v in zip(decisions, val)) / len(val)
            ctx.metric("val_accuracy", accuracy, cfg.max_steps)
            events.scalar("val/accuracy", accuracy, cfg.max_steps)
        model_id = new_model_id()
        staging = ctx.workspace.folder("tmp") / f"output-{model_id}"
        final = ctx.workspace.root / "models" / model_id
        model.save_pretrained(staging / "files")
        replace_dir(staging, final)
        lineage = {"dataset": ref["dataset"], "dataset_version": ref["version"], "dataset_hash": ref["hash"],
                   "run_id": run["id"]}
        info = {"method": HEAD_METHOD, "labels": spec.names, "multi_label": spec.multi_label, "task": task.name,
                "steps": cfg.max_steps}
        adapter = engine.models.register(name, "text", "adapter", final / "files", base=base, lineage=lineage,
                                         info=info, model_id=model_id)
        shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        runs.update_run(engine, run["id"], state="failed")
        raise
    finally:
        events.close()
    result = {"run_id": run["id"], "model": adapter.name, "method": HEAD_METHOD, "steps": cfg.max_steps}
    runs.update_run(engine, run["id"], state="succeeded", model_id=adapter.id, step=cfg.max_steps, result=result)
    ctx.report(1.0, tr("classification head trained"))
    return result


def predict(tokenizer, model, spec, prompts: list[str], max_length: int = 256, should_stop=None) -> list[dict]:
    import torch

    from engine.errors import Cancelled
    from engine.tasks.classify import decide_probabilities
    out = []
    with torch.inference_mode():
        for start in range(0, len(prompts), 16):
            if should_stop is not None and should_stop():
                raise Cancelled()
            enc = tokenizer(prompts[start:start + 16], return_tensors="pt", padding=True, truncation=True,
                            max_length=max_length)
            logits = model(**enc).logits.float()
            probs = torch.sigmoid(logits) if spec.multi_label else torch.softmax(logits, dim=-1)
            out += [decide_probabilities(spec, row) for row in probs.tolist()]
    return out


def classify_with_head(engine, model: str, adapter, spec, prompts: list[str], should_stop=None) -> list[dict]:
    """Decisions from a trained head adapter (its label set must be the task's)."""
    labels = (adapter.info or {}).get("labels")
    if labels != spec.names:
        raise UserError(tr("classification head {name} was trained for labels {labels}, the task has {names}", name=adapter.name, labels=labels, names=spec.names), hint=tr("train a new head for this label set"))
    tokenizer, net = _load(engine.models.get(model).path, spec, str(Path(adapter.path)))
    net.eval()
    return predict(tokenizer, net, spec, prompts, should_stop=should_stop)
