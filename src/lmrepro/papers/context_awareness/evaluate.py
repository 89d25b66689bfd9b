"""Evaluate the base and both SFT arms (spec DAG `eval_nih`, `eval_ctxqa`, `eval_general`, one job per seed).

    lmrepro stage context_awareness.evaluate --scale small --seed 0 \
        --in data=data/small/context_awareness/seed0/prep --in base=results/small/context_awareness/runs/seed0/base \
        --in vanilla=results/small/context_awareness/runs/seed0/sft_vanilla \
        --in indicator=results/small/context_awareness/runs/seed0/sft_indicator \
        --out nih=results/small/context_awareness/runs/seed0/nih.json \
        --out metrics=results/small/context_awareness/runs/seed0/evaluate.json

- Counterfactual-context QA (the SQuAD/QuAC/DROP stand-in): a known held-out fact stated in the user's paragraph
  with another value; correct = the greedy answer's first sentence names the paragraph's value (`cf_acc_*`), and
  `cf_mem_*` the share naming the memorised value instead.
- Toy NIH: an unknown fact (needle) at each depth of a neutral haystack of each length; score = subword_match of
  the needle's value; recall error = 1 - mean score (per cell in `nih`).
- Closed-book QA on the held-out known facts (the MT-Bench stand-in for general ability).
Conditions (C1 compares the template with plain prompts on the same weights): base in plain format; vanilla SFT
with and without the template; indicator SFT with the template and `[IND]` on context prompts (none on closed-book
questions, which need no context), and without `[IND]`.
"""
from __future__ import annotations

import random

from lmrepro.common.io import write_json
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.context_awareness.data import (chat_prompt, encode, haystack, load_world, other_value, paragraph,
                                                   plain_prompt, stated, user_turn)
from lmrepro.papers.context_awareness.method import first_sentence, greedy_answers, subword_match
from lmrepro.papers.context_awareness.params import EvalConfig, ScoreConfig
from lmrepro.worlds.entities import fact_text, question_text


def counterfactual_items(rng: random.Random, world, cfg: EvalConfig) -> list[dict]:
    items = []
    for _ in range(cfg.n_counterfactual):
        fact = rng.choice(world.known_test)
        value = other_value(rng, world.kb, fact["relation"], fact["object"])
        n = rng.randint(cfg.min_sentences, cfg.max_sentences)
        document = " ".join(paragraph(rng, world, n, fact["subject"], insert=fact_text(stated(fact, value))))
        items.append({"question": question_text(fact), "document": document, "value": value,
                      "memorised": fact["object"]})
    return items


def nih_items(rng: random.Random, world, cfg: EvalConfig) -> list[dict]:
    items = []
    for length in cfg.nih_lengths:
        for depth in cfg.nih_depths:
            for _ in range(cfg.nih_per_cell):
                fact = rng.choice(world.unknown)
                value = other_value(rng, world.kb, fact["relation"], fact["object"])
                items.append({"length": length, "depth": depth, "question": question_text(fact), "value": value,
                              "document": haystack(rng, world, length, depth, fact_text(stated(fact, value)))})
    return items


def main() -> None:
    with Stage.from_argv("context_awareness", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        indicator = st.params("score", ScoreConfig).indicator
        world = load_world(st.inp("data") / "world.json")
        tokenizer = load_tokenizer(st.inp("base"))
        rng = random.Random(derive_seed(st.seed, "evaluate"))
        cf, nih = counterfactual_items(rng, world, cfg), nih_items(rng, world, cfg)
        closed = [{"question": question_text(f), "value": f["object"]} for f in world.known_test]

        def ids(text: str) -> list[int]:
            return [tokenizer.bos_token_id, *encode(tokenizer, text)]

        def plain(item: dict) -> list[int]:
            return ids(plain_prompt(item["question"], item.get("document")))

        def template(item: dict, ind: bool = False) -> list[int]:
            return ids(chat_prompt(user_turn(item["question"], item.get("document"), indicator if ind else None)))

        conditions = {  # name -> (model input, prompt builder)
            "base_plain": ("base", plain), "vanilla_template": ("vanilla", template),
            "vanilla_plain": ("vanilla", plain),
            "ind_template_ind": ("indicator", lambda it: template(it, True)), "ind_template": ("indicator", template)}
        models = {name: load_model(st.inp(name)) for name in ("base", "vanilla", "indicator")}

        def answers(condition: str, items: list[dict]) -> list[str]:
            model_name, build = conditions[condition]
            return greedy_answers(models[model_name], tokenizer, [build(it) for it in items], cfg.max_new_tokens,
                                  cfg.batch_size)

        metrics, grids = {}, {}
        for condition in conditions:
            got = [first_sentence(a) for a in answers(condition, cf)]
            metrics[f"cf_acc_{condition}"] = sum(subword_match(g, [it["value"]]) for g, it in zip(got, cf)) / len(cf)
            metrics[f"cf_mem_{condition}"] = sum(subword_match(g, [it["memorised"]])
                                                 for g, it in zip(got, cf)) / len(cf)
            scores = [subword_match(first_sentence(a), [it["value"]]) for a, it in zip(answers(condition, nih), nih)]
            metrics[f"nih_err_{condition}"] = 1.0 - sum(scores) / len(scores)
            grids[condition] = {f"{length}x{depth}": 1.0 - sum(s for s, it in zip(scores, nih)
                                                               if (it["length"], it["depth"]) == (length, depth))
                                / cfg.nih_per_cell for length in cfg.nih_lengths for depth in cfg.nih_depths}
        for condition in ("base_plain", "vanilla_template", "vanilla_plain", "ind_template"):
            got = [first_sentence(a) for a in answers(condition, closed)]
            metrics[f"closed_acc_{condition}"] = sum(subword_match(g, [it["value"]])
                                                     for g, it in zip(got, closed)) / len(closed)
        metrics.update({
            "cf_drop_base_minus_vanilla": metrics["cf_acc_base_plain"] - metrics["cf_acc_vanilla_template"],
            "cf_gain_ind_minus_vanilla": metrics["cf_acc_ind_template_ind"] - metrics["cf_acc_vanilla_template"],
            "cf_plain_minus_template_vanilla": metrics["cf_acc_vanilla_plain"] - metrics["cf_acc_vanilla_template"],
            "nih_err_vanilla_minus_ind": metrics["nih_err_vanilla_template"] - metrics["nih_err_ind_template_ind"],
            "nih_err_template_minus_plain_vanilla": metrics["nih_err_vanilla_template"]
            - metrics["nih_err_vanilla_plain"],
            "closed_ind_minus_vanilla": metrics["closed_acc_ind_template"] - metrics["closed_acc_vanilla_template"],
            "n_counterfactual": len(cf), "n_nih": len(nih), "n_closed": len(closed)})
        write_json(st.out("nih"), {"recall_error": grids, "lengths": cfg.nih_lengths, "depths": cfg.nih_depths})
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
