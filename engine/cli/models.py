"""aigc models import|list|verify|remove|starter, aigc train, aigc generate.

``train`` and ``generate`` take the image flags too and hand image models to
``engine.cli.image_commands``; text models are handled here.
"""
from __future__ import annotations

import sys

from engine.cli.words import word
from engine.errors import UserError
from engine.i18n import tr


def register(sub) -> None:
    models = sub.add_parser("models", help="base models and trained adapters").add_subparsers(
        dest="models_command", metavar="ACTION")
    models.required = True
    p = models.add_parser("import", help="verify and import a model folder, or a .gguf file (llama.cpp)")
    p.add_argument("path")
    p.add_argument("--name")
    p.add_argument("--kind", choices=["text", "image"])
    p.add_argument("--reference", action="store_true", help="reference the folder instead of copying it")
    p.add_argument("--as-trainable", dest="trainable", action="store_true",
                   help="(.gguf) dequantize it into a new PyTorch base model that can be fine-tuned")
    p.set_defaults(handler=cmd_import)
    p = models.add_parser("list", help="models in the catalog")
    p.add_argument("--kind", choices=["text", "image"])
    p.add_argument("--role", choices=["base", "adapter"])
    p.set_defaults(handler=cmd_list)
    p = models.add_parser("verify", help="re-check a model's files against its SHA-256 manifest")
    p.add_argument("name")
    p.set_defaults(handler=cmd_verify)
    p = models.add_parser("show", help="one model: facts, lineage and (text) its rendered chat template")
    p.add_argument("name")
    p.set_defaults(handler=cmd_show)
    p = models.add_parser("remove", help="remove a model from the catalog")
    p.add_argument("name")
    p.set_defaults(handler=cmd_remove)
    p = models.add_parser("rename", help="give a model or adapter a new name (not one a task names)")
    p.add_argument("name")
    p.add_argument("new_name")
    p.set_defaults(handler=cmd_rename)
    p = models.add_parser("details", help="size, parameters, dtype or quantization, context length, licence")
    p.add_argument("name")
    p.set_defaults(handler=cmd_details)
    p = models.add_parser("starter", help="register the starter models (or rebuild them from their recipes)")
    p.add_argument("--rebuild", action="store_true", help="train the starter models again from resources/")
    p.add_argument("--kind", choices=["text", "image", "all"], default="all")
    p.set_defaults(handler=cmd_starter)
    from engine.cli.deploy import register_actions
    register_actions(models)

    p = sub.add_parser("train", help="fine-tune a model on a dataset (a resumable job)")
    p.add_argument("--model")
    p.add_argument("--data", help="dataset name, or a .jsonl file (Alpaca, prompt/completion or messages)")
    p.add_argument("--data-version", type=int)
    p.add_argument("--method", choices=["lora", "full", "qlora"], help="default: lora")
    p.add_argument("--max-steps", type=int)
    p.add_argument("--epochs", type=float)
    p.add_argument("--resume", metavar="RUN", help="continue a stopped run where it left off")
    p.add_argument("--list-runs", action="store_true", help="list training runs and exit")
    p.add_argument("--output-name", "--name", dest="output_name")
    p.add_argument("--init-adapter", metavar="ADAPTER", help="start from this adapter's weights (LoRA)")
    p.add_argument("--learning-rate", "--lr", dest="learning_rate", type=float)
    p.add_argument("--weight-decay", type=float)
    p.add_argument("--warmup-steps", type=int)
    p.add_argument("--schedule", choices=["cosine", "linear", "constant"])
    p.add_argument("--batch-size", type=int)
    p.add_argument("--grad-accum", type=int)
    p.add_argument("--max-length", type=int)
    p.add_argument("--packing", action="store_true",
                   help="concatenate examples into full-length rows; each example still sees only itself")
    p.add_argument("--lora-r", type=int)
    p.add_argument("--lora-alpha", type=int)
    p.add_argument("--lora-dropout", type=float)
    p.add_argument("--target-modules", nargs="+")
    p.add_argument("--gradient-checkpointing", action="store_true")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16", "fp16"])
    p.add_argument("--save-every", type=int)
    p.add_argument("--keep-checkpoints", type=int)
    p.add_argument("--eval-every", type=int)
    p.add_argument("--patience", dest="early_stopping_patience", type=int)
    p.add_argument("--val-fraction", type=float)
    p.add_argument("--system")
    p.add_argument("--seed", type=int)
    p.add_argument("--merge", action="store_true", help="also write the adapter merged into a full model")
    p.add_argument("--export-job", metavar="DIR", help="write a self-contained folder (config, data, model reference, "
                   "torchrun and Slurm scripts, README) to train on a GPU server instead of here")
    p.add_argument("--nproc", type=int, help="processes (one per GPU; on the CPU for testing) that train together "
                   "with torchrun/DDP; default 1")
    _image_flags(p, training=True)
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("generate", help="generate text (streamed) or images with a model")
    p.add_argument("--model", required=True)
    p.add_argument("--adapter")
    p.add_argument("--prompt", action="append", default=[], help="repeat for a batch of prompts")
    p.add_argument("--prompts-file", help="a text file with one prompt per line")
    p.add_argument("--system")
    p.add_argument("--no-chat", action="store_true", help="continue the raw prompt instead of chatting")
    p.add_argument("--max-new-tokens", type=int)
    p.add_argument("--temperature", type=float)
    p.add_argument("--top-p", type=float)
    p.add_argument("--top-k", type=int)
    p.add_argument("--repetition-penalty", type=float)
    p.add_argument("--num-beams", type=int)
    p.add_argument("--stop", action="append", help="stop when this text appears (repeatable)")
    p.add_argument("--seed", type=int)
    p.add_argument("--int8", action="store_true", help="int8 dynamic quantization (CPU)")
    p.add_argument("--backend", choices=("auto", "torch", "llamacpp", "openvino"),
                   help="text: auto (default: llama.cpp over a cached GGUF copy on the CPU when it is installed "
                        "and the architecture is supported, else PyTorch), torch, or llamacpp; images: auto "
                        "(default: OpenVINO for the UNet and VAE decoder of an SD 1.x/2.x model on the CPU when "
                        "it is installed, else PyTorch), torch, or openvino")
    p.add_argument("--quant", choices=("f16", "q8_0", "q4_0", "q4_k_m"),
                   help="text, llama.cpp backend: the cached copy's weights (default f16, which matches PyTorch; "
                        "the others are smaller and lossy)")
    p.add_argument("--batch-size", type=int,
                   help="prompts run together in one generate call (text, default 8) or images per prompt; "
                        "lower it when memory runs out")
    _image_flags(p, training=False)
    p.add_argument("--memory", choices=("auto", "none", "low"), help="image memory savers (low: attention slicing)")
    p.set_defaults(handler=cmd_generate)


def _image_flags(p, training: bool) -> None:
    """The image options of ``train`` (LoRA training) or ``generate``: each command takes only the ones it
    uses, so a misplaced option is refused instead of silently ignored."""
    p.add_argument("--steps", type=int, help="training steps (train) or denoising steps (generate)")
    if training:
        p.add_argument("--resolution", type=int, help="training resolution in pixels (image models)")
    else:
        p.add_argument("--width", type=int)
        p.add_argument("--height", type=int)
        p.add_argument("--out", help="folder for the images")
        p.add_argument("--negative-prompt")
        p.add_argument("--guidance-scale", type=float)
        p.add_argument("--scheduler")
        p.add_argument("--init-image")
        p.add_argument("--strength", type=float)
        p.add_argument("--adapter-scale", type=float)
    if not any(a.dest == "batch_size" for a in p._actions):
        p.add_argument("--batch-size", type=int)


def read_prompts_file(path: str | None) -> list[str]:
    """One prompt per non-empty line of a UTF-8 text file (a FIFO, device or folder is refused)."""
    if not path:
        return []
    from engine.safe_json import read_user_file
    raw = read_user_file(path, "--prompts-file", limit=64 * 2**20)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UserError(tr("--prompts-file {path} line {line} (byte offset {start}): not valid UTF-8", path=path,
                           line=line, start=exc.start), hint=tr("save it as UTF-8")) from None
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def _image_commands():
    try:
        from engine.cli import image_commands
    except ImportError:
        raise UserError(tr("image models are not supported by this build")) from None
    return image_commands


# -- models -------------------------------------------------------------------------
def _describe(model) -> str:
    extra = tr(" (demo quality)") if model.demo else ""
    base = tr(" on {base}", base=model.lineage.get("base", model.base_id)) if model.base_id else ""
    return f"{model.name:<28} {tr(model.kind):<5} {tr(model.role):<7} {model.sha256[:12]}{base}{extra}"


def cmd_import(args, out) -> dict:
    out.open_engine(args)
    job = out.run_job("models.import", {"path": args.path, "name": args.name, "kind": args.kind,
                                        "copy": not args.reference, "trainable": args.trainable})
    result = dict(job.result)
    result["_text"] = tr("imported {name} ({kind}, {files} files, sha256 {sha})", name=result["name"],
                         kind=result["kind"], files=result["files"], sha=result["sha256"][:12])
    return result


def cmd_list(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    models = engine.models.list(kind=args.kind, role=args.role)
    return {"models": [m.to_dict() for m in models], "_text": "\n".join(_describe(m) for m in models) or tr("no models")}


def cmd_verify(args, out) -> dict:
    engine = out.open_engine(args)
    report = engine.models.verify(args.name)
    if not report["ok"]:
        problems = report.get("error") or ", ".join(
            f"{key}: {', '.join(report[key][:3])}" for key in ("missing", "changed") if report[key])
        raise UserError(tr("model '{name}' failed verification: {problems}", name=args.name, problems=problems),
                        hint=tr("copy the model again and re-import it"))
    report["_text"] = tr("{name}: {files} files match their SHA-256 manifest", name=report["name"], files=report["files"])
    return report


def cmd_show(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    model = engine.models.get(args.name)
    data = model.to_dict()
    lines = [_describe(model), f"{word('path', 'detail'):<9} {model.path}", f"sha256    {model.sha256}"]
    lines += [f"{word(k, 'detail'):<9} {v}" for k, v in model.lineage.items()]
    lines += [f"{word(k, 'detail'):<9} {v}" for k, v in model.info.items() if not isinstance(v, (dict, list))]
    if model.kind == "text":
        data["rendered_template"] = engine.text.render_template(model.name)
        lines += ["", tr("chat template renders a conversation as:"), data["rendered_template"]]
    data["_text"] = "\n".join(lines)
    return data


def cmd_remove(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.models.remove(args.name)
    result["_text"] = tr("removed {name}", name=result["removed"])
    return result


def cmd_rename(args, out) -> dict:
    model = out.open_engine(args).models.rename(args.name, args.new_name)
    return {"id": model.id, "name": model.name, "_text": tr("{old} is now {new}", old=args.name, new=model.name)}


def cmd_details(args, out) -> dict:
    details = out.open_engine(args).models.details(args.name)
    details["_text"] = "\n".join(tr("{label}: {value}", label=word(key, "detail"), value="-" if value is None else value)
                                 for key, value in details.items())
    return details


def cmd_starter(args, out) -> dict:
    engine = out.open_engine(args)
    kinds = ["text", "image"] if args.kind == "all" else [args.kind]
    result = {}
    for kind in kinds:
        if kind == "text":
            from engine.text import starter
        else:
            try:
                from engine.image import starter
            except ImportError:
                result[kind] = {"skipped": "image starter not in this build"}   # a machine-readable reason
                continue
        if args.rebuild:
            out.info(tr("rebuilding the starter {kind} model (this trains it from scratch) ...", kind=kind))
            result[f"{kind}_build"] = starter.build_starter(progress=out.info)
            existing = engine.models.find(starter.NAME)
            if existing is not None and existing.name == starter.NAME:
                try:
                    engine.models.remove(starter.NAME)
                except UserError as exc:
                    out.info(tr("note: the rebuilt weights are in resources/, but this workspace keeps its old "
                                "'{name}' entry: {error}", name=starter.NAME, error=exc))
        result[kind] = starter.install_into(engine, None)
    result["_text"] = "\n".join(f"{tr(k)}: {v}" for k, v in result.items() if not k.endswith("_build"))
    return result


# -- train ---------------------------------------------------------------------------
TRAIN_FIELDS = ("method", "max_steps", "epochs", "output_name", "learning_rate", "weight_decay", "warmup_steps",
                "schedule", "batch_size", "grad_accum", "max_length", "lora_r", "lora_alpha", "lora_dropout",
                "target_modules", "precision", "save_every", "keep_checkpoints", "eval_every",
                "early_stopping_patience", "val_fraction", "system", "seed", "data_version", "init_adapter")


def _text_options(args) -> dict:
    """The training options given on the command line (not --model/--data)."""
    config = {}
    for name in TRAIN_FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            config[name] = value
    for flag in ("packing", "gradient_checkpointing", "merge"):
        if getattr(args, flag, False):
            config[flag] = True
    if args.target_modules == ["all-linear"]:
        config["target_modules"] = "all-linear"
    return config


def text_config_from_args(args) -> dict:
    from pathlib import Path
    data = Path(args.data).expanduser()
    return {"model": args.model, "data": str(data.resolve()) if data.is_file() else args.data, **_text_options(args)}


def _refuse_changed_options(args, run: dict) -> None:
    """A resume continues with the run's stored config: options given again must agree with it."""
    stored = run["config"]
    changed = {k: (stored.get(k), v) for k, v in _text_options(args).items() if stored.get(k) != v}
    if changed:
        key, (was, now) = next(iter(changed.items()))
        raise UserError(tr("run {run} was started with {key} {was}, not {now}: a resume continues the run with its "
                           "own settings", run=run["id"], key=key, was=repr(was), now=repr(now))
                        + (tr(" ({count} settings differ)", count=len(changed)) if len(changed) > 1 else ""),
                        hint=tr("resume without changed options, or start a new run with the new settings"))


def _print_train_metrics(out):
    def on_event(event):
        if event.type == "metric" and event.data["name"] in ("val_loss", "perplexity"):
            out.info("  " + tr("step {step}: {name} {value}", step=event.data["step"],
                               name=word(event.data["name"], "metric"), value=f"{event.data['value']:.4f}"))
    return on_event


def _with_nproc(args, params: dict) -> dict:
    if args.nproc is not None and args.nproc > 1:
        params["nproc"] = args.nproc
    return params


def cmd_train(args, out) -> dict:
    engine = out.open_engine(args)
    from engine.training.runs import get_run, list_runs
    if args.list_runs:
        rows = list_runs(engine)
        return {"runs": rows, "_text": "\n".join(
            f"{r['id']}  {tr(r['kind']):<5} {word(r['state'], 'state'):<11} "
            + tr("step {step}/{total}", step=r["step"], total=r["total_steps"]) + "  "
            + tr("{model} on {data}", model=r["config"].get("model"), data=r["config"].get("data"))
            for r in rows) or tr("no runs")}
    if args.resume:
        run = get_run(engine, args.resume)
        if run["kind"] != "text":
            model = engine.models.find(str(run["config"].get("model") or ""))
            return _image_commands().run_train(args, out, model)
        _refuse_changed_options(args, run)
        job = out.run_job("text.train", _with_nproc(args, {"resume": run["id"]}), title=f"Resume {run['id']}",
                          on_event=_print_train_metrics(out))
    else:
        if not args.model or not args.data:
            raise UserError(tr("--model and --data are required (or --resume RUN)"))
        model = engine.models.get(args.model)
        if model.kind == "image":
            return _image_commands().run_train(args, out, model)
        if args.export_job:
            from engine.distributed.export_job import export_training
            result = export_training(engine, text_config_from_args(args), args.nproc or 1, args.export_job)
            result["_text"] = tr("exported to {folder} ({examples} examples); on the server run: {command}; then "
                                 "'aigc runs import {folder}'", folder=result["folder"], examples=result["examples"],
                                 command=result["command"])
            return result
        job = out.run_job("text.train", _with_nproc(args, {"config": text_config_from_args(args)}),
                          on_event=_print_train_metrics(out))
    result = dict(job.result)
    result["job"] = job.id
    result["_text"] = (tr("run {run}: {steps} steps, best validation loss {loss}", run=result["run_id"],
                          steps=result["steps"],
                          loss=result["best_val_loss"] if result["best_val_loss"] is not None else "-")
                       + (tr(" ({count} processes, effective batch {batch})", count=result["world_size"],
                             batch=result["effective_batch"]) if result.get("world_size", 1) > 1 else "")
                       + tr("; saved {role} '{model}'", role=tr(result["role"]), model=result["model"])
                       + (tr(" and merged model '{model}'", model=result["merged_model"])
                          if result.get("merged_model") else ""))
    return result


# -- generate --------------------------------------------------------------------------
GEN_FIELDS = ("max_new_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "num_beams", "stop", "seed",
              "batch_size")


def cmd_generate(args, out) -> dict:
    engine = out.open_engine(args)
    model = engine.models.get(args.model)
    if model.kind == "image":
        return _image_commands().run_generate(args, out, model)
    prompts = list(args.prompt) + read_prompts_file(args.prompts_file)
    if not prompts:
        raise UserError(tr("no prompt given"), hint=tr("pass --prompt TEXT or --prompts-file FILE"))
    if args.batch_size is not None and args.batch_size < 1:
        raise UserError(tr("--batch-size {value} must be 1 or more", value=args.batch_size), hint=tr("e.g. --batch-size 4"))
    params = {name: getattr(args, name) for name in GEN_FIELDS if getattr(args, name, None) is not None}
    base = engine.models.get(model.base_id) if model.role == "adapter" else model
    if base.demo:
        out.info(tr("note: {name} is a demo-quality starter model", name=base.name))
    stream = sys.stderr if out.json_mode else sys.stdout
    current = [-1]

    def on_event(event):
        if event.type != "partial" or "token" not in event.data:
            return
        index = event.data.get("index", 0)
        if index != current[0]:
            if current[0] >= 0:
                print(file=stream)
            if len(prompts) > 1:
                print(f"[{index + 1}] ", end="", file=stream)
            current[0] = index
        print(event.data["token"], end="", file=stream, flush=True)

    job = out.run_job("text.generate", {"model": model.name if model.role == "base" else base.name,
                                        "adapter": args.adapter or (model.name if model.role == "adapter" else None),
                                        "prompts": prompts, "params": params, "system": args.system,
                                        "chat": not args.no_chat, "quantize": "int8" if args.int8 else None,
                                        "backend": getattr(args, "backend", None), "quant": getattr(args, "quant", None)},
                      on_event=on_event)
    if current[0] >= 0:
        print(file=stream, flush=True)
    results = job.result["results"]
    # llama.cpp for a GGUF file, and for a Hugging Face folder on the CPU unless --backend torch.
    return {"results": results, "job": job.id, "model": base.name, "adapter": results[0]["adapter"] if results else None,
            "backend": results[0].get("backend") if results else None,
            "quant": results[0].get("quant") if results else None}


__all__ = ["register"]
