"""The review queue read a page at a time: every output once, in the same order as reading it whole."""
from __future__ import annotations


def test_pages_cover_the_queue_once_in_order(eng):
    for i in range(7):
        eng.review.add("text", f"prompt {i}", text=f"answer {i}")
    whole = [item.id for item in eng.review.list()]
    pages = [item.id for offset in range(0, 7, 3) for item in eng.review.list(limit=3, offset=offset)]
    assert pages == whole and len(whole) == 7
    assert [item.id for item in eng.review.list(offset=5)] == whole[5:]
