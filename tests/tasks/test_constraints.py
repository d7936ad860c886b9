from engine.tasks.constraints import char_count, check, detect_language, word_count
from engine.tasks.definition import Constraints


def test_lengths_in_characters_and_words():
    assert char_count("好 用 又实惠") == 5
    assert word_count("好用 hello world 2026") == 5
    assert check("short", Constraints(min_chars=8)) == ["min_chars: 5 < 8"]
    assert check("x" * 61, Constraints(max_chars=60)) == ["max_chars: 61 > 60"]
    assert check("one two three", Constraints(max_words=2)) == ["max_words: 3 > 2"]
    assert check("one two three", Constraints(min_words=3, max_words=3)) == []


def test_required_and_banned_terms():
    c = Constraints(required_terms=["Aurora"], banned_terms=["MegaMart", "超级商城"])
    assert check("Aurora keeps it cold", c) == []
    assert check("Cheaper than megamart!", c) == ["required_terms: 'Aurora' missing", "banned_terms: 'MegaMart' present"]
    assert check("Aurora 比超级商城好", c) == ["banned_terms: '超级商城' present"]
    # whole words only for Latin terms: "Megamartian" is not the competitor
    assert check("Aurora for Megamartians", c) == []


def test_regex_and_language():
    assert check("Thanks — Support Team", Constraints(regex=r"— Support Team\s*$")) == []
    assert check("Thanks", Constraints(regex=r"— Support Team\s*$"))[0].startswith("regex:")
    assert detect_language("轨道充电宝：20W快充，用心陪伴。") == "zh"
    assert detect_language("Full-grain leather. Nothing more.") == "en"
    assert detect_language("12345 !!") is None
    assert check("Full-grain leather.", Constraints(language="zh")) == ["language: en instead of zh"]
    assert check("全粒面皮革，别无其他。", Constraints(language="zh")) == []
