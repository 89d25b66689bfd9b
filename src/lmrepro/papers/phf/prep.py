"""Prepare phf's data: documents split into sentences, each scored by the PII scorer; held-out clean documents;
red-team prefixes; the tokenizer with the two control tokens.

    lmrepro stage phf.prep --scale small --seed 0 --out data=data/small/phf/seed0/prep \
        --out metrics=data/small/phf/seed0/prep.metrics.json
    (paper scale: --in hub_corpus=<snapshot of tomekkorbak/pile-pii-scrubadub> --in hub_tokenizer=<gpt2>)

Spec DAG step 1 (score_corpus). Small/ci: documents from the seeded PII world (lmrepro.worlds.pii); every
sentence is rendered and scored by scrubadub (`scorer.score`, PII per character), never by the world's own
labels; the metrics record how often scorer and generator disagree (0 by construction, tested). Paper: the rows of
a pre-scored Pile shard, {"texts": [sentence, ...], "scores": [float, ...], ...} (the card's dataset_infos.json);
its only split is train, so its first `n_hub_heldout` documents (seeded order) are held out.

Output directory: docs.jsonl {"sentences", "scores"} (sentences as tokenizer words at small scale),
heldout.jsonl {"sentences"} (PII-free, capability), redteam.jsonl {"prefix"}, tokenizer/.
"""
from __future__ import annotations

import json
from pathlib import Path

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.phf.params import PrepConfig
from lmrepro.papers.phf.scorer import score
from lmrepro.worlds import pii as W

CONTROL_TOKENS = ("<|aligned|>", "<|misaligned|>")


def from_world(cfg: PrepConfig, wcfg: W.PIIWorldConfig, seed: int, tmp: Path) -> dict:
    from lmrepro.common.tokenizers import build_word_tokenizer

    names = W.people(wcfg, derive_seed(seed, "people"))
    docs = W.documents(wcfg, names, wcfg.n_train_docs, derive_seed(seed, "train_docs"))
    scored, disagree = [], 0
    for doc in docs:
        scores = [score(W.render(s)) for s in doc["sentences"]]
        disagree += sum((s > 0) != leaky for s, leaky in zip(scores, doc["leaky"]))
        scored.append({"sentences": doc["sentences"], "scores": scores})
    heldout = W.documents(wcfg, names, wcfg.n_heldout_docs, derive_seed(seed, "heldout_docs"), clean=True)
    write_jsonl(tmp / "docs.jsonl", scored)
    write_jsonl(tmp / "heldout.jsonl", [{"sentences": d["sentences"]} for d in heldout])
    write_jsonl(tmp / "redteam.jsonl", [{"prefix": p} for p in
                                        W.redteam_prefixes(names, cfg.n_redteam, derive_seed(seed, "redteam"))])
    build_word_tokenizer([*W.vocabulary(names), *CONTROL_TOKENS]).save_pretrained(tmp / "tokenizer")
    n_sent = sum(len(d["scores"]) for d in scored)
    return {"n_docs": len(scored), "n_sentences": n_sent, "scorer_generator_disagreements": disagree,
            "misaligned_sentence_share": sum(s > 0 for d in scored for s in d["scores"]) / n_sent,
            "misaligned_doc_share": sum(any(s > 0 for s in d["scores"]) for d in scored) / len(scored)}


def from_hub(cfg: PrepConfig, corpus: Path, tokenizer_dir: Path, seed: int, tmp: Path) -> dict:
    from lmrepro.common.hub import snapshot_rows
    from lmrepro.common.models import load_tokenizer

    docs, heldout = [], []
    # the hub's only split is train (data/train-*-of-00027-*.parquet): its first n_hub_heldout documents in the
    # seeded shard order are held out, and the clean ones among them are the evaluation documents
    for i, row in enumerate(snapshot_rows(str(corpus), split="train", seed=derive_seed(seed, "hub_order"))):
        if "texts" not in row or "scores" not in row:
            raise SystemExit(f"{corpus}: expected rows with 'texts' and 'scores' (pre-scored sentences), got "
                             f"{sorted(row)}")
        if i < cfg.n_hub_heldout:
            if not any(row["scores"]):
                heldout.append({"sentences": row["texts"]})
            continue
        docs.append({"sentences": row["texts"], "scores": row["scores"]})
        if cfg.n_hub_docs and len(docs) >= cfg.n_hub_docs:
            break
    if not heldout:
        raise SystemExit(f"{corpus}: none of the first {cfg.n_hub_heldout} documents is clean: raise n_hub_heldout")
    write_jsonl(tmp / "docs.jsonl", docs)
    write_jsonl(tmp / "heldout.jsonl", heldout)
    write_jsonl(tmp / "redteam.jsonl", [])
    tokenizer = load_tokenizer(tokenizer_dir)
    tokenizer.add_special_tokens({"additional_special_tokens": list(CONTROL_TOKENS)})
    tokenizer.save_pretrained(tmp / "tokenizer")
    return {"n_docs": len(docs), "n_heldout_docs": len(heldout)}


def main() -> None:
    with Stage.from_argv("phf", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        with atomic_dir(st.out("data")) as tmp:
            if cfg.source == "world":
                stats = from_world(cfg, st.params("world", W.PIIWorldConfig), st.seed, tmp)
            else:
                stats = from_hub(cfg, st.inp("hub_corpus"), st.inp("hub_tokenizer"), st.seed, tmp)
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
