"""Score the SFT actor and every arm's actor after each iteration on held-out instructions (spec Metrics).

    lmrepro stage spar.evaluate --scale small --seed 0 --in data=... --in sft=... --in interfering_1=... \
        --in interfering_2=... --in refined_1=... --in refined_2=... --in pairs_<arm>_<it>=<iterate metrics> \
        --out metrics=results/small/spar/runs/seed0/evaluate.json

Greedy responses; `pass_<model>`: share satisfying the checker (the constraint only); `upper_<model>`: upper-case
share of the letters in responses to "write N letters" (the interfering factor; spec acceptance 2). Differences
for the claims: `pass_refined_minus_interfering_1`, `upper_drift_<arm>` (iteration 1 minus SFT),
`pass_gain_refined_2` (iteration 2 minus 1), and `edit_ratio` (refined pairs' mean token edit distance over the
interfering pairs', iteration 1).
"""
from __future__ import annotations

from statistics import mean

from lmrepro.common.generation import generate
from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.spar.pairs import prompt_ids, response_text
from lmrepro.papers.spar.params import EvalConfig
from lmrepro.worlds import instructions as W

MODELS = ("sft", "interfering_1", "interfering_2", "refined_1", "refined_2")


def main() -> None:
    with Stage.from_argv("spar", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        tokenizer = load_tokenizer(st.inp("sft"))
        rows = read_jsonl(st.inp("data") / "eval.jsonl")
        prompts = [prompt_ids(tokenizer, r["prompt"]) for r in rows]
        metrics: dict[str, float] = {}
        for name in MODELS:
            out, _ = generate(load_model(st.inp(name)), tokenizer, prompts, max_new_tokens=cfg.max_new_tokens,
                              temperature=0.0, seed=0, batch_size=cfg.gen_batch)
            texts = [response_text(tokenizer, o) for o in out]
            metrics[f"pass_{name}"] = mean(W.check(r["instruction"], t) for r, t in zip(rows, texts))
            letters = [t for r, t in zip(rows, texts) if r["instruction"]["task"] == "letters"]
            metrics[f"upper_{name}"] = mean(W.upper_ratio(t) for t in letters) if letters else 0.0
            print(f"[spar] {name}: pass {metrics[f'pass_{name}']:.3f} upper {metrics[f'upper_{name}']:.3f}", flush=True)
        pairs = {name: read_json(st.inp(f"pairs_{name}"))["metrics"] for name in ("interfering_1", "refined_1")}
        metrics["pass_refined_minus_interfering_1"] = metrics["pass_refined_1"] - metrics["pass_interfering_1"]
        for arm in ("interfering", "refined"):
            metrics[f"upper_drift_{arm}"] = metrics[f"upper_{arm}_1"] - metrics["upper_sft"]
            metrics[f"abs_upper_drift_{arm}"] = abs(metrics[f"upper_drift_{arm}"])
        metrics["pass_gain_refined_2"] = metrics["pass_refined_2"] - metrics["pass_refined_1"]
        metrics["edit_ratio"] = pairs["refined_1"]["edit_distance"] / max(pairs["interfering_1"]["edit_distance"],
                                                                           1e-9)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
