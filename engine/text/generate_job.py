"""The ``text.generate`` job: tokens stream out as partial results; cancel stops mid-stream."""
from __future__ import annotations

from engine.errors import Cancelled, UserError


def run_generate(ctx) -> dict:
    params = ctx.params
    prompts = params.get("prompts") or ([params["prompt"]] if params.get("prompt") else [])
    if not prompts:
        raise UserError("no prompt given", hint="pass --prompt TEXT")
    if not params.get("model"):
        raise UserError("no model given", hint="pass --model NAME")
    ctx.report(0.0, "loading model")
    generator = ctx.engine.text.generator(params["model"], params.get("adapter"), params.get("quantize"))
    counts = [0] * len(prompts)

    def on_token(index: int, piece: str) -> None:
        counts[index] += 1
        ctx.partial(index=index, token=piece)
        ctx.report((index + min(0.99, counts[index] / 256)) / len(prompts), f"prompt {index + 1}/{len(prompts)}")

    results = generator.generate(prompts, params.get("params") or {}, on_token=on_token,
                                 should_stop=ctx.cancelled, system=params.get("system"),
                                 chat=params.get("chat", True))
    if ctx.cancelled():
        raise Cancelled()
    ctx.report(1.0, f"{len(results)} generated")
    return {"results": results}
