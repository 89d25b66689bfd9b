"""Correctness, every uncertainty score, AUROC of predicting incorrectness, and the peer check against lm-polygraph.

    lmrepro stage sar.evaluate --scale small --seed 0 --in data=data/small/sar/seed0/prep \
        --in generations=results/small/sar/runs/seed0/generations.jsonl \
        --in relevance=results/small/sar/runs/seed0/relevance.jsonl \
        --out scores=results/small/sar/runs/seed0/scores.jsonl \
        --out parity=results/small/sar/runs/seed0/parity.json --out metrics=results/small/sar/runs/seed0/evaluate.json
    (ci: --scale ci; paper: the same command)

Spec DAG `correctness` + `uncertainty_auroc` + `peer_check` (one job: lm-polygraph's import alone costs ~8 s).
- correct: the greedy answer names the reference's key value (primary); ROUGE-L(greedy, reference) > 0.5
  (secondary, the paper's criterion; here the reference is the bare value, as TriviaQA's are);
- TokenSAR, SentSAR, SAR: `scores.py` (the paper's), on the first `num_used` samples;
- baselines by lm-polygraph's own estimators on the same samples: PE (MonteCarloSequenceEntropy), LN-PE
  (MonteCarloNormalizedSequenceEntropy), LS (LexicalSimilarity, ROUGE-L), SE (SemanticEntropy over the relevance
  stage's classes, from each sample's mean token log-likelihood as the official repo) and oracle SE (the world's
  equivalence oracle on key values; report only);
- AUROC = sklearn roc_auc_score(1 - correct, U) (NaN when a seed has one class only);
- peer check: lm_polygraph.estimators TokenSAR (per sample), SentenceSAR and SAR fed the same arrays (stats keys
  greedy_log_likelihoods / token_similarity, sample_log_probs, sample_log_likelihoods / sample_token_similarity /
  sample_sentence_similarity); parity.json holds the largest |ours - theirs| of each.
"""
from __future__ import annotations

import json

import numpy as np

from lmrepro.common.io import read_jsonl, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.sar import scores as S
from lmrepro.papers.sar.params import ScoreConfig

METHODS = ("pe", "lnpe", "ls", "se", "se_oracle", "token_sar", "sent_sar", "sar")
BASELINES = ("pe", "lnpe", "ls")          # spec A3: SAR vs max(PE, LN-PE, LS)
NON_ORACLE = ("pe", "lnpe", "ls", "se", "token_sar", "sent_sar")


def auroc(correct, uncertainty) -> float:
    """AUROC of the uncertainty for predicting an incorrect answer (positive class: 1 - correct)."""
    from sklearn.metrics import roc_auc_score

    incorrect = 1 - np.asarray(correct, dtype=int)
    u = np.asarray(uncertainty, dtype=np.float64)
    if incorrect.min() == incorrect.max() or not np.isfinite(u).all():
        return float("nan")
    return float(roc_auc_score(incorrect, u))


def oracle_classes(texts: list[str], values: set[str]) -> list[int]:
    """Classes of the equivalence oracle: the same non-empty set of key values; an answer naming none is alone."""
    keys: dict[frozenset, int] = {}
    out = []
    for i, text in enumerate(texts):
        named = frozenset(w for w in text.split() if w in values)
        key = named if named else frozenset({("none", i)})
        out.append(keys.setdefault(key, len(keys)))
    return out


def semantic_classes(classes_per_question: list[list[int]]) -> dict:
    """lm-polygraph's `semantic_classes_entail` stat from class indices (first-seen order, as its calculator)."""
    class_to_sample, sample_to_class = [], []
    for classes in classes_per_question:
        groups: dict[int, list[int]] = {}
        for j, c in enumerate(classes):
            groups.setdefault(c, []).append(j)
        relabel = {c: i for i, c in enumerate(groups)}
        class_to_sample.append(list(groups.values()))
        sample_to_class.append({j: relabel[c] for j, c in enumerate(classes)})
    return {"class_to_sample": class_to_sample, "sample_to_class": sample_to_class}


def rouge_l(reference: str, prediction: str) -> float:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"]).score(reference, prediction)["rougeL"].fmeasure


def main() -> None:
    from lm_polygraph.estimators import (SAR, LexicalSimilarity, MonteCarloNormalizedSequenceEntropy,
                                         MonteCarloSequenceEntropy, SemanticEntropy, SentenceSAR, TokenSAR)

    with Stage.from_argv("sar", "evaluate") as st:
        cfg = st.params("score", ScoreConfig)
        values = set(json.loads((st.inp("data") / "values.json").read_text()))
        gens = read_jsonl(st.inp("generations"))
        rel = {r["id"]: r for r in read_jsonl(st.inp("relevance"))}
        k = cfg.num_used
        if any(len(g["samples"]) < k for g in gens):
            raise SystemExit(f"sar.params.score.num_used ({k}) exceeds the samples generated per question")
        # -- the stats, in lm-polygraph's layout (first k samples of each question) --
        nlls = [[np.asarray(s["nll"], dtype=np.float64) for s in g["samples"][:k]] for g in gens]
        token_sims = [[np.asarray(t, dtype=np.float64) for t in rel[g["id"]]["token_similarity"][:k]] for g in gens]
        sent_sims = [np.asarray(rel[g["id"]]["sentence_similarity"], dtype=np.float64)[:k, :k] for g in gens]
        texts = [[s["text"] for s in g["samples"][:k]] for g in gens]
        for q, z, t in zip(gens, nlls, token_sims):
            for zi, ti in zip(z, t):
                if zi.shape != ti.shape:  # the official repo silently scores such a sample 0.0 (error_count)
                    raise SystemExit(f"question {q['id']}: {zi.shape} token NLLs vs {ti.shape} token similarities")
        # -- correctness of the greedy answer --
        correct = np.array([g["value"] in g["greedy"]["text"].split() for g in gens], dtype=int)
        rouge = np.array([rouge_l(g["reference"], g["greedy"]["text"]) for g in gens])
        correct_rouge = (rouge > cfg.rouge_threshold).astype(int)
        # -- scores: ours (the paper's SAR family) and lm-polygraph's baselines --
        u = {
            "token_sar": np.array([S.question_token_sar(z, t) for z, t in zip(nlls, token_sims)]),
            "sent_sar": np.array([S.sentence_sar(z, m, cfg.t) for z, m in zip(nlls, sent_sims)]),
            "sar": np.array([S.sar(z, t, m, cfg.t) for z, t, m in zip(nlls, token_sims, sent_sims)]),
        }
        log_probs = [[-float(zi.sum()) for zi in z] for z in nlls]
        mean_log_likelihoods = [[-float(zi.mean()) for zi in z] for z in nlls]
        u["pe"] = MonteCarloSequenceEntropy()({"sample_log_probs": log_probs})
        u["lnpe"] = MonteCarloNormalizedSequenceEntropy()(
            {"sample_log_probs": log_probs, "sample_tokens": [[s["ids"] for s in g["samples"][:k]] for g in gens]})
        u["ls"] = LexicalSimilarity("rougeL")({"sample_texts": texts})
        se_classes = [rel[g["id"]]["classes"][:k] for g in gens]
        oracle = [oracle_classes(t, values) for t in texts]
        for name, classes in (("se", se_classes), ("se_oracle", oracle)):
            u[name] = SemanticEntropy()({"sample_log_probs": mean_log_likelihoods, "sample_texts": texts,
                                         "semantic_classes_entail": semantic_classes(classes)})
        # -- peer check: the same arrays through lm-polygraph's TokenSAR, SentenceSAR and SAR --
        flat_z = [zi for z in nlls for zi in z]
        flat_t = [ti for t in token_sims for ti in t]
        usable = np.array([not S.zero_relevance(t) for t in flat_t])
        ours_token = np.array([S.token_sar(z, t) for z, t in zip(flat_z, flat_t)])
        peer_token = TokenSAR()({"greedy_log_likelihoods": [-z for z in flat_z], "token_similarity": flat_t})
        peer_sent = SentenceSAR()({"sample_log_probs": log_probs, "sample_sentence_similarity": sent_sims})
        peer_sar = SAR()({"sample_log_likelihoods": [[-zi for zi in z] for z in nlls],
                          "sample_token_similarity": token_sims, "sample_sentence_similarity": sent_sims})
        question_ok = np.array([all(not S.zero_relevance(ti) for ti in t) for t in token_sims])

        def max_diff(ours, theirs, mask) -> float:
            return float(np.max(np.abs(ours[mask] - theirs[mask]), initial=0.0))

        parity = {"token_sar": max_diff(ours_token, peer_token, usable),
                  "sentence_sar": max_diff(u["sent_sar"], peer_sent, np.ones(len(gens), dtype=bool)),
                  "sar": max_diff(u["sar"], peer_sar, question_ok),
                  "n_samples": int(usable.size), "n_zero_relevance": int((~usable).sum()), "tol": cfg.parity_tol}
        parity["max_abs"] = max(parity["token_sar"], parity["sentence_sar"], parity["sar"])
        parity["holds"] = parity["max_abs"] <= cfg.parity_tol
        # -- AUROC and diagnostics --
        metrics = {"accuracy": float(correct.mean()), "accuracy_rouge": float(correct_rouge.mean()),
                   "n_questions": len(gens), "samples_used": k}
        for level in sorted({g["exposures"] for g in gens}):
            mask = np.array([g["exposures"] == level for g in gens])
            metrics[f"accuracy_exposure{level}"] = float(correct[mask].mean())
        for name in METHODS:
            metrics[f"auroc_{name}"] = auroc(correct, u[name])
        for name in ("lnpe", "token_sar", "sar"):
            metrics[f"auroc_{name}_rouge"] = auroc(correct_rouge, u[name])
        metrics["auroc_sar_peer"] = auroc(correct, peer_sar)
        a = {name: metrics[f"auroc_{name}"] for name in METHODS}
        metrics["token_sar_minus_lnpe"] = a["token_sar"] - a["lnpe"]
        metrics["sar_minus_best_baseline"] = a["sar"] - max(a[b] for b in BASELINES)
        metrics["sar_minus_se"] = a["sar"] - a["se"]
        metrics["sent_sar_minus_se"] = a["sent_sar"] - a["se"]
        metrics["sar_minus_best_other"] = a["sar"] - max(a[b] for b in NON_ORACLE)
        key_share = [float(S.token_weights(t)[[w in values for w in s["tokens"]]].sum())
                     for g, ts in zip(gens, token_sims) for s, t in zip(g["samples"][:k], ts)]
        metrics["key_token_weight"] = float(np.mean(key_share))
        # first-seen relabelling makes class_to_sample canonical: equal lists = the same partition
        metrics["se_classes_match_oracle"] = float(np.mean([
            semantic_classes([ours])["class_to_sample"] == semantic_classes([truth])["class_to_sample"]
            for ours, truth in zip(se_classes, oracle)]))
        metrics.update({f"parity_{key}": parity[key] for key in ("token_sar", "sentence_sar", "sar", "max_abs")})
        rows = [{"id": g["id"], "exposures": g["exposures"], "correct": int(c), "correct_rouge": int(cr),
                 **{name: float(u[name][i]) for name in METHODS}} for i, (g, c, cr) in
                enumerate(zip(gens, correct, correct_rouge))]
        write_jsonl(st.out("scores"), rows)
        write_json(st.out("parity"), parity)
        st.log_metrics(metrics)
        print(json.dumps(metrics, indent=1))


if __name__ == "__main__":
    main()
