"""``aigc selftest`` check for bundles: a dataset and a task out to a .zip and back in under new names."""
from __future__ import annotations

import tempfile
from pathlib import Path

from engine.errors import UserError
from engine.selftest import check


@check("bundles")
def _bundles(engine) -> dict:
    examples = [{"instruction": f"写一句产品 {i} 的广告", "output": f"产品 {i}：好用又实惠。", "tags": ["selftest"]}
                for i in range(6)]
    engine.data.add_examples("selftest-bundle-data", examples, "self-test examples", modality="text")
    engine.tasks.create({"name": "selftest-bundle-task", "template": "广告：{product}",
                         "dataset": "selftest-bundle-data"})
    with tempfile.TemporaryDirectory(prefix="aigc-selftest-bundle-") as folder:
        out = Path(folder) / "selftest.zip"
        job = engine.jobs.wait(engine.bundles.export(out, datasets=["selftest-bundle-data"],
                                                     tasks=["selftest-bundle-task"]).id)
        if job.state.value != "succeeded":
            raise UserError(f"bundle export failed: {job.error}")
        size = job.result["bytes"]
        report = engine.bundles.inspect(out)
        if not report["ok"] or [i["action"] for i in report["items"]] != ["present", "present"]:
            raise UserError(f"inspect should see a whole bundle whose items are already here: {report}")
        job = engine.jobs.wait(engine.bundles.import_(out, ["selftest-bundle-data=selftest-bundle-data-2",
                                                            "selftest-bundle-task=selftest-bundle-task-2"]).id)
        if job.state.value != "succeeded":
            raise UserError(f"bundle import failed: {job.error}")
    original, copy = engine.data.get("selftest-bundle-data"), engine.data.get("selftest-bundle-data-2")
    if (copy.count, copy.version_hash) != (original.count, original.version_hash):
        raise UserError(f"the imported dataset differs: {copy.count} records, hash {copy.version_hash} "
                        f"instead of {original.count}, {original.version_hash}")
    if engine.tasks.get("selftest-bundle-task-2").dataset != "selftest-bundle-data-2":
        raise UserError("the imported task does not point at the renamed dataset")
    return {"bytes": size, "records": copy.count}


@check("bundle-signature")
def _bundle_signature(engine) -> dict:
    """Sign a bundle with a fresh key, see it verified, then see a re-hashed alteration refused."""
    import hashlib
    import json
    import zipfile
    engine.data.add_examples("selftest-signed", [{"instruction": "签名", "output": "已签名"}], "signed",
                             modality="text")
    key = engine.keys.create("selftest-key")
    with tempfile.TemporaryDirectory(prefix="aigc-selftest-sign-") as folder:
        out, bad = Path(folder) / "signed.zip", Path(folder) / "altered.zip"
        job = engine.jobs.wait(engine.bundles.export(out, datasets=["selftest-signed"]).id)
        if job.state.value != "succeeded" or not job.result.get("signed_by"):
            raise UserError(f"signed bundle export failed: {job.error or job.result}")
        report = engine.bundles.inspect(out)
        if not (report["ok"] and report["signature"].get("own")):
            raise UserError(f"the signature of a fresh bundle was not verified: {report.get('signature')}")
        with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bad, "w") as zout:
            members = {n: zin.read(n) for n in zin.namelist()}
            manifest = json.loads(members["manifest.json"])
            entry = manifest["items"][0]
            data = members[f"{entry['root']}/{entry['files'][0]['path']}"] + b"\n"
            members[f"{entry['root']}/{entry['files'][0]['path']}"] = data
            entry["files"][0].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
            members["manifest.json"] = json.dumps(manifest).encode()
            for name, content in members.items():
                zout.writestr(name, content)
        report = engine.bundles.inspect(bad)
        if report["ok"] or "signature" not in report["error"]:
            raise UserError("an altered bundle with recomputed hashes was not refused by its signature")
    return {"fingerprint": key["short"]}
