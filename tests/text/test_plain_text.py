"""A plain-text corpus (TXT import) trains as continued pre-training: the raw text, loss on every token."""
from __future__ import annotations

import json

from engine.cli import main
from text_tiny import corpus_lines


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    out = capsys.readouterr().out.strip()
    return code, json.loads(out.splitlines()[-1]) if code == 0 and out else None


def test_txt_dataset_trains_as_raw_text(capsys, tmp_path, tiny_models, tok):
    from engine.api import Engine
    from engine.text.data import encode_all, load_examples, split_examples
    ws = tmp_path / "ws"
    lines = corpus_lines()[::9][:12]
    corpus = tmp_path / "notes.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, result = aigc(capsys, ws, "data", "import", str(corpus), "--name", "notes")
    assert code == 0 and result["imported"] == len(lines)
    assert aigc(capsys, ws, "models", "import", str(tiny_models["llama"]), "--name", "l")[0] == 0

    eng = Engine.open(ws)
    try:
        rows, ref = load_examples(eng, "notes")
        train_rows, _ = split_examples(rows, 0.1, 0)
        encoded, dropped = encode_all(tok, train_rows, 256)
    finally:
        eng.close()
    assert ref["version"] == 1 and dropped == 0 and len(encoded) == len(train_rows)
    for row, (ids, labels) in zip(train_rows, encoded):
        assert labels == ids                       # every token is a target, nothing is a prompt
        assert tok.decode(ids) == row["output"] + tok.eos_token   # no chat template around it
    assert {tok.decode(ids)[:-len(tok.eos_token)] for ids, _ in encoded} <= set(lines)

    code, result = aigc(capsys, ws, "train", "--model", "l", "--data", "notes", "--max-steps", "2",
                        "--name", "l-notes")
    assert code == 0 and result["steps"] == 2


def test_prompt_and_chat_records_from_the_catalog_stay_chats(eng, tok):
    from engine.text.data import encode_all, load_examples
    eng.data.add_examples("mixed", [{"instruction": "Write a short ad for tea.", "output": "Fresh tea."},
                                    {"input": "audience: runners", "output": "Light shoes."},
                                    {"output": "Plain corpus text about lamps."}], "seed", modality="text")
    rows, _ = load_examples(eng, "mixed")
    assert [("text" in row) for row in rows] == [False, False, True]
    encoded, _ = encode_all(tok, rows, 256)
    prompt_masked = [any(label == -100 for label in labels) for _, labels in encoded]
    assert prompt_masked == [True, True, False]
