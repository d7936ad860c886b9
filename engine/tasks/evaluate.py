"""The ``task.eval`` job: base vs adapter (or adapter vs adapter) on the task dataset's test split.

Both systems answer the same prompts with the same seed and parameters; the
report (HTML and Markdown with an SVG chart, plus the JSON it was made from)
lands in the workspace's ``exports/`` folder unless a path is given.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from engine import atomic
from engine.errors import UserError
from engine.jobs import JobContext, job_kind
from engine.tasks import metrics
from engine.tasks.report import render
from engine.tasks.store import get_task
from engine.i18n import N_, tr


@dataclass
class EvalConfig:
    task: str
    adapter: str | None = None
    against: str | None = None
    split: str = "test"
    limit: int | None = None
    report: str | None = None
    max_new_tokens: int | None = None
    free: bool = False               # classify tasks: let the model generate instead of scoring the labels
    force: bool = False              # replace existing report files


def report_paths(report: str | None, force: bool = False) -> list[Path]:
    """The .html, .md and .json files a --report PATH names, each allowed by engine.output_paths."""
    if not report:
        return []
    from engine.output_paths import check_output_file
    base = Path(report)
    base = base.with_suffix("") if base.suffix.lower() in (".html", ".md", ".json") else base
    return [check_output_file(base.with_name(base.name + suffix), force, N_("report file"))
            for suffix in (".html", ".md", ".json")]


def prompt_and_reference(example: dict) -> tuple[str, str, str | None] | None:
    """(prompt, reference, system) of a text example; None when it has no target."""
    messages = example.get("messages")
    if messages:
        users = [m["content"] for m in messages if m.get("role") == "user"]
        answers = [m["content"] for m in messages if m.get("role") == "assistant"]
        systems = [m["content"] for m in messages if m.get("role") == "system"]
        if users and answers:
            return users[-1], answers[-1], systems[0] if systems else None
        return None
    prompt = (example.get("instruction") or "").strip()
    if example.get("input"):
        prompt = f"{prompt}\n{example['input']}".strip()
    if not prompt or not (example.get("output") or "").strip():
        return None
    return prompt, example["output"], example.get("system") or None


def _base_model(engine, task, adapter: str | None) -> str:
    step = next((s for s in task.effective_steps() if s.name == task.checked_step()), None)
    if step is not None and step.model:
        return step.model
    if adapter and not _is_gguf(engine, adapter):
        info = engine.models.get(adapter)
        if info.base_id:
            return engine.models.get(info.base_id).name
    raise UserError(tr("task {name} has no text model to evaluate", name=task.name), hint=tr("set the task's model"))


EVAL_BATCH = 8


def _is_gguf(engine, name: str | None) -> bool:
    return bool(name) and engine.models.get(name).info.get("format") == "gguf"


def _generate(ctx, engine, model, adapter, cases, params, label, offset, total) -> list[str]:
    """Examples in batches of consecutive cases sharing a system prompt; each keeps the seed it had alone.

    A GGUF model named in place of an adapter (e.g. the export of this adapter) runs on its own.
    """
    generator = engine.text.generator(adapter) if _is_gguf(engine, adapter) else \
        engine.text.generator(model, adapter, ctx=ctx)
    outputs: list[str] = []
    start = 0
    while start < len(cases):
        system = cases[start][2]
        end = start + 1
        while end < len(cases) and end - start < EVAL_BATCH and cases[end][2] == system:
            end += 1
        ctx.check_cancelled()
        seeds = [params["seed"]] * (end - start) if params.get("seed") is not None else None
        results = generator.generate([c[0] for c in cases[start:end]], {**params, "batch_size": EVAL_BATCH},
                                     should_stop=ctx.cancelled, system=system, seeds=seeds)
        ctx.check_cancelled()
        outputs += [str(r["text"]).strip() for r in results]
        start = end
        ctx.report((offset + start) / total, tr("{system}: example {number} of {total}", system=label, number=start, total=len(cases)))
    return outputs


@job_kind("task.eval", title="Evaluate task", isolated=True)
def evaluate_task(ctx: JobContext) -> dict:
    config = EvalConfig(**{k: v for k, v in ctx.params.items() if k in EvalConfig.__dataclass_fields__})
    engine = ctx.engine
    task = get_task(ctx.workspace, config.task)
    dataset = task.step_dataset(next(s for s in task.effective_steps() if s.name == task.checked_step())) \
        if task.checked_step() else None
    if not dataset:
        raise UserError(tr("task {name} has no dataset to evaluate on", name=task.name), hint=tr("set the task's dataset"))
    if config.against and not config.adapter:
        raise UserError(tr("comparing against an adapter needs a second adapter to compare"), hint=tr("choose the adapter too"),
                        options=("--adapter",))
    model = _base_model(engine, task, config.adapter or config.against)
    for name in filter(None, (model, config.adapter, config.against)):
        engine.models.get(name)  # a removed model fails here, before any work
    if task.classify is not None:
        from engine.tasks.classify_eval import evaluate_classify
        return evaluate_classify(ctx, config, task, dataset, model)
    if config.free:
        raise UserError(tr("free generation is for classify tasks; task {name} generates text", name=task.name),
                        hint=tr("evaluate without free generation"), options=("--free",))
    ref = engine.data.version_ref(dataset)
    cases = [c for c in (prompt_and_reference(e) for e in engine.data.iter_examples(dataset, split=config.split))
             if c is not None]
    if config.limit:
        cases = cases[:config.limit]
    if not cases:
        raise UserError(tr("dataset {dataset} version {version} has no '{split}' examples with a target", dataset=dataset, version=ref['version'], split=config.split),
                        hint=tr("split dataset {dataset} into train, validation and test first", dataset=dataset))
    systems = [("base model" if config.against is None else config.against, None if config.against is None
                else config.against)]
    if config.adapter:
        systems.append((config.adapter, config.adapter))
    params = task.step_params(next(s for s in task.effective_steps() if s.name == task.checked_step()))
    if config.max_new_tokens:
        params["max_new_tokens"] = config.max_new_tokens
    params = {k: v for k, v in params.items() if k in ("max_new_tokens", "temperature", "top_p", "seed")}
    limits = task.step_constraints(next(s for s in task.effective_steps() if s.name == task.checked_step()))
    total = len(cases) * len(systems)
    references = [c[1] for c in cases]
    results, outputs, eval_ids = [], {}, []
    for position, (label, adapter) in enumerate(systems):
        texts = _generate(ctx, engine, model, adapter, cases, params, label, position * len(cases), total)
        scores = metrics.evaluate(texts, references, limits)
        scores.update(_perplexity(ctx, engine, model, adapter, cases))
        for step, key in enumerate(("bleu", "rouge_l", "distinct_1", "distinct_2", "pass_rate", "avg_chars",
                                    "perplexity")):
            if key in scores:
                ctx.metric(f"{position}:{key}", scores[key], step)
        gguf = adapter is not None and _is_gguf(engine, adapter)
        system_model, system_adapter = (adapter, None) if gguf else (model, adapter)
        eval_ids.append(_store(ctx, task, ref, config, system_model, system_adapter, scores, texts, references))
        results.append({"label": label, "model": system_model, "adapter": system_adapter, "metrics": scores})
        outputs[label] = texts
    report = {"task": task.name, "dataset": dataset, "dataset_version": ref["version"], "dataset_hash": ref["hash"],
              "split": config.split, "examples": len(cases), "params": params, "systems": results,
              "metrics": list(task.evaluation),
              "created_at": time.time(), "config": asdict(config),
              "samples": [{"prompt": c[0], "reference": c[1], "outputs": {label: outputs[label][i] for label in outputs}}
                          for i, c in enumerate(cases[:10])]}
    report_paths(config.report, config.force)
    base = Path(config.report) if config.report else ctx.workspace.folder("exports") / f"eval-{task.name}-{ctx.job_id}"
    base = base.with_suffix("") if base.suffix.lower() in (".html", ".md", ".json") else base
    paths = {}
    for fmt, suffix in (("html", ".html"), ("md", ".md")):
        path = base.with_name(base.name + suffix)
        atomic.write_text(path, render(report, fmt))
        paths[fmt] = str(path)
    atomic.write_json(base.with_name(base.name + ".json"), report)
    paths["json"] = str(base.with_name(base.name + ".json"))
    from engine.tasks.evals_store import set_report
    set_report(ctx.workspace, eval_ids, paths)
    ctx.report(1.0, tr("evaluation report written"))
    return {"task": task.name, "examples": len(cases), "systems": results, "report": paths, "eval_ids": eval_ids,
            "dataset_version": ref["version"]}


def _perplexity(ctx, engine, model, adapter, cases) -> dict:
    """Perplexity of the test references under this system (teacher-forced, answer tokens only)."""
    from engine.tasks.label_scoring import perplexity
    if adapter is not None and _is_gguf(engine, adapter):
        return {}  # the llama.cpp backend gives no teacher-forced scores here: no perplexity, shown as "-"
    result = perplexity(engine.text.generator(model, adapter, backend="torch"), [(c[0], c[1], c[2]) for c in cases], ctx.cancelled)
    return {"perplexity": result["perplexity"]}


def _store(ctx, task, ref, config, model, adapter, scores, texts, references) -> int:
    """Keep this system's evaluation for the leaderboard; per-example ROUGE-L is what the bootstrap resamples."""
    from engine.tasks.evals_store import record
    values = [round(100 * metrics.rouge_l_chars(h, r), 4) for h, r in zip(texts, references)]
    engine = ctx.engine
    return record(ctx.workspace, task=task.name, job_id=ctx.job_id, kind="generate", method="generate", ref=ref,
                  split=config.split, examples=len(texts), model=engine.models.get(model),
                  adapter=engine.models.get(adapter) if adapter else None, main_metric="rouge_l",
                  main_value=scores["rouge_l"], metrics=scores, per_example={"values": values, "keys": references},
                  warnings=[])
