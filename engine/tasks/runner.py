"""The ``task.run`` job: a task over every input row, step by step, resumable.

Rows are processed in small chunks; within a chunk each text step sends all
the chunk's prompts in one batched ``generate`` call (a model is loaded once
and reused), and constraint retries send the rows still failing as one batch.
Every prompt has its own seed (``item_seed``) and random stream, so the seed
recorded reproduces that row alone or in any batch; the record also keeps the
batch size and position, since a padded batch can differ by float noise. Every (row, candidate, step) output is committed as soon as its step
finishes; a resumed run reloads them and never redoes a finished one. The
input rows are snapshotted beside the run's config, so a resume works on the
same rows even if the file has changed since.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from engine import atomic
from engine.errors import Cancelled, UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.jobs import JobContext, job_kind
from engine.review.queue import os_user
from engine.tasks import constraints as checks
from engine.tasks.backends import StepBackend
from engine.tasks.definition import task_from_dict
from engine.tasks.inputs import check_columns, read_rows
from engine.tasks.store import get_task, task_id
from engine.tasks.template import render
from engine.i18n import tr


@dataclass
class RunConfig:
    task: str
    inputs: str
    limit: int | None = number(None, lo=1, hi=1_000_000_000, integer=True, flag="--limit")
    candidates: int = number(1, lo=1, hi=100, integer=True, flag="--candidates")
    batch_size: int = number(4, lo=1, hi=1024, integer=True, flag="--batch-size")
    max_retries: int | None = number(None, lo=0, hi=100, integer=True, flag="--retries")  # None: the task's
    seed: int | None = seed_field(None)          # None: the task's generation seed


def check_params(engine, params: dict) -> RunConfig:
    from engine.text.setup import check_nproc
    check_nproc(params.get("nproc"))
    return config_from_params(params)


def config_from_params(params: dict) -> RunConfig:
    known = {k: v for k, v in params.items() if k in RunConfig.__dataclass_fields__}
    if "task" not in known or "inputs" not in known:
        raise UserError(tr("a task run needs 'task' and 'inputs'"))
    return check_fields(RunConfig(**known))


def item_seed(base: int, row: int, candidate: int, step_index: int, attempt: int) -> int:
    """A distinct, reproducible seed per row, candidate, step and retry."""
    key = f"{base}:{row}:{candidate}:{step_index}:{attempt}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


def run_dir(workspace, run_id: str) -> Path:
    return workspace.folder("tasks", "runs", run_id)


def _start_or_resume(ctx: JobContext, config: RunConfig, task) -> tuple[str, list[dict]]:
    """The run id and its input rows: a new run, or the one the resumed job was working on."""
    ws = ctx.workspace
    con = ws.db()
    if ctx.resumed_from:
        row = con.execute("SELECT * FROM task_runs WHERE job_id = ?", (ctx.resumed_from,)).fetchone()
        if row is not None:
            rows = json.loads((run_dir(ws, row["id"]) / "inputs.json").read_text(encoding="utf-8"))
            con.execute("UPDATE task_runs SET job_id = ?, state = 'running' WHERE id = ?", (ctx.job_id, row["id"]))
            ctx.log(tr("resuming task run {id}", id=row['id']))
            return row["id"], rows
    columns, rows = read_rows(config.inputs)
    check_columns(config.inputs, columns, task.input_variables(), task.name)
    if config.limit:
        rows = rows[:config.limit]
    run_id = ctx.job_id
    folder = run_dir(ws, run_id)
    atomic.write_json(folder / "inputs.json", rows)
    atomic.write_json(folder / "run.json", {"config": asdict(config), "task": task.to_dict()})
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    con.execute("INSERT INTO task_runs(id, task_id, task_name, job_id, inputs_path, inputs_hash, total_items, config,"
                " state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (run_id, task_id(ws, task.name), task.name, ctx.job_id, str(config.inputs), digest,
                 len(rows) * config.candidates, json.dumps(asdict(config)), time.time()))
    return run_id, rows


def _done_outputs(workspace, run_id: str) -> dict[tuple[int, int, str], dict]:
    done = {}
    for r in workspace.db().execute("SELECT row_index, candidate, step, output_text, image_path, passed "
                                    "FROM task_outputs WHERE run_id = ?", (run_id,)):
        done[(r["row_index"], r["candidate"], r["step"])] = dict(r)
    return done


def _stamp_png(path: str, extra: dict) -> str:
    """Add the task's provenance to a PNG's text chunks, keeping the generator's own; returns its SHA-256."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    with Image.open(path) as image:
        image.load()
        info = PngInfo()
        for key, value in getattr(image, "text", {}).items():
            if key not in extra:
                info.add_itxt(key, str(value))
        for key, value in extra.items():
            info.add_itxt(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        with atomic.atomic_open(path, "wb") as handle:
            image.save(handle, format="PNG", pnginfo=info)
    from engine.workspace.blobs import sha256_file
    return sha256_file(path)


class TaskRun:
    """One execution of a task over its snapshot of input rows."""

    def __init__(self, ctx: JobContext, config: RunConfig, run_id: str | None = None):
        self.ctx = ctx
        self.engine = ctx.engine
        self.ws = ctx.workspace
        self.config = config
        self.task = (self._saved_task(run_id) if run_id else self._resumed_task()) or get_task(self.ws, config.task)
        self.steps = self.task.effective_steps()
        self.backends = [StepBackend.resolve(self.engine, self.task.name, s) for s in self.steps]
        self.retries = self.task.max_retries if config.max_retries is None else int(config.max_retries)
        self.base_seed = self.task.generation.seed if config.seed is None else int(config.seed)
        self.user = os_user()

    def _resumed_task(self):
        """A resumed run keeps the task definition it started with, even if the task was edited since."""
        if not self.ctx.resumed_from:
            return None
        row = self.ws.db().execute("SELECT id FROM task_runs WHERE job_id = ?", (self.ctx.resumed_from,)).fetchone()
        if row is None:
            return None
        return self._saved_task(row["id"])

    def _saved_task(self, run_id: str):
        saved = json.loads((run_dir(self.ws, run_id) / "run.json").read_text(encoding="utf-8"))
        return task_from_dict(saved["task"], where=f"task run {run_id}")

    def open(self, run_id: str, rows: list[dict]) -> None:
        """Take up run ``run_id``: what is done already, and the chunks of items still to do."""
        self.run_id, self.rows = run_id, rows
        self.folder = run_dir(self.ws, self.run_id)
        self.done = _done_outputs(self.ws, self.run_id)
        self.previously = len(self.done)
        last = self.steps[-1].name
        items = [(r, c) for r in range(len(self.rows)) for c in range(self.config.candidates)]
        pending = [it for it in items if (it[0], it[1], last) not in self.done]
        self.total, self.finished = len(items), len(items) - len(pending)
        size = self.config.batch_size
        self.chunks = [pending[start:start + size] for start in range(0, len(pending), size)]

    def work(self, chunks: list[list[tuple[int, int]]]) -> None:
        ctx = self.ctx
        for chunk in chunks:
            for index, step in enumerate(self.steps):
                todo = [it for it in chunk if (it[0], it[1], step.name) not in self.done]
                if todo:
                    self._run_step(index, step, todo)
            self.finished += len(chunk)
            ctx.report(self.finished / max(1, self.total), tr("row {row} of {total} done", row=chunk[-1][0] + 1, total=len(self.rows)))

    def execute(self) -> dict:
        ctx = self.ctx
        self.open(*_start_or_resume(ctx, self.config, self.task))
        nproc = int(ctx.params.get("nproc") or 1)
        ctx.log(tr("task {name}: {rows} rows x {candidates} candidate(s), {done} already done, {steps} step(s)",
                   name=self.task.name, rows=len(self.rows), candidates=self.config.candidates, done=self.finished,
                   steps=len(self.steps)) + (tr(", {count} processes", count=nproc) if nproc > 1 else ""))
        ctx.report(self.finished / max(1, self.total), tr("{done} of {total} done", done=self.finished, total=self.total))
        try:
            if nproc > 1 and self.chunks:
                from engine.distributed.launch import run_ranks
                run_ranks(ctx, "task", {**ctx.params, "run_id": self.run_id}, nproc)
            else:
                self.work(self.chunks)
        except Cancelled:
            self.ws.db().execute("UPDATE task_runs SET state = 'stopped' WHERE id = ?", (self.run_id,))
            raise
        self.ws.db().execute("UPDATE task_runs SET state = 'finished', finished_at = ? WHERE id = ?",
                             (time.time(), self.run_id))
        stats = self.ws.db().execute("SELECT count(*), sum(passed) FROM task_outputs WHERE run_id = ?",
                                     (self.run_id,)).fetchone()
        from engine.tasks.monitor import run_stats
        monitor = run_stats(self.ws, self.run_id, self.task)
        for flag in monitor["flags"]:
            ctx.log(tr("run flagged: {flag}", flag=flag))
        return {"run_id": self.run_id, "task": self.task.name, "rows": len(self.rows), "items": self.total,
                "outputs": stats[0], "passed": stats[1] or 0, "failed": stats[0] - (stats[1] or 0),
                "reused": self.previously, "world_size": nproc, "folder": str(self.folder), "flags": monitor["flags"],
                "pass_rate": monitor["pass_rate"], "items_per_minute": monitor["items_per_minute"]}

    # -- one step for a few rows ------------------------------------------------
    def _variables(self, row_index: int) -> dict:
        return self.rows[row_index]

    def _step_outputs(self, row_index: int, candidate: int) -> dict:
        outputs = {}
        for step in self.steps:
            rec = self.done.get((row_index, candidate, step.name))
            if rec is not None:
                outputs[step.name] = rec["output_text"] if rec["output_text"] is not None else rec["image_path"]
        return outputs

    def _run_step(self, index: int, step, todo: list[tuple[int, int]]) -> None:
        ctx = self.ctx
        backend = self.backends[index]
        where = f"task {self.task.name} step {step.name}"
        ctx.check_cancelled()
        ctx.report(None, tr("row {row} of {total} · step {step}", row=todo[0][0] + 1, total=len(self.rows), step=step.name))
        prompts = [render(step.template, self._variables(r), self._step_outputs(r, c),
                          where=f"{where} row {r + 1}") for r, c in todo]
        params = self.task.step_params(step)
        system = self.task.step_system(step)
        limits = self.task.step_constraints(step)
        records = []
        started = time.perf_counter()
        if step.modality == "image":
            for (r, c), prompt in zip(todo, prompts):
                ctx.check_cancelled()
                started = time.perf_counter()
                seed = item_seed(self.base_seed, r, c, index, 0)
                out_dir = self.folder / "images" / f"r{r:05d}_c{c}_{step.name}"
                result = backend.image(self.engine, prompt, {**params, "seed": seed}, out_dir, ctx.cancelled)
                ctx.check_cancelled()
                digest = _stamp_png(result["path"], {"aigc.task": self.task.name, "aigc.run": self.run_id,
                                                     "aigc.row": str(r), "aigc.step": step.name,
                                                     "aigc.prompt": prompt, "aigc.input": self._variables(r)})
                records.append(self._record(index, step, backend, r, c, prompt, system, None, result["path"], digest,
                                            {**params, "seed": result.get("seed", seed)},
                                            result.get("seed", seed), 1, []))
                records[-1]["elapsed"] = round(time.perf_counter() - started, 4)
        elif self.task.classify is not None:
            records = self._classify(index, step, backend, todo, prompts, system, limits)
        else:
            results = self._text_with_retries(index, backend, todo, prompts, params, system, limits)
            for (r, c), prompt, (text, seed, attempts, failures, batch) in zip(todo, prompts, results):
                used = {**params, "seed": seed}
                if backend.model_quant:
                    used.update(backend="llama.cpp", quant=backend.model_quant)
                if batch:
                    used.update({k: v for k, v in batch.items() if k not in ("size", "position")})
                    used.update(batch_size=batch["size"], batch_position=batch["position"])
                records.append(self._record(index, step, backend, r, c, prompt, system, text, None, None,
                                            used, seed, attempts, failures))
        if step.modality != "image":  # a batch's time is shared by its outputs
            for rec in records:
                rec["elapsed"] = round((time.perf_counter() - started) / max(1, len(records)), 4)
        self._store(records)

    def _classify(self, index, step, backend, todo, prompts, system, limits) -> list[dict]:
        """Label-likelihood answers: every label scored, the best (or, multi-label, those above threshold) kept."""
        from engine.tasks.classify import classify_prompts
        if backend.is_template:
            raise UserError(tr("task {name}: a classify task needs a model", name=self.task.name), hint=tr("set the task's model"))
        from engine.tasks.calibration import calibrate
        decisions = classify_prompts(self.engine, backend.model_name, backend.adapter_name, self.task.classify,
                                     prompts, system or None, self.ctx.cancelled)
        self.ctx.check_cancelled()
        decisions = calibrate(self.engine, self.task, backend.model_name, backend.adapter_name, decisions)
        records = []
        for (r, c), prompt, decision in zip(todo, prompts, decisions):
            params = {"method": self._classify_method(backend)}
            if "temperature" in decision:   # calibrated by the system's evaluation
                params.update(temperature_scaling=decision["temperature"], raw_confidence=decision["raw_confidence"],
                              calibration_eval=decision["calibration_eval"])
            records.append(self._record(index, step, backend, r, c, prompt, system, decision["label"], None, None,
                                        params, None, 1,
                                        checks.check(decision["label"], limits),
                                        confidence=decision["confidence"], scores=decision["scores"]))
        return records

    def _text_with_retries(self, index, backend, todo, prompts, params, system, limits):
        """Generate, check, and regenerate failing outputs with new seeds; keep each item's best attempt."""
        best: list[tuple | None] = [None] * len(todo)
        waiting = list(range(len(todo)))
        for attempt in range(self.retries + 1):
            if not waiting:
                break
            self.ctx.check_cancelled()
            seeds = [item_seed(self.base_seed, todo[i][0], todo[i][1], index, attempt) for i in waiting]
            if backend.is_template:
                texts = [(prompts[i], None, None) for i in waiting]
            else:
                texts = self._generate_text(backend, [prompts[i] for i in waiting], params, seeds, system)
            still = []
            for i, (text, seed, batch) in zip(waiting, texts):
                failures = checks.check(text, limits)
                if best[i] is None or len(failures) < len(best[i][3]):
                    best[i] = (text, seed, attempt + 1, failures, batch)
                else:
                    best[i] = (best[i][0], best[i][1], attempt + 1, best[i][3], best[i][4])
                if failures and not backend.is_template:
                    still.append(i)
            waiting = still
        return best

    def _generate_text(self, backend, prompts, params, seeds, system):
        """(text, seed, batch) per prompt, from one batched call; each prompt keeps its own seed."""
        self.ctx.check_cancelled()
        results = backend.text(self.engine, prompts, {k: v for k, v in params.items() if k != "seed"}, system,
                               self.ctx.cancelled, seeds=seeds, ctx=self.ctx)
        return [(str(r["text"]).strip(), r.get("seed", seed), _made_by(r)) for r, seed in zip(results, seeds)]

    def _classify_method(self, backend) -> str:
        from engine.tasks.classify_head import HEAD_METHOD, is_head
        adapter = self.engine.models.get(backend.adapter_name) if backend.adapter_name else None
        return HEAD_METHOD if is_head(adapter) else "label-likelihood"

    def _record(self, index, step, backend, r, c, prompt, system, text, image_path, image_sha, params, seed,
                attempts, failures, confidence=None, scores=None) -> dict:
        return {
            "run_id": self.run_id, "task_name": self.task.name, "row_index": r, "candidate": c, "step": step.name,
            "step_index": index, "modality": step.modality, "prompt": prompt, "system_prompt": system or None,
            "output_text": text, "image_path": image_path, "image_sha256": image_sha,
            "input_row": json.dumps(self._variables(r), ensure_ascii=False),
            "model": backend.model_name, "model_sha256": backend.model_sha256, "adapter": backend.adapter_name,
            "adapter_sha256": backend.adapter_sha256, "params": json.dumps(params, ensure_ascii=False, default=str),
            "seed": seed, "attempts": attempts, "failures": json.dumps(failures, ensure_ascii=False),
            "passed": int(not failures), "created_by": self.user, "created_at": time.time(),
            "confidence": confidence, "scores": json.dumps(scores, ensure_ascii=False) if scores else None,
            "elapsed": None,
        }

    def _store(self, records: list[dict]) -> None:
        if not records:
            return
        columns = list(records[0])
        sql = f"INSERT INTO task_outputs({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        with self.ws.transaction() as con:
            for rec in records:
                con.execute(sql, [rec[c] for c in columns])
        for rec in records:
            key = (rec["row_index"], rec["candidate"], rec["step"])
            self.done[key] = {"output_text": rec["output_text"], "image_path": rec["image_path"],
                              "passed": rec["passed"]}
            self.ctx.partial(run_id=self.run_id, row=rec["row_index"], candidate=rec["candidate"], step=rec["step"],
                             text=rec["output_text"], image=rec["image_path"], passed=bool(rec["passed"]))


@job_kind("task.run", title="Run task", resumable=True, isolated=True,
          check=check_params)
def run_task(ctx: JobContext) -> dict:
    config = config_from_params(ctx.params)
    return TaskRun(ctx, config).execute()


def _made_by(result: dict) -> dict | None:
    """A text result's batch, plus the llama.cpp copy that made it (backend, quantization, GGUF SHA-256)."""
    batch = result.get("batch")
    if batch is None or result.get("gguf_sha256") is None:
        return batch
    return {**batch, "backend": result.get("backend"), "quant": result.get("quant"),
            "gguf_sha256": result["gguf_sha256"]}
