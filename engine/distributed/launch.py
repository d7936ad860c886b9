"""The job side of a multi-process run: start ``torchrun``, relay rank 0's events, stop or blame ranks.

The job process (a worker) starts ``torchrun --standalone`` through ``engine.offline.python_command``,
so the launcher and every rank inherit the offline guard. The ranks write events into an exchange
folder under the workspace's ``tmp/``; this side tails them and replays rank 0's progress, metrics and
log on the job's own context. Cancel writes a file the ranks agree on at their next step (rank 0
checkpoints, all stop); ranks still running after a grace period are killed. A rank that dies fails
the job with that rank named.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

from engine.atomic import write_json, write_text
from engine.distributed.rank_context import cancel_file, events_file
from engine.errors import Cancelled, UserError
from engine.i18n import tr

POLL = 0.1


def rank_threads(nproc: int) -> int:
    """Cores per rank, so that the ranks together use the machine once (not nproc times over)."""
    from engine import devices
    return max(1, devices.cpu_threads() // nproc)


def command(entry: str, folder: Path, nproc: int) -> list[str]:
    from engine.offline import python_command
    return python_command(["-m", "engine.distributed.agent", "--standalone", "--nnodes=1",
                           f"--nproc-per-node={nproc}", "--monitor-interval=0.2",
                           "-m", "engine.distributed.rank_main", entry, str(folder)])


# torchrun takes every option not on its command line from ``PET_<OPTION>`` (PET_NNODES=2 makes a run on
# this machine wait for a second one), and TORCHELASTIC_* describe an outer launch: left in the
# environment by a cluster job or a shell profile, they must not reach the run this machine starts.
FOREIGN_PREFIXES = ("PET_", "TORCHELASTIC_", "TORCH_ELASTIC_")


def launcher_env(nproc: int) -> dict:
    """The environment of ``torchrun`` and its ranks: the offline child environment, one share of the cores."""
    from engine.offline import child_env
    env = {key: value for key, value in child_env().items() if not key.startswith(FOREIGN_PREFIXES)}
    env["OMP_NUM_THREADS"] = str(rank_threads(nproc))
    env["AIGC_THREADS"] = env["OMP_NUM_THREADS"]
    env.pop("AIGC_PROGRESS", None)
    return env


class Relay:
    """Reads each rank's event file from where it stopped last time."""

    def __init__(self, folder: Path, nproc: int):
        self.folder, self.nproc = folder, nproc
        self.offsets = [0] * nproc
        self.seen: dict[int, dict[str, dict]] = {r: {} for r in range(nproc)}

    def poll(self, ctx) -> None:
        for rank in range(self.nproc):
            path = events_file(self.folder, rank)
            if not path.exists():
                continue
            with open(path, "rb") as handle:
                handle.seek(self.offsets[rank])
                chunk = handle.read()
            end = chunk.rfind(b"\n") + 1           # a half-written last line waits for the next poll
            self.offsets[rank] += end
            for line in chunk[:end].splitlines():
                event = json.loads(line)
                self.seen[rank][event["type"]] = event
                if rank == 0:
                    self._replay(ctx, event)

    @staticmethod
    def _replay(ctx, event: dict) -> None:
        kind = event["type"]
        if kind == "progress":
            ctx.report(event.get("fraction"), event.get("message"))
        elif kind == "metric":
            ctx.metric(event["name"], event["value"], event["step"])
        elif kind == "log":
            ctx.log(event["text"])
        elif kind == "partial":
            ctx.partial(**{k: v for k, v in event.items() if k != "type"})

    def ended(self, rank: int) -> bool:
        return any(k in self.seen[rank] for k in ("done", "cancelled", "error", "stopped"))


def run_ranks(ctx, entry: str, params: dict, nproc: int, grace: float | None = None) -> dict:
    """Run ``entry`` (see rank_main.ENTRIES) on ``nproc`` ranks; rank 0's result, with ``world_size``."""
    from engine.jobs.runner import kill_grace_default
    grace = max(1.0, kill_grace_default() / 2) if grace is None else grace
    folder = ctx.workspace.folder("tmp") / f"ranks-{ctx.job_id}-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "spec.json", {"root": str(ctx.workspace.root), "job_id": ctx.job_id, "params": params})
    env = launcher_env(nproc)
    relay = Relay(folder, nproc)
    log_path = folder / "torchrun.log"
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(command(entry, folder, nproc), env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                cancel_at = _watch(ctx, proc, relay, folder, grace)
            except BaseException:
                _kill(proc, relay)
                raise
        relay.poll(ctx)
        if cancel_at is not None and (proc.returncode == 0 or cancel_at == -1):
            raise Cancelled()
        if proc.returncode != 0:
            raise _failure(ctx, relay, nproc, log_path.read_text(encoding="utf-8", errors="replace"))
        result = relay.seen[0].get("result", {}).get("result")
        if result is None:
            raise UserError(tr("rank 0 of {nproc} ended without a result", nproc=nproc), hint=tr("see the job log"))
        return {**result, "world_size": nproc}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _watch(ctx, proc, relay: Relay, folder: Path, grace: float):
    """Relay events until torchrun exits; None, the time a cancel was asked, or -1 if ranks were killed."""
    cancel_at = None
    while proc.poll() is None:
        relay.poll(ctx)
        if cancel_at is None and ctx.cancelled():
            cancel_at = time.monotonic()
            write_text(cancel_file(folder), "cancel\n")
            ctx.log(tr("cancel: every rank stops at its next step"))
        if cancel_at is not None and time.monotonic() - cancel_at > grace:
            _kill(proc, relay)
            return -1
        time.sleep(POLL)
    return cancel_at


def _kill(proc, relay: Relay) -> None:
    """SIGKILL to the launcher and every rank (each rank is its own process group under torchrun)."""
    pids = [int(relay.seen[r]["started"]["pid"]) for r in relay.seen if "started" in relay.seen[r]]
    for pid in [proc.pid, *pids]:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _exit_codes(text: str) -> dict[int, int]:
    """Rank -> exit code, from torchrun's failure summary."""
    found = {}
    for rank, code in re.findall(r"rank\s*:\s*(\d+)[^\n]*\n\s*exitcode\s*:\s*(-?\d+)", text):
        found[int(rank)] = int(code)
    return found


def _describe(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        extra = " (often the system ran out of memory)" if name == "SIGKILL" else ""
        return f"was killed by signal {-code} ({name}){extra}"
    return f"exited with code {code}" if code is not None else "died without a word"


def _failure(ctx, relay: Relay, nproc: int, launcher_log: str) -> UserError:
    """One line naming the rank that failed first: a silent death beats an error it caused in its peers."""
    codes = _exit_codes(launcher_log)
    started = [r for r in range(nproc) if "started" in relay.seen[r]]
    silent = [r for r in started if not relay.ended(r)]
    hint = tr("resume the job to continue from its last checkpoint")
    for rank in range(nproc):
        details = relay.seen[rank].get("error", {}).get("details")
        if details:
            ctx.log(tr("rank {rank}: {details}", rank=rank, details=details.rstrip()))
    if silent:
        rank = silent[0]
        return UserError(tr("rank {rank} of {nproc} {describe}; the other ranks were stopped", rank=rank, nproc=nproc, describe=_describe(codes.get(rank))),
                         hint=hint)
    errors = [(r, relay.seen[r]["error"]) for r in range(nproc) if "error" in relay.seen[r]]
    users = [(r, e) for r, e in errors if e.get("user")]
    if users:
        rank, event = users[0]
        message = event["message"] if rank == 0 else tr("rank {rank} of {nproc}: {message}", rank=rank, nproc=nproc, message=event["message"])
        return UserError(message, hint=event.get("hint"))
    if errors:
        rank, event = errors[0]
        return UserError(tr("rank {rank} of {nproc} failed: {message}", rank=rank, nproc=nproc, message=event['message']), hint=tr("see the job log"))
    tail = [line for line in launcher_log.strip().splitlines() if line.strip()][-3:]
    ctx.log(tr("launcher: {output}", output="\n".join(tail)))
    return UserError(tr("the launcher (torchrun) failed before the ranks started: {value}", value=tail[-1][:200] if tail else ''),
                     hint=tr("see the job log"))
