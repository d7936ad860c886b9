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
