"""The pretraining rows of LSK's tiny LM (spec: Small scale / Model: fact sentences in all languages plus generic
grammar sentences), for lmrepro.common.pretrain_lm (`pretrain_lm.batches: lmrepro.papers.lsk.data:lm_batches`).

One sentence per row (BOS + sentence + EOS, loss on the sentence and EOS): a row states a fact with probability
`lm_data.p_fact` (uniform over the fact sentences), else a generic sentence. Draws are a pure function of
(seed, step), so a resumed run sees the batches an uninterrupted one would.
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.io import read_jsonl
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.lsk.params import LMDataConfig


def lm_batches(st, tokenizer):
    cfg = st.params("lm_data", LMDataConfig)
    rows = read_jsonl(st.inp("data") / "corpus.jsonl")
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    encoded = {kind: [tokenizer.encode(r["text"], add_special_tokens=False) + [eos] for r in rows if r["kind"] == kind]
               for kind in ("fact", "generic")}
    if not encoded["fact"] or (cfg.p_fact < 1.0 and not encoded["generic"]):
        raise ValueError(f"{st.inp('data')}/corpus.jsonl: needs fact sentences (and generic ones when p_fact < 1)")
    seed = derive_seed(st.seed, "lm_batches")
    st.log_metrics({"n_fact_rows": len(encoded["fact"]), "n_generic_rows": len(encoded["generic"]),
                    "max_row_tokens": 1 + max(map(len, encoded["fact"] + encoded["generic"]))})

    def get_batch(step: int) -> dict:
        rng = np.random.default_rng([seed, step])
        pairs = []
        for is_fact in (rng.random(cfg.batch_size) < cfg.p_fact).tolist():
            pool = encoded["fact" if is_fact else "generic"]
            pairs.append(([bos], pool[int(rng.integers(len(pool)))]))
        return completion_batch(pairs, tokenizer.pad_token_id)

    return get_batch
