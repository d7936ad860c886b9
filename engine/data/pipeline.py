"""A large JSONL import on two cores: one process reads, checks and hashes rows, this one writes them.

SQLite has one writer, and the per-row work before the write (JSON parsing, checks, the
canonical form and its hash, the membership bookkeeping) costs about as much as the write.
A second process does that work on the next batches while this one inserts the last ones.
It numbers the rows itself from the version's next item and member id, so what it sends is
exactly what ``NewVersion.add`` would have produced, ready for ``executemany``. At most
``AHEAD`` batches wait for the writer (then the reader waits), so memory stays bounded
whatever the file size.

Everything is still written in the caller's one transaction: a cancel, an error in either
process or a kill leaves the workspace as it was.
"""
from __future__ import annotations

import os
import pickle
import queue
import threading
from collections import Counter
from operator import itemgetter

from engine.data import store
from engine.errors import UserError
from engine.faults import fault_point
from engine.i18n import tr

MIN_ROWS = 50_000       # below this, starting a process costs more than it saves
BATCH_ROWS = 5000       # rows per message (also the progress and cancel cadence)
AHEAD = 4               # received batches waiting for the writer: about 2 MB each for typical records


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


def _send(conn, message) -> bool:
    """Hand a message to the writer (waits while it is busy); False when the writer is gone."""
    try:
        conn.send(message)
        return True
    except OSError:            # a broken pipe: the writer was killed or gave up
        return False


def parse(source, skip_bad: bool, plan: dict, conn) -> None:
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
                if not _send(conn, ("rows", _batch(records, members, tags, acc, seen, skipped))):
                    return
                records, members, tags, skipped, seen, acc = [], [], [], [], 0, 0
        if _send(conn, ("rows", _batch(records, members, tags, acc, seen, skipped))):
            _send(conn, ("done",))
    except UserError as exc:
        _send(conn, ("error", exc.message, exc.hint))
    except BaseException as exc:  # noqa: BLE001 - whatever stops the reader must reach the writer as one line
        _send(conn, ("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _start(source, skip_bad: bool, version):
    """The reading process and the receiving end of its pipe. Only the process holds the sending end,
    so its death (even a kill mid-message) ends the writer's ``recv`` with EOFError, never a hang;
    and the writer's death breaks the process's next ``send``, so it never outlives the import."""
    import multiprocessing
    from engine.jobs.pool import _start_without_main
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    plan = {"dataset_id": version.ds["id"], "version": version.version, "next_item": version.next_item,
            "next_id": version.next_id}
    process = context.Process(target=parse, args=(source, skip_bad, plan, send), name="aigc-import-reader",
                              daemon=True)
    try:
        _start_without_main(process)
    finally:
        send.close()
    return process, receive


def _receive(receive, inbox: queue.Queue, stop: threading.Event) -> None:
    """A thread taking raw messages off the pipe as they come (the read releases the GIL), so the
    reader runs up to ``AHEAD`` batches ahead and neither side waits for the other's every hiccup."""
    while not stop.is_set():
        try:
            raw = receive.recv_bytes()
        except (EOFError, OSError):
            raw = None
        while not stop.is_set():
            try:
                inbox.put(raw, timeout=0.5)
                break
            except queue.Full:
                continue
        if raw is None:
            return


def _messages(process, inbox: queue.Queue):
    while True:
        raw = inbox.get()
        if raw is None:
            process.join(5)
            raise UserError(f"the import's reading process ended unexpectedly (exit code {process.exitcode})",
                            hint="import again; nothing was imported")
        yield pickle.loads(raw)


def write_rows(version, cfg, source, ctx, total: int, skipped: list) -> int:
    """Write the rows the reading process sends, in file order; returns how many were skipped."""
    from engine.data.importer import skip
    process, receive = _start(source, cfg.skip_bad, version)
    inbox, stop = queue.Queue(AHEAD), threading.Event()
    receiver = threading.Thread(target=_receive, args=(receive, inbox, stop), name="aigc-import-receiver",
                                daemon=True)
    receiver.start()
    seen = skipped_count = 0
    try:
        for message in _messages(process, inbox):
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
                ctx.report(min(0.99, seen / total), tr("{count} rows read", count=f"{seen:,}"))
    finally:
        stop.set()
        if process.is_alive():
            process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        receiver.join(5)     # the pipe's only writer is gone: the thread's read has ended
        receive.close()
    return skipped_count
