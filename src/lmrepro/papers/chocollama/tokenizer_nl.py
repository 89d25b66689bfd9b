"""Train the NL* (paper: Dutch) BPE tokenizer and compare its tokens/char with the original (spec: DAG 1,
`tokenizer_nl`; acceptance A2).

    lmrepro stage chocollama.tokenizer_nl --scale small --seed 0 \
        --in base=results/small/chocollama/runs/seed0/base_a --in data=data/small/chocollama/seed0/prep \
        --out tokenizer=results/small/chocollama/runs/seed0/tokenizer_nl --out metrics=.../tokenizer_nl.json
    paper: --in base=data/hub/meta-llama/Llama-2-7b-hf (its tokenizer is the original one)

The new tokenizer has the original's vocabulary size and special tokens (so they can map to the old vectors) and
learns from the NL* training text only. Tokens/char are measured on the held-out NL* sentences.
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir
from lmrepro.common.models import load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.common.batches import read_lines
from lmrepro.papers.chocollama.data import tokens_per_char
from lmrepro.papers.chocollama.method import SPECIAL_ROLES
from lmrepro.papers.chocollama.params import TokenizerConfig


def main() -> None:
    with Stage.from_argv("chocollama", "tokenizer_nl") as st:
        cfg = st.params("tokenizer", TokenizerConfig)
        old = load_tokenizer(st.inp("base"))
        specials = {role: token for role, token in old.special_tokens_map.items()
                    if role in SPECIAL_ROLES and isinstance(token, str)}
        new = build_bpe_tokenizer(read_lines(st.inp("data") / "nl_train.txt"), cfg.vocab_size, specials)
        with atomic_dir(st.out("tokenizer")) as tmp:
            new.save_pretrained(tmp)
        heldout = read_lines(st.inp("data") / "nl_heldout.txt")
        orig_tpc, nl_tpc = tokens_per_char(old, heldout), tokens_per_char(new, heldout)
        st.log_metrics({"tokens_per_char_orig": orig_tpc, "tokens_per_char_nl": nl_tpc,
                        "tokens_per_char_ratio": nl_tpc / orig_tpc, "vocab_size_orig": len(old),
                        "vocab_size_nl": len(new)})
        print(f"tokens/char on held-out NL*: original {orig_tpc:.3f}, NL* BPE {nl_tpc:.3f}")


if __name__ == "__main__":
    main()
