"""sft_cot / sft_nocot (spec DAG): token-level baselines.

    lmrepro stage sentence_lm.sft --set sft.arm=cot --scale small --seed 0 --in data=data/small/sentence_lm/seed0/tasks \
        --out model=results/small/sentence_lm/runs/seed0/cot --out metrics=results/small/sentence_lm/runs/seed0/sft_cot.json
    lmrepro stage sentence_lm.sft --set sft.arm=nocot ... --in init=results/small/sentence_lm/runs/seed0/cot ...
    (paper: the cot arm adds --in base=data/hub/openai-community/gpt2)

cot: [bos] q s_1 .. s_n "answer a ." [eos], loss on everything after the question. The model starts from `base`
(paper: GPT-2) or, with no base, from a fresh GPT2Config (small: 2 layers, d=96). It is also the "pretrained LM"
every later stage starts from (spec DAG). nocot: [bos] q "answer a ." [eos], starting from the CoT model.
"""
from __future__ import annotations

import torch

from lmrepro.common.models import build_model, load_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.sentence_lm.method import encode_row, pad_sft, sft_example, special_ids
from lmrepro.papers.sentence_lm.params import SftConfig
from lmrepro.worlds.reasoning import read_jsonl


def main() -> None:
    with Stage.from_argv("sentence_lm", "sft") as st:
        cfg = st.params("sft", SftConfig)
        train_cfg = st.params(f"train_{cfg.arm}", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        bos, eos, pad = special_ids(tokenizer)
        examples = [sft_example(encode_row(tokenizer, row), cfg.arm == "cot", bos, eos)
                    for row in read_jsonl(data / "train.jsonl")]
        batch_seed = derive_seed(st.seed, "sft", cfg.arm)

        def get_batch(step: int) -> dict:
            epoch, k = divmod(step, max(1, len(examples) // cfg.batch_size))
            perm = torch.randperm(len(examples), generator=torch.Generator().manual_seed(batch_seed + epoch))
            return pad_sft([examples[int(i)] for i in perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]], pad)

        seed_everything(derive_seed(st.seed, "init", cfg.arm))
        if "init" in st.inputs:
            model = load_model(st.inp("init"))
        elif "base" in st.inputs:
            model = load_model(st.inp("base"))
        else:
            model = build_model(st.params("model", dict), vocab_size=len(tokenizer), special_ids={
                "pad_token_id": pad, "bos_token_id": bos, "eos_token_id": eos})
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc=f"sft {cfg.arm}")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
