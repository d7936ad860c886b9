"""An import turns off per-row foreign-key checks and enlarges the cache only for its own transaction."""
from __future__ import annotations

import data_files as f
import pytest

from engine.data.importer import ImportConfig, import_into
from engine.errors import UserError


def _settings(con):
    return con.execute("PRAGMA foreign_keys").fetchone()[0], con.execute("PRAGMA cache_size").fetchone()[0]


def test_import_restores_connection_settings_after_success_and_failure(eng, tmp_path):
    con = eng.workspace.db()
    before = _settings(con)
    assert before[0] == 1
    path = f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows())
    result = import_into(eng, ImportConfig(path=str(path), name="a"))
    assert result["imported"] == 4 and _settings(con) == before
    with pytest.raises(UserError, match="already exists"):
        import_into(eng, ImportConfig(path=str(path), name="a"))
    assert _settings(con) == before
    # the memberships written without per-row checks still satisfy every foreign key
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(Exception):  # and the checks are back on for later writes
        con.execute("INSERT INTO members(dataset_id, item, record, since) VALUES (1, 99, 'no-such-record', 1)")
