"""The actor's SFT rows for the shared LM stage (`pretrain_lm.batches: lmrepro.papers.spar.sft:sft_batches`):
BOS + instruction + ":" as the prompt, the response + EOS as the completion, loss on the completion only
(spec DAG step 2, seed_sft; the paper's refiner SFT has no counterpart here: the judge is the checker)."""
from __future__ import annotations

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.params import CorpusConfig
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.spar.pairs import prompt_ids


def sft_batches(st, tokenizer):
    cfg = st.params("corpus", CorpusConfig)
    rows = read_jsonl(st.inp("data") / "sft.jsonl")
    batch = completion_batch([(prompt_ids(tokenizer, r["prompt"]),
                               tokenizer.encode(r["response"], add_special_tokens=False) + [tokenizer.eos_token_id])
                              for r in rows], tokenizer.pad_token_id)
    return shuffled_batches(batch, cfg.batch_size, derive_seed(st.seed, "sft_batches"))
