"""Every cleaning rule: what it rejects or redacts, the per-rule report, and the new version it makes."""
from __future__ import annotations

import pytest

from engine.data.cleaning import parse_rules


def make(eng, outputs, name="c", **extra):
    eng.data.add_examples(name, [{"instruction": "写一句文案", "output": o, **extra} for o in outputs],
                          "seed", dedupe=False, modality="text")


def clean(eng, name, *rules):
    job = eng.jobs.run("data.clean", {"name": name, "rules": parse_rules(list(rules))})
    assert job.state.value == "succeeded", job.error
    return job.result


def rejected(eng, name):
    return {r["id"]: r for r in eng.data.records(name, status="rejected")}


def test_exact_duplicates_fold_width_case_and_spaces(eng):
    make(eng, ["这款茶很香。", " 这款茶很香。\n", "THE  TEA.", "ｔｈｅ tea.", "不同的内容"])
    result = clean(eng, "c", "exact-dup")
    assert result["report"]["exact_dup"] == 2
    gone = rejected(eng, "c")
    assert set(gone) == {2, 4}
    assert gone[2]["tags"] == ["clean:exact_dup"] and "#1" in gone[2]["note"]


def test_exact_duplicates_keep_punctuation_digits_and_symbols(eng):
    make(eng, ["Price: 1.5 yuan", "Price 15 yuan!", "a - b", "a + b", "这款茶很香。", "这款茶很香！"])
    assert clean(eng, "c", "exact-dup")["report"]["exact_dup"] == 0
    assert rejected(eng, "c") == {}


def test_exact_key_is_a_stable_digest():
    from engine.data.neardup import exact_key
    assert exact_key("The  Tea") == exact_key("the tea") and len(exact_key("x")) >= 16
    assert exact_key("a - b") != exact_key("a + b") and exact_key("1.5") != exact_key("15")


def test_exact_duplicate_compares_the_whole_record(eng):
    eng.data.add_examples("c", [{"instruction": "A", "output": "same"}, {"instruction": "B", "output": "same"}],
                          "seed", modality="text")
    assert clean(eng, "c", "exact-dup")["report"]["exact_dup"] == 0


def test_near_duplicates_in_chinese(eng):
    base = "我们的新款绿茶采用明前嫩芽，口感清爽，回甘持久，适合办公室午后提神饮用。"
    make(eng, [base, base.replace("适合", "非常适合"), "客服回复：快递一般两到三天送达，请您耐心等待。", base[:12]])
    result = clean(eng, "c", "near-dup=0.7")
    assert result["report"]["near_dup"] == 1
    assert set(rejected(eng, "c")) == {2}


def test_empty_and_length_rules(eng):
    eng.data.add_examples("c", [{"instruction": "只有问题"}, {"instruction": "q", "output": "短"},
                                {"instruction": "q", "output": "足够长的一段回答文字"},
                                {"instruction": "q", "output": "x" * 500}], "seed", modality="text")
    result = clean(eng, "c", "empty", "min-chars=5", "max-chars=100")
    assert result["report"]["empty"] == 1 and result["report"]["length"] == 2
    assert set(rejected(eng, "c")) == {1, 2, 4}


def test_token_limit_with_a_real_tokenizer(eng, tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(["one two three four five six"], trainers.WordLevelTrainer(special_tokens=["[UNK]"]))
    folder = tmp_path / "tok"
    folder.mkdir()
    tok.save(str(folder / "tokenizer.json"))
    eng.data.add_examples("c", [{"instruction": "one", "output": "two three"},
                                {"instruction": "one two", "output": "three four five six"}], "s", modality="text")
    result = clean(eng, "c", f"tokenizer={folder}", "max-tokens=4")
    assert result["report"]["tokens"] == 1 and set(rejected(eng, "c")) == {2}


def test_script_filter(eng):
    make(eng, ["这是一段中文回答", "This answer is English", "混合 text 但主要是中文内容"])
    assert clean(eng, "c", "script=zh")["report"]["script"] == 1
    assert set(rejected(eng, "c")) == {2}


def test_banned_terms(eng, tmp_path):
    terms = tmp_path / "banned.txt"
    terms.write_text("最好\n第一品牌\n", encoding="utf-8")
    make(eng, ["全网最好的茶", "口感清爽", "行业第一品牌"])
    assert clean(eng, "c", f"banned=@{terms}")["report"]["banned"] == 2
    assert set(rejected(eng, "c")) == {1, 3}


def test_pii_redact_makes_new_content_and_keeps_the_old_version(eng):
    make(eng, ["请联系 13812345678", "没有个人信息"])
    result = clean(eng, "c", "pii=redact")
    assert result["report"]["pii"] == 1 and result["report"]["pii_kinds"] == {"phone": 1}
    now = eng.data.records("c")
    assert now[0]["output"] == "请联系 [PHONE]" and now[0]["tags"] == ["pii:redacted"]
    assert eng.data.records("c", version=1)[0]["output"] == "请联系 13812345678"
    assert rejected(eng, "c") == {}


def test_pii_reject_and_report(eng):
    make(eng, ["邮箱 a@b.com", "干净"])
    assert clean(eng, "c", "pii=reject")["report"]["pii"] == 1
    assert set(rejected(eng, "c")) == {1}
    make(eng, ["邮箱 a@b.com"], name="r")
    clean(eng, "r", "pii=report")
    assert eng.data.records("r")[0]["tags"] == ["pii:found"] and eng.data.records("r")[0]["output"] == "邮箱 a@b.com"


def test_report_per_rule_and_one_new_version(eng):
    make(eng, ["a@b.com 你好", "重复", "重复", ""])
    before = eng.data.get("c").version
    result = clean(eng, "c")  # default rules
    assert result["version"] == before + 1
    assert {k: result["report"][k] for k in ("exact_dup", "pii", "empty")} == {"exact_dup": 1, "pii": 1, "empty": 1}
    assert eng.data.versions("c")[-1]["report"]["exact_dup"] == 1
    assert eng.data.count("c") == 4 and eng.data.count("c", version=before) == 4


def test_cleaning_twice_changes_nothing(eng):
    make(eng, ["重复", "重复"])
    first = clean(eng, "c", "exact-dup")
    second = clean(eng, "c", "exact-dup")
    assert first["created"] and not second["created"] and second["version"] == first["version"]


def test_bad_rule_is_a_clear_error():
    from engine.errors import UserError
    with pytest.raises(UserError, match="unknown cleaning rule 'colour'"):
        parse_rules(["colour=red"])
    with pytest.raises(UserError, match="need a tokenizer"):
        parse_rules(["max-tokens=10"])
