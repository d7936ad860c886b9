"""The ``text.generate`` job: tokens stream out as partial results, in prompt order; cancel stops mid-stream."""
from __future__ import annotations

from engine.errors import Cancelled, UserError
from engine.text.generator import GenerationParams
from engine.text.templates import check_history
from engine.i18n import tr


def check_generate(engine, params: dict) -> None:
    """Prompts, model, adapter and sampling parameters, refused before the job starts."""
    prompts = params.get("prompts") or ([params["prompt"]] if params.get("prompt") else [])
    if not prompts:
        raise UserError(tr("no prompt given"), hint=tr("type a prompt"), options=("--prompt TEXT",))
    if not params.get("model"):
        raise UserError(tr("no model given"), hint=tr("choose a model"), options=("--model NAME",))
    base, _ = engine.text._resolve(params["model"], params.get("adapter"))
    GenerationParams.from_dict(params.get("params") or {})
    if base.info.get("format") != "gguf":
        from engine.deploy.backend_choice import choose
        choose(engine, base, params.get("backend"), params.get("quant"), params.get("quantize"))
    check_history(params.get("history"))


def run_generate(ctx) -> dict:
    params = ctx.params
    prompts = params.get("prompts") or ([params["prompt"]] if params.get("prompt") else [])
    if not prompts:
        raise UserError(tr("no prompt given"), hint=tr("type a prompt"), options=("--prompt TEXT",))
    if not params.get("model"):
        raise UserError(tr("no model given"), hint=tr("choose a model"), options=("--model NAME",))
    ctx.report(0.0, tr("loading the model"))
    generator = ctx.engine.text.generator(params["model"], params.get("adapter"), params.get("quantize"),
                                          backend=params.get("backend"), quant=params.get("quant"), ctx=ctx)
    started = set()

    def emit(index: int, piece: str) -> None:
        if index not in started:  # progress per prompt, not per token: the tokens are the progress
            started.add(index)
            ctx.report(index / len(prompts), tr("prompt {number}/{total}", number=index + 1, total=len(prompts)))
        ctx.partial(index=index, token=piece)

    gen_params = GenerationParams.from_dict(params.get("params") or {})
    results = []
    # Batches are run here one by one so the stream stays in prompt order for the readers (GUI pane, CLI):
    # a batch's first prompt streams live, the others' pieces follow when their batch ends.
    for start in range(0, len(prompts), gen_params.batch_size):
        if ctx.cancelled():
            break
        batch = prompts[start:start + gen_params.batch_size]
        held: dict[int, list[str]] = {}

        def on_token(index: int, piece: str, start=start, held=held) -> None:
            if index == 0:
                emit(start, piece)
            else:
                held.setdefault(index, []).append(piece)
        seeds = None if gen_params.seed is None else [gen_params.seed + start + i for i in range(len(batch))]
        results += generator.generate(batch, gen_params, on_token=on_token, should_stop=ctx.cancelled,
                                      system=params.get("system"), chat=params.get("chat", True), seeds=seeds,
                                      history=params.get("history"))
        for index in sorted(held):
            emit(start + index, "".join(held[index]))
    if ctx.cancelled():
        raise Cancelled()
    ctx.report(1.0, tr("{count} generated", count=len(results)))
    return {"results": results}
