"""The benchmark evaluation (spec DAG eval_benchmark; Method, Inference and Metrics): every model answers each test
item's pos_query (known) and neg_query (unknown) by greedy decoding under the QA prompt (tuned models with the
task-assignment prefix, otherwise the same prompt) and judges both under the cognition prompt.

Per model m: known_m (lenient, paper), known_strict_m, unknown_m, overall_m = (known + unknown) / 2, cognition_m
(sufficiency accuracy over both queries); and the differences the claims read (gains of us_tuned over base, over
the stage-2-only ablation, stage 1's effect on QA refusals).

    lmrepro stage uncertainty_tuning.evaluate --scale small --seed 0 \
        --in data=data/small/uncertainty_tuning/seed0/prep \
        --in base=.../base --in stage1=.../stage1 --in us_tuned=.../us_tuned --in abl_s2=.../abl_s2 \
        --in us_tuned_faithful=.../us_tuned_faithful --out responses=.../responses.jsonl --out metrics=.../evaluate.json
"""
from __future__ import annotations

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.uncertainty_tuning import formats as F
from lmrepro.papers.uncertainty_tuning.params import ARMS, EvalConfig

MODELS = ("base", *ARMS)


def respond(model, tokenizer, prompts: list[str], cfg: EvalConfig, max_new_tokens: int) -> list[str]:
    ids = [[tokenizer.bos_token_id, *p] for p in tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    out, _ = generate(model, tokenizer, ids, max_new_tokens=max_new_tokens, temperature=0.0, seed=0,
                      batch_size=cfg.gen_batch)
    return [tokenizer.decode(o, skip_special_tokens=True) for o in out]


def score(items: list[dict], qa_known: list[str], qa_unknown: list[str], cog_known: list[str],
          cog_unknown: list[str]) -> dict[str, float]:
    n = len(items)
    known = sum(F.known_correct(r, i["pos_answers"]) for r, i in zip(qa_known, items, strict=True)) / n
    strict = sum(F.known_correct(r, i["pos_answers"], strict=True) for r, i in zip(qa_known, items, strict=True)) / n
    unknown = sum(map(F.unknown_correct, qa_unknown)) / n
    cognition = (sum(F.parse_sufficiency(r) is True for r in cog_known)
                 + sum(F.parse_sufficiency(r) is False for r in cog_unknown)) / (2 * n)
    refusal_on_known = sum(map(F.unknown_correct, qa_known)) / n
    return {"known": known, "known_strict": strict, "unknown": unknown, "overall": (known + unknown) / 2,
            "cognition": cognition, "refusal_on_known": refusal_on_known}


def main() -> None:
    with Stage.from_argv("uncertainty_tuning", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        items = read_jsonl(st.inp("data") / "benchmark_test.jsonl")
        tokenizer = load_tokenizer(st.inp("base"))
        cog_prompts = [F.cognition_prompt([i["context"]], i[q]) for q in ("pos_query", "neg_query") for i in items]
        metrics, responses = {}, []
        for name in MODELS:
            tuned = name != "base"
            qa_prompts = [F.qa_prompt([i["context"]], i[q], tuned=tuned) for q in ("pos_query", "neg_query")
                          for i in items]
            model = load_model(st.inp(name))
            qa = respond(model, tokenizer, qa_prompts, cfg, cfg.max_new_tokens)
            cog = respond(model, tokenizer, cog_prompts, cfg, 3)
            n = len(items)
            for key, value in score(items, qa[:n], qa[n:], cog[:n], cog[n:]).items():
                metrics[f"{key}_{name}"] = value
            responses += [{"model": name, "query": q, "prompt": p, "response": r}
                          for q, p, r in zip(["known"] * n + ["unknown"] * n, qa_prompts, qa, strict=True)][::10]
        metrics |= {
            "overall_gain": metrics["overall_us_tuned"] - metrics["overall_base"],
            "unknown_gain": metrics["unknown_us_tuned"] - metrics["unknown_base"],
            "known_drop": metrics["known_base"] - metrics["known_us_tuned"],
            "overall_us_minus_abl": metrics["overall_us_tuned"] - metrics["overall_abl_s2"],
            "unknown_us_minus_abl": metrics["unknown_us_tuned"] - metrics["unknown_abl_s2"],
            "unknown_stage1_minus_base": metrics["unknown_stage1"] - metrics["unknown_base"],
            "overall_faithful_gain": metrics["overall_us_tuned_faithful"] - metrics["overall_base"],
        }
        write_jsonl(st.out("responses"), responses)
        st.log_metrics({**metrics, "n_items": len(items)})


if __name__ == "__main__":
    main()
