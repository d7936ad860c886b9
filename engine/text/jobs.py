"""Job kinds of the text area: ``text.train`` (resumable) and ``text.generate``.

Importing this module stays cheap: the heavy modules are imported inside the jobs.
"""
from __future__ import annotations

from engine.jobs import JobContext, job_kind


def _check_train(engine, params: dict) -> None:
    from engine.text.setup import check_new_run
    check_new_run(engine, params)


def _check_generate(engine, params: dict) -> None:
    from engine.text.generate_job import check_generate
    check_generate(engine, params)


@job_kind("text.train", title="Train text model", resumable=True, check=_check_train, isolated=True)
def train_text(ctx: JobContext) -> dict:
    """params: {"config": TrainConfig fields} for a new run, or {"resume": run id}."""
    from engine.text.trainer import run_training
    return run_training(ctx)


@job_kind("text.generate", title="Generate text", check=_check_generate, isolated=True)
def generate_text(ctx: JobContext) -> dict:
    """params: model, adapter, prompts (list), params (sampling), system, chat, history (earlier turns)."""
    from engine.text.generate_job import run_generate
    return run_generate(ctx)


from engine.text import selftest_check as _selftest_check  # noqa: E402,F401 - registers the "text" check
from engine.text import starter as _starter  # noqa: E402,F401 - registers the starter-text sample installer
