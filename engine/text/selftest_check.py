"""``aigc selftest`` check for text: fine-tune the starter model for 2 steps, then generate a few tokens."""
from __future__ import annotations

import json

from engine.errors import UserError
from engine.selftest import check


@check("text")
def _text(engine) -> dict:
    from engine.text.starter import NAME, install_into
    added = install_into(engine)
    if added.get("reason"):
        raise UserError(added["reason"])
    data = engine.workspace.folder("tmp") / "selftest-text.jsonl"
    rows = [{"instruction": f"Write a one-line ad for product {i}.", "output": f"Product {i}: simply better."}
            for i in range(8)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    job = engine.jobs.run("text.train", {"config": {
        "model": NAME, "data": str(data), "max_steps": 2, "batch_size": 2, "max_length": 64,
        "val_fraction": 0, "output_name": "selftest-adapter"}})
    if job.state.value != "succeeded":
        raise UserError(f"text training failed: {job.error}")
    # PyTorch: a check must take seconds, and converting for llama.cpp in a fresh workspace would not.
    result = engine.text.generator(NAME, "selftest-adapter", backend="torch").generate(
        ["Write a one-line ad for tea."], {"max_new_tokens": 6, "seed": 1})[0]
    engine.text.unload()
    if result["tokens"] < 1:
        raise UserError("text generation produced no tokens")
    return {"steps": job.result["steps"], "tokens": result["tokens"]}
