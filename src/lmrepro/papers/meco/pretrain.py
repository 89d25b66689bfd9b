"""Pretrain from scratch: the standard baseline (100% of steps, plain text) or MeCo stage 1 (the first
(1 - cooldown_frac) of the same LR schedule, URL-conditioned). Paper §2-3; spec: Small scale / Training.

    lmrepro stage meco.pretrain --scale small --seed 0 --set run.arm=meco_stage1 \
        --in rows=data/small/meco/seed0/meco.safetensors --in corpus=data/small/meco/seed0/corpus \
        --out model=results/small/meco/runs/seed0/meco_stage1 --out metrics=...

Both arms use the same model init (seed), batch, row length and schedule; stage 1 saves optimizer and
scheduler state so the cooldown resumes rather than restarts.
"""
from __future__ import annotations

from safetensors.torch import load_file

from lmrepro.common.models import build_model, load_tokenizer, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.meco.data import batch_fn
from lmrepro.papers.meco.params import MecoConfig, RunConfig


def main() -> None:
    with Stage.from_argv("meco", "pretrain") as st:
        run = st.params("run", RunConfig)
        meco = st.params("meco", MecoConfig)
        train_cfg = st.params("pretrain", TrainConfig)
        model_spec = st.params("model", dict)
        if run.arm == "meco_stage1":  # stop at 90% of the same schedule; the cooldown finishes it
            train_cfg.schedule_steps = train_cfg.steps
            train_cfg.steps = round(train_cfg.steps * (1 - meco.cooldown_frac))
        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        rows = load_file(str(st.inp("rows")))
        seed_everything(derive_seed(st.seed, "init"))  # same init in every arm
        model = build_model(model_spec, tokenizer=tokenizer)
        result = train(model, causal_lm_loss, batch_fn(rows, meco.batch_size, derive_seed(st.seed, "data", run.arm)),
                       train_cfg, out_dir=st.out("model"), log=st.log_curve, tokenizer=tokenizer,
                       desc=f"meco {run.arm}")
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model), "steps": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
