"""What the screenshots show: the real window doing real work on the sample workspace.

Each scene drives the widgets the way a user would (pick, type, click) and waits
for the engine's jobs to finish, so the pictures show a trained adapter with its
lineage, generated text beside the base model's, a gallery of starter-model
posters, a review queue filled by a sample task run, and a training run in
progress with its live chart.
"""
from __future__ import annotations

import time

TEXT_PROMPT = {   # worded like the sample ad-copy dataset the starter model and the adapter learned from
    "en": "Write a one-line ad (max 60 characters) for the Harbor leather tote bag aimed at busy commuters, "
          "tone: minimalist.",
    "zh_CN": "为极光750ml保温水杯写一句面向居家办公族的广告语（不超过30个字），语气：简约。",
}
IMAGE_PROMPTS = ("product poster, a blue handbag on a red background, yellow sun in the top left corner",
                 "product poster, a red bottle on a teal gradient background, white band at the bottom")
EXAMPLE_VALUES = {
    "en": {"product": "the Harbor leather tote", "audience": "commuters", "tone": "warm"},
    "zh_CN": {"product": "港湾真皮托特包", "audience": "通勤族", "tone": "温暖"},
}
ADAPTER = "brand-voice-lora"
# The adapter learns a house style the starter model never saw (it was trained on the plain ad-copy
# sample): the same ads, each signed off with the brand line, so its answer visibly differs from the base's.
BRAND_DATA = "brand-voice"
SIGN_OFF = {"en": " Made to last, made for you.", "zh": "——经久耐用，用心陪伴。"}
# what a reviewer says each sample ticket (resources/samples/inputs/tickets.csv) is about
TICKET_LABELS = ["delivery", "billing", "account", "order_change", "product_issue", "refund", "billing", "delivery",
                 "product_issue", "account"]


class Scenes:
    def __init__(self, app, window, lang: str, wait_until, settle):
        self.app, self.window, self.lang = app, window, lang
        self.wait_until, self.settle = wait_until, settle
        self.engine = window.engine

    # -- helpers ------------------------------------------------------------------------
    def wait_job(self, job, timeout: float = 3600.0):   # a loaded machine trains slowly
        engine = self.engine
        self.wait_until(self.app, lambda: engine.jobs.get(job.id).state.value not in ("queued", "running"),
                        timeout=timeout)
        done = engine.jobs.get(job.id)
        if done.state.value != "succeeded":
            raise RuntimeError(f"{done.kind} ended {done.state.value}: {done.error}")
        return done

    # -- content ------------------------------------------------------------------------
    def brand_voice_data(self) -> None:
        """The sample ad copy in the brand's house style, imported the way a user imports a file."""
        import json
        import tempfile
        from pathlib import Path

        from engine.samples import samples_dir
        if any(d.name == BRAND_DATA for d in self.engine.data.list()):
            return
        path = Path(tempfile.mkdtemp(prefix="aigc-shots-data-")) / f"{BRAND_DATA}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for line in (samples_dir() / "datasets" / "ad-copy.jsonl").read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                chinese = any("\u4e00" <= ch <= "\u9fff" for ch in row["output"])
                row["output"] = row["output"].rstrip("。") + SIGN_OFF["zh" if chinese else "en"]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.wait_job(self.engine.data.import_file(path, BRAND_DATA))

    def train_adapter(self, steps: int = 160) -> None:
        """A short finished run, so Models shows an adapter with lineage and Generation can compare."""
        if any(m.name == ADAPTER for m in self.engine.models.list(role="adapter")):
            return
        self.brand_voice_data()
        config = {"model": "starter-text", "data": BRAND_DATA, "method": "lora", "max_steps": steps,
                  "learning_rate": 2e-3, "lora_r": 16, "lora_alpha": 32, "batch_size": 4, "max_length": 128,
                  "save_every": steps, "eval_every": 40, "output_name": ADAPTER}
        self.wait_job(self.engine.jobs.submit("text.train", {"config": config}))

    def run_sample_tasks(self) -> None:
        """Fill the review queue from the sample tasks, and review a few outputs."""
        from engine.tasks.area import sample_inputs_path
        if self.engine.review.counts().get("pending", 0):
            return
        for name, limit in (("ad-copy", 6), ("product-poster", 2)):
            task = self.engine.tasks.get(name)
            self.wait_job(self.engine.tasks.run(name, sample_inputs_path(task), limit=limit))
        items = self.engine.review.list(task="ad-copy")
        if len(items) >= 3:
            self.engine.review.approve(items[0].id, "good tone")
            self.engine.review.reject(items[1].id, "too long" if self.lang == "en" else "太长")

    def monitor_runs(self, runs: int = 3) -> None:
        """Runs of the ticket-intent sample, reviewed against what each ticket is about, and one evaluation, so
        Monitor shows a trend with quality and the Tasks tab a leaderboard with a confusion matrix."""
        from engine.tasks.area import sample_inputs_path
        task = self.engine.tasks.get("ticket-intent")
        done = [r for r in self.engine.tasks.runs("ticket-intent") if r["state"] == "finished"]
        for _ in range(max(0, runs - len(done))):
            job = self.wait_job(self.engine.tasks.run(task.name, sample_inputs_path(task)))
            for item in self.engine.review.list(task=task.name, run_id=job.result["run_id"]):
                right = TICKET_LABELS[item.row_index]
                if item.output_text == right:
                    self.engine.review.approve(item.id)
                else:
                    self.engine.review.edit(item.id, right)

    # -- tabs ---------------------------------------------------------------------------
    def tasks(self) -> None:
        from PySide6.QtCore import Qt
        page = self.window.show_page("tasks")
        self.settle(self.app, 300)
        for g in range(page.tree.topLevelItemCount()):
            group = page.tree.topLevelItem(g)
            for c in range(group.childCount()):
                if group.child(c).data(0, Qt.ItemDataRole.UserRole).name == "ad-copy":
                    page.tree.setCurrentItem(group.child(c))
        values = EXAMPLE_VALUES[self.lang]
        for row in range(page.variables.rowCount()):
            key = page.variables.item(row, 0).text()
            if key in values:
                page.variables.item(row, 1).setText(values[key])
        self.settle(self.app, 500)

    def datasets(self) -> None:
        """The house-style data the adapter learned from, one record open beside the table."""
        from PySide6.QtCore import Qt
        page = self.window.show_page("datasets")
        page.refresh()
        self.settle(self.app, 400)
        for row in range(page.list.count()):
            if page.list.item(row).data(Qt.ItemDataRole.UserRole).name == BRAND_DATA:
                page.list.setCurrentRow(row)
        self.wait_until(self.app, lambda: page.current == BRAND_DATA and page.table.model().rowCount() > 0,
                        timeout=30)
        self.settle(self.app, 300)
        page.table.selectRow(0)
        self.settle(self.app, 400)

    def training_finished(self) -> None:
        from PySide6.QtCore import Qt
        page = self.window.show_page("training")
        page.refresh()
        self.settle(self.app, 300)
        rows = [(page.runs_list.item(r).data(Qt.ItemDataRole.UserRole) or {}) for r in range(page.runs_list.count())]
        mine = [r for r, run in enumerate(rows) if (run.get("config") or {}).get("data") == BRAND_DATA]
        if rows:   # the adapter's run, not a later demo run
            page.runs_list.setCurrentRow(mine[0] if mine else 0)
        self.wait_until(self.app, lambda: page.chart_points() > 0, timeout=30)
        self.settle(self.app, 600)
        page.chart.flush()

    def generation_text(self) -> None:
        page = self.window.show_page("generation")
        page.refresh()
        self.settle(self.app, 300)
        panel = page.text
        page.modes.setCurrentWidget(panel)
        panel.model.setCurrentIndex(max(0, panel.model.findData("starter-text")))
        panel.adapter.setCurrentIndex(max(0, panel.adapter.findData(ADAPTER)))
        panel.compare.setCurrentIndex(max(0, panel.compare.findData("")))   # beside the base model
        panel.prompt.setPlainText(TEXT_PROMPT[self.lang])
        panel.max_tokens.setValue(48)
        panel.temperature.setValue(0.3)
        panel.generate_button.click()
        self.wait_until(self.app, lambda: not panel.generate_button.isEnabled(), timeout=10)
        self.wait_until(self.app, lambda: panel.generate_button.isEnabled(), timeout=300)
        self.wait_until(self.app, lambda: panel.review_buttons[0].isEnabled(), timeout=20)
        self.settle(self.app, 400)

    def generation_images(self) -> None:
        page = self.window.show_page("generation")
        panel = page.image
        page.modes.setCurrentWidget(panel)
        panel.model.setCurrentIndex(max(0, panel.model.findData("starter-image")))
        panel.negative.setPlainText("blurry, text, watermark")
        panel.steps.setValue(20)
        panel.guidance.setValue(4.0)
        panel.batch.setValue(4)
        for seed, prompt in zip((7, 21), IMAGE_PROMPTS):
            panel.prompt.setPlainText(prompt)
            panel.seed.setValue(seed)
            panel.generate_button.click()
            self.wait_until(self.app, lambda: not panel.generate_button.isEnabled(), timeout=10)
            self.wait_until(self.app, lambda: panel.generate_button.isEnabled(), timeout=600)
        self.wait_until(self.app, lambda: panel.gallery.count() >= 8, timeout=30)
        panel.gallery.setCurrentRow(0)
        self.settle(self.app, 500)

    def review(self) -> None:
        from PySide6.QtCore import Qt
        page = self.window.show_page("review")
        page.refresh()
        self.settle(self.app, 400)
        page.status_filter.setCurrentIndex(page.status_filter.findData(""))   # all: shows the marks
        self.settle(self.app, 300)
        for row in range(page.queue.count()):
            item = page.queue.item(row).data(Qt.ItemDataRole.UserRole)
            if item.status == "pending" and item.modality == "image":   # a poster with its provenance
                page.queue.setCurrentRow(row)
                break
        self.settle(self.app, 400)

    def models(self) -> None:
        page = self.window.show_page("models")
        page.refresh()
        self.settle(self.app, 400)
        for index in range(page.tree.topLevelItemCount()):
            top = page.tree.topLevelItem(index)
            if top.childCount():
                page.tree.setCurrentItem(top.child(0))
        self.settle(self.app, 300)

    def monitor(self) -> None:
        page = self.window.show_page("monitor")
        page.refresh()
        self.settle(self.app, 300)
        page.select_task("ticket-intent")
        self.wait_until(self.app, lambda: page.table.rowCount() >= 3, timeout=30)
        self.settle(self.app, 500)

    def task_evaluation(self) -> None:
        """The Tasks tab's evaluation section after Evaluate ran on the ticket-intent sample."""
        from PySide6.QtCore import Qt
        page = self.window.show_page("tasks")
        self.settle(self.app, 300)
        for g in range(page.tree.topLevelItemCount()):
            group = page.tree.topLevelItem(g)
            for c in range(group.childCount()):
                if group.child(c).data(0, Qt.ItemDataRole.UserRole).name == "ticket-intent":
                    page.tree.setCurrentItem(group.child(c))
        self.settle(self.app, 300)
        question = getattr(page, "question", None)
        if question is not None and question.isVisible():   # the example values typed for the tasks picture
            from PySide6.QtWidgets import QMessageBox
            next(b for b in question.buttons()
                 if question.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
        self.wait_until(self.app, lambda: page.current is not None and page.current.name == "ticket-intent",
                        timeout=30)
        self.settle(self.app, 400)
        panel = page.eval_panel
        if not self.engine.tasks.evals("ticket-intent"):
            panel.evaluate_button.click()
            self.wait_until(self.app, lambda: panel.job_row is not None, timeout=30)
            self.wait_until(self.app, lambda: panel.job_row.state not in ("queued", "running"), timeout=900)
        self.wait_until(self.app, lambda: panel.table.rowCount() > 0, timeout=30)
        self.settle(self.app, 400)
        scroll = page.detail.widget(1)
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        self.settle(self.app, 300)

    def training_running(self, points: int = 16, timeout: float = 600) -> bool:
        page = self.window.show_page("training")
        page.refresh()   # the models, datasets and memory check a start needs (a page opened just now has none)
        self.wait_until(self.app, lambda: page.preflight.text().startswith("✓"), timeout=60)
        self.settle(self.app, 300)
        before = page.current_job
        if not page.start_demo_run():
            return False
        started = time.monotonic()
        # the chart still holds the finished run until the page follows the new one
        self.wait_until(self.app, lambda: page.current_job not in (None, before), timeout=60)
        self.wait_until(self.app, lambda: page.chart_points() >= points, timeout=timeout)
        page.refresh()   # the Runs list shows the run as running
        self.settle(self.app, 400)
        page.chart.flush()
        return time.monotonic() - started < timeout

    def stop_training(self) -> None:
        page = self.window.pages["training"]
        page.cancel_current()
        self.wait_until(self.app, lambda: not self.engine.jobs.active(), timeout=120)
