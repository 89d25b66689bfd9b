"""Training-loop benchmarks: our `train()` vs a plain PyTorch loop, and achieved FLOP/s vs the measured matmul peak.

    python bench/throughput.py --shape meco --steps 60 --repeats 3

Both loops train the same model (same init), on the same batches, with AdamW + the same LR schedule + gradient
clipping, on the same number of torch threads. FLOPs per token follow the PaLM convention: 6 N (N = non-embedding
+ embedding parameters that take part in matmuls: we count all parameters) + 12 * n_layer * d_model * seq_len
(attention scores and values, forward and backward).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from lmrepro.common.models import build_model, n_params
from lmrepro.common.perf import flops_per_token, matmul_peak_flops
from lmrepro.common.train import TrainConfig, make_optimizer, masked_lm_loss, train

SHAPES = {  # the `small` model shapes of the implemented papers
    "meco": ({"family": "llama", "hidden_size": 64, "intermediate_size": 256, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 4, "max_position_embeddings": 64}, 300, 32, 64),
    "sami": ({"family": "llama", "hidden_size": 128, "intermediate_size": 512, "num_hidden_layers": 3,
              "num_attention_heads": 4, "num_key_value_heads": 4, "max_position_embeddings": 96}, 400, 32, 96),
    "wechsel": ({"family": "gpt2", "n_embd": 128, "n_layer": 4, "n_head": 4, "n_positions": 64,
                 "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}, 1024, 32, 32),
}


def make_batches(vocab: int, batch: int, seq: int, n: int = 16):
    gen = torch.Generator().manual_seed(0)
    data = [torch.randint(4, vocab, (batch, seq), generator=gen) for _ in range(n)]
    return lambda step: {"input_ids": data[step % n], "loss_mask": torch.ones(batch, seq, dtype=torch.long)}


def loss_fn(model, b):
    return masked_lm_loss(model(input_ids=b["input_ids"]).logits, b["input_ids"], b["loss_mask"]), {}


def raw_loop(model, get_batch, cfg: TrainConfig) -> float:
    """The plain ~40-line PyTorch loop we compare against; returns seconds for cfg.steps steps."""
    optimizer, scheduler = make_optimizer(model, cfg)
    model.train()
    t0 = time.perf_counter()
    for step in range(cfg.steps):
        batch = get_batch(step)
        loss, _ = loss_fn(model, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
    return time.perf_counter() - t0


def ours(model, get_batch, cfg: TrainConfig) -> float:
    result = train(model, loss_fn, get_batch, cfg, desc="bench")
    return result["timing"]["train_s"]


def measure(shape: str, steps: int, repeats: int, threads: int) -> dict:
    torch.set_num_threads(threads)
    spec, vocab, batch, seq = SHAPES[shape]
    get_batch = make_batches(vocab, batch, seq)
    cfg = TrainConfig(steps=steps, lr=1e-3, warmup_frac=0.05, log_every=10)
    times = {"raw": [], "ours": []}
    for _ in range(repeats):
        for name, fn in (("raw", raw_loop), ("ours", ours)):  # interleaved, so drift hits both alike
            torch.manual_seed(0)
            model = build_model(spec, vocab_size=vocab)
            fn(model, get_batch, TrainConfig(steps=5, lr=1e-3))  # warm-up (allocator, kernels)
            torch.manual_seed(0)
            model = build_model(spec, vocab_size=vocab)
            times[name].append(fn(model, get_batch, cfg))
    tokens = steps * batch * seq
    ours_tps = tokens / statistics.median(times["ours"])
    raw_tps = tokens / statistics.median(times["raw"])
    peak = matmul_peak_flops()
    model = build_model(spec, vocab_size=vocab)
    achieved = ours_tps * flops_per_token(model, seq)
    return {"shape": shape, "params": n_params(model), "tokens_per_step": batch * seq, "threads": threads,
            "ours_tokens_per_s": ours_tps, "raw_tokens_per_s": raw_tps, "trainer_vs_raw": ours_tps / raw_tps,
            "achieved_flops": achieved, "matmul_peak_flops": peak, "cpu_flops_vs_peak": achieved / peak}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps([measure(s, args.steps, args.repeats, args.threads) for s in args.shape or sorted(SHAPES)],
                     indent=2))


if __name__ == "__main__":
    main()
