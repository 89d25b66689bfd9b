"""Babel-FT: contrastive lexical specialization of the encoder on synonym pairs (paper §3; spec DAG 4).

    lmrepro stage lexical_specialization.specialize --scale small --seed 0 --set run.arm=full \
        --in base=results/small/lexical_specialization/runs/seed0/base \
        --in data=data/small/lexical_specialization/seed0/prep \
        --out model=results/small/lexical_specialization/runs/seed0/specialize_full --out metrics=...
    (arms: full = every pair; low = a seeded `specialize.low_frac` of them (C3); shuffled = the shuffled-label
     control. ci: --scale ci; paper: base = data/hub/google-bert/bert-base-multilingual-uncased, same command)

Each step draws `batch_pairs` pairs with language-pair upsampling (q ~ p^alpha), encodes both words alone as
[CLS] w [SEP], mean-pools the last layer over the sub-words and minimises NT-Xent with the synset ids as labels.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.lexical_specialization.method import encode, nt_xent_loss, pair_weights, shuffled_pairs, tokenize


def arm_pairs(rows: list[dict], arm: str, low_frac: float, seed: int) -> list[dict]:
    """The constraint pairs an arm trains on."""
    if arm == "low":
        rows = random.Random(derive_seed(seed, "low_subset")).sample(rows, max(1, round(low_frac * len(rows))))
    elif arm == "shuffled":
        rows = shuffled_pairs(rows, random.Random(derive_seed(seed, "shuffle_labels")))
    return rows


def pair_batches(tokenizer, rows: list[dict], cfg, seed: int):
    """get_batch(step): `batch_pairs` pairs drawn with replacement by language-pair weight, as token rows."""
    words = sorted({r["word1"] for r in rows} | {r["word2"] for r in rows})
    index = {w: i for i, w in enumerate(words)}
    ids, attention = tokenize(tokenizer, words, cfg.max_len)
    first = torch.tensor([index[r["word1"]] for r in rows])
    second = torch.tensor([index[r["word2"]] for r in rows])
    synsets = {s: i for i, s in enumerate(sorted({r["synset"] for r in rows}))}
    labels = torch.tensor([synsets[r["synset"]] for r in rows])
    weights = torch.tensor(pair_weights([r["lang1"] for r in rows], [r["lang2"] for r in rows], cfg.alpha))

    def get_batch(step: int) -> dict:
        generator = torch.Generator().manual_seed(derive_seed(seed, "pairs", step))
        pick = torch.multinomial(weights, cfg.batch_pairs, replacement=True, generator=generator)
        rows_ = torch.cat([first[pick], second[pick]])
        width = int(attention[rows_].sum(dim=1).max())
        return {"input_ids": ids[rows_, :width], "attention_mask": attention[rows_, :width],
                "labels": torch.cat([labels[pick], labels[pick]])}

    return get_batch, len(words)


def main() -> None:
    with Stage.from_argv("lexical_specialization", "specialize") as st:
        run, cfg, train_cfg = st.params("run"), st.params("specialize"), st.params("specialize_train")
        rows = arm_pairs(read_jsonl(st.inp("data") / "pairs.jsonl"), run.arm, cfg.low_frac, st.seed)
        tokenizer = load_tokenizer(st.inp("base"))
        get_batch, n_words = pair_batches(tokenizer, rows, cfg, derive_seed(st.seed, "specialize", run.arm))
        model = load_model(st.inp("base"), kind="masked_lm")

        def loss_fn(net, batch):
            emb = encode(net, batch["input_ids"], batch["attention_mask"])
            return nt_xent_loss(emb, batch["labels"], cfg.temperature), {}

        result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve,
                       desc=f"lexical_specialization specialize [{run.arm}]")
        save_model(model, st.out("model"), tokenizer)
        langs = sorted({r["lang1"] for r in rows} | {r["lang2"] for r in rows})
        st.log_metrics({"final_loss": result["loss"], "n_pairs": len(rows), "n_words": n_words, "steps": result["step"],
                        "n_synsets": len({r["synset"] for r in rows}), "n_languages": len(langs),
                        "epochs": result["step"] * cfg.batch_pairs / len(rows)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
