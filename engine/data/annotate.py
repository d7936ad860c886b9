"""Annotation: edit fields, tags, labels, status and notes, one record or every record a filter matches.

Each call makes one new version holding only the changed memberships; with ``draft=True`` the
calls instead collect in one draft version (the newest) until it is sealed, so a reviewer's
clicks make one version, not hundreds.
"""
from __future__ import annotations

import json

from engine.data import busy, query, records as rec, store
from engine.errors import UserError
from engine.i18n import tr

CONTENT_TEXT = ("system", "instruction", "input", "output", "messages")
EDITABLE = CONTENT_TEXT + ("caption", "label", "note", "split", "status", "tags")


def _check_status(status: str) -> None:
    if status not in rec.STATUSES:
        raise UserError(tr("unknown status '{status}'", status=status), hint=tr("use unreviewed, accepted or rejected"))


def _check_split(split: str) -> None:
    if split not in ("train", "val", "test"):
        raise UserError(tr("unknown split '{split}'", split=split), hint=tr("use train, val or test"))


def new_content(ds, row, changes: dict) -> dict | None:
    """The record's new content fields, or None when only annotations change."""
    content = {k: v for k, v in changes.items() if k in CONTENT_TEXT or k == "caption"}
    if not content:
        return None
    fields = json.loads(row["fields"])
    if ds["modality"] == "image":
        if set(content) - {"caption"}:
            raise UserError(tr("image record {item}: only the caption can be edited", item=row['item']))
        return rec.image_fields(fields["image"], content["caption"], fields.get("file_name", ""))
    if "caption" in content:
        raise UserError(tr("text record {item} has no caption", item=row['item']), hint=tr("edit instruction, input or output"))
    merged = {**fields, **content}
    try:
        return rec.text_fields(merged)
    except rec.RecordError as exc:
        raise UserError(tr("record {item} field {field}: {message}", item=row['item'], field=exc.field, message=exc.message)) from None


def annotation_changes(changes: dict, row) -> dict:
    out = {}
    if "status" in changes:
        _check_status(changes["status"])
        out["status"] = changes["status"]
    if "split" in changes:
        _check_split(changes["split"])
        out["split"] = changes["split"]
    if "label" in changes:
        out["label"] = changes["label"] if changes["label"] not in ("", None) else None
    if "note" in changes:
        out["note"] = changes["note"] or ""
    tags = set(json.loads(row["tags"]))
    if "tags" in changes:
        tags = set(rec.normalise_tags(changes["tags"]))
    tags |= set(rec.normalise_tags(changes.get("add_tags")))
    tags -= set(rec.normalise_tags(changes.get("remove_tags")))
    if tags != set(json.loads(row["tags"])):
        out["tags"] = sorted(tags)
    return out


def _rows_with_fields(con, ds, items: list[int]):
    rows = store.rows_by_items(con, ds, items)
    fields = {}
    hashes = list({r["record"] for r in rows})
    for start in range(0, len(hashes), 500):
        chunk = hashes[start:start + 500]
        fields.update(con.execute(f"SELECT hash, fields FROM records WHERE hash IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall())
    return [{**dict(r), "fields": fields[r["record"]]} for r in rows]


def edit(ws, name, items: list[int], changes: dict, message: str, draft: bool = False) -> dict:
    unknown = set(changes) - set(EDITABLE) - {"add_tags", "remove_tags"}
    if unknown:
        raise UserError(tr("cannot edit field '{value}'", value=sorted(unknown)[0]), hint="editable: " + ", ".join(EDITABLE))
    if not items:
        raise UserError(tr("no records given"), hint=tr("pass one or more record ids"))
    with busy.write(ws, tr("edit dataset '{name}'", name=name)) as con:
        ds = store.find_dataset(con, name)
        version = store.NewVersion(con, ds, message, draft=draft)
        for row in _rows_with_fields(con, ds, [int(i) for i in items]):
            version.replace(row, new_content(ds, row, changes), **annotation_changes(changes, row))
        return {"dataset": ds["name"], **version.commit()}


def bulk(ws, name, changes: dict, message: str, search=None, tag=None, status=None, split=None,
         draft: bool = False) -> dict:
    """Apply ``changes`` to every record of the newest version matching the filter."""
    if set(changes) & set(CONTENT_TEXT + ("caption",)):
        raise UserError(tr("bulk edits change annotations only (status, label, tags, note, split)"))
    if not any((search, tag, status, split)):
        raise UserError(tr("a bulk edit needs a filter"), hint=tr("choose a tag, status, split or search text"), options=("--where-tag", "--where-status", "--where-split", "--where"))
    for label, value, allowed, option in (("status", status, ("unreviewed", "accepted", "rejected"), "--where-status"),
                                          ("split", split, ("train", "val", "test"), "--where-split")):
        if value is not None and value not in allowed:
            raise UserError(tr("{label} '{value}' matches nothing: it is not one of {items}", label=label, value=value, items=', '.join(allowed)),
                            hint="use " + "|".join(allowed), options=(option,))
    with busy.write(ws, tr("edit dataset '{name}'", name=name)) as con:
        ds = store.find_dataset(con, name)
        version = store.NewVersion(con, ds, message, draft=draft)
        where, args = query._filters(ds, ds["head"], search=search, tag=tag, status=status, split=split)
        last, matched = 0, 0
        while True:
            rows = con.execute(f"SELECT m.*, r.fields FROM members m JOIN records r ON r.hash = m.record "
                               f"WHERE {where} AND m.item > ? ORDER BY m.item LIMIT 2000", [*args, last]).fetchall()
            if not rows:
                break
            for row in rows:
                version.replace(row, None, **annotation_changes(changes, row))
            matched += len(rows)
            last = rows[-1]["item"]
            version.flush()
        return {"dataset": ds["name"], "matched": matched, **version.commit()}
