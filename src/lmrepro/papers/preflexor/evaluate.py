"""Score every arm on the held-out 2-hop questions (spec Metrics; DAG step 6).

    lmrepro stage preflexor.evaluate --scale small --seed 0 --in data=data/small/preflexor/seed0/prep \
        --in sft_direct=... --in sft_think=... --in preflexor=<last EXO round> --in orpo_static=<last EXO round> \
        --in preflexor_orpo=<last ORPO round> --out metrics=results/small/preflexor/runs/seed0/evaluate.json

Greedy decoding. `acc_<model>`: exact match of the answer (the words after the last <|/thinking|>). Thinking
models also get `valid_<model>` (closed thinking of two well-formed facts and a one-word answer), `faithful_<model>`
(both facts on the question's true path) and the 1-pass reflection variant: where the thinking has a wrong or
missing fact, the first one is replaced by the retriever's fact and the model regenerates from there;
`corrected_gain_<model>` is the accuracy on those questions after minus before (answers that depend on the
thinking span rise). Claim differences: `acc_preflexor_minus_<arm>`.
"""
from __future__ import annotations

import json
from statistics import mean

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.preflexor.params import EvalConfig
from lmrepro.papers.preflexor.thinking import END_THINK, completion_words, prompt_ids
from lmrepro.worlds import kg as W

MODELS = {"sft_direct": False, "sft_think": True, "preflexor": True, "orpo_static": True, "preflexor_orpo": True}


def corrected_prefix(kg: W.KnowledgeGraph, row: dict, facts: list) -> str | None:
    """The model's correct leading facts plus the retriever's fact in place of its first wrong (or missing) one;
    None where the thinking is right."""
    path = W.retrieve(kg, row)
    wrong = next((i for i, t in enumerate(path) if i >= len(facts) or facts[i] != t), None)
    return None if wrong is None else " ".join(W.fact_text(*t) for t in path[:wrong + 1])


def main() -> None:
    with Stage.from_argv("preflexor", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        kg = W.from_json(json.loads((data / "kg.json").read_text()))
        rows = read_jsonl(data / "eval.jsonl")
        tokenizer = load_tokenizer(st.inp("sft_think"))
        metrics: dict[str, float] = {}

        def answers(model, prompts: list[list[int]]) -> list[list[str]]:
            out, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0,
                              seed=0, batch_size=cfg.gen_batch)
            return [completion_words(tokenizer, ids) for ids in out]

        for name, think in MODELS.items():
            model = load_model(st.inp(name))
            prompts = [prompt_ids(tokenizer, r["question"], think) for r in rows]
            parsed = [W.parse_completion(kg, words, END_THINK) for words in answers(model, prompts)]
            grades = [W.grade(kg, r, p) for r, p in zip(rows, parsed)]
            metrics[f"acc_{name}"] = mean(g["correct"] for g in grades)
            if think:
                metrics[f"valid_{name}"] = mean(g["valid"] for g in grades)
                metrics[f"faithful_{name}"] = mean(g["faithful"] for g in grades)
                fixes = [(i, corrected_prefix(kg, r, p["facts"])) for i, (r, p) in enumerate(zip(rows, parsed))]
                fixes = [(i, prefix) for i, prefix in fixes if prefix is not None]
                regenerated = answers(model, [prompts[i] + tokenizer.encode(prefix, add_special_tokens=False)
                                              for i, prefix in fixes])
                after = [W.grade(kg, rows[i], W.parse_completion(kg, prefix.split() + words, END_THINK))["correct"]
                         for (i, prefix), words in zip(fixes, regenerated)]
                before = [grades[i]["correct"] for i, _ in fixes]
                metrics[f"n_corrected_{name}"] = len(fixes)
                metrics[f"corrected_gain_{name}"] = mean(after) - mean(before) if fixes else float("nan")
            print(f"[preflexor] {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()
                                                      if k.endswith(f"_{name}")), flush=True)
        for arm in ("sft_direct", "sft_think", "orpo_static"):
            metrics[f"acc_preflexor_minus_{arm}"] = metrics["acc_preflexor"] - metrics[f"acc_{arm}"]
        metrics["acc_think_minus_direct"] = metrics["acc_sft_think"] - metrics["acc_sft_direct"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
