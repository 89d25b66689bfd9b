"""The two SFT arms (spec Small scale): sft_direct on question -> answer, sft_think on the teacher's chosen
(thinking span, then the answer), both from the tokens-added base with the preference arms' total step count.

    lmrepro stage preflexor.sft --scale small --seed 0 --set sft.arm=sft_think \
        --in data=data/small/preflexor/seed0/prep --in base=results/small/preflexor/runs/seed0/base_tokens \
        --out model=results/small/preflexor/runs/seed0/sft_think --out metrics=...

Loss: the completion's NLL (`masked_lm_loss`), mean per token.
"""
from __future__ import annotations

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.preflexor.params import SFTConfig
from lmrepro.papers.preflexor.thinking import completion_ids, prompt_ids


def main() -> None:
    with Stage.from_argv("preflexor", "sft") as st:
        cfg = st.params("sft", SFTConfig)
        train_cfg = st.params("sft_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("base"))
        think = cfg.arm == "sft_think"
        rows = completion_batch([(prompt_ids(tokenizer, r["question"], think),
                                  completion_ids(tokenizer, r["thinking"] if think else None, r["answer"]))
                                 for r in read_jsonl(st.inp("data") / "train.jsonl")], tokenizer.pad_token_id)
        get_batch = shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "sft_batches"))
        seed_everything(derive_seed(st.seed, f"sft_{cfg.arm}"))
        model = load_model(st.inp("base"))
        result = train(model, causal_lm_loss, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"preflexor sft [{cfg.arm}]")
        st.log_metrics({"final_loss": result["loss"], "n_rows": rows["input_ids"].size(0)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
