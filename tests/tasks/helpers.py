"""Small builders shared by the task and review tests."""
from __future__ import annotations

import csv
from pathlib import Path

TEMPLATE_TASK = {
    "name": "slogans", "department": "Marketing", "template": "unused",
    "constraints": {"max_chars": 24, "banned_terms": ["MegaMart"]},
    "steps": [{"name": "copy", "template": "{product}: made for {audience}"},
              {"name": "caption", "template": "poster of {steps.copy.output}"}],
}


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def product_rows(count: int) -> list[list[str]]:
    return [["product", "audience"]] + [[f"item {i}", "students"] for i in range(count)]
