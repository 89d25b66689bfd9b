"""Supervised fine-tuning of the base on one arm's conversations (paper §4: vanilla SFT on the raw mix, or
conditional SFT on the mix with `[IND]` appended to the user turns of context-dependent examples). The loss is
the response NLL (EOS included) under the chat template.

    lmrepro stage context_awareness.sft --scale small --seed 0 --set sft.arm=vanilla \
        --in base=results/small/context_awareness/runs/seed0/base \
        --in data=data/small/context_awareness/seed0/sft_raw.jsonl \
        --out model=results/small/context_awareness/runs/seed0/sft_vanilla \
        --out metrics=results/small/context_awareness/runs/seed0/sft_vanilla.json
    (indicator arm: --set sft.arm=indicator --in data=.../sft_ind.jsonl; ci: --scale ci)
"""
from __future__ import annotations

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.context_awareness.data import chat_pair
from lmrepro.papers.context_awareness.params import ScoreConfig, SFTConfig


def main() -> None:
    with Stage.from_argv("context_awareness", "sft") as st:
        cfg = st.params("sft", SFTConfig)
        indicator = st.params("score", ScoreConfig).indicator
        train_cfg = st.params("sft_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("base"))
        conversations = read_jsonl(st.inp("data"))
        rows = completion_batch([chat_pair(tokenizer, c["messages"][0]["content"], c["messages"][1]["content"])
                                 for c in conversations], tokenizer.pad_token_id)
        # the same batch order for both arms: they differ only in the indicator tokens
        get_batch = shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "sft_batches"))
        seed_everything(derive_seed(st.seed, "sft"))
        model = load_model(st.inp("base"))
        result = train(model, causal_lm_loss, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"context_awareness sft [{cfg.arm}]")
        st.log_metrics({"final_loss": result["loss"], "n_rows": rows["input_ids"].size(0),
                        "n_indicator": sum(c["messages"][0]["content"].endswith(indicator) for c in conversations)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
