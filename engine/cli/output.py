"""Output rules: results on stdout (JSON last line with --json), everything else on stderr."""
from __future__ import annotations

import json
import sys

from engine.errors import UserError
from engine.i18n import tr


class Output:
    def __init__(self, json_mode: bool):
        self.json_mode = json_mode
        self.engine = None
        self._last_progress = ""

    # -- engine ---------------------------------------------------------------
    def open_engine(self, args, workers: int = 2, read_only: bool = False):
        """The engine of --workspace; ``read_only`` commands also work beside a process that owns it."""
        from engine.api import Engine
        self.engine = Engine.open_for_reading(args.workspace) if read_only else \
            Engine.open(args.workspace, workers=workers)
        return self.engine

    def close_engine(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    # -- printing -------------------------------------------------------------
    def say(self, text: str = "") -> None:
        """Human-readable output: stdout normally, stderr in --json mode."""
        print(text, file=sys.stderr if self.json_mode else sys.stdout, flush=True)

    def info(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    @property
    def chatty(self) -> bool:
        """Progress and job log lines go to a terminal (or with AIGC_PROGRESS=1); a script's stderr then
        holds only what needs reading: notes and the one-line error."""
        import os
        return sys.stderr.isatty() or os.environ.get("AIGC_PROGRESS") == "1"

    def progress(self, fraction: float, message: str) -> None:
        if not self.chatty:
            return
        line = f"[{fraction * 100:5.1f}%] {message}"
        if line != self._last_progress:
            self._last_progress = line
            print(line, file=sys.stderr, flush=True)

    def fail(self, reason: str) -> None:
        one_line = " ".join(str(reason).split("\n")).strip()
        print(tr("error: {message}", message=one_line), file=sys.stderr, flush=True)

    def result(self, data: dict) -> None:
        if self.json_mode:
            public = {k: v for k, v in data.items() if not k.startswith("_")}
            print(json.dumps(public, ensure_ascii=False, default=str), flush=True)
        elif data.get("_text"):
            print(data["_text"], flush=True)

    # -- jobs -----------------------------------------------------------------
    def run_job(self, kind: str, params: dict, title: str | None = None, on_event=None, resume_of: str | None = None):
        """Run a job in the foreground: progress on stderr, Ctrl-C cancels cleanly."""
        jobs = self.engine.jobs
        start = (lambda: jobs.resume(resume_of)) if resume_of else (lambda: jobs.submit(kind, params, title))
        return self.follow(start, on_event=on_event, show_log=True)

    def follow(self, job, on_event=None, show_log: bool = False, cancelled_note: str = ""):
        """Follow a job until it ends; a failure or cancel becomes a UserError.

        ``job`` is a submitted Job, or a callable that submits one: then the listener is in
        place before the job starts, so no streamed token or progress line is missed.
        """
        engine = self.engine
        followed = [None if callable(job) else job.id]

        def listen(event):
            if event.job_id != followed[0]:
                return
            if event.type == "progress":
                self.progress(event.data["fraction"], event.data["message"])
            elif event.type == "log" and show_log and self.chatty:
                print(f"  {event.data['text']}", file=sys.stderr, flush=True)
            if on_event:
                on_event(event)

        unsubscribe = engine.jobs.subscribe(listen)
        try:
            if callable(job):
                job = job()
                followed[0] = job.id
            while True:
                job = engine.jobs.wait(job.id, timeout=0.2)
                if job.state.finished:
                    break
        except KeyboardInterrupt:
            self.info(tr("cancelling ..."))
            engine.jobs.cancel(job.id)
            job = engine.jobs.wait(job.id)
        finally:
            unsubscribe()
        if job.state.value == "failed":
            raise UserError(tr("{kind} job {id} failed: {error}", kind=job.kind, id=job.id, error=job.error),
                            options=job.error_options)
        if job.state.value == "cancelled":
            raise UserError(tr("{kind} job {id} was cancelled{note}", kind=job.kind, id=job.id, note=cancelled_note),
                            hint=tr("resume it with 'aigc jobs resume {id}'", id=job.id) if job.resumable else None)
        return job
