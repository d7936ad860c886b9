"""``engine.review``: the facade for the review queue, exports and feedback."""
from __future__ import annotations

from pathlib import Path

from engine.errors import UserError
from engine.review import queue
from engine.review.queue import ReviewItem
from engine.i18n import tr


class ReviewAPI:
    def __init__(self, engine):
        self.engine = engine
        self.ws = engine.workspace

    def list(self, **filters) -> list[ReviewItem]:
        """Filters: task, status, failed, failed_check, step, run_id, modality, edited, limit."""
        return queue.list_items(self.ws, **filters)

    def get(self, item_id) -> ReviewItem:
        return queue.get_item(self.ws, item_id)

    def add(self, modality: str, prompt: str, text: str | None = None, image_path: str | None = None,
            model: str | None = None, adapter: str | None = None, params: dict | None = None,
            seed: int | None = None, task: str | None = None, system: str | None = None,
            model_sha256: str | None = None, adapter_sha256: str | None = None,
            history: list[dict] | None = None) -> ReviewItem:
        """Queue a one-off output (text, or an image file copied into the workspace) with its provenance;
        ``history``: a chat's earlier turns ([{"role": "user"|"assistant", "content"}]) the prompt follows.

        Model and adapter hashes come from the catalog when not given; ``task`` is optional and,
        when given, checks the output against the task's rules and lets it feed back later.
        """
        from engine.review.oneoff import add_output
        return add_output(self.engine, modality, prompt, text=text, image_path=image_path, model=model,
                          adapter=adapter, params=params, seed=seed, task=task, system=system,
                          model_sha256=model_sha256, adapter_sha256=adapter_sha256, history=history)

    def approve(self, item_id, comment: str | None = None) -> ReviewItem:
        return queue.approve(self.ws, item_id, comment)

    def reject(self, item_id, comment: str | None = None) -> ReviewItem:
        return queue.reject(self.ws, item_id, comment)

    def edit(self, item_id, text: str, comment: str | None = None) -> ReviewItem:
        return queue.edit(self.ws, item_id, text, comment)

    def audit(self, item_id=None, limit: int | None = None) -> list[dict]:
        return queue.audit_log(self.ws, item_id, limit)

    def counts(self, task: str | None = None) -> dict:
        return queue.counts(self.ws, task)

    def export(self, out: str | Path, task: str | None = None, status: str | list[str] = "approved",
               step: str | None = None, run_id: str | None = None, force: bool = False,
               progress=None, check=None) -> dict:
        """Approved outputs to .csv/.xlsx/.jsonl (text and image rows), or images to a .zip or folder.
        ``progress(fraction, message)`` and ``check()`` (a job's cancel check) run per item."""
        from engine.review.export import export_items
        items = self._export_items(out, task, status, step, run_id, force)
        return export_items(items, out, force, progress=progress, check=check)

    def _export_items(self, out, task, status, step, run_id, force) -> list:
        from engine.review.export import check_target
        check_target(out, force)
        items = queue.list_items(self.ws, task=task, status=status, step=step, run_id=run_id)
        if not items:
            raise UserError(tr("nothing to export: no outputs match for task {task}", task=task) if task else
                            tr("nothing to export: no outputs match"),
                            hint=tr("approve outputs in the review queue first"))
        return items

    def start_export(self, out: str | Path, task: str | None = None, status: str | list[str] = "approved",
                     step: str | None = None, run_id: str | None = None, force: bool = False):
        """``export`` as a ``review.export`` job (progress, cancel, the Jobs panel); returns the Job."""
        params = {"out": str(Path(out).expanduser().resolve()), "task": task, "status": status, "step": step,
                  "run_id": run_id, "force": bool(force)}
        return self.engine.jobs.submit("review.export", params, title=f"Export reviewed outputs {Path(out).name}")

    def feedback(self, task: str) -> dict:
        """Approved outputs become new examples of the task's dataset (one new version, deduplicated)."""
        from engine.review.feedback import feed_back
        return feed_back(self.engine, task)

    def retrain(self, task: str, **overrides):
        """Start a training run from the task's latest adapter on its dataset's latest version; returns the Job."""
        from engine.review.retrain import retrain_with_feedback
        return retrain_with_feedback(self.engine, task, **overrides)
