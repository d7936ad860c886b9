"""The ``data.split`` job: seeded train/val/test split, stratified by label, leak-free.

Near duplicates form one group and a group goes to one side as a whole, so a
validation example never has a paraphrase of itself in training. Within each
label, groups are shuffled with the seed and filled into test, then val, then
train.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import asdict, dataclass

from engine.data import busy, query, records as rec, store
from engine.errors import UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.jobs import JobContext, job_kind
from engine.i18n import tr


@dataclass
class SplitConfig:
    name: str
    val: float = number(0.1, lo=0, hi=1, hi_open=True, flag="--val")
    test: float = number(0.1, lo=0, hi=1, hi_open=True, flag="--test")
    seed: int = seed_field(0)
    near_duplicates: bool = True
    threshold: float = number(0.7, lo=0, hi=1, lo_open=True)

    def check(self) -> None:
        check_fields(self)
        if not (0 <= self.val < 1 and 0 <= self.test < 1 and self.val + self.test < 1):
            raise UserError(tr("validation share {val}, test share {test}: each must be in [0, 1) and together below 1", val=self.val, test=self.test), options=("--val", "--test"))


def assign(groups_by_label: dict, sizes: dict, val: float, test: float, seed: int) -> dict[int, str]:
    """group root -> split; ``sizes`` holds the number of records per group."""
    rng = random.Random(seed)
    out = {}
    for label in sorted(groups_by_label, key=lambda x: (x is None, str(x))):
        roots = sorted(groups_by_label[label])
        rng.shuffle(roots)
        total = sum(sizes[r] for r in roots)
        want_test, want_val = round(total * test), round(total * val)
        got_test = got_val = 0
        for root in roots:
            if got_test < want_test:
                out[root], got_test = "test", got_test + sizes[root]
            elif got_val < want_val:
                out[root], got_val = "val", got_val + sizes[root]
            else:
                out[root] = "train"
    return out


def plan(engine, cfg: SplitConfig, ctx: JobContext | None = None) -> dict:
    """Where each record would go, without writing anything: the split job and its preview share it."""
    cfg.check()
    from engine.data import neardup
    ws = engine.workspace
    con = ws.db()
    ds = store.find_dataset(con, cfg.name)
    started_at = store.head_state(con, ds)
    items, labels, signatures, current = [], [], [], {}
    for index, row in enumerate(query.iter_members(con, ds, ds["head"], exclude_rejected=True)):
        if ctx and index % 1000 == 0:
            ctx.check_cancelled()
            ctx.report(0.5 * index / max(1, ds["next_item"]), tr("read {count} records", count=f"{index:,}"))
        items.append(row["item"])
        labels.append(row["label"])
        current[row["item"]] = row["split"]
        if cfg.near_duplicates:
            signatures.append(neardup.signature(rec.plain_text(json.loads(row["fields"]))))
    if not items:
        raise UserError(tr("dataset '{name}' has no records to split (all rejected?)", name=cfg.name))
    if cfg.near_duplicates and len(items) > 1:
        import numpy as np
        if ctx:
            ctx.report(0.6, tr("grouping near duplicates"))
        uf = neardup.groups(np.vstack(signatures), cfg.threshold, ctx.check_cancelled if ctx else None)
        roots = [uf.find(i) for i in range(len(items))]
    else:
        roots = list(range(len(items)))
    del signatures
    sizes: dict[int, int] = defaultdict(int)
    group_label: dict[int, object] = {}
    for index, root in enumerate(roots):
        sizes[root] += 1
        group_label.setdefault(root, labels[index])
    by_label: dict = defaultdict(list)
    for root, label in group_label.items():
        by_label[label].append(root)
    side = assign(by_label, sizes, cfg.val, cfg.test, cfg.seed)
    wanted = {item: side[root] for item, root in zip(items, roots)}
    counts = defaultdict(int)
    for value in wanted.values():
        counts[value] += 1
    return {"started_at": started_at, "wanted": wanted, "sizes": sizes, "items": items,
            "counts": {k: counts.get(k, 0) for k in ("train", "val", "test")},
            "moved": sum(1 for item in items if current[item] != wanted[item])}


def preview(engine, cfg: SplitConfig) -> dict:
    """Per split sizes, records that would change split, and near-duplicate groups kept together."""
    planned = plan(engine, cfg)
    return {"dataset": cfg.name, "split": planned["counts"], "moved": planned["moved"],
            "records": len(planned["items"]),
            "near_duplicate_groups": sum(1 for s in planned["sizes"].values() if s > 1)}


def split(engine, cfg: SplitConfig, ctx: JobContext | None = None) -> dict:
    planned = plan(engine, cfg, ctx)
    ws = engine.workspace
    started_at, wanted, sizes, items = planned["started_at"], planned["wanted"], planned["sizes"], planned["items"]
    counts = planned["counts"]
    if ctx:
        ctx.report(0.8, tr("writing the new version"))
    with busy.write(ws, tr("split dataset '{name}'", name=cfg.name), interactive=False,
                    job_id=ctx.job_id if ctx else None) as con:
        ds = store.find_dataset(con, cfg.name)
        if store.head_state(con, ds) != started_at:
            raise UserError(tr("dataset '{name}' changed while it was being split", name=cfg.name), hint=tr("run the split again"))
        version = store.NewVersion(con, ds, f"split val={cfg.val} test={cfg.test} seed={cfg.seed}",
                                   job_id=ctx.job_id if ctx else None)
        for row in query.iter_members(con, ds, ds["head"], exclude_rejected=True):
            if row["split"] != wanted[row["item"]]:
                version.replace(row, None, split=wanted[row["item"]])
        result = version.commit({"split": asdict(cfg)}, allow_empty=False)
    groups = len(sizes)
    message = None
    if not result["created"]:   # say why, rather than leave "writing the new version" as the last word
        message = tr("no new version: with {count} record(s), val {val} and test {test} give {val_count} val and "
                     "{test_count} test record(s), so no record changes its split; add records or raise the val "
                     "and test shares", count=len(items), val=f"{cfg.val:g}", test=f"{cfg.test:g}",
                     val_count=counts.get('val', 0), test_count=counts.get('test', 0))
        if ctx:
            ctx.log(message)
            ctx.report(1.0, message)
    return {"dataset": cfg.name, "version": result["version"], "created": result["created"], "message": message,
            "split": {k: counts.get(k, 0) for k in ("train", "val", "test")}, "groups": groups,
            "near_duplicate_groups": sum(1 for s in sizes.values() if s > 1), "config": asdict(cfg)}


def _config(params: dict) -> SplitConfig:
    return SplitConfig(**{k: v for k, v in params.items() if k in SplitConfig.__dataclass_fields__})


def check_split(engine, params: dict) -> None:
    cfg = _config(params)
    cfg.check()
    store.find_dataset(engine.workspace.db(), cfg.name)


@job_kind("data.split", title="Split dataset", check=check_split)
def split_job(ctx: JobContext) -> dict:
    return split(ctx.engine, _config(ctx.params), ctx)
