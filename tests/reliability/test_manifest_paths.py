"""Property: whatever paths a manifest holds, an accepted one never names a place outside its item's folder."""
from __future__ import annotations

import json
import os
from pathlib import PurePosixPath, PureWindowsPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.bundles.manifest import manifest_from_json
from engine.errors import UserError

PARTS = st.sampled_from(["..", ".", "", "a", "records.jsonl", "task.json", "images", "C:", "c:x", "\\", "..\\..",
                         "~", "%2e%2e", "\x00", " ", "…", "con", "/"])
PATHS = st.one_of(st.lists(PARTS, min_size=1, max_size=6).map("/".join), st.text(max_size=24))


def _manifest(file_path: str, root: str, entry: str | None, item_type: str) -> bytes:
    info = {"file": entry} if entry is not None else {}
    if item_type == "dataset":
        info["format"] = "jsonl"
    item = {"type": item_type, "name": "x", "root": root, "kind": "text", "info": info,
            "files": [{"path": file_path, "size": 1, "sha256": "0" * 64}]}
    return json.dumps({"format": "aigc-bundle", "format_version": 1, "items": [item]}).encode()


def _inside(root: str, rel: str) -> bool:
    for flavour in (PurePosixPath, PureWindowsPath):
        base = flavour("/staging") / root
        target = flavour("/staging") / root / rel
        if target.anchor != base.anchor or ".." in target.parts or target.drive != base.drive:
            return False
        if not str(target).startswith(str(base)):
            return False
    return True


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file_path=PATHS, root=st.one_of(st.just("items/01-dataset"), PATHS), entry=st.one_of(st.none(), PATHS),
       item_type=st.sampled_from(["dataset", "task"]))
def test_accepted_manifests_stay_inside_the_bundle(file_path, root, entry, item_type):
    try:
        manifest = manifest_from_json(_manifest(file_path, root, entry, item_type))
    except UserError as exc:
        assert "\n" not in str(exc)   # one line, naming the field
        return
    item = manifest.items[0]
    read_from = item.info.get("file") or ("task.json" if item_type == "task" else "records.jsonl")
    for rel in [f.path for f in item.files] + [read_from]:
        assert _inside(item.root, rel), (item.root, rel)
        assert os.path.normpath(os.path.join("/staging", item.root, rel)).startswith("/staging/")
    assert read_from in {f.path for f in item.files}
