"""One-off outputs sent to review from generation: provenance, checks, exports and feedback."""
import csv
import json
import zipfile

import pytest

from engine.errors import NotFound, UserError

from .helpers import TEMPLATE_TASK


def poster(path, text: str = "a blue bag"):
    """A real PNG carrying a provenance text chunk, as the image generator writes them."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_itxt("aigc:provenance", json.dumps({"prompt": text, "seed": 7}))
    Image.new("RGB", (16, 16), (30, 60, 200)).save(path, format="PNG", pnginfo=info)
    return path


def test_text_output_without_task_is_queued_with_provenance(eng, tmp_path):
    item = eng.review.add("text", "Write an ad for a tote bag", text="Carry the day, 轻松通勤。",
                          model="base-x", model_sha256="ab" * 32, adapter="ads-lora", adapter_sha256="cd" * 32,
                          params={"temperature": 0.7, "max_new_tokens": 40}, seed=11)
    assert (item.task, item.run_id, item.status, item.modality) == (None, None, "pending", "text")
    assert item.output_text == "Carry the day, 轻松通勤。" and item.prompt == "Write an ad for a tote bag"
    assert (item.model, item.adapter, item.seed) == ("base-x", "ads-lora", 11)
    assert item.model_sha256 == "ab" * 32 and item.params["temperature"] == 0.7
    assert [r["action"] for r in eng.review.audit(item.id)] == ["add"]
    assert [i.id for i in eng.review.list(status="pending")] == [item.id]
    eng.review.approve(item.id, "good")
    out = eng.review.export(tmp_path / "approved.csv")
    with open(out["path"], encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["output"], r["task"], r["run_id"], r["seed"]) for r in rows] == [("Carry the day, 轻松通勤。", "", "", "11")]


def test_image_output_is_copied_byte_for_byte_and_exported(eng, tmp_path):
    source = poster(tmp_path / "gen.png")
    item = eng.review.add("image", "a blue bag", image_path=str(source), model="img", model_sha256="ee" * 32,
                          params={"steps": 4}, seed=7)
    assert item.image_path != str(source)
    assert open(item.image_path, "rb").read() == source.read_bytes()
    source.unlink()  # the queue keeps its own copy
    eng.review.approve(item.id)
    result = eng.review.export(tmp_path / "images.zip")
    with zipfile.ZipFile(result["path"]) as archive:
        names = sorted(archive.namelist())
        assert names == [f"oneoff_item{item.id:06d}_output.json", f"oneoff_item{item.id:06d}_output.png"]
        from PIL import Image
        import io
        with Image.open(io.BytesIO(archive.read(names[1]))) as image:
            assert json.loads(image.text["aigc:provenance"])["seed"] == 7


def test_model_hashes_come_from_the_catalog(eng, tiny_text_dir):
    from .conftest import import_model
    model = import_model(eng, tiny_text_dir, "writer", "text")
    item = eng.review.add("text", "hello", text="world", model="writer")
    assert item.model_sha256 == model.sha256 and item.adapter_sha256 is None


def test_task_rules_are_checked_and_approved_output_feeds_back(eng):
    eng.tasks.create(TEMPLATE_TASK)
    checked = eng.review.add("text", "poster copy", text="MegaMart sells the best bags in town", task="slogans")
    assert checked.task == "slogans" and checked.step == "copy" and not checked.passed
    assert any("MegaMart" in f for f in checked.failures) and any("24" in f for f in checked.failures)
    eng.tasks.create({"name": "ads", "modality": "text", "template": "Ad for {product}", "model": "starter-text",
                      "dataset": "ads-data"})
    item = eng.review.add("text", "Ad for a tote bag", text="Your day, in one bag.", task="ads")
    eng.review.edit(item.id, "Your whole day, in one bag.")
    fed = eng.review.feedback("ads")
    assert fed["datasets"][0]["dataset"] == "ads-data" and fed["datasets"][0]["added"] == 1
    examples = list(eng.data.iter_examples("ads-data"))
    assert [(e["instruction"], e["output"]) for e in examples] == [("Ad for a tote bag", "Your whole day, in one bag.")]


CHAT = [{"role": "user", "content": "Write an ad for a tote bag"}, {"role": "assistant", "content": "Carry more."},
        {"role": "user", "content": "Make it warmer"}, {"role": "assistant", "content": "Carry more, worry less."}]


def test_a_chat_answer_keeps_its_conversation_and_feeds_back_as_messages(eng):
    """The reviewer sees what the answer answers; the dataset learns the whole conversation."""
    eng.tasks.create({"name": "ads", "modality": "text", "template": "Ad for {product}", "model": "starter-text",
                      "dataset": "ads-data"})
    item = eng.review.add("text", "Now in Chinese", text="多装一点。", task="ads", system="You write short ads.",
                          history=CHAT)
    again = eng.review.get(item.id)
    assert again.history == CHAT and again.system_prompt == "You write short ads." and again.prompt == "Now in Chinese"
    assert again.to_dict()["history"] == CHAT
    single = eng.review.add("text", "Ad for a mug", text="Hot coffee, warm hands.", task="ads")
    assert single.history == []
    eng.review.edit(item.id, "多装一点，少操点心。")
    eng.review.approve(single.id)
    fed = eng.review.feedback("ads")
    assert fed["datasets"][0]["added"] == 2
    examples = {e.get("instruction") or e["messages"][-2]["content"]: e for e in eng.data.iter_examples("ads-data")}
    chat = examples["Now in Chinese"]
    assert chat["system"] == "You write short ads."
    assert chat["messages"] == CHAT + [{"role": "user", "content": "Now in Chinese"},
                                       {"role": "assistant", "content": "多装一点，少操点心。"}]
    assert (examples["Ad for a mug"]["instruction"], examples["Ad for a mug"]["output"]) == \
        ("Ad for a mug", "Hot coffee, warm hands.")     # a single prompt stays an instruction example


def test_an_item_queued_before_conversations_were_kept_still_reads(eng):
    item = eng.review.add("text", "Ad for a mug", text="Hot coffee.")
    with eng.workspace.transaction() as con:   # as a workspace from before: no history column value
        con.execute("UPDATE task_outputs SET history = NULL WHERE id = ?", (item.id,))
    assert eng.review.get(item.id).history == [] and eng.review.get(item.id).messages()[-1]["content"] == "Hot coffee."


@pytest.mark.parametrize("history, message", [
    ([{"role": "assistant", "content": "hi"}, {"role": "user", "content": "x"}], "turn 1: expected"),
    ([{"role": "user", "content": "hi"}], "without an answer"),
    ([{"role": "user", "content": 3}, {"role": "assistant", "content": "x"}], "turn 1"),
    ("not a list", "expected a list"),
])
def test_a_bad_conversation_names_the_turn_and_writes_nothing(eng, history, message):
    with pytest.raises(UserError, match=message):
        eng.review.add("text", "p", text="t", history=history)
    assert eng.review.list() == [] and eng.review.audit() == []


@pytest.mark.parametrize("kwargs, message", [
    ({"modality": "text", "prompt": "p", "text": "  "}, "field 'text'"),
    ({"modality": "text", "prompt": " ", "text": "t"}, "field 'prompt'"),
    ({"modality": "video", "prompt": "p", "text": "t"}, "field 'modality'"),
    ({"modality": "image", "prompt": "p", "image_path": "/nowhere/x.png"}, "does not exist"),
    ({"modality": "text", "prompt": "p", "text": "t", "model": "no-such-model"}, "field 'model'"),
    ({"modality": "text", "prompt": "p", "text": "t", "seed": "7"}, "field 'seed'"),
])
def test_bad_input_names_the_field_and_writes_nothing(eng, kwargs, message):
    with pytest.raises(UserError, match=message):
        eng.review.add(**kwargs)
    assert eng.review.list() == [] and eng.review.audit() == []


def test_unknown_task_and_unreadable_image_write_nothing(eng, tmp_path):
    with pytest.raises(NotFound, match="no task named 'nope'"):
        eng.review.add("text", "p", text="t", task="nope")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(UserError, match="not a readable image"):
        eng.review.add("image", "p", image_path=str(bad))
    assert eng.review.list() == [] and list(eng.workspace.blobs.root.rglob("*")) == []
