"""One training loop for every paper, on `accelerate`; methods supply a loss function and a batch function.

    state = train(model, loss_fn, get_batch, TrainConfig(steps=400, lr=3e-3, ...), out_dir=..., log=st.log_curve)

- `loss_fn(model, batch) -> (loss, {name: float})`: the method's objective (LM loss with a mask, InfoNCE, ...).
- `get_batch(step) -> batch`: a pure function of (seed, step), so a resumed run sees exactly the batches an
  uninterrupted one would, with no data-loader state to save.
- Optimisation: AdamW (or RMSprop / SGD), linear warmup then cosine (or constant) decay to `min_lr_ratio` over `schedule_steps`
  (which may exceed `steps`: MeCo stage 1 stops at 90% of a schedule that its cooldown finishes).
- Checkpoints: every `ckpt_every` steps to `<out_dir>.resume/` (weights, optimizer, scheduler, RNG, step); a
  rerun of a killed job resumes from it; it is removed once the final model is saved. `resume_from` continues
  another stage's saved state (optimizer and scheduler included) with new data.
- Logging: curves are kept in memory and handed to `log(name, step, value)`, which batches them into one
  MLflow call at the end of the stage; a tqdm bar reports progress on stderr.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import torch

from lmrepro.common.io import atomic_dir
from lmrepro.common.params import TrainConfig
from lmrepro.common.perf import flops_per_token


def lr_lambda(cfg: TrainConfig) -> Callable[[int], float]:
    horizon = cfg.schedule_steps or cfg.steps
    warmup = int(round(cfg.warmup_frac * horizon))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        if cfg.schedule == "constant":
            return 1.0
        progress = min(1.0, (step - warmup) / max(1, horizon - warmup))
        decay = 0.5 * (1 + math.cos(math.pi * progress)) if cfg.schedule == "cosine" else 1 - progress
        return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * decay

    return factor


def make_optimizer(model, cfg: TrainConfig):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (no_decay if p.ndim < 2 or "norm" in name.lower() else decay).append(p)
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if cfg.optimizer == "adamw":
        optimizer = torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))
    elif cfg.optimizer == "rmsprop":
        optimizer = torch.optim.RMSprop(groups, lr=cfg.lr, alpha=cfg.beta2)
    else:
        optimizer = torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.beta1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(cfg))
    return optimizer, scheduler


def save_state(directory: Path, model, optimizer, scheduler, step: int, tokenizer=None) -> None:
    """Weights (safetensors) + optimizer/scheduler/RNG (tensors only, loadable with weights_only=True)."""
    with atomic_dir(directory) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(tmp)
        torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "torch_rng": torch.get_rng_state()}, tmp / "trainer_state.pt")
        (tmp / "trainer_state.json").write_text(json.dumps({"step": step}))


def load_state(directory: Path, model, optimizer, scheduler) -> int:
    """Restore weights, optimizer and scheduler saved by `save_state`; returns the step to continue from."""
    from safetensors.torch import load_file

    directory = Path(directory)
    for required in ("trainer_state.pt", "trainer_state.json", "model.safetensors"):
        if not (directory / required).is_file():
            raise FileNotFoundError(f"{directory / required} is missing: {directory} is not a resumable checkpoint")
    loaded = {}
    for name, loader in (("trainer_state.pt", lambda p: torch.load(p, weights_only=True)),
                         ("model.safetensors", lambda p: load_file(p))):
        try:
            loaded[name] = loader(directory / name)
        except Exception as err:
            raise RuntimeError(f"checkpoint file {directory / name} is corrupt ({type(err).__name__}: {err}); "
                               f"delete {directory} and rerun") from err
    state, weights = loaded["trainer_state.pt"], loaded["model.safetensors"]
    model.load_state_dict(weights, strict=False)
    if getattr(model.config, "tie_word_embeddings", False):
        model.tie_weights()
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    return int(json.loads((directory / "trainer_state.json").read_text())["step"])


def train(model, loss_fn: Callable[[Any, Any], tuple[torch.Tensor, dict]], get_batch: Callable[[int], Any],
          cfg: TrainConfig, *, out_dir: str | Path | None = None, resume_from: str | Path | None = None,
          log: Callable[[str, int, float], None] | None = None,
          eval_fn: Callable[[Any, int], dict] | None = None, eval_at: tuple[int, ...] = (),
          tokenizer=None, desc: str = "train") -> dict:
    """Train `model` in place up to step `cfg.steps`; returns {"step", "loss", "eval": {step: {...}}, "timing":
    {"train_s", "tokens_per_s"}} (timings vary run to run: pass them to `Stage.log_timing`, not metrics.json)."""
    from accelerate import Accelerator
    from tqdm.auto import tqdm

    accelerator = Accelerator(mixed_precision=cfg.mixed_precision, gradient_accumulation_steps=cfg.grad_accum,
                              cpu=not torch.cuda.is_available())
    optimizer, scheduler = make_optimizer(model, cfg)
    start = 0
    resume_dir = Path(str(out_dir) + ".resume") if out_dir is not None else None
    if resume_dir is not None and (resume_dir / "trainer_state.json").is_file():
        start = load_state(resume_dir, model, optimizer, scheduler)
        print(f"[lmrepro] resuming {desc} from {resume_dir} at step {start}", flush=True)
    elif resume_from is not None:
        start = load_state(Path(resume_from), model, optimizer, scheduler)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    model.train()
    # accelerate's clipping is needed for sharded models and fp16 loss scaling; elsewhere torch's own is the
    # same computation without accelerate's per-call package checks (~1 ms a step on a tiny model).
    sharded = accelerator.distributed_type.name in ("FSDP", "DEEPSPEED", "MEGATRON_LM")
    clip_grad_norm = (accelerator.clip_grad_norm_ if sharded or cfg.mixed_precision == "fp16"
                      else torch.nn.utils.clip_grad_norm_)
    log = log or (lambda name, step, value: None)
    evals: dict[int, dict] = {}

    def evaluate(step: int) -> None:
        if eval_fn is not None and step in eval_at:
            model.eval()
            with torch.no_grad():
                result = eval_fn(accelerator.unwrap_model(model), step)
            model.train()
            evals[step] = result
            for name, value in result.items():
                log(f"eval/{name}", step, value)

    evaluate(start)
    running, n_tokens, t0, last_loss = 0.0, 0, time.time(), float("nan")
    bar = tqdm(range(start, cfg.steps), desc=desc, mininterval=2.0, disable=not accelerator.is_main_process)
    for step in bar:
        for micro in range(cfg.grad_accum):
            # micro-batch index: distinct per process under `accelerate launch`, unchanged on one process
            index = (step * cfg.grad_accum + micro) * accelerator.num_processes + accelerator.process_index
            batch = get_batch(index)
            batch = {k: v.to(accelerator.device) if torch.is_tensor(v) else v for k, v in batch.items()}
            with accelerator.accumulate(model):
                loss, extras = loss_fn(model, batch)
                accelerator.backward(loss)
                if accelerator.sync_gradients and cfg.max_grad_norm:
                    clip_grad_norm(model.parameters(), cfg.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
            running += loss.detach()
            if "input_ids" in batch:
                n_tokens += batch["input_ids"].numel()
                seq_len = batch["input_ids"].size(-1)
        done = step + 1
        if done % cfg.log_every == 0 or done == cfg.steps:
            last_loss = float(running) / (cfg.grad_accum * (cfg.log_every if done % cfg.log_every == 0
                                                             else done % cfg.log_every))
            running = 0.0
            log("train/loss", done, last_loss)
            log("train/lr", done, scheduler.get_last_lr()[0])
            for name, value in extras.items():
                log(f"train/{name}", done, float(value))
            bar.set_postfix(loss=f"{last_loss:.3f}")
        evaluate(done)
        if resume_dir is not None and cfg.ckpt_every and done % cfg.ckpt_every == 0 and done < cfg.steps:
            save_state(resume_dir, accelerator.unwrap_model(model), optimizer, scheduler, done)
    bar.close()
    elapsed = time.time() - t0
    if out_dir is not None:
        save_state(Path(out_dir), accelerator.unwrap_model(model), optimizer, scheduler, cfg.steps, tokenizer)
        if resume_dir is not None:
            shutil.rmtree(resume_dir, ignore_errors=True)
    timing = {"train_s": elapsed, "tokens_per_s": n_tokens / elapsed if elapsed > 0 else 0.0}
    if n_tokens and elapsed > 0:  # achieved training FLOP/s, and its share of the measured matmul peak
        timing["flops_per_s"] = timing["tokens_per_s"] * flops_per_token(accelerator.unwrap_model(model), seq_len)
        peak = float(os.environ.get("LMREPRO_MATMUL_PEAK_FLOPS", 0))
        if peak and not torch.cuda.is_available():
            timing["flops_vs_peak"] = timing["flops_per_s"] / peak
    return {"step": cfg.steps, "loss": last_loss, "eval": evals, "timing": timing}


def masked_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor, loss_mask: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over positions whose *target* has loss_mask 1 (causal shift inside)."""
    targets = input_ids[:, 1:]
    mask = loss_mask[:, 1:].to(logits.dtype)
    nll = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(),
                                            targets.reshape(-1), reduction="none").view_as(targets)
    return (nll * mask).sum() / mask.sum().clamp_min(1.0)


def causal_lm_loss(model, batch: dict) -> tuple[torch.Tensor, dict]:
    """The plain LM objective as a `train()` loss: next-token NLL over the targets whose `loss_mask` is 1 (all
    targets when the batch has no loss_mask); `attention_mask` is passed through when present."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch.get("attention_mask")).logits
    if "loss_mask" in batch:
        return masked_lm_loss(logits, batch["input_ids"], batch["loss_mask"]), {}
    loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(),
                                             batch["input_ids"][:, 1:].reshape(-1))
    return loss, {}

