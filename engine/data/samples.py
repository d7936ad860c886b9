"""Sample datasets for ``aigc init`` and the ``datasets`` self-test check."""
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from engine.data.importer import ImportConfig, import_into
from engine.errors import UserError
from engine.i18n import tr
from engine.samples import installer, samples_dir
from engine.selftest import check


def sample_sources() -> list[tuple[str, Path]]:
    folder = samples_dir() / "datasets"
    if not folder.is_dir():
        return []
    found = [(p.stem, p) for p in sorted(folder.glob("*.jsonl"))]
    found += [(p.name, p) for p in sorted(folder.iterdir()) if p.is_dir()]
    return found


@installer("datasets")
def install_sample_datasets(engine, ctx) -> dict:
    """Import each sample file or folder once; a dataset that already exists is left alone."""
    added, kept = [], []
    for name, path in sample_sources():
        ctx.check_cancelled()
        if engine.data.exists(name):
            kept.append(name)
            continue
        ctx.log(tr("importing sample dataset {name}", name=name))
        import_into(engine, ImportConfig(path=str(path), name=name, message=tr("sample dataset")))
        added.append(name)
    return {"added": added, "kept": kept}


@check("datasets")
def datasets_check(engine) -> dict:
    """GBK CSV and image folder in, clean, split, export, and the export back in with the same records."""
    from PIL import Image
    with tempfile.TemporaryDirectory(prefix="aigc-data-check-") as tmp:
        root = Path(tmp)
        rows = [("为绿茶写一句广告语", "一口清香，\n回味无穷。", "营销"), ("快递几天到？", "一般 2-3 天，电话 13812345678", "客服"),
                ("为绿茶写一句广告语", "一口清香，\n回味无穷。", "营销"), ("Summarise", "Fixes a crash.", "研发")]
        csv_text = "问题,回答,类别\r\n" + "".join(
            ",".join('"' + c.replace('"', '""') + '"' for c in row) + "\r\n" for row in rows)
        (root / "export.csv").write_bytes(csv_text.encode("gbk"))
        pictures = root / "pictures"
        pictures.mkdir()
        for index, color in enumerate([(200, 0, 0), (0, 0, 200)]):
            buffer = io.BytesIO()
            Image.new("RGB", (8, 8), color).save(buffer, "PNG")
            (pictures / f"p{index}.png").write_bytes(buffer.getvalue())
            (pictures / f"p{index}.txt").write_text(f"海报 {index}", encoding="utf-8")
        (pictures / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")

        def run(kind, params):
            job = engine.jobs.run(kind, params)
            if job.state.value != "succeeded":
                raise UserError(tr("{kind} failed: {error}", kind=kind, error=job.error))
            return job.result

        text = run("data.import", {"path": str(root / "export.csv"), "name": "check-text"})
        if text["imported"] != 4 or text["encoding"] != "gb18030":
            raise UserError(tr("GBK CSV import gave {imported} records in {encoding}", imported=text['imported'], encoding=text['encoding']))
        images = run("data.import", {"path": str(pictures), "name": "check-images", "skip_bad": True})
        if images["imported"] != 2 or images["skipped"] != 1:
            raise UserError(tr("image folder import gave {imported} images, {skipped} skipped", imported=images['imported'], skipped=images['skipped']))
        cleaned = run("data.clean", {"name": "check-text", "rules": {"exact_dup": True, "pii": "redact"}})
        if cleaned["report"]["exact_dup"] != 1 or cleaned["report"]["pii"] != 1:
            raise UserError(tr("cleaning report is off: {dumps}", dumps=json.dumps(cleaned['report'])))
        run("data.split", {"name": "check-text", "val": 0.34, "test": 0, "seed": 1})
        out = root / "out.jsonl"
        run("data.export", {"name": "check-text", "format": "jsonl", "out": str(out)})
        run("data.import", {"path": str(out), "name": "check-back"})
        before = [(e["instruction"], e["output"], e["split"]) for e in engine.data.iter_examples("check-text")]
        after = [(e["instruction"], e["output"], e["split"]) for e in engine.data.iter_examples("check-back")]
        if before != after:
            raise UserError(tr("export and re-import changed the records"))
        return {"records": len(after), "images": images["imported"], "version": engine.data.get("check-text").version}
