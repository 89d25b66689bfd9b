"""infer + evaluate (spec DAG `infer`, Metrics): exact match and generation FLOPs of every arm on the test set.

    lmrepro stage sentence_lm.evaluate --scale small --seed 0 --in data=data/small/sentence_lm/seed0/tasks \
        --in cot=.../seed0/cot --in nocot=.../seed0/nocot --in emb_ctx=.../seed0/emb_ctx \
        --in latent_ctx=.../seed0/latent_ctx [--in emb_sem=... --in latent_sem=...] \
        --out metrics=results/small/sentence_lm/runs/seed0/evaluate.json --out traces=.../seed0/lens_traces.json

Arms: cot and nocot (greedy token generation), and for each latent arm present (ctx; sem where its checkpoints
are inputs) continuous and discretized inference (method.latent_infer). Answers are compared with the world's
checker (exact match). FLOPs (spec Metrics): forward positions after the shared question prefill (KV-cached),
x 2N with N the parameter count of the backbone (E, D, M and the CoT model share one architecture); totals with
the prefill are reported too. SentenceLens (C4): every continuous latent decoded by D and compared with the
world's gold intermediate state; accuracy by chain length shows the continuous-mode degradation (spec pitfall).
"""
from __future__ import annotations

import statistics

import torch

from lmrepro.common.io import write_json
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.sentence_lm.method import (LatentModel, SentenceCodec, cot_positions, encode_row, exact_match,
                                               flops_per_position, generate, latent_infer, load_with_heads,
                                               parse_answer, special_ids)
from lmrepro.papers.sentence_lm.params import EvalConfig
from lmrepro.worlds.reasoning import parse_step, read_jsonl


def mean(values) -> float:
    values = list(values)
    return statistics.fmean(values) if values else float("nan")


def by_length(correct: list[bool], rows: list[dict], name: str) -> dict:
    out = {}
    for n in sorted({len(r["steps"]) for r in rows}):
        hits = [c for c, r in zip(correct, rows) if len(r["steps"]) == n]
        out[f"{name}_len{n}"] = mean(hits)
    return out


def main() -> None:
    with Stage.from_argv("sentence_lm", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        bos, eos, pad = special_ids(tokenizer)
        rows = read_jsonl(data / "test.jsonl")[:cfg.n_test]
        encs = [encode_row(tokenizer, r) for r in rows]
        batches = [range(i, min(i + cfg.batch_size, len(rows))) for i in range(0, len(rows), cfg.batch_size)]
        metrics, positions, traces = {}, {}, []
        prefill = mean(1 + len(e["q"]) for e in encs)

        for arm in ("cot", "nocot"):
            lm = load_model(st.inp(arm)).eval()
            answers, gen = [], []
            for idx in batches:
                for tokens in generate(lm, [[bos, *encs[i]["q"]] for i in idx], cfg.max_new_tokens, eos, pad):
                    answers.append(parse_answer(tokenizer.decode([t for t in tokens if t != eos])))
                    gen.append(cot_positions(len(tokens)))
            metrics[f"acc_{arm}"] = exact_match(answers, rows)
            metrics.update(by_length([a == r["answer"] for a, r in zip(answers, rows)], rows, f"acc_{arm}"))
            positions[arm] = mean(gen)
        fpp = flops_per_position(lm)

        for arm in ("ctx", "sem"):
            if f"latent_{arm}" not in st.inputs:
                continue
            codec = load_with_heads(SentenceCodec, st.inp(f"emb_{arm}"))
            model = load_with_heads(LatentModel, st.inp(f"latent_{arm}"))
            for mode in ("continuous", "discretized"):
                name = f"{arm}_{mode[:4]}"
                runs = [latent_infer(model, codec, tokenizer, [encs[i] for i in idx], arm, mode, cfg.max_latents,
                                     cfg.max_sentence_tokens, lens=mode == "continuous") for idx in batches]
                answers = [a for r in runs for a in r.answers]
                n_latents = [k for r in runs for k in r.n_latents]
                metrics[f"acc_{name}"] = exact_match(answers, rows)
                metrics.update(by_length([a == r["answer"] for a, r in zip(answers, rows)], rows, f"acc_{name}"))
                metrics[f"n_latents_{name}"] = mean(n_latents)
                metrics[f"stop_exact_{name}"] = mean(k == len(r["steps"]) + 1 for k, r in zip(n_latents, rows))
                positions[name] = mean(p for r in runs for p in r.gen_positions)
                if mode == "continuous":  # SentenceLens: decoded latents vs the gold intermediate states
                    lens = [t for r in runs for t in r.lens]
                    hits = [t < len(texts) - 1 and parse_step(texts[t]) == state  # a missing latent is a miss
                            for texts, r in zip(lens, rows) for t, state in enumerate(r["states"] or [])]
                    # GSM8K rows (paper scale) carry no gold intermediate states: the lens is not scored there
                    metrics[f"lens_step_acc_{name}"] = mean(hits) if hits else float("nan")
                    traces += [{"arm": name, "question": r["question"], "gold_steps": r["steps"],
                                "gold_answer": r["answer"], "decoded_latents": t}
                                for r, t in list(zip(rows, lens))[:cfg.n_traces]]

        for name, gen in positions.items():
            metrics[f"gen_positions_{name}"] = gen
            metrics[f"gen_flops_{name}"] = gen * fpp
            metrics[f"total_flops_{name}"] = (prefill + gen) * fpp
        metrics["prefill_positions"] = prefill
        metrics["gain_cot_nocot"] = metrics["acc_cot"] - metrics["acc_nocot"]
        if "acc_ctx_cont" in metrics:
            metrics["gain_ctx_nocot"] = metrics["acc_ctx_cont"] - metrics["acc_nocot"]
            metrics["gap_ctx_cot"] = metrics["acc_ctx_cont"] - metrics["acc_cot"]
            metrics["flops_ratio_gen"] = positions["ctx_cont"] / positions["cot"]
            metrics["flops_ratio_total"] = (prefill + positions["ctx_cont"]) / (prefill + positions["cot"])
        st.log_metrics(metrics)
        write_json(st.out("traces"), traces)
        for key in sorted(metrics):
            print(f"{key}: {metrics[key]:.4f}")


if __name__ == "__main__":
    main()
