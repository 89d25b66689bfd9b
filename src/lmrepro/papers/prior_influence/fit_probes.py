"""Where the prior lives (spec DAG `collect_acts` + `fit_probes`, claim C3): the residual stream at the last
prompt token of each block output, on the probe split only (never the held-out prompts, spec Pitfalls), and a
ridge regression (alpha by CV) per layer onto log prior(correct answer), scored by held-out R^2 on a 50/50 split;
the same for log prior(the model's own answer), logged beside it (spec Pitfalls). The block with the highest
correct-answer R^2 is selected; the lowest-scoring other block is the same-budget control.

    lmrepro stage prior_influence.fit_probes --scale small --seed 0 --in data=... --in base=... --in prior=... \
        --out selected=.../selected.json --out metrics=...
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.activations import decoder_blocks
from lmrepro.common.io import read_json, read_jsonl, write_json
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.prior_influence.method import last_token_logits, last_token_residuals, predictions


def probe_r2(x: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray, alphas: list[float]) -> float:
    """Held-out R^2 of standardised features -> RidgeCV (efficient leave-one-out over `alphas`)."""
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), RidgeCV(alphas=alphas)).fit(x[train], y[train])
    return float(probe.score(x[test], y[test]))


def select_blocks(r2_by_block: list[float]) -> tuple[int, int]:
    """(selected, other): the block with the highest probe R^2 and, of the rest, the one with the lowest."""
    selected = int(np.argmax(r2_by_block))
    others = [b for b in range(len(r2_by_block)) if b != selected]
    if not others:
        raise ValueError("layer selection needs a model with >= 2 blocks")
    return selected, min(others, key=lambda b: (r2_by_block[b], b))


def main(argv: list[str] | None = None) -> None:
    with Stage.from_argv("prior_influence", "fit_probes", argv) as st:
        cfg = st.params("probe")
        answer_info = read_json(st.inp("data") / "answers.json")
        answers = answer_info["answers"]
        rows = read_jsonl(st.inp("data") / "probe.jsonl")
        log_prior = read_json(st.inp("prior"))["log_prior"]
        model, tokenizer = load_model(st.inp("base")), load_tokenizer(st.inp("base"))
        n_blocks = len(decoder_blocks(model)[0])

        prompts = [r["prompt"] for r in rows]
        y_correct = np.array([log_prior[r["answer"]] for r in rows])
        model_answers = predictions(last_token_logits(model, tokenizer, prompts, cfg.batch_size), tokenizer, answers,
                                    answer_info["answer_prefix"])
        y_model = np.array([log_prior[a] for a in model_answers])
        layers = list(range(1, n_blocks + 1))  # hidden_states[l]: output of 0-based block l-1 (the last: final norm)
        acts = last_token_residuals(model, tokenizer, prompts, layers, cfg.batch_size)
        perm = np.random.default_rng(derive_seed(st.seed, "probe_split")).permutation(len(rows))
        n_test = int(round(cfg.test_frac * len(rows)))
        test, train = perm[:n_test], perm[n_test:]

        r2_correct = [probe_r2(acts[layer], y_correct, train, test, cfg.alphas) for layer in layers]
        r2_model = [probe_r2(acts[layer], y_model, train, test, cfg.alphas) for layer in layers]
        selected, other = select_blocks(r2_correct)
        write_json(st.out("selected"), {"selected": selected, "other": other, "n_blocks": n_blocks,
                                        "r2_correct": r2_correct, "r2_model_answer": r2_model,
                                        "selected_by": "held-out R^2 of log prior(correct answer)"})
        metrics = {"selected_block": selected, "other_block": other, "best_r2": max(r2_correct),
                   "r2_spread": max(r2_correct) - min(r2_correct), "n_blocks": n_blocks}
        for block in range(n_blocks):
            metrics[f"r2_block{block}"] = r2_correct[block]
            metrics[f"r2_model_answer_block{block}"] = r2_model[block]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
