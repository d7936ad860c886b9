"""The ``data.clean`` job: rules that reject or redact records, reported per rule, as a new version.

Nothing is deleted: a record a rule removes is marked rejected with a
``clean:<rule>`` tag and a note saying why, so a reviewer can bring it back;
redaction stores new content, the old version keeps the original.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.data import busy, pii, query, records as rec, store
from engine.errors import UserError
from engine.fields import check_fields, number
from engine.faults import fault_point
from engine.jobs import JobContext, job_kind
from engine.i18n import tr

SCRIPTS = {
    "han": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
    "latin": r"[A-Za-z\u00c0-\u024f]",
    "cyrillic": r"[\u0400-\u04ff]",
    "kana": r"[\u3040-\u30ff]",
    "hangul": r"[\uac00-\ud7af]",
    "arabic": r"[\u0600-\u06ff]",
}
LANGUAGES = {"zh": "han", "en": "latin", "ru": "cyrillic", "ja": "kana", "ko": "hangul", "ar": "arabic"}
_SCRIPT_RE = {name: re.compile(pattern) for name, pattern in SCRIPTS.items()}
DEFAULT_RULES = ["exact-dup", "near-dup", "empty", "pii=redact"]


@dataclass
class CleanRules:
    exact_dup: bool = False
    near_dup: float | None = number(None, lo=0, hi=1, lo_open=True, flag="near-dup")
    empty: bool = False
    min_chars: int | None = number(None, lo=0, hi=100_000_000, integer=True, flag="min-chars")
    max_chars: int | None = number(None, lo=1, hi=100_000_000, integer=True, flag="max-chars")
    min_tokens: int | None = number(None, lo=0, hi=10_000_000, integer=True, flag="min-tokens")
    max_tokens: int | None = number(None, lo=1, hi=10_000_000, integer=True, flag="max-tokens")
    tokenizer: str | None = None
    script: list[str] = field(default_factory=list)
    banned: list[str] = field(default_factory=list)
    pii: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "CleanRules":
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise UserError(tr("unknown cleaning rule '{value}'", value=sorted(unknown)[0]),
                            hint="rules: " + ", ".join(k.replace("_", "-") for k in cls.__dataclass_fields__))
        rules = check_fields(cls(**data), where="cleaning rule")
        for low, high in (("min_chars", "max_chars"), ("min_tokens", "max_tokens")):
            lo_value, hi_value = getattr(rules, low), getattr(rules, high)
            if lo_value is not None and hi_value is not None and lo_value > hi_value:
                raise UserError(tr("cleaning rules {replace}={lo_value} and {replace2}={hi_value} leave no record: the "
                                   "minimum is above the maximum", replace=low.replace('_', '-'), lo_value=lo_value, replace2=high.replace('_', '-'), hi_value=hi_value),
                                hint=tr("use a {replace} at most {replace2}", replace=low.replace('_', '-'), replace2=high.replace('_', '-')))
        if rules.pii not in (None, "redact", "reject", "report"):
            raise UserError(tr("pii={pii}: use redact, reject or report", pii=rules.pii))
        if rules.near_dup is not None and not 0 < rules.near_dup <= 1:
            raise UserError(tr("near-dup={near_dup}: the similarity threshold must be between 0 and 1", near_dup=rules.near_dup))
        for name in rules.script:
            if name not in SCRIPTS:
                raise UserError(tr("script={name}: unknown script", name=name), hint="use " + ", ".join(list(SCRIPTS) + list(LANGUAGES)))
        if (rules.min_tokens or rules.max_tokens) and not rules.tokenizer:
            raise UserError(tr("token limits need a tokenizer"), hint=tr("add tokenizer=MODEL_NAME_OR_FOLDER"))
        return rules


def parse_rules(items: list[str] | None) -> dict:
    """CLI words ('near-dup=0.85', 'banned=a,b' or 'banned=@file.txt', 'script=zh') -> rule dict."""
    items = items if items else DEFAULT_RULES
    out: dict = {}
    for item in items:
        key, _, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if key in ("exact_dup", "empty"):
            out[key] = True
        elif key == "near_dup":
            try:
                out[key] = float(value) if value else 0.8
            except ValueError:
                raise UserError(tr("{item}: needs a number between 0 and 1, e.g. near-dup=0.85", item=item)) from None
        elif key in ("min_chars", "max_chars", "min_tokens", "max_tokens"):
            try:
                out[key] = int(value)
            except ValueError:
                raise UserError(tr("{item}: needs a whole number, e.g. {replace}=512", item=item, replace=key.replace('_', '-'))) from None
        elif key == "tokenizer":
            out[key] = value
        elif key in ("script", "lang", "language"):
            out["script"] = [LANGUAGES.get(v.strip(), v.strip()) for v in value.split(",") if v.strip()]
        elif key == "banned":
            if value.startswith("@"):
                from engine.safe_json import read_user_file
                raw = read_user_file(Path(value[1:]), "banned terms file")
                try:
                    terms = raw.decode("utf-8-sig").splitlines()
                except UnicodeDecodeError as exc:
                    raise UserError(tr("banned terms file {value}: not valid UTF-8 at byte {start}", value=value[1:], start=exc.start),
                                    hint=tr("save it as UTF-8")) from None
            else:
                terms = value.replace("，", ",").split(",")
            out["banned"] = [t.strip() for t in terms if t.strip()]
        elif key == "pii":
            out["pii"] = value or "redact"
        else:
            out[key] = value
    CleanRules.from_dict(out)
    return out


def dominant_script(text: str) -> str | None:
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_RE.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _redact_fields(fields: dict) -> tuple[dict, dict]:
    counts: dict[str, int] = {}

    def scrub(text: str) -> str:
        new, found = pii.redact(text)
        for kind, n in found.items():
            counts[kind] = counts.get(kind, 0) + n
        return new

    out = dict(fields)
    for name in ("system", "instruction", "input", "output", "caption"):
        if out.get(name):
            out[name] = scrub(out[name])
    if "messages" in out:
        out["messages"] = [{**m, "content": scrub(m["content"])} for m in out["messages"]]
    return out, counts


def _empty(fields: dict) -> bool:
    if "image" in fields:
        return not fields.get("caption", "").strip()
    if "messages" in fields:
        return not any(m["role"] == "assistant" and m["content"].strip() for m in fields["messages"])
    return not fields.get("output", "").strip()


def load_tokenizer(engine, name: str):
    """A tokenizer from a model folder or a catalogued model name, offline."""
    path = Path(name)
    if not path.exists():
        try:
            path = Path(engine.models.get(name).path)
        except Exception:  # noqa: BLE001 - any lookup failure means the same thing here
            raise UserError(tr("tokenizer '{name}' is neither a folder nor a model in the catalog", name=name),
                            hint=tr("give a model folder or an imported model's name")) from None
    if (path / "tokenizer.json").is_file():
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        return lambda text: len(tok.encode(text, add_special_tokens=False).ids)
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])


def decide(engine, ds, rules: CleanRules, ctx: JobContext | None) -> tuple[dict, dict]:
    """item -> (new fields or None, rule, note) for every record a rule touches; and the per-rule report."""
    import numpy as np

    from engine.data import neardup
    con = engine.workspace.db()
    head = ds["head"]
    total = max(1, con.execute("SELECT count FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                               (ds["id"], head)).fetchone()[0])
    count_tokens = load_tokenizer(engine, rules.tokenizer) if rules.tokenizer else None
    banned = [t.lower() for t in rules.banned]
    report = {name: 0 for name in ("empty", "length", "tokens", "script", "banned", "pii", "exact_dup", "near_dup")}
    pii_kinds: dict[str, int] = {}
    decisions: dict[int, tuple] = {}
    seen_exact: dict[bytes, int] = {}
    survivors: list[int] = []
    signatures = []
    for index, row in enumerate(query.iter_members(con, ds, head, exclude_rejected=True)):
        if ctx and index % 1000 == 0:
            ctx.check_cancelled()
            ctx.report(0.8 * index / total, tr("checked {done} of {total}", done=f"{index:,}", total=f"{total:,}"))
        item, fields = row["item"], json.loads(row["fields"])
        text = rec.plain_text(fields)
        rule = note = None
        new_fields = None
        if rules.empty and _empty(fields):
            rule, note = "empty", "no answer/caption text"
        elif rules.min_chars is not None and len(text) < rules.min_chars:
            rule, note = "length", f"{len(text)} characters < {rules.min_chars}"
        elif rules.max_chars is not None and len(text) > rules.max_chars:
            rule, note = "length", f"{len(text)} characters > {rules.max_chars}"
        elif count_tokens and (rules.min_tokens or rules.max_tokens):
            n = count_tokens(text)
            if (rules.min_tokens and n < rules.min_tokens) or (rules.max_tokens and n > rules.max_tokens):
                rule, note = "tokens", f"{n} tokens outside [{rules.min_tokens or 0}, {rules.max_tokens or '∞'}]"
        if rule is None and rules.script:
            script = dominant_script(text)
            if script not in rules.script:
                rule, note = "script", f"mostly {script or 'no letters'}, not {'/'.join(rules.script)}"
        if rule is None and banned:
            lowered = text.lower()
            hit = next((t for t in banned if t in lowered), None)
            if hit:
                rule, note = "banned", f"contains banned term '{hit}'"
        if rule is None and rules.pii:
            redacted, found = _redact_fields(fields)
            if found:
                for kind, n in found.items():
                    pii_kinds[kind] = pii_kinds.get(kind, 0) + n
                report["pii"] += 1
                summary = ", ".join(f"{k} x{n}" for k, n in sorted(found.items()))
                if rules.pii == "reject":
                    rule, note = "pii", f"personal data: {summary}"
                    report["pii"] -= 1
                elif rules.pii == "redact":
                    new_fields = redacted
                    decisions[item] = (redacted, None, f"redacted {summary}")
                    fields, text = redacted, rec.plain_text(redacted)
                else:
                    decisions[item] = (None, None, f"personal data: {summary}")
        if rule is None and rules.exact_dup:
            key = neardup.exact_key(text)
            if key in seen_exact:
                rule, note = "exact_dup", f"same text as #{seen_exact[key]}"
            else:
                seen_exact[key] = item
        if rule is not None:
            report[rule] += 1
            decisions[item] = (new_fields, rule, note)
            continue
        if rules.near_dup is not None:
            survivors.append(item)
            signatures.append(neardup.signature(text))
    if rules.near_dup is not None and len(survivors) > 1:
        if ctx:
            ctx.report(0.85, tr("looking for near duplicates among {count}", count=f"{len(survivors):,}"))
        matrix = np.vstack(signatures)
        del signatures
        uf = neardup.groups(matrix, rules.near_dup, ctx.check_cancelled if ctx else None)
        for index, item in enumerate(survivors):
            root = uf.find(index)
            if root != index:
                prior = decisions.get(item, (None, None, ""))
                decisions[item] = (prior[0], "near_dup", f"near duplicate of #{survivors[root]}")
                report["near_dup"] += 1
    report["pii_kinds"] = pii_kinds
    return decisions, report


def clean(engine, name, rules_dict: dict, ctx: JobContext | None = None) -> dict:
    rules = CleanRules.from_dict(rules_dict)
    ws = engine.workspace
    ds = store.find_dataset(ws.db(), name)
    started_at = store.head_state(ws.db(), ds)
    decisions, report = decide(engine, ds, rules, ctx)
    if ctx:
        ctx.report(0.9, tr("writing {count} changes", count=f"{len(decisions):,}"))
    with busy.write(ws, tr("clean dataset '{name}'", name=name), interactive=False,
                    job_id=ctx.job_id if ctx else None) as con:
        ds = store.find_dataset(con, name)
        if store.head_state(con, ds) != started_at:
            raise UserError(tr("dataset '{name}' changed while it was being cleaned", name=name), hint=tr("run the cleaning again"))
        version = store.NewVersion(con, ds, "clean: " + ", ".join(f"{k} {v}" for k, v in report.items()
                                                                  if isinstance(v, int) and v),
                                   job_id=ctx.job_id if ctx else None)
        items = sorted(decisions)
        for start in range(0, len(items), 500):
            if ctx:
                ctx.check_cancelled()
            chunk = items[start:start + 500]
            for row in store.rows_by_items(con, ds, chunk):
                new_fields, rule, note = decisions[row["item"]]
                changes = {"note": (row["note"] + "; " if row["note"] else "") + note}
                tags = set(json.loads(row["tags"]))
                if rule:
                    changes["status"] = "rejected"
                    tags.add(f"clean:{rule}")
                if new_fields is not None:
                    tags.add("pii:redacted")
                elif not rule:
                    tags.add("pii:found")
                changes["tags"] = sorted(tags)
                version.replace(row, new_fields, **changes)
                fault_point("data.clean.row")
        version.measure_duplicates()
        result = version.commit({"report": report, "rules": asdict(rules)})
    return {"dataset": name, "version": result["version"], "created": result["created"],
            "affected": result["changed"], "report": report, "rules": asdict(rules)}


def preview(engine, name, rules_dict: dict) -> dict:
    """What cleaning with these rules would do, without writing anything: records checked, removed (per
    rule), redacted and kept."""
    rules = CleanRules.from_dict(rules_dict)
    ds = store.find_dataset(engine.workspace.db(), name)
    checked = sum(1 for _ in query.iter_members(engine.workspace.db(), ds, ds["head"], exclude_rejected=True))
    decisions, report = decide(engine, ds, rules, None)
    removed = sum(1 for _fields, rule, _note in decisions.values() if rule)
    redacted = sum(1 for fields, rule, _note in decisions.values() if fields is not None and not rule)
    return {"dataset": name, "checked": checked, "removed": removed, "redacted": redacted,
            "kept": checked - removed, "report": report}


def check_clean(engine, params: dict) -> None:
    from engine.data import store
    store.find_dataset(engine.workspace.db(), params.get("name"))
    CleanRules.from_dict(params.get("rules") or parse_rules(None))


@job_kind("data.clean", title="Clean dataset", check=check_clean)
def clean_job(ctx: JobContext) -> dict:
    return clean(ctx.engine, ctx.params["name"], ctx.params.get("rules") or parse_rules(None), ctx)
