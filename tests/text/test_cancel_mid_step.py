"""A cancel that arrives inside an accumulated step stops at the next forward or backward pass instead of
after the whole step; the partial step is undone, so the run resumes from the last whole step."""
from __future__ import annotations

from text_tiny import examples, write_jsonl


def test_cancel_inside_an_accumulated_step_stops_before_finishing_it(tmp_path, tiny_models, monkeypatch):
    from engine.api import Engine
    from engine.text import fast_loss
    eng = Engine.open(tmp_path / "ws", isolate=False)      # in this process, so the loss can be watched
    try:
        job = eng.jobs.run("models.import", {"path": str(tiny_models["llama"]), "name": "base"})
        assert job.state.value == "succeeded", job.error
        data = write_jsonl(tmp_path / "ads.jsonl", examples(40))
        real, calls, job_ids = fast_loss.batch_loss, [], []

        def watched(model, batch):
            calls.append(1)
            if len(calls) == 4 + 2 and job_ids:              # second micro-batch of step 2
                eng.jobs.cancel(job_ids[0])
            return real(model, batch)
        monkeypatch.setattr(fast_loss, "batch_loss", watched)
        job = eng.jobs.submit("text.train", {"config": {"model": "base", "data": str(data), "max_steps": 5,
                                                        "batch_size": 1, "grad_accum": 4, "max_length": 64,
                                                        "eval_every": 100, "save_every": 100, "log_every": 1}})
        job_ids.append(job.id)
        job = eng.jobs.wait(job.id, timeout=120)
        assert job.state.value == "cancelled"
        assert len(calls) == 6                               # nothing ran after the cancel
        assert max(m["step"] for m in eng.jobs.metrics(job.id) if m["name"] == "loss") == 1
        from engine.training.runs import list_runs
        assert list_runs(eng)[0]["step"] == 1               # the checkpoint holds the last whole step
    finally:
        eng.close()
