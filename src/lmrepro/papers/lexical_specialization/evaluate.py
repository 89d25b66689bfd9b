"""Type-level evaluation of the vanilla encoder and every specialized arm (paper §4; spec DAG 5-6).

    lmrepro stage lexical_specialization.evaluate --scale small --seed 0 \
        --in vanilla=results/small/lexical_specialization/runs/seed0/base \
        --in full=.../specialize_full --in low=.../specialize_low --in shuffled=.../specialize_shuffled \
        --in data=data/small/lexical_specialization/seed0/prep --out metrics=.../evaluate.json
    (ci: --scale ci; paper: vanilla = the hub's encoder, same command)

Per model (last layer, word_iso encodings): BLI MRR and P@1 for every configured pair, ranking the gold among the
target language's full vocabulary; XLSIM Spearman on the seen and unseen pair sets; Tatoeba-like accuracy@1
retrieving each source sentence's translation among all target sentences (mean-pooled sentence vectors).
Aggregates: `mrr_seen_<model>` / `mrr_unseen_<model>` are means over the seen / unseen BLI pairs; the gains are
differences from the vanilla encoder of the same seed's evaluation.
"""
from __future__ import annotations

import torch

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.lexical_specialization.method import embed_texts, mrr_and_p1, xlsim_spearman
from lmrepro.papers.lexical_specialization.params import ARMS
from lmrepro.papers.lexical_specialization.prep import read_tsv

NAN = float("nan")


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else NAN


def evaluate_model(model, tokenizer, data, lex, cfg) -> dict:
    """Every metric of one encoder on prep's test sets (a missing test set gives NaN)."""
    cache: dict[str, torch.Tensor] = {}

    def vectors(words: list[str]) -> torch.Tensor:
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            cache.update(zip(missing, embed_texts(model, tokenizer, missing, cfg.max_len, cfg.batch_size)))
        return torch.stack([cache[w] for w in words])

    out = {}
    for group, pairs in (("seen", lex.bli_seen), ("unseen", lex.bli_unseen)):
        mrrs, p1s = [], []
        for pair in pairs:
            rows = read_tsv(data / "bli" / f"{pair}.tsv")
            vocab = [w for w in (data / "vocab" / f"{pair.split('-')[1]}.txt").read_text().splitlines() if w]
            position = {w: i for i, w in enumerate(vocab)}
            gold = torch.tensor([position[t] for _, t in rows])
            mrr, p1 = mrr_and_p1(vectors([s for s, _ in rows]), vectors(vocab), gold)
            out[f"mrr_{pair}"], out[f"p1_{pair}"] = mrr, p1
            mrrs.append(mrr)
            p1s.append(p1)
            parallel = data / "parallel" / f"{pair}.tsv"
            if parallel.is_file():
                sents = read_tsv(parallel)
                src = embed_texts(model, tokenizer, [s for s, _ in sents], cfg.sentence_max_len, cfg.batch_size)
                tgt = embed_texts(model, tokenizer, [t for _, t in sents], cfg.sentence_max_len, cfg.batch_size)
                out[f"tatoeba_{pair}"] = mrr_and_p1(src, tgt, torch.arange(len(sents)))[1]
        out[f"mrr_{group}"], out[f"p1_{group}"] = mean(mrrs), mean(p1s)
        out[f"tatoeba_{group}"] = mean([out[f"tatoeba_{p}"] for p in pairs if f"tatoeba_{p}" in out])
        xlsim = data / "xlsim" / f"{group}.tsv"
        if xlsim.is_file():
            rows = read_tsv(xlsim, 5)
            out[f"xlsim_{group}"] = xlsim_spearman(vectors([r[0] for r in rows]), vectors([r[1] for r in rows]),
                                                   [float(r[4]) for r in rows])
        else:
            out[f"xlsim_{group}"] = NAN
    return out


def main() -> None:
    with Stage.from_argv("lexical_specialization", "evaluate") as st:
        lex, cfg = st.params("lexicon"), st.params("evaluate")
        data = st.inp("data")
        results = {}
        for name in ("vanilla", *ARMS):
            tokenizer = load_tokenizer(st.inp(name))
            model = load_model(st.inp(name), kind="masked_lm")
            results[name] = evaluate_model(model, tokenizer, data, lex, cfg)
        metrics = {f"{key}_{name}": value for name, res in results.items() for key, value in res.items()}
        base = results["vanilla"]
        for arm in ARMS:
            for key in ("mrr_seen", "mrr_unseen", "xlsim_seen", "xlsim_unseen", "tatoeba_seen", "tatoeba_unseen"):
                metrics[f"{key}_gain_{arm}"] = results[arm][key] - base[key]
        metrics["mrr_seen_abs_change_shuffled"] = abs(metrics["mrr_seen_gain_shuffled"])
        metrics["mrr_seen_full_minus_low"] = results["full"]["mrr_seen"] - results["low"]["mrr_seen"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
