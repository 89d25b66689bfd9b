"""Baseline initialisations on the target tokenizer (spec: DAG 6, Small scale / Arms).

    lmrepro stage wechsel.baselines --scale small --seed 0 --in source=... --in tgt_tokenizer=... \
        --out randemb_body=results/small/wechsel/runs/seed0/init_randemb_body \
        --out fullrand=results/small/wechsel/runs/seed0/init_fullrand --out metrics=...

- RandEmb+Body: the source model's body (every non-embedding weight) copied; embeddings drawn per dimension
  from N(mean(E_s), std(E_s)). It isolates what the WECHSEL embedding init adds over the copied body.
- FullRand: the same architecture initialised from scratch (the paper's "from scratch" baseline).
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.papers.wechsel.wechsel_init import with_new_vocab


def random_like(matrix: np.ndarray, n_rows: int, seed: int) -> np.ndarray:
    """Rows drawn from N(mean, std) of `matrix`, per dimension."""
    rng = np.random.default_rng(seed)
    return rng.normal(matrix.mean(0), matrix.std(0), (n_rows, matrix.shape[1])).astype(matrix.dtype)


def main() -> None:
    with Stage.from_argv("wechsel", "baselines") as st:
        from transformers import AutoModelForCausalLM

        tgt_tok = load_tokenizer(st.inp("tgt_tokenizer"))
        model = load_model(st.inp("source"))
        e_in = model.get_input_embeddings().weight.detach().cpu().numpy()
        new_in = random_like(e_in, len(tgt_tok), derive_seed(st.seed, "randemb", "input"))
        new_out = None
        if not model.config.tie_word_embeddings:
            e_out = model.get_output_embeddings().weight.detach().cpu().numpy()
            new_out = random_like(e_out, len(tgt_tok), derive_seed(st.seed, "randemb", "output"))
        save_model(with_new_vocab(model, tgt_tok, new_in, new_out), st.out("randemb_body"), tokenizer=tgt_tok)

        config = model.config  # the same architecture and target vocabulary, every weight fresh
        seed_everything(derive_seed(st.seed, "fullrand_init"))
        scratch = AutoModelForCausalLM.from_config(config)
        save_model(scratch, st.out("fullrand"), tokenizer=tgt_tok)
        st.log_metrics({"emb_mean_abs": float(np.abs(e_in.mean(0)).mean()), "emb_std": float(e_in.std(0).mean())})


if __name__ == "__main__":
    main()
