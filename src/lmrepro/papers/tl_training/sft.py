"""SFT of the student on the teacher's trajectories, one arm per job (spec DAG step 3).

    lmrepro stage tl_training.sft --scale small --seed 0 --set sft.arm=mae_pkt \
        --in data=data/small/tl_training/seed0/prep --in base=results/small/tl_training/runs/seed0/base \
        --out model=results/small/tl_training/runs/seed0/sft_mae_pkt \
        --out metrics=results/small/tl_training/runs/seed0/sft_mae_pkt.json

Arms (paper §3.1-3.2, spec Small scale "Arms"): vanilla (every assistant turn is a target, the teacher's wrong
calls included), mae (turns answered by an error are dropped as targets), mae_pkt (MAE plus key-token weights).
Every arm starts from the same base and sees its rows in a seeded order for the same steps. The base is our own
LM trained on a copy corpus (small/ci, prep's `copy_corpus`: a student from random weights never learned to copy
argument values within the budget) or the hub's CodeLlama-7B (paper).
"""
from __future__ import annotations

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.tl_training.data import sft_rows, turn_samples, weighted_sft_loss
from lmrepro.papers.tl_training.params import SFTConfig


def main() -> None:
    with Stage.from_argv("tl_training", "sft") as st:
        cfg = st.params("sft", SFTConfig)
        train_cfg = st.params("sft_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("base"))
        seed_everything(derive_seed(st.seed, "sft"))
        model = load_model(st.inp("base"))
        mae = cfg.arm != "vanilla"
        samples = [s for t in read_jsonl(st.inp("data") / "trajectories.jsonl") for s in turn_samples(t, mae)]
        rows = sft_rows(tokenizer, samples, cfg.arm == "mae_pkt", cfg.max_weight,
                        model.config.max_position_embeddings)
        get_batch = shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "sft_batches"))
        result = train(model, weighted_sft_loss, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"tl_training sft [{cfg.arm}]")
        key = rows["loss_weight"] > 1
        st.log_metrics({"final_loss": result["loss"], "n_samples": len(samples), "n_params": n_params(model),
                        "key_token_share": float(key.sum() / rows["loss_mask"].sum()),
                        "mean_key_weight": float(rows["loss_weight"][key].mean()) if key.any() else 1.0})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
