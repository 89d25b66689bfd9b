"""Sample K answers and one greedy answer per test question, and teacher-force each sample's token NLLs.

    lmrepro stage sar.generate --scale small --seed 0 --in data=data/small/sar/seed0/prep \
        --in model=results/small/sar/runs/seed0/base --out generations=results/small/sar/runs/seed0/generations.jsonl \
        --out metrics=results/small/sar/runs/seed0/generate.json
    (ci: --scale ci; paper: --in model=data/hub/facebook/opt-2.7b, the same command)

Spec DAG `generate` + `likelihoods`. The prompt is BOS + the question; an answer is the generated ids up to and
including the first EOS. z_i = -log p(y_i | y_<i, x) comes from a teacher-forced pass over (prompt, answer), EOS
included (PE and LN-PE count it; TokenSAR gives it zero relevance, as lm-polygraph does for special tokens). The
greedy answer decides correctness only (paper Sec. 5.1).

Output generations.jsonl, one row per question: id, question, value, reference, exposures, greedy {ids, text},
samples [{ids, tokens, text, nll}] (tokens: each id decoded alone; text: the answer without special tokens).
"""
from __future__ import annotations

import json

import torch

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.preference import completion_batch, completion_token_logps
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.sar.params import GenerateConfig


@torch.no_grad()
def token_nlls(model, tokenizer, prompts: list[list[int]], answers: list[list[int]], batch_size: int
               ) -> list[list[float]]:
    """Teacher-forced -log p(y_i | y_<i, x) for every answer token, one list per (prompt, answer)."""
    out: list[list[float]] = []
    for i in range(0, len(prompts), batch_size):
        pairs = list(zip(prompts[i:i + batch_size], answers[i:i + batch_size]))
        batch = completion_batch(pairs, pad_id(tokenizer))
        logps = completion_token_logps(model, batch)
        for row, (prompt, answer) in enumerate(pairs):
            start = len(prompt) - 1  # logps[:, t] scores token t + 1
            out.append((-logps[row, start:start + len(answer)]).tolist())
    return out


def main() -> None:
    with Stage.from_argv("sar", "generate") as st:
        cfg = st.params("generate", GenerateConfig)
        questions = read_jsonl(st.inp("data") / "questions.jsonl")
        tokenizer = load_tokenizer(st.inp("model"))
        model = load_model(st.inp("model")).eval()
        prefix = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        prompts = [prefix + tokenizer.encode(q["question"], add_special_tokens=False) for q in questions]
        greedy, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0,
                             seed=derive_seed(st.seed, "greedy"), batch_size=cfg.batch_size)
        # sample k of every question in one call: rows are question-major, k = row % num_samples
        repeated = [p for p in prompts for _ in range(cfg.num_samples)]
        sampled, finished = generate(model, tokenizer, repeated, max_new_tokens=cfg.max_new_tokens,
                                     temperature=cfg.temperature, seed=derive_seed(st.seed, "samples"),
                                     batch_size=cfg.batch_size)
        nlls = token_nlls(model, tokenizer, repeated, sampled, cfg.batch_size)
        rows = []
        for i, q in enumerate(questions):
            samples = []
            for k in range(cfg.num_samples):
                ids = sampled[i * cfg.num_samples + k]
                samples.append({"ids": ids, "tokens": [tokenizer.decode([t]) for t in ids],
                                "text": tokenizer.decode(ids, skip_special_tokens=True),
                                "nll": nlls[i * cfg.num_samples + k]})
            rows.append({**q, "greedy": {"ids": greedy[i], "text": tokenizer.decode(greedy[i],
                                                                                   skip_special_tokens=True)},
                         "samples": samples})
        write_jsonl(st.out("generations"), rows)
        stats = {"n_questions": len(rows), "samples_finished": sum(finished) / len(finished),
                 "mean_answer_tokens": sum(map(len, sampled)) / len(sampled),
                 "mean_sample_nll": sum(map(sum, nlls)) / len(nlls)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
