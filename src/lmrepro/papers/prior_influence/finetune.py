"""Layer-restricted finetuning (spec DAG `finetune_selected` / `finetune_other` / `finetune_all`, claim C4): only
the arm's blocks train (the probe-selected block, the lowest-scoring other block with the same parameter budget,
or every block), on plain task prompts whose answers are A_ft only; cross-entropy on the answer token only.

    lmrepro stage prior_influence.finetune --set finetune.arm=selected --scale small --seed 0 --in data=... \
        --in base=... --in selected=.../selected.json --out model=.../ft_selected --out metrics=...
"""
from __future__ import annotations

import json

import torch

from lmrepro.common.activations import decoder_blocks
from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, n_params, save_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.prior_influence.method import answer_token_ids, prompt_ids


def arm_blocks(arm: str, selection: dict) -> list[int]:
    """The 0-based blocks an arm trains."""
    if arm == "all":
        return list(range(selection["n_blocks"]))
    return [selection[arm]]


def freeze_except(model, blocks: list[int]) -> None:
    """requires_grad only on the parameters of `blocks` (embeddings, head and final norm stay frozen)."""
    layers, _ = decoder_blocks(model)
    model.requires_grad_(False)
    for block in blocks:
        layers[block].requires_grad_(True)


def main(argv: list[str] | None = None) -> None:
    with Stage.from_argv("prior_influence", "finetune", argv) as st:
        cfg = st.params("finetune")
        train_cfg = st.params("finetune_train", TrainConfig)
        seed_everything(derive_seed(st.seed, "finetune", cfg.arm))
        answers = read_json(st.inp("data") / "answers.json")
        rows = read_jsonl(st.inp("data") / "finetune.jsonl")
        if {r["answer"] for r in rows} - set(answers["ft"]):
            raise ValueError("finetuning rows hold answers outside A_ft: the held-out test would leak")
        model, tokenizer = load_model(st.inp("base")), load_tokenizer(st.inp("base"))
        blocks = arm_blocks(cfg.arm, read_json(st.inp("selected")))
        freeze_except(model, blocks)

        ids = dict(zip(answers["ft"], answer_token_ids(tokenizer, answers["ft"], answers["answer_prefix"])))
        data = completion_batch([(prompt_ids(tokenizer, r["prompt"]), [ids[r["answer"]]]) for r in rows],
                                tokenizer.pad_token_id)
        n = len(rows)
        batch_seed = derive_seed(st.seed, "finetune_batches")

        def get_batch(step: int) -> dict:
            epoch, k = divmod(step, max(1, n // cfg.batch_size))
            perm = torch.randperm(n, generator=torch.Generator().manual_seed(batch_seed + epoch))
            idx = perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]
            return {name: t[idx] for name, t in data.items()}

        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve,
                       desc=f"prior_influence finetune [{cfg.arm}]")
        save_model(model, st.out("model"), tokenizer,
                   extra_files={"trainable_blocks.json": json.dumps({"arm": cfg.arm, "blocks": blocks})})
        st.log_metrics({"arm": cfg.arm, "blocks": blocks, "n_trainable": n_params(model, trainable_only=True),
                        "final_loss": result["loss"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
