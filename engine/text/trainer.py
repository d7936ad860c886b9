"""The ``text.train`` loop: LoRA or full fine-tuning with exact resume.

Each optimizer step: ``grad_accum`` micro-batches, clipping, AdamW, schedule.
Every ``save_every`` steps (and on cancel) an atomic checkpoint holds the
trainable weights, optimizer, scheduler, RNG states, the data position and the
loss history; a resumed job restores all of it after the model is built, so
the continued run is the same run, and the loss curve picks up where it stopped.
"""
from __future__ import annotations

import math
import random
import shutil
import time
from pathlib import Path

from engine.atomic import replace_dir, write_json
from engine.errors import Cancelled, UserError
from engine.training import checkpoints as ck
from engine.training import runs
from engine.i18n import tr


class TextTrainer:
    def __init__(self, ctx, config, run: dict, rows: list[dict], resumed: bool):
        self.ctx, self.config, self.run, self.rows, self.resumed = ctx, config, run, rows, resumed
        self.ranks = getattr(ctx, "ranks", None)   # engine.distributed.ranks.Ranks inside a rank
        self.world = self.ranks.world if self.ranks is not None else 1
        self.main = self.ranks is None or self.ranks.main
        self.accum = config.grad_accum             # micro-batches per rank per step
        self.ddp = None
        self.run_dir = Path(run["dir"])
        self.step = 0
        self.position = (0, 0)
        self.history: list[list] = []      # [step, name, value]
        self.best_val: float | None = None
        self.bad_evals = 0
        self.last_saved = -1
        self.stopped_early = False
        self.events = None                 # TensorBoard event writer (engine.training.tensorboard)

    # -- setup ---------------------------------------------------------------------
    def prepare(self) -> None:
        import numpy as np
        import torch
        from engine import devices
        from engine.text.data import BatchPlan, encode_all, split_examples
        from engine.text.loader import load_tokenizer
        from engine.text.setup import build_model, choose_precision, start_adapter
        from engine.training.schedule import make_optimizer, make_scheduler, warmup_steps
        cfg, ctx = self.config, self.ctx
        self.device = devices.detect()
        random.seed(cfg.seed)
        np.random.seed(cfg.seed % 2**32)
        torch.manual_seed(cfg.seed)
        base = ctx.engine.models.get(cfg.model)
        self.base = base
        checkpoint = ck.latest_checkpoint(self.run_dir) if self.resumed else None
        ctx.report(0.01, tr("loading tokenizer and data"))
        self.tokenizer = load_tokenizer(base.path)
        train_rows, val_rows = split_examples(self.rows, cfg.val_fraction, cfg.seed)
        self.train_set, dropped = encode_all(self.tokenizer, train_rows, cfg.max_length, cfg.system)
        self.val_set, _ = encode_all(self.tokenizer, val_rows, cfg.max_length, cfg.system)
        if not self.train_set:
            raise UserError(tr("dataset '{data}' has no usable training examples for this model's template ({dropped} "
                               "dropped: empty responses or prompts longer than the maximum length {max_length})", data=cfg.data, dropped=dropped, max_length=cfg.max_length), hint=tr("check the output field, or raise the maximum length"))
        if dropped:
            ctx.log(tr("{count} examples skipped (nothing to learn within {length} tokens)", count=dropped,
                       length=cfg.max_length))
        self.plan = BatchPlan(self.train_set, cfg.batch_size, cfg.max_length, cfg.seed, cfg.packing,
                              cfg.group_by_length, self.tokenizer.eos_token_id)
        if checkpoint is not None:
            self.accum = same_effective_batch(ck.load_state(checkpoint), cfg.grad_accum, self.world)
        per_epoch = max(1, math.ceil(self.plan.batches_per_epoch() / (self.accum * self.world)))
        self.total_steps = cfg.max_steps or max(1, math.ceil(per_epoch * cfg.epochs))
        ctx.report(0.02, tr("loading the model"))
        init_path = start_adapter(ctx.engine, cfg, base)
        if init_path:
            ctx.log(tr("starting from adapter {name}", name=cfg.init_adapter))
        self.model = build_model(cfg, base.path, self.device, checkpoint, init_path)
        if cfg.packing:
            from engine.text.data import check_packing
            if not check_packing(self.model, self.device.kind):
                raise UserError(tr("packing: {name} does not keep packed examples apart (its attention ignores restarting positions)", name=base.name), hint=tr("train without packing"))
        self.precision = choose_precision(cfg, self.device)
        self.optimizer = make_optimizer(self.model.named_parameters(), cfg.learning_rate, cfg.weight_decay)
        warm = warmup_steps(self.total_steps, cfg.warmup_steps, cfg.warmup_ratio)
        self.scheduler = make_scheduler(self.optimizer, cfg.schedule, warm, self.total_steps)
        if checkpoint is not None:
            self._restore(checkpoint)
        if self.world > 1:
            from engine.text.fast_loss import LossModule
            self.ddp = self.ranks.wrap(LossModule(self.model))
        if self.main:
            from engine.training.tensorboard import TrainingEvents
            self.events = TrainingEvents(self.run_dir, ctx.log)
            self.events.config(cfg.to_dict(), self.step)
            runs.update_run(ctx.engine, self.run["id"], state="running", job_id=ctx.job_id, step=self.step,
                            total_steps=self.total_steps)
        trainable = sum(p.numel() for p in self.model.parameters() if p.requires_grad)
        ctx.log(tr("run {run}: {method} on {model}, {train} train / {val} validation examples, {steps} steps, "
                   "{trainable:,} trainable parameters, {precision} on {device}", run=self.run["id"],
                   method=cfg.method, model=base.name, train=len(self.train_set), val=len(self.val_set),
                   steps=self.total_steps, trainable=trainable, precision=self.precision.name,
                   device=self.device.kind)
                + (tr(", resumed at step {step}", step=self.step) if checkpoint is not None else ""))
        ctx.log(tr("effective batch {batch} = {per_device} per device x {accum} accumulation x {world} process(es)",
                   batch=self.effective_batch, per_device=cfg.batch_size, accum=self.accum, world=self.world))

    @property
    def effective_batch(self) -> int:
        return self.config.batch_size * self.accum * self.world

    def _restore(self, checkpoint: Path) -> None:
        import torch
        state = ck.load_state(checkpoint)
        self.optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt", weights_only=True))
        self.scheduler.load_state_dict(torch.load(checkpoint / "scheduler.pt", weights_only=True))
        if self.precision.scaler is not None and (checkpoint / "scaler.pt").is_file():
            self.precision.scaler.load_state_dict(torch.load(checkpoint / "scaler.pt", weights_only=True))
        self.step = int(state["step"])
        self.position = tuple(state["position"])
        self.history = state.get("history", [])
        self.best_val = state.get("best_val")
        self.bad_evals = int(state.get("bad_evals", 0))
        self.last_saved = self.step
        ck.restore_checkpoint_rng(checkpoint)
        for step, name, value in self.history:   # the new job's chart shows the whole curve
            self.ctx.metric(name, value, step)

    # -- checkpoints ---------------------------------------------------------------
    def _write_weights(self, folder: Path) -> None:
        if self.config.method == "full":
            self.model.save_pretrained(folder / "model")
        else:
            self.model.save_pretrained(folder / "adapter")

    def save(self) -> Path | None:
        import torch
        if not self.main:              # rank 0 alone writes; every rank holds the same weights
            self.last_saved = self.step
            return None

        def write(folder: Path) -> None:
            self._write_weights(folder)
            torch.save(self.optimizer.state_dict(), folder / "optimizer.pt")
            torch.save(self.scheduler.state_dict(), folder / "scheduler.pt")
            if self.precision.scaler is not None:
                torch.save(self.precision.scaler.state_dict(), folder / "scaler.pt")

        state = {"position": list(self.position), "history": self.history, "best_val": self.best_val,
                 "bad_evals": self.bad_evals, "total_steps": self.total_steps, "world_size": self.world,
                 "grad_accum": self.accum}
        path = ck.save_checkpoint(self.run_dir, self.step, write, state, keep=self.config.keep_checkpoints)
        self.last_saved = self.step
        runs.update_run(self.ctx.engine, self.run["id"], step=self.step)
        self.ctx.log(tr("checkpoint {name}", name=path.name))
        return path

    def save_best(self) -> None:
        """``<run>/best/``: the weights with the lowest validation loss so far, replaced atomically."""
        if not self.main:
            return
        tmp = self.run_dir / ".best-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self._write_weights(tmp)
        write_json(tmp / "best.json", {"step": self.step, "val_loss": self.best_val})
        replace_dir(tmp, self.run_dir / "best")

    # -- loop ------------------------------------------------------------------------
    def record(self, name: str, value: float) -> None:
        self.history.append([self.step, name, float(value)])
        if not self.main:
            return
        self.ctx.metric(name, value, self.step)
        if self.events is not None:
            self.events.scalar(name, value, self.step)

    def evaluate(self) -> float | None:
        import torch
        from engine.text.fast_loss import batch_loss, make_batch
        if not self.val_set:
            return None
        self.model.eval()
        total_loss, total_tokens = 0.0, 0
        with torch.no_grad():
            for start in range(0, len(self.val_set), self.config.batch_size):
                self.ctx.check_cancelled()
                batch = make_batch(self.model, self.val_set[start:start + self.config.batch_size],
                                   self.tokenizer.pad_token_id)
                batch = {k: v.to(self.device.kind) for k, v in batch.items()}
                with self.precision.autocast():
                    loss, tokens = batch_loss(self.model, batch)
                total_loss += float(loss) * tokens
                total_tokens += tokens
        self.model.train()
        return total_loss / max(1, total_tokens)

    def train_step(self, batches) -> tuple[float, int]:
        """One optimizer step. A cancel is seen before every forward and every backward pass, so a stop
        never waits for a whole accumulated step; the step is then undone (data position included)."""
        cfg, ctx, start = self.config, self.ctx, self.position
        try:
            return self._train_step(batches, cfg, ctx)
        except Cancelled:
            self.optimizer.zero_grad(set_to_none=True)
            self.position = start
            raise

    def _train_step(self, batches, cfg, ctx) -> tuple[float, int]:
        import contextlib

        import torch

        from engine.text.fast_loss import batch_loss, make_batch
        self.optimizer.zero_grad(set_to_none=True)
        loss_sum, tokens = 0.0, 0
        for number, (epoch, index, batch) in enumerate(batches):
            ctx.check_cancelled()
            tensors = {k: v.to(self.device.kind)
                       for k, v in make_batch(self.model, batch, self.tokenizer.pad_token_id).items()}
            # DDP averages gradients over the ranks once per step, on the last micro-batch
            quiet = self.ddp.no_sync() if self.ddp is not None and number < len(batches) - 1 \
                else contextlib.nullcontext()
            with quiet:
                with self.precision.autocast():
                    if self.ddp is not None:
                        loss = self.ddp(tensors) / len(batches)
                    else:
                        loss = batch_loss(self.model, tensors)[0] / len(batches)
                ctx.check_cancelled()
                if self.precision.scaler is not None:
                    self.precision.scaler.scale(loss).backward()
                else:
                    loss.backward()
            loss_sum += float(loss.detach())
            tokens += int(tensors["attention_mask"].sum()) if "attention_mask" in tensors \
                else tensors["input_ids"].numel()
            self.position = (epoch, index + 1)
        params = [p for p in self.model.parameters() if p.requires_grad]
        if self.precision.scaler is not None:
            self.precision.scaler.unscale_(self.optimizer)
        if cfg.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
        if self.precision.scaler is not None:
            self.precision.scaler.step(self.optimizer)
            self.precision.scaler.update()
        else:
            self.optimizer.step()
        self.scheduler.step()
        return loss_sum, tokens

    def loop(self) -> None:
        cfg, ctx = self.config, self.ctx
        stream = self.plan.iterate(*self.position)
        self.model.train()
        while self.step < self.total_steps:
            ctx.check_cancelled()
            started = time.perf_counter()
            batches = [next(stream) for _ in range(self.accum * self.world)]
            loss, tokens = self.train_step(batches[self.ranks.rank::self.world] if self.world > 1 else batches)
            last_epoch, last_index, _ = batches[-1]
            self.position = (last_epoch, last_index + 1)
            if self.world > 1:   # the step's loss over every rank's share, and whether to stop
                total, tokens, stop = self.ranks.sum([loss, tokens, 1.0 if ctx.cancel_requested() else 0.0])
                loss, tokens = total / self.world, int(tokens)
            if not math.isfinite(loss):
                raise UserError(tr("training diverged at step {value} (loss {loss})", value=self.step + 1, loss=loss),
                                hint=tr("lower the learning rate (now {learning_rate}); the last checkpoint is kept", learning_rate=cfg.learning_rate))
            self.step += 1
            if self.world > 1 and stop:
                raise Cancelled()
            elapsed = max(1e-9, time.perf_counter() - started)
            if self.step % cfg.log_every == 0 or self.step == self.total_steps:
                self.record("loss", loss)
                self.record("learning_rate", self.scheduler.get_last_lr()[0])
                if self.main:
                    ctx.metric("tokens_per_second", tokens / elapsed, self.step)
                    self.events.scalar("tokens_per_second", tokens / elapsed, self.step)
            ctx.report(0.03 + 0.9 * self.step / self.total_steps,
                       tr("step {step}/{total} loss {loss}", step=self.step, total=self.total_steps, loss=f"{loss:.4f}"))
            if self.step % cfg.eval_every == 0 or self.step == self.total_steps:
                if self._validate():
                    self.stopped_early = True
                    break
            if self.step % cfg.save_every == 0:
                self.save()
        if self.last_saved != self.step:
            self.save()

    def _validate(self) -> bool:
        """Evaluate, keep the best checkpoint; True when early stopping says stop.

        With several ranks rank 0 alone evaluates (on the plain model: no collective) and tells the others.
        """
        if not self.main:
            return bool(self.ranks.from_main(0.0))
        stop = self._validate_here()
        if self.world > 1:
            self.ranks.from_main(1.0 if stop else 0.0)
        return stop

    def _validate_here(self) -> bool:
        val = self.evaluate()
        if val is None:
            return False
        self.record("val_loss", val)
        self.record("perplexity", math.exp(min(val, 50)))
        if self.best_val is None or val < self.best_val:
            self.best_val, self.bad_evals = val, 0
            self.save_best()
        else:
            self.bad_evals += 1
        patience = self.config.early_stopping_patience
        if patience and self.bad_evals >= patience:
            self.ctx.log(tr("early stopping at step {step}: no improvement in {patience} evaluations", step=self.step,
                            patience=patience))
            return True
        return False


def run_training(ctx) -> dict:
    from engine.text.setup import resolve_run
    nproc = int(ctx.params.get("nproc") or 1)
    config, run, rows, resumed = resolve_run(ctx, nproc)
    if nproc > 1:
        from engine.text.train_ranks import train_on_ranks
        return train_on_ranks(ctx, run, resumed, nproc)
    result = train_run(ctx, config, run, rows, resumed)
    return {**result, "world_size": 1}


def same_effective_batch(state: dict, grad_accum: int, world: int) -> int:
    """Micro-batches per rank that keep a checkpoint's effective batch with ``world`` processes."""
    saved_world = int(state.get("world_size", 1))
    saved = int(state.get("grad_accum", grad_accum)) * saved_world
    if saved % world:
        raise UserError(tr("the checkpoint was made with {saved_world} process(es) x {value} accumulation; {world} "
                           "processes cannot keep its effective batch", saved_world=saved_world, value=saved // saved_world, world=world),
                        hint=tr("resume with a number of processes that divides {saved}", saved=saved))
    return saved // world


def train_run(ctx, config, run: dict, rows: list[dict], resumed: bool) -> dict:
    """Train ``run`` in this process (alone, or as one rank of several: ``ctx.ranks``)."""
    from engine.text.outputs import finish_run
    trainer = TextTrainer(ctx, config, run, rows, resumed)
    try:
        trainer.prepare()
        trainer.loop()
        result = None
        if trainer.main:
            ctx.report(0.95, tr("saving the result"))
            result = finish_run(trainer)
            result["effective_batch"] = trainer.effective_batch
            trainer.events.close()
    except Cancelled:
        if trainer.events is not None:
            trainer.events.close()
        if getattr(trainer, "model", None) is not None and trainer.step > max(0, trainer.last_saved):
            started = time.perf_counter()
            trainer.save()
            ctx.log(tr("stopped at step {step}; its checkpoint took {seconds:.1f} s", step=trainer.step,
                       seconds=time.perf_counter() - started))
        if trainer.main:
            runs.update_run(ctx.engine, run["id"], state="cancelled", step=trainer.step)
        raise
    except BaseException as exc:
        if trainer.events is not None:
            trainer.events.close()
        if trainer.ranks is not None:
            pass                                     # the job process records the run's state
        elif not resumed and trainer.step == 0 and ck.latest_checkpoint(trainer.run_dir) is None:
            runs.delete_run(ctx.engine, run["id"])   # refused before training: leave nothing behind
        else:
            runs.update_run(ctx.engine, run["id"], state="failed")
        if _is_oom(exc):
            raise UserError(tr("out of memory at step {value} of run {id}; the last checkpoint (step {max}) is intact", value=trainer.step + 1, id=run['id'], max=max(0, trainer.last_saved)),
                            hint=tr("start a new run with a smaller batch size, gradient checkpointing or a shorter maximum length")
                            ) from None
        raise
    ctx.report(1.0, tr("training finished"))
    return result


def _is_oom(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    try:
        import torch
        return isinstance(exc, torch.OutOfMemoryError)
    except ImportError:
        return False
