"""A large JSONL import on two cores: one process reads, checks and hashes rows, this one writes them.

SQLite has one writer, and the per-row work before the write (JSON parsing, checks, the
canonical form and its hash, the membership bookkeeping) costs about as much as the write.
A second process does that work on the next batches while this one inserts the last ones.
It numbers the rows itself from the version's next item and member id, so what it sends is
exactly what ``NewVersion.add`` would have produced, ready for ``executemany``. The queue
between them holds a few batches, so memory stays bounded whatever the file size.

Everything is still written in the caller's one transaction: a cancel, an error in either
process or a kill leaves the workspace as it was.
"""
from __future__ import annotations

import os
import queue as queue_mod
from collections import Counter
from operator import itemgetter

from engine.data import store
from engine.errors import UserError
from engine.faults import fault_point

MIN_ROWS = 50_000       # below this, starting a process costs more than it saves
BATCH_ROWS = 5000       # rows per message (also the progress and cancel cadence)
QUEUE_BATCHES = 4       # batches in flight: about 2 MB each for typical records
POLL_S = 0.5


def suitable(source, total: int) -> bool:
    return (source.modality == "text" and source.reader == "jsonl" and total >= MIN_ROWS
            and (os.cpu_count() or 1) >= 2)


def _batch(records: list, members: list, tags: list, acc: int, seen: int, skipped: list) -> dict:
    """One message: rows ready for ``NewVersion.add_prepared``, counted in bulk in first-seen order
    (the order ``NewVersion`` keeps its counts in, row by row)."""
    records.sort()
    counts = store.empty_counts()
    counts["split"] = dict(Counter(map(itemgetter(6), members)))
    counts["status"] = dict(Counter(map(itemgetter(7), members)))
    live = [m for m in members if m[7] != "rejected"] if "rejected" in counts["status"] else members
    for target, values, key in ((counts[store.LIVE]["chars"], map(itemgetter(4), live), store.live_length_key),
                                (counts[store.LIVE]["labels"], map(itemgetter(8), live),
                                 lambda label: store.NO_LABEL if label is None else label)):
        for value, n in Counter(values).items():
            value = key(value)
            target[value] = target.get(value, 0) + n
    return {"records": records, "members": members, "tags": tags, "acc": acc % store.MOD, "counts": counts,
            "seen": seen, "skipped": skipped}


def _put(out, message, parent: int) -> bool:
    """Hand a message to the writer; False when the writer is gone (then this process just ends)."""
    while True:
        try:
            out.put(message, timeout=POLL_S)
            return True
        except queue_mod.Full:
            if os.getppid() != parent:
                out.cancel_join_thread()   # nobody will read what is still buffered: do not wait for it at exit
                return False


def parse(source, skip_bad: bool, plan: dict, out, parent: int) -> None:
    """The reading process: batches of ready rows, then ("done",) or ("error", message, hint)."""
    from engine.data.importer import examples
    ds_id, version = plan["dataset_id"], plan["version"]
    item, member_id = plan["next_item"], plan["next_id"]
    records, members, tags, skipped, seen, acc = [], [], [], [], 0, 0
    record_row, member_row = store.record_row, store.member_row
    try:
        for origin, line, fields, ann in examples(None, source, skip_bad):
            seen += 1
            if fields is None:
                skipped.append(ann)
            else:
                record, text, chars = record_row(fields)
                records.append((record, text, chars))
                row, digest = member_row(member_id, ds_id, item, record, chars, version, ann, origin, line)
                members.append(row)
                acc += digest
                if ann["tags"]:
                    tags.extend((tag, member_id) for tag in ann["tags"])
                item += 1
                member_id += 1
            if seen >= BATCH_ROWS:
                if not _put(out, ("rows", _batch(records, members, tags, acc, seen, skipped)), parent):
                    return
                records, members, tags, skipped, seen, acc = [], [], [], [], 0, 0
        if _put(out, ("rows", _batch(records, members, tags, acc, seen, skipped)), parent):
            _put(out, ("done",), parent)
    except UserError as exc:
        _put(out, ("error", exc.message, exc.hint), parent)
    except BaseException as exc:  # noqa: BLE001 - whatever stops the reader must reach the writer as one line
        _put(out, ("failed", f"{type(exc).__name__}: {exc}"), parent)


def _start(source, skip_bad: bool, version):
    import multiprocessing
    from engine.jobs.pool import _start_without_main
    context = multiprocessing.get_context("spawn")
    out = context.Queue(QUEUE_BATCHES)
    plan = {"dataset_id": version.ds["id"], "version": version.version, "next_item": version.next_item,
            "next_id": version.next_id}
    process = context.Process(target=parse, args=(source, skip_bad, plan, out, os.getpid()),
                              name="aigc-import-reader", daemon=True)
    _start_without_main(process)
    return process, out


def _messages(process, out):
    while True:
        try:
            yield out.get(timeout=POLL_S)
        except queue_mod.Empty:
            if not process.is_alive():
                raise UserError(f"the import's reading process ended unexpectedly (exit code {process.exitcode})",
                                hint="import again; nothing was imported") from None


def write_rows(version, cfg, source, ctx, total: int, skipped: list) -> int:
    """Write the rows the reading process sends, in file order; returns how many were skipped."""
    from engine.data.importer import skip
    process, out = _start(source, cfg.skip_bad, version)
    seen = skipped_count = 0
    try:
        for message in _messages(process, out):
            if message[0] == "done":
                break
            if message[0] == "error":
                raise UserError(message[1], hint=message[2])
            if message[0] == "failed":
                raise UserError(f"{source.data.name}: the import stopped: {message[1]}",
                                hint="import again; nothing was imported")
            batch = message[1]
            version.add_prepared(batch)
            for _ in batch["members"]:
                fault_point("data.import.row")
            for problem in batch["skipped"]:
                skipped_count += 1
                skip(problem, skipped, ctx)
            seen += batch["seen"]
            if ctx:
                ctx.check_cancelled()
                ctx.report(min(0.99, seen / total), f"{seen:,} rows read")
    finally:
        if process.is_alive():
            process.terminate()
        process.join(5)
        out.close()
        out.cancel_join_thread()
    return skipped_count
