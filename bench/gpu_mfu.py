"""GPU MFU: our training loop vs a plain PyTorch loop on a GPT-2-124M-shaped model (bf16 autocast, SDPA,
torch.compile), against the GPU's dense bf16 peak.

    python bench/gpu_mfu.py [--steps 50] [--batch 16] [--seq 1024]

Prints a JSON record, or {"gpu_mfu": null, "reason": ...} without CUDA. FLOPs per token: 6 N + 12 L d T (PaLM).
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from lmrepro.common.models import build_model, n_params
from lmrepro.common.train import TrainConfig, make_optimizer, masked_lm_loss, train

GPT2_124M = {"family": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024,
             "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "attn_implementation": "sdpa"}
DENSE_BF16_PEAK = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L40S": 362e12}  # vendor sheets, no sparsity


def peak_for(name: str) -> float | None:
    return next((v for k, v in DENSE_BF16_PEAK.items() if k in name), None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seq", type=int, default=1024)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"gpu_mfu": None, "reason": "no CUDA device"}))
        return
    torch.backends.cuda.matmul.allow_tf32 = True
    name = torch.cuda.get_device_name()
    peak = peak_for(name)
    vocab = 50304
    gen = torch.Generator().manual_seed(0)
    data = [torch.randint(0, vocab, (args.batch, args.seq), generator=gen) for _ in range(8)]
    mask = torch.ones(args.batch, args.seq, dtype=torch.long)

    def get_batch(i):
        return {"input_ids": data[i % 8], "loss_mask": mask}

    def loss_fn(model, b):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(input_ids=b["input_ids"]).logits
        return masked_lm_loss(logits, b["input_ids"], b["loss_mask"]), {}

    def fresh():
        torch.manual_seed(0)
        return torch.compile(build_model(GPT2_124M, vocab_size=vocab).cuda())

    cfg = TrainConfig(steps=args.steps, lr=6e-4, warmup_frac=0.1, log_every=10, mixed_precision="no")
    model = fresh()
    train(model, loss_fn, get_batch, TrainConfig(steps=5, lr=6e-4))  # compile + warm-up
    ours_s = train(model, loss_fn, get_batch, cfg)["timing"]["train_s"]

    model = fresh()
    optimizer, scheduler = make_optimizer(model, cfg)
    for phase, steps in (("warmup", 5), ("timed", args.steps)):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for step in range(steps):
            b = {k: v.cuda(non_blocking=True) for k, v in get_batch(step).items()}
            loss, _ = loss_fn(model, b)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        raw_s = time.perf_counter() - t0

    n = n_params(build_model(GPT2_124M, vocab_size=vocab))
    flops_per_token = 6 * n + 12 * GPT2_124M["n_layer"] * GPT2_124M["n_embd"] * args.seq
    tokens = args.steps * args.batch * args.seq
    record = {"device": name, "dense_bf16_peak": peak, "params": n, "tokens_per_step": args.batch * args.seq,
              "ours_tokens_per_s": tokens / ours_s, "raw_tokens_per_s": tokens / raw_s,
              "gpu_mfu": tokens / ours_s * flops_per_token / peak if peak else None,
              "raw_mfu": tokens / raw_s * flops_per_token / peak if peak else None}
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
