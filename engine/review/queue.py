"""The review queue: every task output with its provenance; approve, reject or edit, all audited.

Outputs are rows of ``task_outputs`` (written by task runs). A review action
changes the output's status and appends one row to ``review_audit`` in the same
transaction; the audit table refuses updates and deletes.
"""
from __future__ import annotations

import getpass
import json
import time
from dataclasses import asdict, dataclass, field

from engine.errors import NotFound, UserError
from engine.i18n import tr

STATUSES = ("pending", "approved", "rejected")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers, services)
        return "unknown"


@dataclass
class ReviewItem:
    id: int
    task: str | None        # None: a one-off output sent to review without a task
    run_id: str | None      # None: a one-off output, not part of a batch run
    row_index: int
    candidate: int
    step: str
    step_index: int
    modality: str
    prompt: str
    system_prompt: str | None
    output_text: str | None
    edited_text: str | None
    image_path: str | None
    image_sha256: str | None
    input_row: dict
    model: str | None
    model_sha256: str | None
    adapter: str | None
    adapter_sha256: str | None
    params: dict
    seed: int | None
    attempts: int
    failures: list[str]
    passed: bool
    created_by: str
    created_at: float
    status: str
    comment: str | None
    reviewed_by: str | None
    reviewed_at: float | None
    fed_back: dict | None = field(default=None)
    confidence: float | None = None   # classify tasks: probability of the answer
    scores: dict | None = None        # classify tasks: every label's probability
    history: list = field(default_factory=list)   # a chat's earlier turns: what the prompt follows on from

    @property
    def final_text(self) -> str | None:
        """What the reviewer accepted: the edit if there is one, else the generated text."""
        return self.edited_text if self.edited_text is not None else self.output_text

    def messages(self) -> list[dict]:
        """The conversation the accepted answer ends (the system prompt is kept apart, as datasets keep it)."""
        return [*self.history, {"role": "user", "content": self.prompt},
                {"role": "assistant", "content": self.final_text or ""}]

    @classmethod
    def from_row(cls, row) -> "ReviewItem":
        return cls(
            id=row["id"], task=row["task_name"], run_id=row["run_id"], row_index=row["row_index"],
            candidate=row["candidate"], step=row["step"], step_index=row["step_index"], modality=row["modality"],
            prompt=row["prompt"], system_prompt=row["system_prompt"], output_text=row["output_text"],
            edited_text=row["edited_text"], image_path=row["image_path"], image_sha256=row["image_sha256"],
            input_row=json.loads(row["input_row"]), model=row["model"], model_sha256=row["model_sha256"],
            adapter=row["adapter"], adapter_sha256=row["adapter_sha256"], params=json.loads(row["params"]),
            seed=row["seed"], attempts=row["attempts"], failures=json.loads(row["failures"]),
            passed=bool(row["passed"]), created_by=row["created_by"], created_at=row["created_at"],
            status=row["status"], comment=row["comment"], reviewed_by=row["reviewed_by"],
            reviewed_at=row["reviewed_at"], fed_back=json.loads(row["fed_back"]) if row["fed_back"] else None,
            confidence=row["confidence"], scores=json.loads(row["scores"]) if row["scores"] else None,
            history=json.loads(row["history"]) if row["history"] else [])

    def to_dict(self) -> dict:
        data = asdict(self)
        data["final_text"] = self.final_text
        return data


def get_item(workspace, item_id) -> ReviewItem:
    try:
        key = int(item_id)
    except (TypeError, ValueError):
        raise UserError(tr("review item id must be a number, got {item_id!r}", item_id=item_id)) from None
    row = workspace.db().execute("SELECT * FROM task_outputs WHERE id = ?", (key,)).fetchone()
    if row is None:
        raise NotFound(tr("no review item {item_id}", item_id=item_id), hint=tr("'aigc review list' shows the queue"))
    return ReviewItem.from_row(row)


def list_items(workspace, task: str | None = None, status: str | list[str] | None = None,
               failed: bool | None = None, failed_check: str | None = None, step: str | None = None,
               run_id: str | None = None, modality: str | None = None, edited: bool | None = None,
               limit: int | None = None, sort: str | None = None, offset: int = 0) -> list[ReviewItem]:
    """Queue items, oldest first (``sort="confidence"``: least confident first), filtered by task, status,
    constraint failures, step, run; ``limit`` and ``offset`` read it a page at a time."""
    sql, args = "SELECT * FROM task_outputs WHERE 1=1", []
    if task:
        sql += " AND task_name = ?"
        args.append(task)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise UserError(tr("unknown review status '{bad}'", bad=bad[0]), hint="use " + ", ".join(STATUSES))
        sql += f" AND status IN ({','.join('?' * len(statuses))})"
        args += statuses
    if failed is not None:
        sql += " AND passed = ?"
        args.append(0 if failed else 1)
    if failed_check:
        sql += " AND EXISTS (SELECT 1 FROM json_each(failures) WHERE value LIKE ?)"
        args.append(failed_check + ":%")
    if step:
        sql += " AND step = ?"
        args.append(step)
    if run_id:
        sql += " AND run_id = ?"
        args.append(run_id)
    if modality:
        sql += " AND modality = ?"
        args.append(modality)
    if edited is not None:
        sql += " AND edited_text IS " + ("NOT NULL" if edited else "NULL")
    if sort not in (None, "order", "confidence"):
        raise UserError(tr("unknown sort '{sort}'", sort=sort), hint=tr("use order or confidence"))
    if sort == "confidence":
        sql += " ORDER BY confidence IS NULL, confidence, id"
    else:
        sql += " ORDER BY run_id, row_index, candidate, step_index, id"
    if limit or offset:
        sql += " LIMIT ? OFFSET ?"
        args += [int(limit) if limit else -1, int(offset)]
    return [ReviewItem.from_row(r) for r in workspace.db().execute(sql, args)]


def _act(workspace, item_id, action: str, status: str, comment: str | None, edited_text: str | None = None,
         user: str | None = None) -> ReviewItem:
    item = get_item(workspace, item_id)
    user = user or os_user()
    now = time.time()
    before = {"status": item.status, "edited_text": item.edited_text, "comment": item.comment}
    after = {"status": status, "edited_text": edited_text if action == "edit" else item.edited_text,
             "comment": comment if comment is not None else item.comment}
    with workspace.transaction() as con:
        con.execute("UPDATE task_outputs SET status = ?, edited_text = ?, comment = ?, reviewed_by = ?, reviewed_at = ? "
                    "WHERE id = ?", (status, after["edited_text"], after["comment"], user, now, item.id))
        con.execute("INSERT INTO review_audit(output_id, action, user, at, comment, before, after) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (item.id, action, user, now, comment, json.dumps(before, ensure_ascii=False),
                     json.dumps(after, ensure_ascii=False)))
    return get_item(workspace, item.id)


def approve(workspace, item_id, comment: str | None = None, user: str | None = None) -> ReviewItem:
    return _act(workspace, item_id, "approve", "approved", comment, user=user)


def reject(workspace, item_id, comment: str | None = None, user: str | None = None) -> ReviewItem:
    return _act(workspace, item_id, "reject", "rejected", comment, user=user)


def edit(workspace, item_id, text: str, comment: str | None = None, user: str | None = None) -> ReviewItem:
    """Replace a text output with a corrected one; an edited output counts as approved."""
    item = get_item(workspace, item_id)
    if item.modality != "text":
        raise UserError(tr("review item {id} is an image; only text outputs can be edited", id=item.id),
                        hint=tr("approve or reject it"))
    if not isinstance(text, str) or not text.strip():
        raise UserError(tr("review item {id}: the edited text is empty", id=item.id), hint=tr("reject the output instead"))
    text = _label_correction(workspace, item, text)
    return _act(workspace, item_id, "edit", "approved", comment, edited_text=text, user=user)


def _label_correction(workspace, item: ReviewItem, text: str) -> str:
    """For a classify task the correction must name label(s) of its set; returned as the label set spells them."""
    if not item.task:
        return text
    from engine.tasks.store import get_task
    try:
        spec = get_task(workspace, item.task).classify
    except NotFound:
        return text
    if spec is None:
        return text
    labels = spec.parse(text)
    if labels is None:
        raise UserError(tr("review item {id}: '{strip}' is not a label of task {task}", id=item.id, strip=text.strip(), task=item.task),
                        hint="use " + (f"one or more of (joined by '{spec.separator.strip()}'): " if spec.multi_label
                                       else "one of: ") + ", ".join(spec.names))
    return spec.join(labels)


def audit_log(workspace, item_id=None, limit: int | None = None) -> list[dict]:
    sql, args = "SELECT * FROM review_audit", []
    if item_id is not None:
        sql += " WHERE output_id = ?"
        args.append(int(item_id))
    sql += " ORDER BY id"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    rows = []
    for r in workspace.db().execute(sql, args):
        row = dict(r)
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
        rows.append(row)
    return rows


def counts(workspace, task: str | None = None) -> dict:
    sql = "SELECT status, count(*) FROM task_outputs" + (" WHERE task_name = ?" if task else "") + " GROUP BY status"
    found = dict(workspace.db().execute(sql, (task,) if task else ()).fetchall())
    return {s: found.get(s, 0) for s in STATUSES}
