"""Add the thinking and reflection tokens to the base's tokenizer and resize its embeddings (spec DAG step 2).

    lmrepro stage preflexor.add_special_tokens --scale small --seed 0 \
        --in base=results/small/preflexor/runs/seed0/base --out model=results/small/preflexor/runs/seed0/base_tokens

<|thinking|>, <|/thinking|>, <|reflect|>, <|/reflect|> become special tokens (never split); a dedicated pad token
is added where the base has none (the notebook reuses a reserved Llama token). New embedding rows are initialised
by transformers' mean resizing (the mean and covariance of the old rows), seeded. Every arm starts from this model.
"""
from __future__ import annotations

from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.papers.preflexor.thinking import SPECIAL_TOKENS


def main() -> None:
    with Stage.from_argv("preflexor", "add_special_tokens") as st:
        tokenizer = load_tokenizer(st.inp("base"))
        before = len(tokenizer)
        added = tokenizer.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS)})
        if tokenizer.pad_token is None:
            added += tokenizer.add_special_tokens({"pad_token": "<|pad|>"})
        seed_everything(derive_seed(st.seed, "new_embeddings"))
        model = load_model(st.inp("base"))
        model.resize_token_embeddings(len(tokenizer))
        model.config.pad_token_id = tokenizer.pad_token_id
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"vocab_before": before, "vocab_after": len(tokenizer), "added": added})


if __name__ == "__main__":
    main()
