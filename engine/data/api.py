"""``engine.data``: the datasets facade used by the GUI, the CLI and the other areas.

Reads and small edits run at once; imports, cleaning, splitting, augmentation
and exports are jobs (``data.import``, ``data.clean``, ``data.split``,
``data.augment``, ``data.export``).
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Iterator

from engine.data import annotate, busy, query, records as rec, stats as stats_mod, store, versions as versions_mod
from engine.data.store import DatasetInfo
from engine.errors import UserError
from engine.i18n import tr


class DataAPI:
    def __init__(self, engine):
        self.engine = engine

    @property
    def _ws(self):
        return self.engine.workspace

    def _con(self):
        return self._ws.db()

    def _ds(self, name):
        return store.find_dataset(self._con(), name)

    # -- import ----------------------------------------------------------------
    def preview(self, path, format: str = "auto", mapping=None, encoding: str | None = None,
                sheet: str | None = None, skip_bad: bool = False) -> dict:
        """What an import would do: format, encoding, delimiter, columns, mapping, first 20 rows, warnings."""
        import shutil

        from engine.data.sources import preview
        tmp = self._ws.folder("tmp") / f"preview-{uuid.uuid4().hex[:8]}"
        try:
            return preview(path, format, mapping, encoding, sheet, tmp_dir=tmp, skip_bad=skip_bad)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def import_file(self, path, name: str, format: str = "auto", mapping=None, encoding: str | None = None,
                    sheet: str | None = None, skip_bad: bool = False, append: bool = False):
        """Start a ``data.import`` job; returns the Job."""
        from engine.data.mapping import parse_map
        params = {"path": str(Path(path).expanduser().resolve()), "name": name, "format": format,
                  "mapping": parse_map(mapping), "encoding": encoding, "sheet": sheet, "skip_bad": skip_bad,
                  "append": append}
        return self.engine.jobs.submit("data.import", params, title=f"Import {Path(path).name} as {name}")

    # -- datasets --------------------------------------------------------------
    def list(self) -> list[DatasetInfo]:
        con = self._con()
        return [store.info(con, ds) for ds in con.execute("SELECT * FROM datasets ORDER BY name")]

    def get(self, name_or_id) -> DatasetInfo:
        con = self._con()
        return store.info(con, store.find_dataset(con, name_or_id))

    def exists(self, name) -> bool:
        return store.lookup(self._con(), name) is not None

    def delete(self, name) -> dict:
        with busy.write(self._ws, tr("delete dataset '{name}'", name=name)) as con:
            ds = store.find_dataset(con, name)
            con.execute("DELETE FROM member_tags WHERE member_id IN (SELECT id FROM members WHERE dataset_id = ?)",
                        (ds["id"],))
            con.execute("DELETE FROM members WHERE dataset_id = ?", (ds["id"],))
            con.execute("DELETE FROM datasets WHERE id = ?", (ds["id"],))
        return {"deleted": ds["name"]}

    # -- records ---------------------------------------------------------------
    def records(self, name, version=None, offset: int = 0, limit: int = 200, search=None, tag=None, status=None,
                split=None) -> list[dict]:
        con = self._con()
        ds = store.find_dataset(con, name)
        number = store.resolve_version(con, ds, version)
        return query.records(con, ds, number, offset, limit, self._ws, search=search, tag=tag, status=status,
                             split=split)

    def count(self, name, version=None, search=None, tag=None, status=None, split=None) -> int:
        con = self._con()
        ds = store.find_dataset(con, name)
        return query.count(con, ds, store.resolve_version(con, ds, version), search=search, tag=tag, status=status,
                           split=split)

    def record(self, name, id: int, version=None) -> dict:
        con = self._con()
        ds = store.find_dataset(con, name)
        where, args = store.in_version(ds, store.resolve_version(con, ds, version))
        row = con.execute(f"SELECT m.*, r.fields FROM members m JOIN records r ON r.hash = m.record WHERE {where} "
                          f"AND m.item = ?", [*args, int(id)]).fetchone()
        if row is None:
            raise UserError(tr("dataset '{name}' has no record {id}", name=ds['name'], id=id))
        return query.row_to_dict(row, self._ws)

    # -- annotation (each call makes one new version, or with draft=True amends the open draft) ----
    def update_record(self, name, id: int, message: str | None = None, draft: bool = False, **changes) -> dict:
        return annotate.edit(self._ws, name, [id], changes, message or f"edit record {id}", draft)

    def set_status(self, name, ids: list[int], status: str, note: str | None = None, draft: bool = False) -> dict:
        changes = {"status": status, **({"note": note} if note is not None else {})}
        return annotate.edit(self._ws, name, list(ids), changes, f"{status} {len(ids)} record(s)", draft)

    def add_tags(self, name, ids: list[int], tags, draft: bool = False) -> dict:
        return annotate.edit(self._ws, name, list(ids), {"add_tags": tags}, f"tag {len(ids)} record(s)", draft)

    def remove_tags(self, name, ids: list[int], tags, draft: bool = False) -> dict:
        return annotate.edit(self._ws, name, list(ids), {"remove_tags": tags}, f"untag {len(ids)} record(s)", draft)

    def bulk(self, name, changes: dict, search=None, tag=None, status=None, split=None,
             message: str | None = None, draft: bool = False) -> dict:
        """Change annotations of every record matching the filter, e.g. reject everything tagged spam."""
        return annotate.bulk(self._ws, name, changes, message or "bulk edit " + json.dumps(changes, ensure_ascii=False),
                             search=search, tag=tag, status=status, split=split, draft=draft)

    def commit_draft(self, name, message: str | None = None) -> dict:
        """Seal the open draft version (later edits start a new one); a no-op when there is none."""
        with busy.write(self._ws, tr("commit the draft of dataset '{name}'", name=name)) as con:
            ds = store.find_dataset(con, name)
            sealed = store.seal_draft(con, ds, message)
        return {"dataset": ds["name"], "committed": sealed is not None, **(sealed or {"version": ds["head"]})}

    # -- versions and stats ----------------------------------------------------
    def versions(self, name) -> list[dict]:
        con = self._con()
        return versions_mod.history(con, store.find_dataset(con, name))

    def diff(self, name, v1, v2, limit: int = 1000) -> dict:
        con = self._con()
        ds = store.find_dataset(con, name)
        return versions_mod.diff(con, ds, store.resolve_version(con, ds, v1), store.resolve_version(con, ds, v2),
                                 limit)

    def stats(self, name, version=None) -> dict:
        con = self._con()
        ds = store.find_dataset(con, name)
        return stats_mod.get(con, ds, store.resolve_version(con, ds, version))

    def version_ref(self, name, version=None) -> dict:
        """What a training run records as its data lineage; an open draft is sealed first so it cannot change."""
        con = self._con()
        ds = store.find_dataset(con, name)
        if store.resolve_version(con, ds, version) == ds["head"] and store.is_draft(con, ds):
            with busy.write(self._ws, tr("commit the draft of dataset '{name}'", name=name)) as tx:
                store.seal_draft(tx, store.find_dataset(tx, name))
        return versions_mod.ref(con, ds, version)

    # -- for training, tasks and review ------------------------------------------
    def iter_examples(self, name, version=None, split=None) -> Iterator[dict]:
        """Plain dicts of a version (rejected records left out), in record order."""
        con = self._con()
        ds = store.find_dataset(con, name)
        number = store.resolve_version(con, ds, version)
        image = ds["modality"] == "image"
        for row in query.iter_members(con, ds, number, split=split, exclude_rejected=True):
            fields = json.loads(row["fields"])
            if image:
                blob = self._ws.blobs.path_for(fields["image"])
                if not blob.is_file():
                    raise UserError(tr("dataset '{name}' record #{item}: its image file {blob} is missing from the workspace", name=ds['name'], item=row['item'], blob=blob),
                                    hint=tr("re-import the images, or reject that record"))
                yield {"id": row["item"], "image_path": str(blob),
                       "caption": fields.get("caption", ""), "label": row["label"], "split": row["split"]}
            else:
                example = {"id": row["item"], "system": fields.get("system", ""),
                           "instruction": fields.get("instruction", ""), "input": fields.get("input", ""),
                           "output": fields.get("output", ""), "messages": fields.get("messages"),
                           "label": row["label"], "split": row["split"]}
                if rec.is_plain_text(fields):
                    example["text"] = fields["output"]   # continued pre-training: no prompt, learn every token
                yield example

    def add_examples(self, name, examples: list[dict], message: str, dedupe: bool = True,
                     modality: str | None = None) -> dict:
        """Append examples as a new version (creating the dataset if needed); returns version, added, skipped."""
        from engine.data.images import verify_image
        if not examples:
            raise UserError(tr("no examples to add"))
        prepared = []
        for index, example in enumerate(examples):
            try:
                if "image_path" in example:
                    path = Path(example["image_path"])
                    problem = "does not exist" if not path.is_file() else verify_image(path)
                    if problem:
                        raise rec.RecordError("image_path", f"image {path.name} {problem}")
                    fields = rec.image_fields(self._ws.blobs.put_file(path), example.get("caption"), path.name)
                else:
                    fields = rec.text_fields(example)
                prepared.append((fields, rec.annotations(example)))
            except rec.RecordError as exc:
                raise UserError(tr("example {index} field {field}: {message}", index=index, field=exc.field, message=exc.message)) from None
        kind = modality or ("image" if "image" in prepared[0][0] else "text")
        with busy.write(self._ws, tr("add examples to dataset '{name}'", name=name)) as con:
            row = store.lookup(con, name)
            ds = row or store.create_dataset(con, name, kind)
            if any(("image" in f) != (ds["modality"] == "image") for f, _ in prepared):
                raise UserError(tr("dataset '{name}' holds {modality} examples; these do not match", name=name, modality=ds['modality']))
            version = store.NewVersion(con, ds, message)
            skipped = 0
            seen = set()
            for fields, ann in prepared:
                digest = rec.content_hash(fields)
                if dedupe and (digest in seen or self._in_head(con, ds, digest)):
                    skipped += 1
                    continue
                seen.add(digest)
                version.add(fields, ann, origin="added", line=None)
            result = version.commit()
        return {"dataset": name, "version": result["version"], "added": version.added, "skipped": skipped}

    @staticmethod
    def _in_head(con, ds, digest: str) -> bool:
        if not con.execute("SELECT 1 FROM records WHERE hash = ?", (digest,)).fetchone():
            return False
        return con.execute("SELECT 1 FROM members WHERE dataset_id = ? AND until IS NULL AND record = ? LIMIT 1",
                           (ds["id"], digest)).fetchone() is not None

    def clean_preview(self, name, rules: dict | None = None) -> dict:
        """What ``clean`` with these rules would remove, redact and keep; nothing is written."""
        from engine.data.cleaning import parse_rules, preview
        return preview(self.engine, name, rules if rules is not None else parse_rules(None))

    def split_preview(self, name, val: float = 0.1, test: float = 0.1, seed: int = 0,
                      near_duplicates: bool = True) -> dict:
        """The per split sizes ``split`` would give and how many records would change split; nothing is written."""
        from engine.data.split import SplitConfig, preview
        return preview(self.engine, SplitConfig(name, val, test, seed, near_duplicates))

    # -- long operations (jobs) ------------------------------------------------
    def clean(self, name, rules: dict | None = None):
        return self.engine.jobs.submit("data.clean", {"name": name, "rules": rules or {}}, title=f"Clean {name}")

    def split(self, name, val: float = 0.1, test: float = 0.1, seed: int = 0, near_duplicates: bool = True):
        return self.engine.jobs.submit("data.split", {"name": name, "val": val, "test": test, "seed": seed,
                                                      "near_duplicates": near_duplicates}, title=f"Split {name}")

    def export(self, name, format: str, out, version=None, split=None, include_rejected: bool = False,
               force: bool = False):
        """Start a ``data.export`` job; an existing file at ``out`` is replaced only with ``force``."""
        return self.engine.jobs.submit("data.export", {"name": name, "format": format, "out": str(out),
                                                       "version": version, "split": split,
                                                       "include_rejected": include_rejected, "force": force},
                                       title=f"Export {name} as {format}")

    def augment(self, name, ops: list[str], per_example: int = 1, seed: int = 0, split: str = "train"):
        return self.engine.jobs.submit("data.augment", {"name": name, "ops": ops, "per_example": per_example,
                                                        "seed": seed, "split": split}, title=f"Augment {name}")
