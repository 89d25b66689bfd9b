"""Re-embed base A for the NL* tokenizer: token translation (tokentrans) and the random re-init control (spec:
DAG 2, `init_tokentrans`).

    lmrepro stage chocollama.init_embeddings --scale small --seed 0 \
        --in base=results/small/chocollama/runs/seed0/base_a --in tokenizer=.../tokenizer_nl \
        --in data=data/small/chocollama/seed0/prep \
        --out tokentrans=results/small/chocollama/runs/seed0/init_tokentrans \
        --out random=results/small/chocollama/runs/seed0/init_random --out metrics=.../init_embeddings.json
    paper: --in base=data/hub/meta-llama/Llama-2-7b-hf

Both models keep base A's transformer body; only the input embeddings and LM-head rows change (method.py). The
dictionary words' counts (the token-translation weights) come from the NL* training text.
"""
from __future__ import annotations

from collections import Counter

import torch

from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.batches import read_lines
from lmrepro.papers.chocollama.method import random_matrix, reembed, token_translation_matrix
from lmrepro.papers.chocollama.params import TokenTransConfig
from lmrepro.papers.chocollama.prep import read_dictionary


def main() -> None:
    with Stage.from_argv("chocollama", "init_embeddings") as st:
        cfg = st.params("tokentrans", TokenTransConfig)
        old_tok, new_tok = load_tokenizer(st.inp("base")), load_tokenizer(st.inp("tokenizer"))
        dictionary = read_dictionary(st.inp("data") / "dictionary.tsv")
        counts = Counter(w for line in read_lines(st.inp("data") / "nl_train.txt") for w in line.split()) \
            if cfg.weighting == "count" else None
        model = load_model(st.inp("base"))
        old_in = model.get_input_embeddings().weight.detach().clone()
        old_out = model.get_output_embeddings().weight.detach().clone()
        rows_in, stats = token_translation_matrix(old_in, old_tok, new_tok, dictionary, counts)
        rows_out, _ = token_translation_matrix(old_out, old_tok, new_tok, dictionary, counts)
        save_model(reembed(model, new_tok, rows_in, rows_out), st.out("tokentrans"), tokenizer=new_tok)

        generator = torch.Generator().manual_seed(derive_seed(st.seed, "random_reinit"))
        model = load_model(st.inp("base"))
        rand_in = random_matrix(old_in, old_tok, new_tok, generator)
        rand_out = random_matrix(old_out, old_tok, new_tok, generator)
        save_model(reembed(model, new_tok, rand_in, rand_out), st.out("random"), tokenizer=new_tok)
        n = len(new_tok)
        st.log_metrics({**stats, "frac_translated": stats["n_translated"] / n,
                        "frac_fallback": stats["n_fallback"] / n, "n_dictionary": len(dictionary)})
        print(f"token translation: {stats}")


if __name__ == "__main__":
    main()
