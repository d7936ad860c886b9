"""Content hashes must not change: the fast (orjson) paths give exactly what json gives."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.readers import _fast_loads
from engine.data.records import canonical_json


def _reference(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), st.text(), max_size=6))
def test_text_records_serialise_byte_for_byte_like_json(record):
    assert canonical_json(record) == _reference(record)


def test_special_characters_and_other_shapes():
    samples = [{"a": "\x00\x1f\x7f\u2028\u2029\ud7ff\ue000\U0001f600\"\\/\n\t\r\b\f"},
               {"b": "lone \ud800 surrogate"}, {"n": 1.5e-05, "t": "x"}, {"m": [{"role": "user", "content": "é"}]},
               {"z": "1", "a": "2", "é": "3", "A": "4"}]
    for obj in samples:
        assert canonical_json(obj) == _reference(obj)


def test_jsonl_lines_parse_like_json_including_what_orjson_refuses():
    for line in ['{"a": 1.1, "b": "\\u00e9", "c": [1, {"d": null}]}', '{"x": NaN}', '{"big": 123456789012345678901234}',
                 '{"s": "\\ud800"}']:
        assert repr(_fast_loads(line)) == repr(json.loads(line))
    for bad in ['{"a": 1,}', '{"a" 1}', "[1, 2"]:
        try:
            json.loads(bad)
        except json.JSONDecodeError as exc:
            expected = (exc.msg, exc.colno)
        try:
            _fast_loads(bad)
        except json.JSONDecodeError as exc:
            assert (exc.msg, exc.colno) == expected
        else:
            raise AssertionError(f"{bad} parsed")
