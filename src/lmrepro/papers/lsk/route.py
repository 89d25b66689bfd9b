"""Cluster the training queries, map each cluster to its expert language and route the test queries (spec: DAG 3-5:
cluster, map_experts, eval_route), with the baselines and the purity diagnostics.

    small/ci: lmrepro stage lsk.route --scale small --seed 0 --in data=data/small/lsk/seed0/prep \
                  --in answers=results/small/lsk/runs/seed0/answers.jsonl \
                  --in embeddings=results/small/lsk/runs/seed0/embeddings.safetensors \
                  --out experts=results/small/lsk/runs/seed0/experts.json \
                  --out metrics=results/small/lsk/runs/seed0/route.json
    paper:    the same command on the hub model's answers

For each method of cluster.methods (seeding: the repo's kmeans_plusplus centres; full: KMeans), k = cluster.k
centres from the train embeddings (random_state from the seed), train queries assigned by argmax cosine, the expert
map, and LSK / LSK-top-n accuracy on the test queries (metrics `acc_lsk_<method>`, `acc_lsk_top_<method>`); the
first method is the primary `acc_lsk`. Baselines from the raw tables (spec pitfall: not the repo's Majority).
Where queries carry a culture label (the world), purity w.r.t. culture at each k of cluster.purity_ks with the LSK
gain there, and, among clusters of purity > pure_threshold whose majority is a culture, the share whose expert is
that culture's language (spec A3).
"""
from __future__ import annotations

import numpy as np
from safetensors.torch import load_file

from lmrepro.common.io import read_json, read_jsonl, write_json
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.lsk import method
from lmrepro.papers.lsk.params import ClusterConfig, DataConfig
from lmrepro.papers.lsk.world import NEUTRAL


def tables(items: list[dict], answers: list[dict], languages: list[str], split: str):
    """is_correct and predicted option per language, rows in item order of `split`."""
    order = {item["id"]: i for i, item in enumerate(x for x in items if x["split"] == split)}
    correct = {lang: np.zeros(len(order), dtype=bool) for lang in languages}
    preds = {lang: np.full(len(order), -1) for lang in languages}
    for row in answers:
        if row["split"] == split:
            correct[row["lang"]][order[row["id"]]] = row["correct"]
            preds[row["lang"]][order[row["id"]]] = row["pred"]
    return correct, preds


def main() -> None:
    with Stage.from_argv("lsk", "route") as st:
        cfg = st.params("cluster", ClusterConfig)
        english = st.params("data", DataConfig).english
        items = read_jsonl(st.inp("data") / "items.jsonl")
        languages = read_json(st.inp("data") / "languages.json")
        answers = read_jsonl(st.inp("answers"))
        embeddings = load_file(str(st.inp("embeddings")))["embeddings"].double().numpy()
        is_train = np.array([item["split"] == "train" for item in items])
        emb_train, emb_test = embeddings[is_train], embeddings[~is_train]
        correct_train, _ = tables(items, answers, languages, "train")
        correct_test, preds_test = tables(items, answers, languages, "test")
        answers_test = np.array([item["answer"] for item in items if item["split"] == "test"])
        cultures = [item["culture"] for item in items if item["split"] == "train"]
        labelled = all(c is not None for c in cultures)

        base = method.baselines(correct_train, correct_test, english)
        st.log_metrics(base)
        st.log_metrics({f"acc_test_{lang}": float(correct_test[lang].mean()) for lang in languages})
        experts_out = {}
        for m in cfg.methods:
            seed = derive_seed(st.seed, "cluster", m)
            centers = method.cluster_centers(emb_train, cfg.k, m, seed)
            assign_train = method.nearest_center(emb_train, centers)
            assign_test = method.nearest_center(emb_test, centers)
            experts = method.expert_languages(assign_train, correct_train, cfg.k, english)
            top = method.top_languages(assign_train, correct_train, cfg.k, cfg.top_n)
            st.log_metrics({f"acc_lsk_{m}": method.route_accuracy(assign_test, experts, correct_test),
                            f"acc_lsk_top_{m}": method.vote_accuracy(assign_test, top, preds_test, answers_test),
                            f"n_empty_clusters_{m}": int(cfg.k - len(np.unique(assign_train)))})
            experts_out[m] = {"experts": experts, "top": top, "train_sizes": np.bincount(assign_train,
                                                                                         minlength=cfg.k).tolist()}
            if labelled:
                per_cluster = method.cluster_purities(assign_train, cultures, cfg.k)
                pure = [(label, experts[c]) for c, (label, p, _) in enumerate(per_cluster)
                        if label not in (None, NEUTRAL) and p > cfg.pure_threshold]
                st.log_metrics({f"purity_{m}": method.purity(assign_train, cultures),
                                f"n_pure_culture_clusters_{m}": len(pure),
                                f"pure_culture_clusters_home_frac_{m}":
                                    float(np.mean([lang == label for label, lang in pure])) if pure else float("nan")})
                experts_out[m]["clusters"] = [{"majority": label, "purity": p, "size": n, "expert": experts[c]}
                                              for c, (label, p, n) in enumerate(per_cluster)]
                for k in cfg.purity_ks:
                    k_centers = method.cluster_centers(emb_train, k, m, derive_seed(st.seed, "purity", m, k))
                    k_train = method.nearest_center(emb_train, k_centers)
                    k_experts = method.expert_languages(k_train, correct_train, k, english)
                    k_acc = method.route_accuracy(method.nearest_center(emb_test, k_centers), k_experts, correct_test)
                    st.log_metrics({f"purity_k{k}_{m}": method.purity(k_train, cultures),
                                    f"lsk_gain_k{k}_{m}": k_acc - base["acc_english"]})
        primary = cfg.methods[0]
        acc_lsk = st.metrics[f"acc_lsk_{primary}"]
        st.log_metrics({
            "acc_lsk": acc_lsk, "acc_lsk_top": st.metrics[f"acc_lsk_top_{primary}"],
            "lsk_minus_english": acc_lsk - base["acc_english"], "lsk_minus_global": acc_lsk - base["acc_global"],
            "oracle_minus_lsk": base["acc_oracle"] - acc_lsk,
            "lsk_relative_gain": (acc_lsk - base["acc_english"]) / base["acc_english"]
            if base["acc_english"] > 0 else float("nan"),
            "pure_culture_clusters_home_frac": st.metrics.get(f"pure_culture_clusters_home_frac_{primary}",
                                                              float("nan")),
        })
        write_json(st.out("experts"), experts_out)
        print({k: round(v, 3) for k, v in st.metrics.items() if k.startswith("acc_")})


if __name__ == "__main__":
    main()
