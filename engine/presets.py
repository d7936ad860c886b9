"""Saved generation presets: a named prompt with its settings, kept in the workspace (``presets/<kind>.json``)
so they travel with the workspace and are the same for every user of it."""
from __future__ import annotations

import json

from engine import atomic
from engine.errors import UserError
from engine.names import check_name, key

KINDS = ("text", "image")


class PresetsAPI:
    def __init__(self, engine):
        self.engine = engine

    def _path(self, kind: str):
        if kind not in KINDS:
            raise UserError(f"unknown preset kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
        return self.engine.root / "presets" / f"{kind}.json"

    def list(self, kind: str) -> dict[str, dict]:
        """Name -> saved values (prompt, system prompt, sampling settings ...), in name order."""
        path = self._path(kind)
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"{path}: not a readable preset file ({exc})",
                            hint="fix the JSON or delete the file to start over") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise UserError(f"{path}: expected an object of name -> settings",
                            hint="fix the JSON or delete the file to start over")
        return dict(sorted(data.items(), key=lambda item: key(item[0])))

    def save(self, kind: str, name: str, values: dict) -> dict:
        """Add or replace a preset (a name differing only in case replaces the old one)."""
        name = check_name(name, "preset")
        if not isinstance(values, dict):
            raise UserError(f"preset {name}: the settings must be an object", hint="pass a dict of settings")
        presets = {k: v for k, v in self.list(kind).items() if key(k) != key(name)}
        presets[name] = json.loads(json.dumps(values))   # plain JSON values only
        atomic.write_json(self._path(kind), presets)
        return {"kind": kind, "name": name}

    def remove(self, kind: str, name: str) -> None:
        presets = self.list(kind)
        kept = {k: v for k, v in presets.items() if key(k) != key(name)}
        if len(kept) == len(presets):
            raise UserError(f"there is no {kind} preset named {name!r}", hint="pick one of the saved presets")
        atomic.write_json(self._path(kind), kept)
