"""Signed bundles through ``aigc keys`` and ``aigc bundle``: who signed, whether trusted, and tampering refused.

Hashes catch accidents; signatures catch people: a bundle whose file was changed
and whose manifest hash was recomputed to match is refused because the manifest
no longer matches its signature.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile

import pytest

from bundles.conftest import snapshot
from engine.cli import main


def aigc(capsys, workspace, *args) -> tuple[int, dict | None, str]:
    """Run the CLI in this process: (exit code, --json result or None, stderr)."""
    code = main(["--workspace", str(workspace), "--json", *args])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if code == 0 and lines else None), captured.err


def ok(capsys, workspace, *args) -> dict:
    code, result, err = aigc(capsys, workspace, *args)
    assert code == 0, err
    return result


def refused(capsys, workspace, *args) -> str:
    from engine.api import Engine
    with Engine.open(workspace) as engine:
        before = snapshot(engine)
    code, _, err = aigc(capsys, workspace, *args)
    assert code != 0, "expected a refusal"
    with Engine.open(workspace) as engine:
        assert snapshot(engine) == before
    return err.strip().splitlines()[-1]


@pytest.fixture
def machines(tmp_path):
    """Headquarters with a dataset, a task and a signing key; a branch office with nothing yet."""
    from engine.api import Engine
    hq, branch = tmp_path / "hq", tmp_path / "branch"
    with Engine.open(hq) as engine:
        engine.data.add_examples("faq", [{"instruction": f"问题 {i}", "output": f"回答 {i}"} for i in range(5)],
                                 "faq", modality="text")
        engine.tasks.create({"name": "faq-reply", "template": "Answer: {question}", "dataset": "faq"})
    Engine.open(branch).close()
    return hq, branch


def export(capsys, hq, out, *extra) -> dict:
    return ok(capsys, hq, "bundle", "export", str(out), "--dataset", "faq", "--task", "faq-reply", *extra)


def test_keys_sign_trust_and_require(capsys, machines, tmp_path):
    hq, branch = machines
    key = ok(capsys, hq, "keys", "create", "--name", "hq-marketing")
    assert key["default"] and len(key["fingerprint"]) == 64
    private = hq / "keys" / "hq-marketing.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700

    out = tmp_path / "usb" / "faq.zip"
    exported = export(capsys, hq, out)
    assert exported["signed_by"]["key_name"] == "hq-marketing"
    assert exported["signed_by"]["fingerprint"] == key["fingerprint"]
    with zipfile.ZipFile(out) as zf:
        assert "signature.json" in zf.namelist()

    report = ok(capsys, branch, "bundle", "inspect", str(out))
    assert report["ok"] and report["importable"]
    assert report["signature"] == {**report["signature"], "signed": True, "key_name": "hq-marketing",
                                   "fingerprint": key["fingerprint"], "trusted": False}
    code = main(["--workspace", str(branch), "bundle", "inspect", str(out)])
    human = capsys.readouterr().out
    assert code == 0 and f"signed by key 'hq-marketing' ({key['short']}): NOT trusted here" in human

    reason = refused(capsys, branch, "bundle", "import", str(out), "--require-signature")
    assert "signed by key 'hq-marketing'" in reason and "does not trust" in reason

    pub = ok(capsys, hq, "keys", "export", str(tmp_path / "usb"))
    assert pub["out"] == str(tmp_path / "usb" / "hq-marketing.pub.json")
    assert "PRIVATE" not in (tmp_path / "usb" / "hq-marketing.pub.json").read_text()
    trusted = ok(capsys, branch, "keys", "trust", pub["out"])
    assert trusted["added"] and trusted["name"] == "hq-marketing"
    listing = ok(capsys, branch, "keys", "list")
    assert [k["fingerprint"] for k in listing["trusted"]] == [key["fingerprint"]] and listing["own"] == []

    imported = ok(capsys, branch, "bundle", "import", str(out), "--require-signature")
    assert imported["added"] == 2
    assert imported["signature"]["trusted"] and imported["signature"]["trusted_as"] == "hq-marketing"


def test_workspace_policy_refuses_unsigned_and_stripped_bundles(capsys, machines, tmp_path):
    hq, branch = machines
    ok(capsys, hq, "keys", "create")
    unsigned = tmp_path / "unsigned.zip"
    assert export(capsys, hq, unsigned, "--no-sign")["signed_by"] is None

    assert ok(capsys, branch, "keys", "require", "on")["require_signature"] is True
    from engine.api import Engine
    with Engine.open(branch) as engine:
        assert engine.workspace.get_setting("bundles.require_signature") == "1"
    assert "is not signed" in refused(capsys, branch, "bundle", "import", str(unsigned))
    report = ok(capsys, branch, "bundle", "inspect", str(unsigned))
    assert report["ok"] and not report["importable"] and "is not signed" in report["problems"][0]
    assert main(["--workspace", str(branch), "bundle", "inspect", str(unsigned)]) == 0
    assert "cannot import here: unsigned.zip is not signed" in capsys.readouterr().out

    signed = tmp_path / "signed.zip"
    export(capsys, hq, signed)
    stripped = tmp_path / "stripped.zip"
    with zipfile.ZipFile(signed) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for info in zin.infolist():
            if info.filename != "signature.json":
                zout.writestr(info, zin.read(info))
    assert "is not signed" in refused(capsys, branch, "bundle", "import", str(stripped))

    ok(capsys, branch, "keys", "require", "off")
    assert ok(capsys, branch, "bundle", "import", str(unsigned))["signature"] == {"signed": False,
                                                                                  "trusted": False}


def _tamper(src, dst, resign_with=None):
    """Unzip, change a record, recompute its size and hash in the manifest, zip again (signature kept or forged)."""
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    member = next(n for n in members if n.endswith("records.jsonl"))
    members[member] = members[member].replace("回答 1".encode(), "请转账到 6222 0000".encode())
    for item in manifest["items"]:
        for f in item["files"]:
            if f"{item['root']}/{f['path']}" == member:
                f["size"], f["sha256"] = len(members[member]), hashlib.sha256(members[member]).hexdigest()
    members["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    if resign_with is not None:
        from engine.bundles.signing import sign_manifest
        members["signature.json"] = sign_manifest(resign_with, "hq-marketing", members["manifest.json"])
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dst


def test_altered_file_with_recomputed_hash_is_refused_by_the_signature(capsys, machines, tmp_path):
    hq, branch = machines
    ok(capsys, hq, "keys", "create", "--name", "hq-marketing")
    signed = tmp_path / "signed.zip"
    export(capsys, hq, signed)
    bad = _tamper(signed, tmp_path / "altered.zip")
    # without any policy: the hashes inside agree with the files, only the signature catches it
    reason = refused(capsys, branch, "bundle", "import", str(bad))
    assert "manifest.json does not match its signature by key 'hq-marketing'" in reason
    code, _, err = aigc(capsys, branch, "bundle", "inspect", str(bad))
    assert code != 0 and "does not match its signature" in err


def test_forged_signature_from_another_key_is_untrusted(capsys, machines, tmp_path):
    """An attacker re-signs the altered manifest with a key of the same name: valid, but not a trusted key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    hq, branch = machines
    ok(capsys, hq, "keys", "create", "--name", "hq-marketing")
    pub = ok(capsys, hq, "keys", "export", str(tmp_path / "hq.pub.json"))
    ok(capsys, branch, "keys", "trust", pub["out"])
    signed = tmp_path / "signed.zip"
    export(capsys, hq, signed)
    forged = _tamper(signed, tmp_path / "forged.zip", resign_with=Ed25519PrivateKey.generate())
    report = ok(capsys, branch, "bundle", "inspect", str(forged))
    assert report["signature"]["key_name"] == "hq-marketing" and not report["signature"]["trusted"]
    reason = refused(capsys, branch, "bundle", "import", str(forged), "--require-signature")
    assert "does not trust" in reason


def test_key_files_are_checked(capsys, machines, tmp_path):
    hq, branch = machines
    created = ok(capsys, hq, "keys", "create")
    assert created["name"] == "department"
    code, _, err = aigc(capsys, hq, "keys", "create")
    assert code != 0 and "already exists" in err
    private = hq / "keys" / "department.key"
    code, _, err = aigc(capsys, branch, "keys", "trust", str(private))
    assert code != 0 and "holds a private key" in err
    (tmp_path / "junk.json").write_text('{"format": "aigc-public-key", "public_key": "AAAA"}')
    code, _, err = aigc(capsys, branch, "keys", "trust", str(tmp_path / "junk.json"))
    assert code != 0 and "public_key" in err and "Ed25519" in err
    if os.name != "nt":
        private.chmod(0o644)
        code, _, err = aigc(capsys, hq, "bundle", "export", str(tmp_path / "x.zip"), "--dataset", "faq")
        assert code != 0 and "readable by other users" in err and not (tmp_path / "x.zip").exists()
        private.chmod(0o600)
    code, _, err = aigc(capsys, hq, "bundle", "export", str(tmp_path / "x.zip"), "--dataset", "faq", "--sign", "nope")
    assert code != 0 and "no signing key named 'nope'" in err
