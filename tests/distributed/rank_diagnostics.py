"""What a multi-process job was doing when a test stopped waiting for it: the job's state and log,
each rank's events, the launcher's output and the processes still running (with where they wait)."""
from __future__ import annotations

import os
import time
from pathlib import Path


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"({exc})"
    return "\n".join(text.splitlines()[-lines:])


def _proc(pid: int, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_text(errors="replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        out += [int(c) for c in _proc(pid, f"task/{task.name}/children").split()]
    return out


def process_tree(root: int) -> list[str]:
    """One line per process under ``root``: pid, state, kernel wait channel, CPU seconds, command."""
    lines, todo = [], [root]
    ticks = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop(0)
        stat = _proc(pid, "stat")
        if not stat:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        cmd = _proc(pid, "cmdline").replace("\0", " ").strip()[:160]
        lines.append(f"  pid {pid} state {fields[0]} wchan {_proc(pid, 'wchan') or '-'} cpu {cpu:.1f}s: {cmd}")
        todo += _children(pid)
    return lines


def describe(ws: Path, eng, job_id: str) -> str:
    """Everything a failed wait on a multi-process job should print."""
    out = [f"at {time.strftime('%H:%M:%S')}"]
    try:
        job = eng.jobs.get(job_id)
        out.append(f"job {job_id}: {job.to_dict()}")
    except Exception as exc:  # noqa: BLE001 - a diagnostic never hides the failure it describes
        out.append(f"job {job_id}: ({exc})")
    out += ["job log:", _tail(Path(ws) / "jobs" / f"{job_id}.log")]
    for folder in sorted((Path(ws) / "tmp").glob("ranks-*")):
        try:
            out.append(f"{folder.name}: {sorted(p.name for p in folder.iterdir())}")
        except OSError as exc:   # the job removes it as it ends
            out.append(f"{folder.name}: ({exc})")
        for path in sorted(folder.glob("events-*.jsonl")):
            out += [f"{path.name}:", _tail(path, 6)]
        out += ["torchrun.log:", _tail(folder / "torchrun.log", 30)]
    out.append("processes:")
    out += process_tree(os.getpid())
    return "\n".join(out)


def wait_while_running(eng, ws: Path, job_id: str, predicate, timeout: float = 180.0):
    """``predicate()`` once it is true, while the job still runs; a job that ends first, or a wait that
    times out, fails at once with ``describe`` (a rank's events are gone once its job has ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if eng.jobs.get(job_id).state.finished:
            value = predicate()
            if value:
                return value
            raise AssertionError("the job ended before what the test waits for\n" + describe(ws, eng, job_id))
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g} s\n" + describe(ws, eng, job_id))
