"""The ``data.augment`` job: offline text augmentation of the train split, as a new version.

Operations (EDA-style, seeded): synonym replacement from a small bundled
Chinese/English lexicon, random swap and random deletion of words or clauses,
and template paraphrase of the prompt. Only the prompt side (instruction and
input; the text itself for plain-text records) changes, so the answer stays
correct. New records are tagged ``aug:<op>`` and point to their source in the
note; validation and test records are never augmented (no leakage).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field

from engine.data import busy, query, records as rec, store
from engine.data.lexicon import SYNONYMS
from engine.errors import UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.jobs import JobContext, job_kind
from engine.i18n import tr

OPS = ("synonym", "swap", "delete", "template")
TEMPLATES_ZH = ("请{x}", "帮我{x}", "{x}，谢谢", "麻烦你{x}", "能否{x}？")
TEMPLATES_EN = ("Please {x}", "Could you {x}?", "{x}, please.", "I need you to {x}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE = re.compile(r"([，。！？；、,.!?;]\s*)")


@dataclass
class AugmentConfig:
    name: str
    ops: list = field(default_factory=lambda: list(OPS))
    per_example: int = number(1, lo=1, hi=100, integer=True, flag="--per-example")
    seed: int = seed_field(0)
    split: str = "train"


def _is_chinese(text: str) -> bool:
    return len(_HAN.findall(text)) * 3 > len(text)


def _units(text: str) -> tuple[list[str], str]:
    """Words for English; clauses (with their punctuation) for Chinese."""
    if _is_chinese(text):
        parts = _CLAUSE.split(text)
        units = ["".join(parts[i:i + 2]) for i in range(0, len(parts), 2) if "".join(parts[i:i + 2])]
        return units, ""
    return text.split(" "), " "


def synonym(text: str, rng: random.Random) -> str:
    found = [w for w in SYNONYMS if w in text]
    if not found:
        return text
    for word in rng.sample(found, min(len(found), max(1, len(found) // 3))):
        if _HAN.search(word):
            text = text.replace(word, rng.choice(SYNONYMS[word]), 1)
        else:
            text = re.sub(rf"\b{re.escape(word)}\b", rng.choice(SYNONYMS[word]), text, count=1)
    return text


def swap(text: str, rng: random.Random) -> str:
    units, joiner = _units(text)
    if len(units) < 2:
        return text
    i, j = rng.sample(range(len(units)), 2)
    units[i], units[j] = units[j], units[i]
    return joiner.join(units)


def delete(text: str, rng: random.Random, p: float = 0.15) -> str:
    units, joiner = _units(text)
    if len(units) < 3:
        return text
    kept = [u for u in units if rng.random() > p]
    if len(kept) == len(units):
        kept.pop(rng.randrange(len(kept)))
    return joiner.join(kept or units[:1])


def template(text: str, rng: random.Random) -> str:
    core = text.strip().rstrip("。.!！?？")
    for prefix in ("请", "帮我", "麻烦你", "Please ", "please "):
        if core.startswith(prefix):
            core = core[len(prefix):]
    pattern = rng.choice(TEMPLATES_ZH if _is_chinese(core) else TEMPLATES_EN)
    return pattern.format(x=core)


FUNCTIONS = {"synonym": synonym, "swap": swap, "delete": delete, "template": template}


def augmented(fields: dict, op: str, rng: random.Random) -> dict | None:
    fn = FUNCTIONS[op]
    out = json.loads(json.dumps(fields))
    if "messages" in out:
        users = [m for m in out["messages"] if m["role"] == "user"]
        if not users:
            return None
        users[-1]["content"] = fn(users[-1]["content"], rng)
    elif out.get("instruction"):
        out["instruction"] = fn(out["instruction"], rng)
        if out.get("input") and op != "template":
            out["input"] = fn(out["input"], rng)
    elif out.get("output"):
        if op == "template":
            return None
        out["output"] = fn(out["output"], rng)
    else:
        return None
    return out if out != fields else None


def augment(engine, cfg: AugmentConfig, ctx: JobContext | None = None) -> dict:
    unknown = [op for op in cfg.ops if op not in OPS]
    if unknown or not cfg.ops:
        raise UserError(tr("unknown augmentation '{value}'", value=unknown[0] if unknown else ''), hint="use " + ", ".join(OPS))
    check_fields(cfg)
    rng = random.Random(cfg.seed)
    ws = engine.workspace
    with busy.write(ws, tr("augment dataset '{name}'", name=cfg.name), interactive=False,
                    job_id=ctx.job_id if ctx else None) as con:
        ds = store.find_dataset(con, cfg.name)
        if ds["modality"] != "text":
            raise UserError(tr("dataset '{name}' holds images; image augmentation (flip, crop, colour jitter) is a "
                               "training option, not stored copies", name=cfg.name))
        version = store.NewVersion(con, ds, f"augment {','.join(cfg.ops)} x{cfg.per_example}",
                                   job_id=ctx.job_id if ctx else None)
        existing = {r[0] for r in con.execute("SELECT record FROM members WHERE dataset_id = ? AND until IS NULL",
                                              (ds["id"],))}
        per_op = {op: 0 for op in cfg.ops}
        last_source = ds["next_item"] - 1  # the examples this run adds are not augmented again
        for row in query.iter_members(con, ds, ds["head"], split=cfg.split, exclude_rejected=True):
            if row["item"] > last_source:
                break
            if ctx and row["item"] % 500 == 0:
                ctx.check_cancelled()
                ctx.report(row["item"] / max(1, last_source), tr("augmented up to #{item}", item=f"{row['item']:,}"))
            fields = json.loads(row["fields"])
            for _ in range(cfg.per_example):
                op = rng.choice(cfg.ops)
                new = augmented(fields, op, rng)
                if new is None:
                    continue
                digest = rec.content_hash(new)
                if digest in existing:
                    continue
                existing.add(digest)
                version.add(new, {"label": row["label"], "tags": [f"aug:{op}"], "status": "unreviewed",
                                  "note": f"augmented from #{row['item']} ({op})", "split": cfg.split},
                            origin=f"augment:{row['item']}", line=None)
                per_op[op] += 1
        version.measure_duplicates()
        result = version.commit({"augment": asdict(cfg), "report": per_op})
    return {"dataset": cfg.name, "version": result["version"], "added": version.added, "per_op": per_op,
            "config": asdict(cfg)}


def _config(params: dict) -> AugmentConfig:
    return AugmentConfig(**{k: v for k, v in params.items() if k in AugmentConfig.__dataclass_fields__})


def check_augment(engine, params: dict) -> None:
    cfg = check_fields(_config(params))
    unknown = [op for op in cfg.ops if op not in OPS]
    if unknown or not cfg.ops:
        raise UserError(tr("unknown augmentation '{value}'", value=unknown[0] if unknown else ''), hint="use " + ", ".join(OPS))
    store.find_dataset(engine.workspace.db(), cfg.name)


@job_kind("data.augment", title="Augment dataset", check=check_augment)
def augment_job(ctx: JobContext) -> dict:
    return augment(ctx.engine, _config(ctx.params), ctx)
