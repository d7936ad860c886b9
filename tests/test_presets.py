"""Generation presets live in the workspace: saved, replaced by name ignoring case, removed, bad files named."""
from __future__ import annotations

import pytest

from engine.errors import UserError


def test_presets_round_trip_in_the_workspace(eng, workspace_dir):
    assert eng.presets.list("text") == {}
    eng.presets.save("text", "Ad copy", {"prompt": "Write an ad", "system": "Be brief.", "temperature": 0.3})
    eng.presets.save("text", "brand voice", {"prompt": "Reply politely"})
    eng.presets.save("text", "AD COPY", {"prompt": "Write a short ad"})   # same name: replaced
    assert list(eng.presets.list("text")) == ["AD COPY", "brand voice"]
    assert eng.presets.list("text")["AD COPY"] == {"prompt": "Write a short ad"}
    assert (workspace_dir / "presets" / "text.json").is_file() and eng.presets.list("image") == {}
    eng.presets.remove("text", "ad copy")
    assert list(eng.presets.list("text")) == ["brand voice"]
    with pytest.raises(UserError, match="no text preset named 'ghost'"):
        eng.presets.remove("text", "ghost")


def test_bad_presets_are_refused_with_the_file_named(eng, workspace_dir):
    with pytest.raises(UserError, match="unknown preset kind"):
        eng.presets.list("video")
    with pytest.raises(UserError, match="preset name"):
        eng.presets.save("text", "a/b", {})
    (workspace_dir / "presets").mkdir(exist_ok=True)
    (workspace_dir / "presets" / "image.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(UserError, match="image.json"):
        eng.presets.list("image")
