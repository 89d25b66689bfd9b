"""Score every arm's outputs: knowledge recall and false values (world facts), ROUGE-L and BLEU (reference),
distinct-2, and the median perplexity of the outputs under the frozen LM; then KID's gains over sampling.

    lmrepro stage kid.score --scale small --seed 0 --in data=data/small/kid/seed0/prep \
        --in model=results/small/kid/runs/seed0/base --in gen_kid=results/small/kid/runs/seed0/gen_kid.jsonl ... \
        --out metrics=results/small/kid/runs/seed0/score.json

Spec DAG `score`. Metrics per arm `<metric>_<arm>`; the acceptance checks read recall_gain_kid (A1),
rouge_l_gain_kid (A2), ppl_ratio_kid and distinct2_ratio_kid (A3) and recall_gain_kid_random (A4).
"""
from __future__ import annotations

import json
import statistics

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.stage import Stage
from lmrepro.papers.kid.metrics import bleu, distinct_n, false_values, knowledge_recall, perplexities, rouge_l
from lmrepro.papers.kid.params import ARMS, ScoreConfig


def arm_metrics(gens: list[dict], test: dict[int, dict], value_words: set[str], ppl: list[float]) -> dict:
    outputs = [g["output"] for g in gens]
    references = [test[g["id"]]["reference"] for g in gens]
    finite = [p for p in ppl if p == p]
    return {
        "recall": sum(knowledge_recall(test[g["id"]]["values"], g["output"]) for g in gens) / len(gens),
        "false_values": sum(false_values(set(test[g["id"]]["true_values"]), value_words, g["output"])
                            for g in gens) / len(gens),
        "rouge_l": rouge_l(references, outputs),
        "bleu": bleu(references, outputs),
        "distinct2": distinct_n(outputs, 2),
        "ppl_median": statistics.median(finite) if finite else float("nan"),
    }


def main() -> None:
    with Stage.from_argv("kid", "score") as st:
        cfg = st.params("score", ScoreConfig)
        tokenizer = load_tokenizer(st.inp("model"))
        model = load_model(st.inp("model"))
        test = {r["id"]: r for r in read_jsonl(st.inp("data") / "test.jsonl")}
        value_words = set(json.loads((st.inp("data") / "lexicon.json").read_text())["value_words"])
        results = {}
        bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        bare = {i: bos + tokenizer.encode(r["prompt"], add_special_tokens=False) for i, r in test.items()}
        for arm in ARMS:
            gens = read_jsonl(st.inp(f"gen_{arm}"))
            # every arm's output is scored after the bare prompt (concat's document is not part of it)
            ppl = perplexities(model, [bare[g["id"]] for g in gens], [g["output_ids"] for g in gens],
                               pad_id(tokenizer), cfg.batch_size)
            for name, value in arm_metrics(gens, test, value_words, ppl).items():
                results[f"{name}_{arm}"] = value
        for arm in ("kid", "kid_random", "kid_sweep", "concat", "greedy"):
            results[f"recall_gain_{arm}"] = results[f"recall_{arm}"] - results["recall_sampling"]
            results[f"rouge_l_gain_{arm}"] = results[f"rouge_l_{arm}"] - results["rouge_l_sampling"]
        for arm in ("kid", "kid_sweep"):
            results[f"ppl_ratio_{arm}"] = results[f"ppl_median_{arm}"] / results["ppl_median_sampling"]
            results[f"distinct2_ratio_{arm}"] = results[f"distinct2_{arm}"] / max(results["distinct2_sampling"], 1e-12)
        st.log_metrics(results)
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
