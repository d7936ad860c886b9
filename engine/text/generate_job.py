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
    started = set()

    def on_token(index: int, piece: str) -> None:
        if index not in started:  # progress per prompt, not per token: the tokens are the progress
            started.add(index)
            ctx.report(index / len(prompts), f"prompt {index + 1}/{len(prompts)}")
        ctx.partial(index=index, token=piece)

    results = generator.generate(prompts, params.get("params") or {}, on_token=on_token,
                                 should_stop=ctx.cancelled, system=params.get("system"),
                                 chat=params.get("chat", True))
    if ctx.cancelled():
        raise Cancelled()
    ctx.report(1.0, f"{len(results)} generated")
    return {"results": results}
