"""The auto backend: a PyTorch catalog model generates through a cached, probed GGUF copy in llama.cpp on the CPU."""
from __future__ import annotations

import hashlib
import json
import sys

import pytest

from engine.jobs import JobState

from gguf_helpers import needs_llama_cpp, run

needs_llama_cpp()

GREEDY = {"max_new_tokens": 12, "temperature": 0, "repetition_penalty": 1.0}
PROMPTS = ["Write a short ad for tea.", "Reply to a customer about the router.", "hi"]


@pytest.fixture
def auto_backend(monkeypatch):
    """What a user gets: no backend pinned anywhere."""
    monkeypatch.delenv("AIGC_GENERATION_BACKEND", raising=False)


def _imported(tmp_path, arch: str = "qwen2"):
    from engine.api import Engine
    from text_tiny import build_model, make_tokenizer
    folder = build_model(arch, tmp_path / arch, make_tokenizer(), seed=0)
    eng = Engine.open(tmp_path / "ws", isolate=False)   # jobs on the runner thread: no worker start per test
    run(eng, "models.import", {"path": str(folder), "name": "m", "copy": False})
    return eng


def _cache(eng):
    return eng.workspace.root / "cache" / "gguf"


def test_auto_runs_llama_cpp_with_the_adapter_merged_and_matches_torch(trained, auto_backend):
    from engine.api import Engine
    eng = Engine.open(trained["workspace"])
    try:
        fast, slow = ({stop: run(eng, "text.generate", {"model": "tiny", "adapter": "tiny-ads", "prompts": PROMPTS,
                                                        "params": {**GREEDY, "repetition_penalty": 1.2,
                                                                   "stop": list(stop)},
                                                        "backend": backend}).result["results"]
                       for stop in ((), ("e",))} for backend in (None, "torch"))
        adapter = eng.models.get("tiny-ads")
        (copy,) = _cache(eng).glob(f"*-{adapter.sha256[:32]}-f16.gguf")
    finally:
        eng.close()
    for stop in ((), ("e",)):
        assert [r["backend"] for r in fast[stop]] == ["llama.cpp"] * 3
        assert [r["backend"] for r in slow[stop]] == ["pytorch"] * 3
        for a, b in zip(fast[stop], slow[stop]):
            assert (a["text"], a["tokens"], a["finish_reason"]) == (b["text"], b["tokens"], b["finish_reason"])
    assert any(r["finish_reason"] == "stop" for r in fast[("e",)])
    row = fast[()][0]
    assert row["quant"] == "f16" and row["adapter"] == "tiny-ads" and row["adapter_sha256"] == adapter.sha256
    assert row["gguf_sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()


def test_copy_is_built_once_rebuilt_when_damaged_and_dropped_with_the_model(tmp_path, auto_backend):
    from engine.api import Engine
    eng = _imported(tmp_path)
    first = run(eng, "text.generate", {"model": "m", "prompts": ["hello"], "params": GREEDY}).result["results"][0]
    (copy,) = _cache(eng).glob("*.gguf")
    built = copy.stat()
    eng.close()
    eng = Engine.open(tmp_path / "ws", isolate=False)   # a fresh engine: the copy is read, not built again
    again = run(eng, "text.generate", {"model": "m", "prompts": ["hello"], "params": GREEDY}).result["results"][0]
    assert (copy.stat().st_ino, copy.stat().st_mtime_ns) == (built.st_ino, built.st_mtime_ns)
    assert again["text"] == first["text"] and again["gguf_sha256"] == first["gguf_sha256"]
    eng.close()
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])   # a truncated copy
    eng = Engine.open(tmp_path / "ws", isolate=False)
    try:
        rebuilt = run(eng, "text.generate", {"model": "m", "prompts": ["hello"],
                                             "params": GREEDY}).result["results"][0]
        assert copy.stat().st_size == built.st_size and rebuilt["text"] == first["text"]
        assert rebuilt["gguf_sha256"] == first["gguf_sha256"]
        assert not list((eng.workspace.root / "tmp").glob("gguf-*"))
        removed = eng.models.remove("m")
        assert len(removed["dropped_cache"]) == 2 and not list(_cache(eng).iterdir())
    finally:
        eng.close()


def test_cancel_mid_generation_on_llama_cpp(tmp_path, auto_backend):
    eng = _imported(tmp_path)
    tokens = []

    def on_event(event):
        if event.type == "partial":
            tokens.append(event.data["token"])
            if len(tokens) == 3:
                eng.jobs.cancel(event.job_id)
    try:
        run(eng, "text.generate", {"model": "m", "prompts": ["x"], "params": {"max_new_tokens": 2}})  # copy built
        unsubscribe = eng.jobs.subscribe(on_event)
        job = eng.jobs.wait(eng.text.generate("m", ["Write a short ad for tea."] * 2,
                                              {"max_new_tokens": 200, "temperature": 0.8, "seed": 1}).id)
        unsubscribe()
    finally:
        eng.close()
    assert job.state == JobState.CANCELLED
    assert 3 <= len(tokens) <= 5


def test_task_run_on_the_auto_backend_records_the_copy(tmp_path, auto_backend):
    from tests.tasks.helpers import product_rows, write_csv
    eng = _imported(tmp_path)
    try:
        eng.tasks.create({"name": "ads", "template": "Write a short ad for {product}.", "model": "m",
                          "generation": {"max_new_tokens": 8, "seed": 5, "temperature": 0.9}})
        job = eng.jobs.wait(eng.tasks.run("ads", write_csv(tmp_path / "in.csv", product_rows(3)), batch_size=3).id)
        assert job.state == JobState.SUCCEEDED, job.error
        rows = eng.workspace.db().execute("SELECT * FROM task_outputs WHERE run_id = ? ORDER BY row_index",
                                          (job.result["run_id"],)).fetchall()
        (copy,) = _cache(eng).glob("*.gguf")
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        params = [json.loads(r["params"]) for r in rows]
        assert len(rows) == 3
        assert all(p["backend"] == "llama.cpp" and p["quant"] == "f16" and p["gguf_sha256"] == digest
                   for p in params)
        # The same seed gives the same text again on this backend.
        gen = eng.text.generator("m")
        used = {k: v for k, v in params[0].items() if k in ("max_new_tokens", "temperature", "top_p", "top_k",
                                                             "repetition_penalty")}
        again = gen.generate([rows[0]["prompt"]], used, seeds=[rows[0]["seed"]], system=rows[0]["system_prompt"])
        assert again[0]["text"].strip() == rows[0]["output_text"]
    finally:
        eng.close()


def test_backend_torch_and_setting_keep_pytorch(tmp_path, auto_backend):
    eng = _imported(tmp_path)
    try:
        result = run(eng, "text.generate", {"model": "m", "prompts": ["hi"], "params": GREEDY,
                                            "backend": "torch"}).result["results"][0]
        assert result["backend"] == "pytorch"
        eng.workspace.set_setting("generation.backend", "torch")
        result = run(eng, "text.generate", {"model": "m", "prompts": ["hi"], "params": GREEDY}).result["results"][0]
        assert result["backend"] == "pytorch" and not _cache(eng).exists()
    finally:
        eng.close()


def _cli(capsys, *argv):
    from engine.cli import main
    capsys.readouterr()                      # only this command's output
    code = main(list(argv))
    return code, capsys.readouterr()


def test_cli_backend_flags_and_refusals(tmp_path, auto_backend, capsys, monkeypatch):
    eng = _imported(tmp_path)
    eng.close()
    ws = str(tmp_path / "ws")
    code, out = _cli(capsys, "--workspace", ws, "--json", "generate", "--model", "m", "--prompt", "hi",
                     "--max-new-tokens", "3", "--backend", "llamacpp", "--quant", "q8_0")
    assert code == 0, out.err
    result = json.loads(out.out.strip().splitlines()[-1])
    assert result["backend"] == "llama.cpp" and result["quant"] == "q8_0"
    code, out = _cli(capsys, "--workspace", ws, "generate", "--model", "m", "--prompt", "hi", "--backend", "torch",
                     "--quant", "q8_0")
    assert code != 0 and out.err.strip().count("\n") == 0 and "quantization q8_0 is for the llama.cpp backend" in out.err
    monkeypatch.setitem(sys.modules, "llama_cpp", None)    # as in a build without llama-cpp-python
    code, out = _cli(capsys, "--workspace", ws, "generate", "--model", "m", "--prompt", "hi", "--backend", "llamacpp")
    assert code != 0 and out.err.strip().count("\n") == 0
    assert "needs llama-cpp-python, which is not installed" in out.err and "--backend auto" in out.err


def test_unsupported_architecture_is_refused_for_llamacpp_and_auto_keeps_torch(tmp_path, auto_backend, capsys):
    import transformers as tf
    from engine.api import Engine
    from text_tiny import make_tokenizer
    tok = make_tokenizer()
    config = tf.GPTNeoXConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=128, eos_token_id=tok.eos_token_id,
                              bos_token_id=tok.bos_token_id)
    folder = tmp_path / "neox"
    tf.AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    eng = Engine.open(tmp_path / "ws", isolate=False)
    try:
        run(eng, "models.import", {"path": str(folder), "name": "neox", "copy": False})
        result = run(eng, "text.generate", {"model": "neox", "prompts": ["hi"],
                                            "params": GREEDY}).result["results"][0]
        assert result["backend"] == "pytorch"
    finally:
        eng.close()
    code, out = _cli(capsys, "--workspace", str(tmp_path / "ws"), "generate", "--model", "neox", "--prompt", "hi",
                     "--backend", "llamacpp")
    assert code != 0 and out.err.strip().count("\n") == 0
    assert "'gpt_neox' model is not supported" in out.err


def test_cancel_while_converting_leaves_no_copy(tmp_path, auto_backend):
    eng = _imported(tmp_path)

    def on_event(event):
        if event.type == "progress" and str(event.data.get("message", "")).startswith("converted "):  # a tensor written
            eng.jobs.cancel(event.job_id)
    try:
        unsubscribe = eng.jobs.subscribe(on_event)
        job = eng.jobs.wait(eng.text.generate("m", ["hi"], GREEDY).id)
        unsubscribe()
        assert job.state == JobState.CANCELLED
        assert not list(_cache(eng).glob("*.gguf")) and not list((eng.workspace.root / "tmp").glob("gguf-*"))
        done = run(eng, "text.generate", {"model": "m", "prompts": ["hi"], "params": GREEDY}).result["results"][0]
        assert done["backend"] == "llama.cpp"
    finally:
        eng.close()
