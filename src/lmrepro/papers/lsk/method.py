"""LSKExtractor's routing and its baselines, on plain arrays (spec: Method, Stage 1 and Stage 2).

- `cluster_centers`: k centres of the training-query embeddings: the repo's sklearn `kmeans_plusplus` (seeding
  only, no Lloyd iterations) or full `KMeans`; `nearest_center`: argmax cosine similarity (the repo assigns train
  and test queries this way, whichever method made the centres).
- `expert_languages`: the repo's `get_langs`: per cluster, the language with the highest train accuracy
  (sum is_correct / (n + 1e-10)); the first language wins ties (strict >), and English when no language beats 0
  (an empty cluster). Languages are sorted before the scan (spec pitfall: glob order is not deterministic).
- `top_languages` and `vote_accuracy`: the top-3 variant, a majority vote over the answers of a cluster's n best
  languages (ties: the smallest option index, as scipy.stats.mode).
- `baselines`: OnlyEnglish, GlobalLanguage (best language on train, the spec's definition; the repo's
  EVALUATION_one_language.py picks it on test, logged apart), random language (mean accuracy over languages: the
  repo's "Majority" without its second division by NUM_TEST), Oracle (any language correct).
- `purity`: the share of queries whose cluster's majority label is their own label.
- `parse_final_answer`: the `final_answer` of a CoT response's JSON, mapped to an option (None: a parse failure,
  counted as wrong).
"""
from __future__ import annotations

import json
import re

import numpy as np


def cluster_centers(embeddings: np.ndarray, k: int, method: str, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans, kmeans_plusplus

    if not 1 <= k <= len(embeddings):
        raise ValueError(f"k={k} must be in [1, {len(embeddings)}] (the number of training queries)")
    if method == "seeding":
        centers, _ = kmeans_plusplus(embeddings, n_clusters=k, random_state=seed)
        return centers
    if method == "full":
        return KMeans(n_clusters=k, random_state=seed, n_init=1).fit(embeddings).cluster_centers_
    raise ValueError(f"unknown cluster method {method!r} (seeding | full)")


def nearest_center(embeddings: np.ndarray, centers: np.ndarray) -> np.ndarray:
    from sklearn.metrics.pairwise import cosine_similarity

    return np.argmax(cosine_similarity(embeddings, centers), axis=1)


def cluster_accuracy(assign: np.ndarray, correct: dict[str, np.ndarray], k: int) -> dict[str, np.ndarray]:
    """acc(c, L) for every cluster c < k and language L, as the repo computes it (0 for an empty cluster)."""
    return {lang: np.array([c[assign == i].sum() / ((assign == i).sum() + 1e-10) for i in range(k)])
            for lang, c in correct.items()}


def expert_languages(assign: np.ndarray, correct: dict[str, np.ndarray], k: int, default: str) -> list[str]:
    """Expert(c) = argmax_L acc(c, L) over the sorted languages, strict >, `default` when none beats 0."""
    acc = cluster_accuracy(assign, correct, k)
    experts = []
    for i in range(k):
        best, best_acc = default, 0.0
        for lang in sorted(correct):
            if acc[lang][i] > best_acc:
                best, best_acc = lang, acc[lang][i]
        experts.append(best)
    return experts


def top_languages(assign: np.ndarray, correct: dict[str, np.ndarray], k: int, n: int) -> list[list[str]]:
    """Each cluster's n languages of highest train accuracy (ties: sorted language order)."""
    acc = cluster_accuracy(assign, correct, k)
    langs = sorted(correct)
    return [sorted(langs, key=lambda lang: (-acc[lang][i], langs.index(lang)))[:n] for i in range(k)]


def route_accuracy(assign: np.ndarray, experts: list[str], correct: dict[str, np.ndarray]) -> float:
    """Accuracy when every test query is answered in its cluster's expert language."""
    if len(assign) == 0:
        raise ValueError("route_accuracy: no test queries")
    return float(np.mean([correct[experts[c]][i] for i, c in enumerate(assign.tolist())]))


def vote_accuracy(assign: np.ndarray, top: list[list[str]], preds: dict[str, np.ndarray],
                  answers: np.ndarray) -> float:
    """Majority vote over the predicted options of the cluster's top languages (ties: smallest option)."""
    hits = []
    for i, c in enumerate(assign.tolist()):
        votes = np.array([preds[lang][i] for lang in top[c]])
        values, counts = np.unique(votes, return_counts=True)  # sorted values: argmax takes the smallest on ties
        hits.append(values[np.argmax(counts)] == answers[i])
    return float(np.mean(hits))


def best_language(correct: dict[str, np.ndarray], default: str) -> str:
    """The language of highest accuracy (strict >, sorted order, `default` when none beats 0)."""
    best, best_acc = default, 0.0
    for lang in sorted(correct):
        if correct[lang].mean() > best_acc:
            best, best_acc = lang, float(correct[lang].mean())
    return best


def baselines(correct_train: dict[str, np.ndarray], correct_test: dict[str, np.ndarray], english: str) -> dict:
    """Accuracies of the spec's baselines on the test queries, and the global languages they pick."""
    global_lang = best_language(correct_train, english)
    global_test_lang = best_language(correct_test, english)
    table = np.stack([correct_test[lang] for lang in sorted(correct_test)])
    return {"acc_english": float(correct_test[english].mean()),
            "acc_global": float(correct_test[global_lang].mean()), "global_language": global_lang,
            "acc_global_test_selected": float(correct_test[global_test_lang].mean()),
            "global_test_language": global_test_lang,
            "acc_random_language": float(table.mean()), "acc_oracle": float(table.max(axis=0).mean())}


def purity(assign: np.ndarray, labels: list[str]) -> float:
    labels = np.asarray(labels)
    return float(sum(np.unique(labels[assign == c], return_counts=True)[1].max() for c in np.unique(assign))
                 / len(labels))


def cluster_purities(assign: np.ndarray, labels: list[str], k: int) -> list[tuple[str | None, float, int]]:
    """(majority label, purity, size) per cluster; (None, nan, 0) for an empty one."""
    labels = np.asarray(labels)
    out = []
    for c in range(k):
        members = labels[assign == c]
        if len(members) == 0:
            out.append((None, float("nan"), 0))
            continue
        values, counts = np.unique(members, return_counts=True)
        out.append((str(values[np.argmax(counts)]), float(counts.max() / len(members)), len(members)))
    return out


_LETTERS = "ABCDEFGHIJ"


def parse_final_answer(response: str, options: list[str]) -> int | None:
    """The option a CoT response's JSON `final_answer` names: a letter ("B", "B. text") or the option's text."""
    match = None
    for candidate in re.findall(r"\{.*?\}", response, flags=re.S) + re.findall(r"\{.*\}", response, flags=re.S):
        try:
            obj = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "final_answer" in obj:
            match = str(obj["final_answer"]).strip()
            break
    if match is None:
        found = re.search(r'"final_answer"\s*:\s*"([^"]*)"', response)
        if found is None:
            return None
        match = found.group(1).strip()
    letter = re.match(r"^\(?([A-J])\)?(?:[.):]|\s|$)", match)
    if letter and _LETTERS.index(letter.group(1)) < len(options):
        return _LETTERS.index(letter.group(1))
    lowered = [o.strip().lower() for o in options]
    if match.lower() in lowered:
        return lowered.index(match.lower())
    return None
