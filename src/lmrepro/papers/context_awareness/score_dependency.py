"""Score each SFT conversation's context dependency with a probe model and insert the indicator (paper §4.1;
spec DAG `score_dependency` + `insert_indicator`, one job: the threshold needs every score).

    lmrepro stage context_awareness.score_dependency --scale small --seed 0 \
        --in probe=results/small/context_awareness/runs/seed0/sft_vanilla \
        --in data=data/small/context_awareness/seed0/sft_raw.jsonl \
        --out scored=data/small/context_awareness/seed0/sft_scored.jsonl \
        --out sft_ind=data/small/context_awareness/seed0/sft_ind.jsonl \
        --out metrics=results/small/context_awareness/runs/seed0/score_dependency.json

The probe is the vanilla SFT model at small scale (spec), ucla-cmllab/tinyllama-sft-vicuna-full at paper scale.
The threshold is `score.threshold` (paper: 0.6) or, when null, the `threshold_quantile` of this mix's scores
(spec Small scale: the 70th percentile). A4: AUROC of the score against the generator's `dependent` label.
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.context_awareness.data import chat_pair
from lmrepro.papers.context_awareness.method import score_conversations, with_indicator
from lmrepro.papers.context_awareness.params import ScoreConfig


def main() -> None:
    from sklearn.metrics import roc_auc_score

    with Stage.from_argv("context_awareness", "score_dependency") as st:
        cfg = st.params("score", ScoreConfig)
        tokenizer = load_tokenizer(st.inp("probe"))
        model = load_model(st.inp("probe"), attn_implementation="eager")  # attention weights need eager
        rows = read_jsonl(st.inp("data"))
        pairs = [chat_pair(tokenizer, r["messages"][0]["content"], r["messages"][1]["content"]) for r in rows]
        scores = score_conversations(model, tokenizer, pairs, cfg.layer, cfg.batch_size)
        threshold = cfg.threshold if cfg.threshold is not None else float(np.quantile(scores, cfg.threshold_quantile))
        scored, with_ind = [], []
        for row, score in zip(rows, scores, strict=True):
            scored.append({**row, "user_attention_ratio": score})
            user = with_indicator(row["messages"][0]["content"], score, threshold, cfg.indicator)
            with_ind.append({**row, "messages": [{"role": "user", "content": user}, row["messages"][1]],
                             "indicator": user != row["messages"][0]["content"]})
        write_jsonl(st.out("scored"), scored)
        write_jsonl(st.out("sft_ind"), with_ind)
        labels = np.array([r["dependent"] for r in rows])
        flagged = np.array([r["indicator"] for r in with_ind])
        by_kind = {k: float(np.mean([s for r, s in zip(rows, scores) if r["kind"] == k]))
                   for k in ("parametric", "context", "misc") if any(r["kind"] == k for r in rows)}
        st.log_metrics({
            "auroc": float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else float("nan"),
            "threshold": threshold, "share_flagged": float(flagged.mean()),
            "precision_flagged": float(labels[flagged].mean()) if flagged.any() else float("nan"),
            "recall_flagged": float(flagged[labels == 1].mean()) if labels.any() else float("nan"),
            **{f"mean_ratio_{k}": v for k, v in by_kind.items()}})


if __name__ == "__main__":
    main()
