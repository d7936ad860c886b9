"""The nesting limit holds at its edge, also when brackets inside strings inflate the quick count."""
from __future__ import annotations

import pytest

from engine.data.readers import RowError, parse_json
from engine.safe_json import MAX_DEPTH, might_be_deep


def nested(depth: int) -> str:
    return '{"a": ' * (depth - 1) + '{"a": 1' + "}" * depth


def test_the_limit_itself_is_accepted_and_one_more_is_refused():
    assert parse_json(nested(MAX_DEPTH), 1)
    with pytest.raises(RowError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_json(nested(MAX_DEPTH + 1), 7)


def test_brackets_inside_strings_only_cost_the_walk():
    text = '{"output": "' + "[{" * 200 + '"}'
    assert might_be_deep(text)
    assert parse_json(text, 1) == {"output": "[{" * 200}


def test_the_quick_count_never_misses_a_deep_value():
    for depth in (1, MAX_DEPTH, MAX_DEPTH + 1):
        assert might_be_deep(nested(depth)) == (depth > MAX_DEPTH)
        assert might_be_deep(nested(depth).encode()) == (depth > MAX_DEPTH)
