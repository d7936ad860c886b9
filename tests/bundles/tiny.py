"""Tiny real content for bundle tests: a random Llama with a trained tokenizer, a PEFT LoRA on it, images."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

LINES = [f"Write a short ad for {p}. Fresh {p} for busy {a}." for p in ("tea", "lamp", "shoes", "router")
         for a in ("students", "parents", "engineers")] + ["为学生写一句台灯的广告：护眼又明亮。"]


def build_text_model(folder: Path, seed: int = 0) -> Path:
    import torch
    import transformers as tf

    from engine.text.tokenizer_build import train_bpe_tokenizer
    tok = train_bpe_tokenizer(LINES * 4, vocab_size=300)
    torch.manual_seed(seed)
    config = tf.LlamaConfig(vocab_size=320, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                            pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                            eos_token_id=tok.eos_token_id)
    tf.AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_text_lora(base_folder: Path, folder: Path, seed: int = 1) -> Path:
    """A real PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base_folder, local_files_only=True)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    for name, param in peft_model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.02)
    peft_model.save_pretrained(folder)
    return folder


def write_images(folder: Path, count: int = 3) -> Path:
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        Image.new("RGB", (16, 16), (40 * i, 100, 200 - 30 * i)).save(folder / f"poster-{i}.png")
        rows.append({"file_name": f"poster-{i}.png", "text": f"poster {i}，蓝色背景", "tags": ["brand"]})
    (folder / "metadata.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                           encoding="utf-8")
    return folder


# -- altering bundles the way a damaged copy or an attacker would ----------------------
def rewrite_bundle(src: Path, dst: Path, change=None, manifest_change=None, extra: dict | None = None,
                   resign: bool = False) -> Path:
    """Copy a bundle, passing each member's bytes through ``change(name, data)`` (None drops it).

    ``resign`` updates the manifest's sizes and hashes to the changed bytes (a consistent but altered
    bundle); ``manifest_change(dict)`` edits the manifest; ``extra`` adds raw entries.
    """
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    out = {}
    for name, data in members.items():
        new = change(name, data) if change else data
        if new is not None:
            out[name] = new
    if resign:
        for item in manifest["items"]:
            for f in item["files"]:
                data = out.get(f"{item['root']}/{f['path']}")
                if data is not None:
                    f["size"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    if manifest_change:
        manifest_change(manifest)
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in {**out, **(extra or {})}.items():
            zout.writestr(name, data)
        zout.writestr("manifest.json", json.dumps(manifest))
    return dst
