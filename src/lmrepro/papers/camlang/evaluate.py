"""Evaluate the three solvers, attribute errors and aggregate (spec DAG steps 3-5: eval_{solver}_{lang},
attribute_errors, aggregate), and check the grammar engine's round trip (spec A4).

    lmrepro stage camlang.evaluate --scale small --seed 0 --in data=data/small/camlang/seed0/prep \
        --in model=results/small/camlang/runs/seed0/qa \
        --out predictions=results/small/camlang/runs/seed0/predictions.jsonl \
        --out metrics=results/small/camlang/runs/seed0/evaluate.json

Solvers (spec Small scale), all answering with the one English QA model (the option of highest log-likelihood):
- S-EN: the English item (the "gold medal" control);
- S-LEX: shallow lexical alignment: every Camlang word glossed through the lemma dictionary only
  (`lmrepro.worlds.camlang.lexical_gloss`), Camlang word order kept;
- S-GRAM: the grammar route (human analogue): the rule-based analyzer parses the question and options, the
  generator renders them in English.
Metrics (exact match in points, 0-100): em_<solver>, per stratum (em_<solver>_lexical / _morph) and per rule tag;
gap_en_minus_lex, gram_minus_en, lex_lexical_minus_morph; error attribution: each failed item's rule tag
(lex_fail_share_<tag>, lex_fail_case_or_negation); roundtrip: share of n_roundtrip random Camlang sentences
(statements, yes/no and wh-questions, every feature) that the analyzer maps back to their event and the generator
to the event's English.
"""
from __future__ import annotations

import json
import random
from statistics import mean

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.camlang.params import ItemsConfig, SolverConfig
from lmrepro.papers.camlang.qa import option_scores, prompt_text
from lmrepro.worlds import camlang as W
from lmrepro.worlds import languages as L

SOLVERS = ("en", "lex", "gram")
TAGS = ("lexical", *W.MORPH_RULES)


def grammar_route(world: W.Camlang, cam: dict) -> tuple[str, list[str]] | None:
    """S-GRAM: (English prompt, English options) by parsing and generating; None where the analyzer fails."""
    try:
        question = W.to_english(world, *W.analyze_question(world, cam["question"]))
        return prompt_text(question), [W.analyze_noun(world.cam, o) for o in cam["options"]]
    except ValueError:
        return None


def attribute_errors(predictions: list[dict], solver: str) -> dict[str, float]:
    """Automatic error attribution (spec DAG step 4): a failed item's category is its rule tag; the share of the
    solver's failures per tag, and with a case or negation tag (spec A3). NaN where nothing failed."""
    failed = [r["rule"] for r in predictions if not r[f"correct_{solver}"]]
    share = (lambda k: k / len(failed)) if failed else (lambda k: float("nan"))
    out = {f"{solver}_fail_share_{tag}": share(failed.count(tag)) for tag in TAGS}
    out[f"{solver}_fail_case_or_negation"] = share(sum(t in ("case", "negation") for t in failed))
    return out


def roundtrip(world: W.Camlang, cfg: W.CamlangConfig, n: int, seed: int) -> float:
    """Share of n random sentences (half statements or yes/no questions, half wh-questions) parsed back exactly."""
    rich = L.LanguagesConfig(**{**vars(cfg.languages), "p_recipient": 0.5, "p_color": 0.5, "p_plural": 0.5,
                                "p_negated": 0.5, "p_past": 0.5, "p_hearsay": 0.5, "p_question": 0.5})
    rng = random.Random(seed)
    ok = []
    for i, event in enumerate(L.sample_events(rich, n, seed)):
        if i % 2 == 0:
            ok.append(W.analyze(world.cam, W.render_cam(world.cam, event, rng)) == event
                      and W.to_english(world, event) == L.render(world.en, event))
            continue
        event = dict(event, mood="statement")
        slot = rng.choice([r for r in W.ROLES if event[r] is not None])
        expected = dict(event, **{slot: None}, **({f"{slot}_pl": False} if slot != "recipient" else {}))
        ok.append(W.analyze_question(world, W.render_question_cam(world, event, slot, rng)) == (expected, slot))
    return mean(ok)


def main() -> None:
    with Stage.from_argv("camlang", "evaluate") as st:
        cfg = st.params("world", W.CamlangConfig)
        solver_cfg = st.params("solvers", SolverConfig)
        sizes = st.params("items", ItemsConfig)
        data = st.inp("data")
        world = W.build(cfg, derive_seed(st.seed, "world"))
        entries = json.loads((data / "dictionary.json").read_text())
        items = read_jsonl(data / "test.jsonl")
        tokenizer, model = load_tokenizer(st.inp("model")), load_model(st.inp("model"))

        def gloss(text: str) -> str:
            return W.lexical_gloss(entries, text, solver_cfg.match_inside)

        routes = {"en": [(prompt_text(it["en"]["question"]), it["en"]["options"]) for it in items],
                  "lex": [(prompt_text(gloss(it["cam"]["question"])), [gloss(o) for o in it["cam"]["options"]])
                          for it in items]}
        parsed = [grammar_route(world, it["cam"]) for it in items]
        routes["gram"] = [p or (prompt_text(it["cam"]["question"]), it["cam"]["options"])
                          for p, it in zip(parsed, items)]
        metrics: dict[str, float] = {"gram_parse_failures": sum(p is None for p in parsed)}
        predictions = [{"item": i, "stratum": it["stratum"], "rule": it["rule"], "answer": it["answer"]}
                       for i, it in enumerate(items)]
        for solver in SOLVERS:
            prompts, options = zip(*routes[solver])
            scores = option_scores(model, tokenizer, list(prompts), list(options), solver_cfg.batch_size)
            for row, s, prompt in zip(predictions, scores, prompts):
                row[f"choice_{solver}"] = max(range(len(s)), key=s.__getitem__)
                row[f"correct_{solver}"] = row[f"choice_{solver}"] == row["answer"]
                row[f"prompt_{solver}"] = prompt

            def em(rows: list[dict]) -> float:
                return 100.0 * mean(r[f"correct_{solver}"] for r in rows) if rows else float("nan")

            metrics[f"em_{solver}"] = em(predictions)
            for stratum in W.STRATA:
                metrics[f"em_{solver}_{stratum}"] = em([r for r in predictions if r["stratum"] == stratum])
            for tag in W.MORPH_RULES:
                metrics[f"em_{solver}_{tag}"] = em([r for r in predictions if r["rule"] == tag])
            print(f"[camlang] {solver}: " + ", ".join(f"{k} {v:.1f}" for k, v in metrics.items()
                                                     if k.startswith(f"em_{solver}")), flush=True)
        metrics |= attribute_errors(predictions, "lex")
        metrics["gap_en_minus_lex"] = metrics["em_en"] - metrics["em_lex"]
        metrics["gram_minus_en"] = metrics["em_gram"] - metrics["em_en"]
        metrics["lex_lexical_minus_morph"] = metrics["em_lex_lexical"] - metrics["em_lex_morph"]
        metrics["roundtrip"] = roundtrip(world, cfg, sizes.n_roundtrip, derive_seed(st.seed, "roundtrip"))
        write_jsonl(st.out("predictions"), predictions)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
