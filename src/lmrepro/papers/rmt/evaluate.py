"""Evaluate base and mid-trained checkpoints on held-out documents (spec: DAG eval_ntp_acc, Small scale Metrics).

    lmrepro stage rmt.evaluate --scale small --seed 0 --in corpus=data/small/rmt/seed0/corpus \
        --in entropy=data/small/rmt/seed0/entropy.parquet --in base=results/small/rmt/runs/seed0/base \
        --in ntp=... --in rpt=... --in rmt=... --out metrics=results/small/rmt/runs/seed0/evaluate.json

Per model (base and every arm in `arms.run`):
- reasoned next-token accuracy: greedy "context <think>" -> parse -> prefix-match reward of the answer; at
  sum-digit positions (gold class `compute`, check A2), over a uniform sample of positions (`acc_all`), and per
  proxy-entropy bin;
- mean think length (check A1): think tokens of a valid completion, every generated token of an invalid one (as
  the midtrain stage counts them for the budget), and the share of format-valid completions;
- teacher-forced NTP loss (no reasoning) on every held-out document token (check A3), and per gold class, with
  the teacher-forced argmax accuracy per gold class (`acc_direct_compute_*`: sum digits predicted without thinking).
Reference: `acc_sumdigit_mode_baseline`, the sum-digit accuracy of always answering the most frequent digit.
"""
from __future__ import annotations

import random
import statistics

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_tokenizer, pad_id
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.rmt.data import doc_rows, format_ids, load_policy, prompt
from lmrepro.papers.rmt.method import prefix_match_reward, sample_completions
from lmrepro.papers.rmt.params import BIN_NAMES, ArmsConfig, EvalConfig, MidtrainConfig
from lmrepro.worlds.arithmetic import parse_completion


@torch.no_grad()
def reasoned_accuracy(model, tokenizer, rows, positions, max_new, fmt, batch_size) -> list[dict]:
    out = []
    for start in range(0, len(positions), batch_size):
        chunk = positions[start:start + batch_size]
        prompts = [prompt(rows[d], p, fmt["think"]) for d, p in chunk]
        comps = sample_completions(model, prompts, max_new, 0.0, pad_id(tokenizer), fmt["ans"])
        for (d, p), comp in zip(chunk, comps):
            parsed = parse_completion(tokenizer.convert_ids_to_tokens(comp))
            gold = tokenizer.convert_ids_to_tokens([i for i in rows[d, p:].tolist() if i != pad_id(tokenizer)])
            match = prefix_match_reward(" ".join(parsed[1]), [gold[0]] + [" " + t for t in gold[1:]]) \
                if parsed is not None else 0.0
            out.append({"match": match, "valid": parsed is not None,
                        "think_len": len(parsed[0]) if parsed is not None else len(comp)})
    return out


@torch.no_grad()
def ntp_losses(model, rows, pad_id, labels) -> dict[str, float]:
    logits = model(input_ids=rows).logits[:, :-1].float()
    nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), rows[:, 1:].reshape(-1),
                                            reduction="none").view(rows.size(0), -1)
    real = rows[:, 1:] != pad_id
    out = {"ntp_loss": float(nll[real].mean())}
    if labels is not None:
        hit = (logits.argmax(-1) == rows[:, 1:]).float()
        for label in sorted({x for row in labels for x in row}):
            mask = torch.tensor([[x == label for x in row] for row in labels])
            out[f"ntp_loss_{label}"] = float(nll[:, :mask.size(1)][mask].mean())
            out[f"acc_direct_{label}"] = float(hit[:, :mask.size(1)][mask].mean())
    return out


def sum_digit_mode_accuracy(train_docs: list[dict], docs: list[dict], positions: list[tuple[int, int]]) -> float:
    """Accuracy of always answering the training corpus' most frequent tens / units digit: what a model that
    does no arithmetic at all scores at sum-digit positions (tens: the digit after "=", units: the next one)."""
    from collections import Counter

    def kind(labels, i):
        return "tens" if labels[i - 1] != "compute" else "units"

    counts = {"tens": Counter(), "units": Counter()}
    for d in train_docs:
        toks = d["text"].split()
        for i, lab in enumerate(d["labels"]):
            if lab == "compute":
                counts[kind(d["labels"], i)][toks[i]] += 1
    mode = {k: c.most_common(1)[0][0] for k, c in counts.items()}
    hits = [docs[d]["text"].split()[p - 1] == mode[kind(docs[d]["labels"], p - 1)] for d, p in positions]
    return statistics.fmean(hits)


def main() -> None:
    with Stage.from_argv("rmt", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        mcfg = st.params("midtrain", MidtrainConfig)
        arms = st.params("arms", ArmsConfig).run
        import pyarrow.parquet as pq

        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        fmt = format_ids(tokenizer)
        docs = read_jsonl(st.inp("corpus") / "heldout.jsonl")
        rows = doc_rows(tokenizer, docs, mcfg.max_len)
        labels = [d["labels"] for d in docs] if docs[0]["labels"] is not None else None
        table = pq.read_table(st.inp("entropy"), filters=[("split", "=", "heldout")]).to_pydict()
        bin_of = {(d, p): b for d, p, b in zip(table["doc"], table["position"], table["bin"])}
        all_positions = sorted(bin_of)
        sum_positions = [(d, p) for d, p in all_positions if labels and d < cfg.n_sum_docs
                         and labels[d][p - 1] == "compute"]
        uniform = random.Random(derive_seed(st.seed, "eval_positions")).sample(
            all_positions, min(cfg.n_uniform, len(all_positions)))
        positions = sum_positions + uniform
        m = {}
        if sum_positions:
            m["acc_sumdigit_mode_baseline"] = sum_digit_mode_accuracy(read_jsonl(st.inp("corpus") / "docs.jsonl"),
                                                                      docs, sum_positions)
        for name in ["base", *arms]:
            model = load_policy(st.inp(name), tokenizer).eval()
            res = reasoned_accuracy(model, tokenizer, rows, positions, mcfg.max_new_tokens, fmt, cfg.batch_size)
            res_sum, res_uni = res[:len(sum_positions)], res[len(sum_positions):]
            if res_sum:
                m[f"acc_sumdigit_{name}"] = statistics.fmean(r["match"] for r in res_sum)
            m[f"acc_all_{name}"] = statistics.fmean(r["match"] for r in res_uni)
            for b, bname in enumerate(BIN_NAMES):
                hits = [r["match"] for r, pos in zip(res_uni, uniform) if bin_of[pos] == b]
                if hits:
                    m[f"acc_{bname}_{name}"] = statistics.fmean(hits)
            m[f"think_len_{name}"] = statistics.fmean(r["think_len"] for r in res)
            m[f"valid_{name}"] = statistics.fmean(r["valid"] for r in res)
            for key, value in ntp_losses(model, rows, pad_id(tokenizer), labels).items():
                m[f"{key}_{name}"] = value
        m["think_ratio_rmt_rpt"] = m["think_len_rmt"] / max(m["think_len_rpt"], 1e-9)
        m["ntp_loss_rpt_minus_rmt"] = m["ntp_loss_rpt"] - m["ntp_loss_rmt"]
        m["ntp_loss_rmt_minus_base"] = m["ntp_loss_rmt"] - m["ntp_loss_base"]
        if sum_positions:
            m["acc_sumdigit_rmt_minus_rpt"] = m["acc_sumdigit_rmt"] - m["acc_sumdigit_rpt"]
            m["acc_sumdigit_rmt_minus_base"] = m["acc_sumdigit_rmt"] - m["acc_sumdigit_base"]
            m["acc_sumdigit_rpt_minus_base"] = m["acc_sumdigit_rpt"] - m["acc_sumdigit_base"]
        st.log_metrics(m)
        for key, value in sorted(m.items()):
            print(f"{key:36s} {value:.4f}")


if __name__ == "__main__":
    main()
