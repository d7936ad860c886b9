"""A small product-classification dataset and task for the classify tests (words the tiny tokenizer knows)."""
from __future__ import annotations

import json
from pathlib import Path

LABELS = ["tea", "shoes", "lamp"]
PHRASES = ["Fresh {p} for busy {a}.", "Made to last: {p} for {a}.", "Priced to please, the {p} for {a}.",
           "{a} love this {p}.", "Try the {p} today, {a}."]
AUDIENCES = ["students", "parents", "engineers", "runners"]
TEMPLATE = "Which product is this about?\n\n{text}"


def rows(per_label: int = 10) -> list[dict]:
    """Examples with the rendered task prompt as instruction and the product as the answer."""
    out = []
    for i in range(per_label):
        for label in LABELS:
            text = PHRASES[i % len(PHRASES)].format(p=label, a=AUDIENCES[(i // len(PHRASES)) % len(AUDIENCES)])
            out.append({"instruction": TEMPLATE.format(text=text), "input": "", "output": label, "label": label})
    return out


def write_jsonl(path: Path, examples: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in examples), encoding="utf-8")
    return path


def task_def(name: str = "products", dataset: str = "products-data", **extra) -> dict:
    task = {"name": name, "department": "Customer Service", "template": TEMPLATE, "model": "starter-text",
            "dataset": dataset, "classify": {"labels": [{"name": "tea", "description": "drinks"}, "shoes", "lamp"]}}
    task.update(extra)
    return task


def ok(eng, job):
    from engine.jobs import JobState
    job = eng.jobs.wait(job.id)
    assert job.state == JobState.SUCCEEDED, job.error
    return job


def prepared_workspace(workspace_dir, tiny_text_dir, tmp_path, split: bool = False, train: bool = False):
    """A closed workspace with the tiny starter model, the products dataset and task (and a trained adapter)."""
    from engine.api import Engine

    from .conftest import import_model
    with Engine.open(workspace_dir) as eng:
        import_model(eng, tiny_text_dir, "starter-text", "text")
        ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", rows(10)), "products-data"))
        if split:
            ok(eng, eng.data.split("products-data", val=0.1, test=0.3, seed=0))
        eng.tasks.create(task_def())
        if train:
            ok(eng, eng.jobs.submit("text.train", {"config": {
                "model": "starter-text", "data": "products-data", "max_steps": 8, "batch_size": 4,
                "learning_rate": 5e-3, "output_name": "products-lora"}}))
    return workspace_dir
