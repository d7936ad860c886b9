"""Datasets in SQLite: records shared by content hash, versions as membership intervals.

A membership row (one example of one dataset) is part of every version v with
``since <= v < until``. Making a version therefore writes only what changed:
added rows, and for an edited row the old one is closed and a new one opened
with the same ``item`` number. The version hash is an additive multiset hash
of its memberships, so it is updated in O(changes) and two versions with the
same content have the same hash.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from engine.data.records import canonical_bytes, text_length
from engine import names
from engine.errors import NotFound, UserError
from engine.i18n import tr

MOD = 1 << 128
LIVE = "live"
NO_LABEL = "(none)"
EXACT_LENGTHS = 8192  # longer lengths are kept to the nearest lower multiple of 256 so the map stays small
BATCH = 5000
BULK_CACHE_MB = 64
MEMBER_COLUMNS = "id, dataset_id, item, record, chars, since, until, split, status, label, tags, note, origin, line"


INSERT_RECORD = "INSERT OR IGNORE INTO records(hash, fields, chars) VALUES (?, ?, ?)"
INSERT_MEMBER = ("INSERT INTO members(id, dataset_id, item, record, chars, since, split, status, label, tags, note,"
                 " origin, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_TAG = "INSERT OR IGNORE INTO member_tags(tag, member_id) VALUES (?, ?)"


@dataclass
class DatasetInfo:
    id: int
    name: str
    modality: str
    version: int
    version_hash: str
    count: int
    counts: dict = field(default_factory=dict)
    created_at: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def member_digest(record: str, split: str, status: str, label, tags: str, note: str) -> int:
    key = "\x1f".join((record, split, status, label or "", tags, note))
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:16], "big")


def record_row(fields: dict) -> tuple[str, str, int]:
    """(content hash, canonical JSON, characters): what the records table holds for ``fields``."""
    raw = canonical_bytes(fields)
    return hashlib.sha256(raw).hexdigest()[:32], raw.decode("utf-8"), text_length(fields)  # == content_hash


def member_row(member_id: int, ds_id: int, item: int, record: str, chars: int, version: int, ann: dict,
               origin: str, line) -> tuple[tuple, int]:
    """The members row that opens ``item`` in ``version``, and its term of the version hash."""
    tags = json.dumps(ann["tags"], ensure_ascii=False) if ann["tags"] else "[]"
    row = (member_id, ds_id, item, record, chars, version, ann["split"], ann["status"], ann["label"], tags,
           ann["note"], origin, line)
    return row, member_digest(record, ann["split"], ann["status"], ann["label"], tags, ann["note"])


def empty_counts() -> dict:
    return {"status": {}, "split": {}, LIVE: {"chars": {}, "labels": {}}}


def tally(counts: dict, split: str, status: str, chars: int, label, delta: int) -> None:
    """Add ``delta`` memberships to the per-split/status counts and, unless rejected, the live aggregates."""
    for key, value in (("split", split), ("status", status)):
        bucket = counts.setdefault(key, {})
        bucket[value] = bucket.get(value, 0) + delta
        if bucket[value] == 0:
            del bucket[value]
    live = counts.get(LIVE)
    if status != "rejected" and live is not None:
        for bucket, key in ((live["chars"], live_length_key(chars)),
                            (live["labels"], NO_LABEL if label is None else label)):
            bucket[key] = bucket.get(key, 0) + delta
            if bucket[key] == 0:
                del bucket[key]


def live_length_key(chars: int) -> str:
    return str(chars if chars < EXACT_LENGTHS else chars - chars % 256)


def public_counts(counts_json: str) -> dict:
    """Counts per split and status, without the aggregates kept for stats."""
    counts = json.loads(counts_json)
    counts.pop(LIVE, None)
    return counts


@contextmanager
def bulk_writes(con: sqlite3.Connection, cache_mb: int = BULK_CACHE_MB):
    """Settings for one job writing a whole version; enter it outside the transaction.

    Foreign keys are not checked row by row (a third of the insert time): ``NewVersion.flush`` writes
    records before the memberships that name them, inside the transaction that made the dataset.
    A bigger page cache keeps the random-order inserts into the records key in memory; memory stays
    bounded by ``cache_mb``.
    """
    cache = con.execute("PRAGMA cache_size").fetchone()[0]
    keys = con.execute("PRAGMA foreign_keys").fetchone()[0]
    con.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
    con.execute("PRAGMA foreign_keys = OFF")
    try:
        yield con
    finally:
        con.execute(f"PRAGMA cache_size = {int(cache)}")
        con.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")


def version_hash(acc: int, count: int) -> str:
    return hashlib.sha256(f"{acc:032x}:{count}".encode()).hexdigest()[:16]


def lookup(con: sqlite3.Connection, name) -> sqlite3.Row | None:
    """The dataset named ``name`` (compared NFC-normalised and ignoring case), or None."""
    row = con.execute("SELECT * FROM datasets WHERE name = ?", (names.normalise(name),)).fetchone()
    if row is None:
        same = names.find_same(name, [r[0] for r in con.execute("SELECT name FROM datasets")])
        row = con.execute("SELECT * FROM datasets WHERE name = ?", (same,)).fetchone() if same else None
    return row


def find_dataset(con: sqlite3.Connection, name_or_id) -> sqlite3.Row:
    row = lookup(con, str(name_or_id))
    if row is None and str(name_or_id).isdigit():
        row = con.execute("SELECT * FROM datasets WHERE id = ?", (int(name_or_id),)).fetchone()
    if row is None:
        raise NotFound(tr("no dataset named '{name_or_id}'", name_or_id=name_or_id), hint=tr("'aigc data list' shows the datasets"))
    return row


def resolve_version(con, ds: sqlite3.Row, version=None) -> int:
    if version in (None, "", "latest", "head"):
        if ds["head"] == 0:
            raise UserError(tr("dataset '{name}' has no version yet", name=ds['name']))
        return ds["head"]
    try:
        number = int(str(version).lstrip("v"))
    except ValueError:
        raise UserError(tr("'{version}' is not a version number", version=version), hint=tr("versions are 1, 2, 3 ... or v1, v2")) from None
    if not con.execute("SELECT 1 FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                       (ds["id"], number)).fetchone():
        raise NotFound(tr("dataset '{name}' has no version {number} (latest is {head})", name=ds['name'], number=number, head=ds['head']))
    return number


def in_version(ds: sqlite3.Row, version: int, alias: str = "m") -> tuple[str, list]:
    """SQL condition selecting the memberships of one version."""
    if version == ds["head"]:
        return f"{alias}.dataset_id = ? AND {alias}.until IS NULL", [ds["id"]]
    return (f"{alias}.dataset_id = ? AND {alias}.since <= ? AND ({alias}.until IS NULL OR {alias}.until > ?)",
            [ds["id"], version, version])


def info(con, ds: sqlite3.Row) -> DatasetInfo:
    row = con.execute("SELECT * FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], ds["head"])).fetchone()
    return DatasetInfo(id=ds["id"], name=ds["name"], modality=ds["modality"], version=ds["head"],
                       version_hash=row["hash"] if row else "", count=row["count"] if row else 0,
                       counts=public_counts(row["counts"]) if row else {}, created_at=ds["created_at"])


def create_dataset(con, name: str, modality: str) -> sqlite3.Row:
    name = names.check_new_name(name, [r[0] for r in con.execute("SELECT name FROM datasets")], "dataset",
                                hint="choose another name, or add to the existing dataset")
    if name.isdigit():
        raise UserError(tr("'{name}' is not a usable dataset name", name=name), hint=tr("use a name that is not only digits"))
    if modality not in ("text", "image"):
        raise UserError(tr("unknown modality '{modality}'", modality=modality), hint=tr("use text or image"))
    try:
        con.execute("INSERT INTO datasets(name, modality, created_at) VALUES (?, ?, ?)", (name, modality, time.time()))
    except sqlite3.IntegrityError:
        raise UserError(tr("a dataset named '{name}' already exists", name=name),
                        hint=tr("choose another name, or add to the existing dataset")) from None
    return find_dataset(con, name)


class NewVersion:
    """Collects the changes that make the next version; ``commit()`` seals it.

    Must be used inside one transaction (``ws.transaction()``): the member ids it
    hands out assume nobody else writes meanwhile.
    """

    def __init__(self, con: sqlite3.Connection, ds: sqlite3.Row, message: str, job_id: str | None = None,
                 draft: bool = False):
        self.con = con
        self.ds = ds
        self.message = message
        self.job_id = job_id
        prev = con.execute("SELECT acc, count, counts, info FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                           (ds["id"], ds["head"])).fetchone()
        # a draft collects many small edits: while it is the newest version, the next draft edit amends it
        self.draft = draft
        self.amending = bool(draft and prev and json.loads(prev["info"]).get("draft"))
        self.edits = json.loads(prev["info"]).get("edits", 0) if self.amending else 0
        self.version = ds["head"] if self.amending else ds["head"] + 1
        self.acc = int(prev["acc"], 16) if prev else 0
        self.count = prev["count"] if prev else 0
        self.counts = json.loads(prev["counts"]) if prev else empty_counts()
        # lengths and labels of the non-rejected records, kept up to date like the counts so that
        # stats never scans the dataset; absent (None) for a version made before they were kept
        self._live = self.counts.get(LIVE)
        self._live_chars = self._live["chars"] if self._live is not None else None
        self._live_labels = self._live["labels"] if self._live is not None else None
        self.next_item = ds["next_item"]
        self.next_id = (con.execute("SELECT coalesce(max(id), 0) FROM members").fetchone()[0]) + 1
        self._records: list[tuple] = []
        self._members: list[tuple] = []
        self._tags: list[tuple] = []
        self._closed: list[tuple] = []
        self.added = 0
        self.changed = 0
        self.removed = 0

    # -- bookkeeping ---------------------------------------------------------
    def _count(self, split: str, status: str, chars: int, label, delta: int) -> None:
        tally(self.counts, split, status, chars, label, delta)
        self.count += delta

    def _open(self, item: int, record: str, chars: int, ann: dict, origin: str, line) -> int:
        member_id = self.next_id
        self.next_id += 1
        row, digest = member_row(member_id, self.ds["id"], item, record, chars, self.version, ann, origin, line)
        self._members.append(row)
        self._tags.extend((tag, member_id) for tag in ann["tags"])
        self.acc = (self.acc + digest) % MOD
        self._count(ann["split"], ann["status"], chars, ann["label"], +1)
        if len(self._members) >= BATCH:
            self.flush()
        return member_id

    def add_prepared(self, batch: dict) -> None:
        """Rows another process converted (``engine.data.pipeline``), numbered from this version's
        ``next_item``/``next_id``: the same rows and bookkeeping as ``add`` of each, written at once."""
        self.flush()
        self.con.executemany(INSERT_RECORD, batch["records"])   # sorted by hash by the sender
        self.con.executemany(INSERT_MEMBER, batch["members"])
        if batch["tags"]:
            self.con.executemany(INSERT_TAG, batch["tags"])
        self.acc = (self.acc + batch["acc"]) % MOD
        added = len(batch["members"])
        self.count += added
        self.added += added
        self.next_item += added
        self.next_id += added
        for key in ("split", "status"):
            bucket = self.counts.setdefault(key, {})
            for value, n in batch["counts"][key].items():
                bucket[value] = bucket.get(value, 0) + n
        if self._live is not None:
            for mine, theirs in ((self._live_chars, batch["counts"][LIVE]["chars"]),
                                 (self._live_labels, batch["counts"][LIVE]["labels"])):
                for key, n in theirs.items():
                    mine[key] = mine.get(key, 0) + n

    def _close(self, row) -> None:
        if row["since"] == self.version:  # opened by the draft being amended: it never was in a sealed version
            self._flush_members()
            self.con.execute("DELETE FROM member_tags WHERE member_id = ?", (row["id"],))
            self.con.execute("DELETE FROM members WHERE id = ?", (row["id"],))
        else:
            self._closed.append((self.version, row["id"]))
        self.acc = (self.acc - member_digest(row["record"], row["split"], row["status"], row["label"], row["tags"],
                                             row["note"])) % MOD
        self._count(row["split"], row["status"], row["chars"], row["label"], -1)

    def put_record(self, fields: dict) -> tuple[str, int]:
        row = record_row(fields)
        self._records.append(row)
        return row[0], row[2]

    # -- changes -------------------------------------------------------------
    def add(self, fields: dict, ann: dict, origin: str = "", line=None) -> int:
        """A new example; returns its item number."""
        record, chars = self.put_record(fields)
        item = self.next_item
        self.next_item += 1
        self._open(item, record, chars, ann, origin, line)
        self.added += 1
        return item

    def replace(self, row, fields: dict | None = None, **changes) -> None:
        """Close membership ``row`` and open its successor with new content and/or annotations."""
        record, chars = self.put_record(fields) if fields is not None else (row["record"], row["chars"])
        ann = {"split": row["split"], "status": row["status"], "label": row["label"],
               "tags": json.loads(row["tags"]), "note": row["note"]}
        ann.update(changes)
        ann["tags"] = sorted(set(ann["tags"]))
        if (record == row["record"] and ann["split"] == row["split"] and ann["status"] == row["status"]
                and ann["label"] == row["label"] and json.dumps(ann["tags"], ensure_ascii=False) == row["tags"]
                and ann["note"] == row["note"]):
            return
        self._close(row)
        self._open(row["item"], record, chars, ann, row["origin"], row["line"])
        self.changed += 1

    def remove(self, row) -> None:
        self._close(row)
        self.removed += 1

    def flush(self) -> None:
        con = self.con
        self._flush_records()
        if self._closed:
            con.executemany("UPDATE members SET until = ? WHERE id = ?", self._closed)
            self._closed.clear()
        self._flush_members()

    def _flush_records(self) -> None:
        if self._records:
            # in key order the inserts walk the records index once instead of jumping around it
            self._records.sort()
            self.con.executemany(INSERT_RECORD, self._records)
            self._records.clear()

    def _flush_members(self) -> None:
        con = self.con
        self._flush_records()
        if self._members:
            con.executemany(INSERT_MEMBER, self._members)
            self._members.clear()
        if self._tags:
            con.executemany(INSERT_TAG, self._tags)
            self._tags.clear()

    def measure_duplicates(self) -> None:
        """Record the exact-duplicate ratio of the new version (jobs that wrote every row call this)."""
        from engine.data.stats import distinct_live
        if self._live is None:
            return
        self.flush()
        total = sum(self._live_chars.values())
        ratio = round(1 - distinct_live(self.con, self.ds["id"], total) / total, 4) if total else 0.0
        self._live["duplicates"] = {"ratio": ratio, "version": self.version}

    @property
    def changes(self) -> int:
        return self.added + self.changed + self.removed

    def commit(self, info: dict | None = None, allow_empty: bool = False) -> dict:
        self.flush()
        if not self.changes and not allow_empty:
            return {"version": self.ds["head"], "created": False, "added": 0, "changed": 0, "removed": 0}
        digest = version_hash(self.acc, self.count)
        if self.draft:
            info = {**(info or {}), "draft": True, "edits": self.edits + 1}
            self.message = draft_message(info["edits"])
        if self.amending:
            self.con.execute(
                "UPDATE dataset_versions SET hash = ?, count = ?, acc = ?, counts = ?, info = ?, stats = NULL,"
                " message = ?, created_at = ? WHERE dataset_id = ? AND version = ?",
                (digest, self.count, f"{self.acc:032x}", json.dumps(self.counts), json.dumps(info, ensure_ascii=False),
                 draft_message(info["edits"]), time.time(), self.ds["id"], self.version))
            self.con.execute("UPDATE datasets SET next_item = ? WHERE id = ?", (self.next_item, self.ds["id"]))
            return {"version": self.version, "created": False, "amended": True, "hash": digest, "count": self.count,
                    "added": self.added, "changed": self.changed, "removed": self.removed}
        self.con.execute(
            "INSERT INTO dataset_versions(dataset_id, version, hash, count, acc, counts, message, job_id, info,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.ds["id"], self.version, digest, self.count, f"{self.acc:032x}", json.dumps(self.counts),
             self.message, self.job_id, json.dumps(info or {}, ensure_ascii=False, default=str), time.time()))
        self.con.execute("UPDATE datasets SET head = ?, next_item = ? WHERE id = ?",
                         (self.version, self.next_item, self.ds["id"]))
        return {"version": self.version, "created": True, "hash": digest, "count": self.count,
                "added": self.added, "changed": self.changed, "removed": self.removed}


def draft_message(edits: int) -> str:
    return f"draft: {edits} edit(s)"


def head_state(con, ds) -> tuple:
    """Newest version and its hash: a draft changes in place, so a job checks both before it writes."""
    row = con.execute("SELECT hash FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], ds["head"])).fetchone()
    return ds["head"], row["hash"] if row else ""


def is_draft(con, ds) -> bool:
    row = con.execute("SELECT info FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], ds["head"])).fetchone()
    return bool(row and json.loads(row["info"]).get("draft"))


def seal_draft(con, ds, message: str | None = None) -> dict | None:
    """Make the newest version an ordinary (never amended) one if it is a draft; returns it, or None."""
    row = con.execute("SELECT info FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], ds["head"])).fetchone()
    info = json.loads(row["info"]) if row else {}
    if not info.get("draft"):
        return None
    info["draft"] = False
    message = message or f"{info.get('edits', 0)} edit(s)"
    con.execute("UPDATE dataset_versions SET info = ?, message = ? WHERE dataset_id = ? AND version = ?",
                (json.dumps(info, ensure_ascii=False), message, ds["id"], ds["head"]))
    return {"version": ds["head"], "edits": info.get("edits", 0), "message": message}


def head_rows(con, ds, where: str = "", args: list | tuple = (), order: str = "m.item"):
    """Membership rows of the newest version (streamed)."""
    sql = f"SELECT {', '.join('m.' + c.strip() for c in MEMBER_COLUMNS.split(','))} FROM members m " \
          f"WHERE m.dataset_id = ? AND m.until IS NULL {where} ORDER BY {order}"
    return con.execute(sql, [ds["id"], *args])


def rows_by_items(con, ds, items: list[int]) -> list[sqlite3.Row]:
    rows = []
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        rows += con.execute(f"SELECT {MEMBER_COLUMNS} FROM members WHERE dataset_id = ? AND until IS NULL AND item IN"
                            f" ({','.join('?' * len(chunk))}) ORDER BY item", [ds["id"], *chunk]).fetchall()
    found = {r["item"] for r in rows}
    missing = [i for i in items if i not in found]
    if missing:
        raise NotFound(tr("dataset '{name}' has no record {missing} in its latest version", name=ds['name'], missing=missing[0]))
    return rows
