"""Multi-label sample: which product lines a piece of customer feedback mentions (used by generate.py).

Each feedback names one to three product lines through their products (a kettle is
kitchen, earbuds are audio), in English or Simplified Chinese, sometimes with a sentence
that names none. The answer lists the lines in label-set order joined by ", ", which is
how a multi-label classify task writes and parses its answers.
"""
from __future__ import annotations

import random

INSTRUCTION = "Which product lines does this customer feedback mention?"
LINES = [  # label, description, products (en), products (zh)
    ("audio", "headphones, earbuds and speakers",
     ["headphones", "wireless earbuds", "bluetooth speaker", "soundbar"], ["耳机", "无线耳机", "蓝牙音箱", "回音壁"]),
    ("kitchen", "kettles, blenders, pans and other cooking things",
     ["kettle", "blender", "cast-iron skillet", "rice cooker"], ["电水壶", "破壁机", "铸铁煎锅", "电饭煲"]),
    ("lighting", "lamps and bulbs",
     ["desk lamp", "floor lamp", "smart bulb", "night light"], ["台灯", "落地灯", "智能灯泡", "小夜灯"]),
    ("bags", "backpacks, totes and luggage",
     ["backpack", "leather tote", "carry-on suitcase", "laptop sleeve"], ["双肩包", "真皮托特包", "登机箱", "电脑内胆包"]),
    ("drinkware", "mugs, bottles and tumblers",
     ["travel mug", "water bottle", "insulated tumbler", "ceramic cup"], ["随行杯", "运动水壶", "保温杯", "陶瓷杯"]),
]
N_PER_LANGUAGE = 100
COMMENTS_EN = ["the {p} works well", "the {p} arrived damaged", "the {p} is smaller than I expected",
               "I love the {p}", "the {p} stopped working after a month", "the {p} was a good price",
               "the colour of the {p} is not what the picture showed", "the {p} is exactly what I needed"]
COMMENTS_ZH = ["{p}很好用", "{p}到货时有破损", "{p}比想象的小", "很喜欢这个{p}", "{p}用了一个月就坏了", "{p}价格很实惠",
               "{p}颜色和图片不一样", "{p}正是我需要的"]
EXTRAS_EN = ["", "", "Ordered last week. ", "Delivery was on time. ", "Second order from your shop. "]
EXTRAS_ZH = ["", "", "上周下的单。", "物流很准时。", "第二次在你们店买东西了。"]
SIZES = [1, 1, 1, 2, 2, 3]          # how many lines a feedback mentions: half one, a third two, a sixth three


def names() -> list[str]:
    return [line[0] for line in LINES]


def _feedback(rng: random.Random, lang: str, chosen: list[int]) -> str:
    parts = []
    for index in chosen:
        products = LINES[index][2] if lang == "en" else LINES[index][3]
        comment = rng.choice(COMMENTS_EN if lang == "en" else COMMENTS_ZH).format(p=rng.choice(products))
        parts.append(comment)
    if lang == "en":
        body = "; ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        return rng.choice(EXTRAS_EN) + body[0].upper() + body[1:] + "."
    return rng.choice(EXTRAS_ZH) + "，".join(parts) + "。"


def build(rng: random.Random) -> list[dict]:
    """200 examples (100 per language), split per language 70 % train, 10 % validation, 20 % test."""
    rows, seen = [], set()
    for lang in ("en", "zh"):
        group = []
        while len(group) < N_PER_LANGUAGE:
            chosen = sorted(rng.sample(range(len(LINES)), rng.choice(SIZES)))
            text = _feedback(rng, lang, chosen)
            if text in seen:
                continue
            seen.add(text)
            answer = ", ".join(LINES[i][0] for i in chosen)
            group.append({"instruction": f"{INSTRUCTION}\n\n{text}", "input": "", "output": answer, "label": answer})
        for position, row in enumerate(group):
            row["split"] = "test" if position % 10 < 2 else "val" if position % 10 == 2 else "train"
        rows += group
    rng.shuffle(rows)
    return rows


def check(rows: list[dict]) -> None:
    labels = names()
    assert len(rows) == 2 * N_PER_LANGUAGE and len({r["instruction"] for r in rows}) == len(rows)
    for r in rows:
        assert list(r) == ["instruction", "input", "output", "label", "split"], r
        parts = r["output"].split(", ")
        assert parts and parts == sorted(parts, key=labels.index) and set(parts) <= set(labels), r
    for label in labels:
        for split in ("train", "test"):
            assert any(label in r["output"].split(", ") and r["split"] == split for r in rows), (label, split)
    assert sum(len(r["output"].split(", ")) > 1 for r in rows) >= len(rows) // 3


INPUTS = [   # hand-written, not in the dataset
    ["The earbuds sound great but the travel mug leaks."],
    ["My new desk lamp flickers at night."],
    ["The backpack strap broke, and the kettle takes forever to boil."],
    ["Soundbar, floor lamp and the ceramic cups all arrived in one box, thanks!"],
    ["蓝牙音箱音质不错。"],
    ["登机箱的轮子坏了，保温杯倒是很好用。"],
    ["电饭煲和台灯都收到了，电饭煲有点小。"],
    ["The water bottle is perfect for the gym."],
]


def task() -> dict:
    return {
        "name": "feedback-topics", "title": "Feedback product lines", "title_zh": "反馈涉及的产品线",
        "department": "Customer Service", "modality": "text", "system_prompt": "",
        "template": INSTRUCTION + "\n\n{feedback}",
        "constraints": {"min_chars": None, "max_chars": None, "required_terms": [], "banned_terms": [],
                        "regex": None, "language": None},
        "dataset": "feedback-topics", "model": "starter-text", "adapter": None,
        "generation": {"max_new_tokens": 16, "temperature": 0.0, "top_p": 1.0, "seed": 0},
        "inputs": "inputs/feedback.csv", "steps": [],
        "classify": {"labels": [{"name": n, "description": d} for n, d, _, _ in LINES],
                     "multi_label": True, "threshold": 0.2, "method": "generative"},
        "alerts": {"min_accuracy": 50},
    }
