"""How often generated Chinese holds U+FFFD (bytes that are not valid UTF-8) on the starter text model.

    python -m bench.bench_utf8 [--prompts N] [--temperature T] [--workdir DIR]

Sends the Chinese instructions of the ad-copy sample (repeated with new seeds up to N prompts) through
the engine's generator with its default sampling, and counts outputs with a replacement character,
and where in the text it sits (inside the text, or only at its end).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    from engine.api import Engine
    rows = [json.loads(line) for line in (ROOT / "resources/samples/datasets/ad-copy.jsonl").open(encoding="utf-8")]
    chinese = [r["instruction"] for r in rows if any("\u4e00" <= ch <= "\u9fff" for ch in r["instruction"])]
    prompts = [chinese[i % len(chinese)] for i in range(args.prompts)]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-utf8-"))
    engine = Engine.open(workdir / "ws")
    try:
        if engine.models.find("starter-text") is None:
            job = engine.jobs.run("models.import", {"path": str(ROOT / "resources/starter/text/model"),
                                                    "name": "starter-text", "kind": "text", "copy": False})
            assert job.state.value == "succeeded", job.error
        generator = engine.text.generator("starter-text")
        outputs = generator.generate(prompts, {"temperature": args.temperature, "seed": 1,
                                               "max_new_tokens": args.max_new_tokens})
        streamed: dict[int, str] = {}
        texts = [o["text"] for o in outputs]
        inside = sum(1 for t in texts if "\ufffd" in t.rstrip("\ufffd"))
        at_end = sum(1 for t in texts if t.endswith("\ufffd") and "\ufffd" not in t.rstrip("\ufffd"))
        generator.generate(prompts[:16], {"temperature": args.temperature, "seed": 1,
                                          "max_new_tokens": args.max_new_tokens},
                           on_token=lambda i, piece: streamed.__setitem__(i, streamed.get(i, "") + piece))
        stream_mismatch = sum(1 for i in range(16) if streamed.get(i, "") != texts[i])
        result = {"prompts": len(prompts), "with_fffd": inside + at_end, "fffd_inside": inside,
                  "fffd_only_at_end": at_end, "rate": round((inside + at_end) / len(prompts), 4),
                  "stream_differs_from_final": stream_mismatch,
                  "example": next((t for t in texts if "\ufffd" in t), None)}
    finally:
        engine.close()
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
