"""MeCo cooldown: resume stage 1 (weights, optimizer and LR-scheduler state; paper §3) and finish the schedule on
fresh plain documents without URLs. The data stream is new (the data-loader state is dropped, as in the paper).

    lmrepro stage meco.cooldown --scale small --seed 0 --in stage1=results/small/meco/runs/seed0/meco_stage1 \
        --in rows=data/small/meco/seed0/cooldown.safetensors --in corpus=... --out model=... --out metrics=...
"""
from __future__ import annotations

from safetensors.torch import load_file

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.meco.data import batch_fn
from lmrepro.papers.meco.params import MecoConfig


def main() -> None:
    with Stage.from_argv("meco", "cooldown") as st:
        meco = st.params("meco", MecoConfig)
        train_cfg = st.params("pretrain", TrainConfig)  # the same schedule, finished here
        train_cfg.schedule_steps = train_cfg.steps
        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        model = load_model(st.inp("stage1"))
        rows = load_file(str(st.inp("rows")))
        result = train(model, causal_lm_loss, batch_fn(rows, meco.batch_size, derive_seed(st.seed, "data", "cooldown")),
                       train_cfg, out_dir=st.out("model"), resume_from=st.inp("stage1"), log=st.log_curve,
                       tokenizer=tokenizer, desc="meco cooldown")
        st.log_metrics({"final_loss": result["loss"], "steps": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
