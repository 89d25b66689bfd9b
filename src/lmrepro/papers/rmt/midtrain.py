"""Mid-train the base with one arm: NTP, RPT (GRPO on medium+hard positions) or RMT (GRPO with token budget and
length reward, easy->hard curriculum, plus the dual NTP term), and RMT's ablations (spec: Method, Small scale).

    lmrepro stage rmt.midtrain --scale small --seed 0 --set run.arm=rmt --in corpus=data/small/rmt/seed0/corpus \
        --in entropy=data/small/rmt/seed0/entropy.parquet --in base=results/small/rmt/runs/seed0/base \
        --out model=results/small/rmt/runs/seed0/rmt --out rollouts=results/small/rmt/runs/seed0/rmt.rollouts.jsonl \
        --out metrics=results/small/rmt/runs/seed0/midtrain_rmt.json

Each RL step: `n_contexts` target positions (RPT: uniform over the medium+hard positions; RMT: a bin drawn from
the curriculum p_t(b), then a uniform position in it), G rollouts each at temperature T from the prompt
"context <think>", reward r = r_match (1 + lambda_len r_len(l; B_t)) (RPT: r_match), group-normalised advantages
with zero-variance groups skipped, PPO-clip GRPO loss, + lambda_ntp * NTP on the full documents of the step's
contexts (corpus tokens, never rollouts). The NTP arm trains plain NTP on as many documents per step. Every
step's budget, sampled bins, rewards and lengths go to the rollouts JSONL (check A4 reads it).
"""
from __future__ import annotations

import os
import statistics

import torch

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_tokenizer, pad_id
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.rmt.data import doc_rows, format_ids, load_policy, prompt
from lmrepro.papers.rmt.method import (completion_logprobs, curriculum_probs, group_advantages, grpo_loss,
                                       ntp_loss, prefix_match_reward, rmt_reward, sample_completions, token_budget)
from lmrepro.papers.rmt.params import ARMS, MidtrainConfig, RunConfig
from lmrepro.worlds.arithmetic import parse_completion


def spearman(values: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(range(len(values)), values).statistic) if len(set(values)) > 1 else 0.0


def main() -> None:
    with Stage.from_argv("rmt", "midtrain") as st:
        arm = st.params("run", RunConfig).arm
        cfg = st.params("midtrain", MidtrainConfig)
        train_cfg = st.params("midtrain_train", TrainConfig)
        use_rl, use_budget, use_curriculum, use_ntp, bins_key = ARMS[arm]
        import pyarrow.parquet as pq

        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")  # holds the format tokens at every scale
        fmt = format_ids(tokenizer)
        docs = read_jsonl(st.inp("corpus") / "docs.jsonl")
        rows = doc_rows(tokenizer, docs, cfg.max_len)
        table = pq.read_table(st.inp("entropy"), filters=[("split", "=", "docs")]).to_pydict()
        by_bin: dict[int, list[tuple[int, int]]] = {}
        for d, p, b in zip(table["doc"], table["position"], table["bin"]):
            by_bin.setdefault(b, []).append((d, p))
        rl_bins = getattr(cfg, bins_key) if use_rl else []
        pool = [pos for b in rl_bins for pos in by_bin.get(b, [])]
        if use_rl and not pool:
            raise ValueError(f"rmt.midtrain: no corpus position falls in bins {rl_bins}; check entropy.bin_edges")
        data_seed = derive_seed(st.seed, "midtrain", arm)
        pad = pad_id(tokenizer)
        stats: list[dict] = []

        world_size = int(os.environ.get("WORLD_SIZE", "1"))  # set by `accelerate launch` (paper scale)

        def get_batch(index: int) -> dict:
            # `train` passes a micro-batch index, distinct per process; the budget and curriculum need the step
            step = index // (train_cfg.grad_accum * world_size)
            g = torch.Generator().manual_seed(data_seed + index)
            if not use_rl:
                return {"docs": torch.randint(len(rows), (cfg.n_contexts,), generator=g)}
            if use_curriculum:
                probs = curriculum_probs(step / max(1, train_cfg.steps - 1), len(rl_bins), cfg.sigma,
                                         [bool(by_bin.get(b)) for b in rl_bins])
                picks = torch.multinomial(torch.tensor(probs), cfg.n_contexts, replacement=True, generator=g)
                bins = [rl_bins[i] for i in picks.tolist()]
                chosen = [by_bin[b][int(torch.randint(len(by_bin[b]), (1,), generator=g))] for b in bins]
            else:
                chosen = [pool[i] for i in torch.randint(len(pool), (cfg.n_contexts,), generator=g).tolist()]
            return {"docs": torch.tensor([d for d, _ in chosen]), "positions": torch.tensor([p for _, p in chosen]),
                    "step": torch.tensor(step)}

        def rollout_rewards(contexts, completions, budget):
            rewards, matches, lengths, valid = [], [], [], []
            for (d, p), comp in zip(contexts, completions):
                parsed = parse_completion(tokenizer.convert_ids_to_tokens(comp))
                gold = tokenizer.convert_ids_to_tokens([i for i in rows[d, p:].tolist() if i != pad])
                match = 0.0
                if parsed is not None:
                    match = prefix_match_reward(" ".join(parsed[1]), [gold[0]] + [" " + t for t in gold[1:]])
                length = len(parsed[0]) if parsed is not None else len(comp)
                rewards.append(rmt_reward(match, length, budget, cfg.lambda_len))
                matches.append(match)
                lengths.append(length)
                valid.append(parsed is not None)
            return rewards, matches, lengths, valid

        def loss_fn(model, batch):
            docs_t = batch["docs"]
            loss = next(model.parameters()).sum() * 0.0  # a graph even when every group is skipped
            extras = {}
            if use_rl:
                step = int(batch["step"])
                budget = token_budget(step, train_cfg.steps, cfg.b0, cfg.b_min, cfg.gamma, cfg.k) \
                    if use_budget else None
                contexts = [(int(d), int(p)) for d, p in zip(docs_t, batch["positions"])
                            for _ in range(cfg.group_size)]
                prompts = [prompt(rows[d], p, fmt["think"]) for d, p in contexts]
                g = torch.Generator().manual_seed(derive_seed(data_seed, "rollouts", step))
                completions = sample_completions(model, prompts, cfg.max_new_tokens, cfg.temperature, pad,
                                                 fmt["ans"], g)
                rewards, matches, lengths, valid = rollout_rewards(contexts, completions, budget)
                adv, keep = group_advantages(torch.tensor(rewards), cfg.group_size, cfg.adv_eps)
                idx = torch.nonzero(keep).flatten().tolist()
                if idx:
                    logps, mask = completion_logprobs(model, [prompts[i] for i in idx],
                                                      [completions[i] for i in idx], pad)
                    loss = grpo_loss(logps, logps.detach(), adv[idx], mask, cfg.clip_eps)
                bins = [by_bin_of[(d, p)] for d, p in contexts[::cfg.group_size]]
                record = {"step": step, "budget": budget, "mean_bin": statistics.fmean(bins),
                          "reward": statistics.fmean(rewards), "match": statistics.fmean(matches),
                          "think_len": statistics.fmean(lengths), "valid": statistics.fmean(valid),
                          "skipped_groups": 1 - len(idx) / len(rewards)}
                stats.append(record)
                extras = {k: v for k, v in record.items() if k != "step" and v is not None}
            if use_ntp:
                ntp = ntp_loss(model, rows[docs_t])
                extras["ntp_loss"] = float(ntp)
                loss = loss + (cfg.lambda_ntp if use_rl else 1.0) * ntp
            return loss, extras

        by_bin_of = {pos: b for b, positions in by_bin.items() for pos in positions}
        model = load_policy(st.inp("base"), tokenizer)
        seed_everything(derive_seed(st.seed, "midtrain_init", arm))
        result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"rmt {arm}")
        write_jsonl(st.out("rollouts"), stats)
        metrics = {"final_loss": result["loss"], "steps": result["step"]}
        if stats:
            budgets = [s["budget"] for s in stats]
            mean_bins = [s["mean_bin"] for s in stats]
            tail = stats[-max(1, len(stats) // 5):]
            metrics.update({
                "curriculum_spearman": spearman(mean_bins),
                "first_mean_bin": statistics.fmean(mean_bins[:max(1, len(stats) // 5)]),
                "last_mean_bin": statistics.fmean(mean_bins[-max(1, len(stats) // 5):]),
                "final_reward": statistics.fmean(s["reward"] for s in tail),
                "final_match": statistics.fmean(s["match"] for s in tail),
                "final_think_len": statistics.fmean(s["think_len"] for s in tail),
                "final_valid": statistics.fmean(s["valid"] for s in tail),
                "skipped_groups": statistics.fmean(s["skipped_groups"] for s in stats)})
            if use_budget:
                metrics["budget_nonincreasing"] = float(all(a >= b for a, b in zip(budgets, budgets[1:])))
                metrics["budget_final_at_min"] = float(abs(budgets[-1] - cfg.b_min) < 1e-9)
                metrics["budget_ok"] = metrics["budget_nonincreasing"] * metrics["budget_final_at_min"]
        st.log_metrics(metrics)
        st.log_timing(result["timing"])
        print(metrics)


if __name__ == "__main__":
    main()
