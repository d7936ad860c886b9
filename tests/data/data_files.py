"""Real-looking department files, built on the fly: what Excel, CRMs, chat tools and photo folders produce."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

def snapshot(eng) -> tuple:
    """Row counts of every datasets table: equal before and after means nothing was written."""
    con = eng.workspace.db()
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("datasets", "records", "members", "dataset_versions", "member_tags"))


QA = [
    ("请为新款绿茶写一句广告语", "产品：明前龙井，面向年轻白领", "一杯明前龙井，唤醒整个上午的灵感。"),
    ("客户问：快递几天能到？", "", "您好，一般 2-3 个工作日送达，偏远地区约 5 天，请耐心等待。"),
    ("Summarise the release notes", "v2.1 fixes login crash; adds dark mode", "Fixes a login crash and adds dark mode."),
    ("写一段产品描述，\"引号\"和逗号,都要保留", "多行\n输入", "第一行\n第二行，含有逗号, 和\"引号\"。"),
]
LABELS = ["营销", "客服", "研发", "营销"]


def alpaca_rows():
    return [{"instruction": q, "input": i, "output": o} for q, i, o in QA]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_json(path: Path, rows) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def sharegpt_rows():
    return [{"conversations": [{"from": "human", "value": q + ("\n" + i if i else "")}, {"from": "gpt", "value": o}],
             "system": "你是一名专业的文案助手。"} for q, i, o in QA]


def openai_rows():
    return [{"messages": [{"role": "system", "content": "You are a helpful assistant."},
                          {"role": "user", "content": q}, {"role": "assistant", "content": o}]} for q, _, o in QA]


def excel_gbk_csv(path: Path) -> Path:
    """What Excel on Chinese Windows writes with 'Save as CSV': GBK, CRLF, quotes around newlines."""
    def quote(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text
    lines = ["问题,输入,回答,类别"]
    for (q, i, o), label in zip(QA, LABELS):
        lines.append(",".join(quote(x) for x in (q, i, o, label)))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def utf16_tsv(path: Path) -> Path:
    """Excel's 'Unicode Text': UTF-16 LE with BOM, tab separated."""
    lines = ["prompt\tresponse"] + [f"{q}\t{o}" for q, _, o in QA if "\n" not in q + o]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    return path


def workbook(path: Path) -> Path:
    from openpyxl import Workbook
    book = Workbook()
    first = book.active
    first.title = "说明"
    first.append(["这个表是说明，不是数据"])
    data = book.create_sheet("数据")
    data.append(["instruction", "output", "label"])
    for (q, _, o), label in zip(QA, LABELS):
        data.append([q, o, label])
    data.append([None, None, None])
    data.append(["数字答案", 42, "研发"])
    book.save(path)
    return path


def png_bytes(color=(200, 30, 30), size=(16, 12)) -> bytes:
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def kohya_folder(folder: Path, corrupt: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    captions = ["红色海报，极简风格", "a blue poster with bold type", "绿色茶叶包装，白色背景"]
    for index, (caption, color) in enumerate(zip(captions, [(220, 20, 20), (20, 20, 220), (20, 160, 40)])):
        (folder / f"poster_{index}.png").write_bytes(png_bytes(color))
        (folder / f"poster_{index}.txt").write_text(caption, encoding="utf-8")
    if corrupt:
        (folder / "broken.png").write_bytes(png_bytes()[:60])
        (folder / "broken.txt").write_text("这张图被截断了", encoding="utf-8")
    return folder


def hf_folder(folder: Path, kind: str = "jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "img").mkdir(exist_ok=True)
    rows = []
    for index, color in enumerate([(250, 200, 0), (0, 200, 250)]):
        name = f"img/p{index}.png"
        (folder / name).write_bytes(png_bytes(color))
        rows.append({"file_name": name, "text": f"产品海报 {index}，暖色调"})
    if kind == "jsonl":
        write_jsonl(folder / "metadata.jsonl", rows)
    else:
        (folder / "metadata.csv").write_text("file_name,text\n" + "".join(f"{r['file_name']},{r['text']}\n"
                                                                          for r in rows), encoding="utf-8")
    return folder


def bomb_png(path: Path) -> Path:
    """A tiny file that decodes to 100 million pixels."""
    from PIL import Image
    Image.new("1", (10_000, 10_000)).save(path, "PNG")
    return path


def zip_folder(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return dest


def traversal_zip(dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as archive:
        archive.writestr("data/metadata.jsonl", '{"file_name": "a.png", "text": "x"}\n')
        archive.writestr("data/a.png", png_bytes())
        archive.writestr("../../evil.txt", "escaped")
    return dest


def zip_bomb(dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/metadata.jsonl", '{"file_name": "a.png", "text": "x"}\n')
        archive.writestr("data/a.png", png_bytes())
        archive.writestr("data/padding.bin", b"\0" * (50 << 20))
    return dest
