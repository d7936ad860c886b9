"""The starter text model: a tiny Llama trained from scratch by our own trainer on the sample datasets.

Recipe: ``resources/starter/text/recipe.json``. ``build_starter`` trains a
byte-level BPE tokenizer (with a chat template) on the sample corpus, writes a
random-initialised Llama, fine-tunes all of it with the ``text.train`` job in a
throwaway workspace, and writes the result as fp16 safetensors to
``resources/starter/text/model``. Demo quality: it writes sample-style text,
not facts. ``install_into`` registers it by reference (nothing is copied).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from engine import atomic
from engine.samples import installer, resources_dir
from engine.i18n import tr

NAME = "starter-text"
RESOURCE_PATH = "starter/text/model"


@dataclass
class StarterTextRecipe:
    name: str = NAME
    datasets: list = field(default_factory=lambda: ["samples/datasets/ad-copy.jsonl",
                                                    "samples/datasets/support-replies.jsonl",
                                                    "samples/datasets/tech-summaries.jsonl"])
    seed: int = 20261123
    vocab_size: int = 4096
    hidden_size: int = 256
    intermediate_size: int = 704
    layers: int = 4
    heads: int = 4
    kv_heads: int = 2
    context: int = 512
    max_length: int = 320
    batch_size: int = 8
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_steps: int = 30
    max_steps: int = 700
    packing: bool = True
    eval_every: int = 100
    val_fraction: float = 0.04

    @classmethod
    def load(cls, path: Path | None = None) -> "StarterTextRecipe":
        path = path or starter_dir() / "recipe.json"
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def starter_dir() -> Path:
    return resources_dir() / "starter" / "text"


def model_dir() -> Path:
    return resources_dir() / RESOURCE_PATH


def corpus(recipe: StarterTextRecipe) -> tuple[list[dict], list[str]]:
    """The sample examples and the texts the tokenizer learns from."""
    from engine.text.data import read_jsonl
    rows = []
    for rel in recipe.datasets:
        rows += read_jsonl(resources_dir() / rel)
    texts = [str(r.get(k) or "") for r in rows for k in ("instruction", "input", "output") if r.get(k)]
    return rows, texts


def _init_model(recipe: StarterTextRecipe, folder: Path, rows_texts: list[str]) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from engine.text.tokenizer_build import train_bpe_tokenizer
    tok = train_bpe_tokenizer(rows_texts, vocab_size=recipe.vocab_size)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=recipe.hidden_size,
                         intermediate_size=recipe.intermediate_size, num_hidden_layers=recipe.layers,
                         num_attention_heads=recipe.heads, num_key_value_heads=recipe.kv_heads,
                         max_position_embeddings=recipe.context, tie_word_embeddings=True,
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    torch.manual_seed(recipe.seed)
    LlamaForCausalLM(config).save_pretrained(folder)
    tok.save_pretrained(folder)


def build_starter(out_dir: Path | None = None, progress=print, recipe: StarterTextRecipe | None = None,
                  should_stop=lambda: False) -> dict:
    """Train the starter text model from scratch and write it (fp16 safetensors) to ``out_dir``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig
    from engine.api import Engine
    from engine.errors import UserError
    from engine import devices
    recipe = recipe or StarterTextRecipe.load()
    out_dir = Path(out_dir or model_dir())
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="aigc-starter-text-"))
    threads_before = os.environ.get("AIGC_THREADS")
    os.environ["AIGC_THREADS"] = threads_before or str(os.cpu_count() or 1)  # a rebuild may use every core
    threads = devices.detect(refresh=True).threads
    try:
        rows, texts = corpus(recipe)
        progress(f"starter text: {len(rows)} sample examples, training the tokenizer")
        _init_model(recipe, scratch / "init", texts)
        data = scratch / "samples.jsonl"
        data.write_text("".join(json.dumps({k: r.get(k) for k in ("instruction", "input", "output")},
                                           ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        engine = Engine.open(scratch / "workspace", workers=1)
        try:
            job = engine.jobs.run("models.import", {"path": str(scratch / "init"), "name": "init", "copy": False})
            if job.state.value != "succeeded":
                raise UserError(tr("starter text: initial model failed verification: {error}", error=job.error))
            last = [0.0]

            def listen(event):
                if event.type == "progress" and time.monotonic() - last[0] > 10:
                    last[0] = time.monotonic()
                    progress(f"starter text: {event.data['message']}")
                if should_stop():
                    engine.jobs.cancel(event.job_id)
            engine.jobs.subscribe(listen)
            config = {"model": "init", "data": str(data), "method": "full", "output_name": "trained",
                      "seed": recipe.seed, "max_length": recipe.max_length, "batch_size": recipe.batch_size,
                      "learning_rate": recipe.learning_rate, "weight_decay": recipe.weight_decay,
                      "warmup_steps": recipe.warmup_steps, "max_steps": recipe.max_steps,
                      "packing": recipe.packing, "eval_every": recipe.eval_every,
                      "save_every": recipe.max_steps, "val_fraction": recipe.val_fraction, "keep_checkpoints": 1}
            job = engine.jobs.run("text.train", {"config": config})
            if job.state.value != "succeeded":
                raise UserError(tr("starter text: training {value}: {value2}", value=job.state.value, value2=job.error or ''))
            trained = engine.models.get("trained").path
            metrics = {m["name"]: m["value"] for m in engine.jobs.metrics(job.id)}
        finally:
            engine.close()
        work = scratch / "fp16"
        model = AutoModelForCausalLM.from_pretrained(trained, local_files_only=True, dtype=torch.float16)
        model.generation_config = GenerationConfig(max_new_tokens=96, do_sample=True, temperature=0.7, top_p=0.9,
                                                   repetition_penalty=1.1, eos_token_id=model.config.eos_token_id,
                                                   pad_token_id=model.config.pad_token_id,
                                                   bos_token_id=model.config.bos_token_id)
        model.save_pretrained(work)
        AutoTokenizer.from_pretrained(trained, local_files_only=True).save_pretrained(work)
        seconds = round(time.monotonic() - started, 1)
        card = {"name": NAME, "quality": "demo", "architecture": "LlamaForCausalLM",
                "parameters": sum(p.numel() for p in model.parameters()), "recipe": asdict(recipe),
                "final_loss": metrics.get("loss"), "val_loss": metrics.get("val_loss"),
                "train_seconds": seconds, "torch_threads": threads,
                "note": "Demo quality: a tiny model trained on the sample datasets; good for trying the workflow."}
        atomic.write_json(work / "starter.json", card)
        atomic.replace_dir(work, out_dir)
        progress(f"starter text model written to {out_dir} in {seconds}s")
        return card
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if threads_before is None:
            os.environ.pop("AIGC_THREADS", None)
        else:
            os.environ["AIGC_THREADS"] = threads_before
        devices.detect(refresh=True)


def install_into(engine, ctx=None) -> dict:
    """Register the shipped starter text model by reference (demo); idempotent."""
    models = engine.models
    existing = models.find(NAME)
    if existing is not None and existing.name == NAME:
        return {"skipped": NAME}
    source = model_dir()
    if not (source / "config.json").is_file():
        return {"skipped": NAME, "reason": "starter text weights are not in this build (rebuild the starter models)"}
    from engine.models.text_check import verify_text_folder
    info = verify_text_folder(source)
    card = json.loads((source / "starter.json").read_text(encoding="utf-8"))
    model = models.register(NAME, "text", "base", source, info={**info, "starter": card, "quality": "demo"},
                            demo=True, stored_path="resource:" + RESOURCE_PATH)
    return {"added": model.name, "id": model.id}


@installer(NAME)
def _install_starter_text(engine, ctx) -> dict:
    return install_into(engine, ctx)
