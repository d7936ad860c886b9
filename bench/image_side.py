"""``python -m bench.image_side ours|plain FOLDER OUT_DIR THREADS``: one side of ``image_generate_256``
in its own process, started as a user's would be, generating one image per ``run`` line on stdin.

``ours`` imports ``engine`` first, as ``aigc`` and the job workers do (so it runs with the engine's
process settings); ``plain`` is a Python script that never imports ``engine``: diffusers on its
defaults. Each ``run`` prints one JSON line: the call's wall and CPU seconds and the PNG path.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _ours(folder: Path, out: Path, steps: int):
    from bench.image import PROMPT
    from engine.api import Engine
    eng = Engine.open(out / "ws", workers=1)
    job = eng.jobs.run("models.import", {"path": str(folder), "name": "sd", "copy": False})
    assert job.state.value == "succeeded", job.error
    gen = eng.image.generator("sd")
    params = {"steps": steps, "width": 256, "height": 256, "seed": 1, "scheduler": "ddim", "guidance_scale": 7.0}
    # the workspace's default backend (auto), as a user gets it; its one-off OpenVINO conversion (and the
    # compile of these shapes) happens here, before the timed images
    started = time.perf_counter()
    first = gen.generate(PROMPT, {**params, "steps": 1}, out_dir=out / "warm")[0]["provenance"]
    info = {"backend": first["backend"], "openvino_parts": first.get("openvino_parts"),
            "first_image_s": round(time.perf_counter() - started, 2)}
    if first["backend"] == "openvino":
        from engine.image import openvino_cache
        record = openvino_cache.read_entry(eng.workspace, openvino_cache.entry_name(gen.base, None, 1.0))
        info["conversion_s"] = record.get("built_s")
    return (lambda: gen.generate(PROMPT, params, on_step=lambda *a: None, out_dir=out / "images")[0]["path"]), info


def _plain(folder: Path, out: Path, steps: int):
    import torch
    from bench.image import PROMPT, _plain_pipe
    pipe = _plain_pipe(folder)
    out.mkdir(parents=True, exist_ok=True)

    def run():
        image = pipe(PROMPT, num_inference_steps=steps, width=256, height=256, guidance_scale=7.0,
                     generator=torch.Generator("cpu").manual_seed(1)).images[0]
        path = out / f"plain-{time.monotonic_ns()}.png"
        image.save(path)
        return str(path)
    return run, {}


def main() -> None:
    side, folder, out, threads, steps = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), \
        int(sys.argv[5])
    if side == "ours":
        import engine  # noqa: F401 - as the CLI and the workers start: before torch loads
    elif "engine" in sys.modules:
        raise SystemExit("the plain side must not import engine")
    import torch
    torch.set_num_threads(threads)
    generate, info = (_ours if side == "ours" else _plain)(folder, out, steps)
    print(json.dumps({"ready": True, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
                      "threads": torch.get_num_threads(), **info}), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        cpu, wall = time.process_time(), time.perf_counter()
        path = generate()
        print(json.dumps({"seconds": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "path": path}),
              flush=True)
    sys.stdout.flush()
    os._exit(0)   # skip the teardown of a process holding a pipeline


if __name__ == "__main__":
    main()
