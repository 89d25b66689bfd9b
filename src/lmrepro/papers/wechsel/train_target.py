"""Continue training one initialised model on the target language (spec: DAG 7, Small scale / Arms).

    lmrepro stage wechsel.train_target --scale small --seed 0 --threads 1 --set run.arm=wechsel \
        --in init=results/small/wechsel/runs/seed0/init_wechsel --in data=data/small/wechsel/seed0/prep \
        --out model=results/small/wechsel/runs/seed0/target_wechsel --out metrics=.../train_target_wechsel.json

Every arm (wechsel | randemb_body | fullrand) shares the target tokenizer, the schedule and the exact batch
sequence of its seed; held-out TGT token perplexity is logged at the `run.eval_at` steps (curve `eval/ppl`).
"""
from __future__ import annotations

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.common.batches import read_lines, token_stream
from lmrepro.papers.wechsel.data import batch_fn, eval_blocks, perplexity
from lmrepro.papers.wechsel.params import LMDataConfig, RunConfig


def main() -> None:
    with Stage.from_argv("wechsel", "train_target") as st:
        run = st.params("run", RunConfig)
        data_cfg = st.params("lm_data", LMDataConfig)
        train_cfg = st.params("target", TrainConfig)
        tokenizer = load_tokenizer(st.inp("init"))
        model = load_model(st.inp("init"))
        data = st.inp("data")
        stream = token_stream(tokenizer, read_lines(data / "tgt_train.txt"))
        heldout = eval_blocks(token_stream(tokenizer, read_lines(data / "tgt_heldout.txt")), data_cfg)
        eval_at = tuple(s for s in run.eval_at if s <= train_cfg.steps)
        result = train(model, causal_lm_loss, batch_fn(stream, data_cfg, derive_seed(st.seed, "target_batches")),
                       train_cfg, out_dir=st.out("model"), log=st.log_curve, tokenizer=tokenizer,
                       eval_fn=lambda m, step: {"ppl": perplexity(m, heldout)}, eval_at=eval_at,
                       desc=f"wechsel target {run.arm}")
        st.log_metrics({f"ppl_step{s}": result["eval"][s]["ppl"] for s in eval_at})
        st.log_metrics({"final_loss": result["loss"], "heldout_tokens": heldout.numel()})
        st.log_timing(result["timing"])
        print(run.arm, {s: round(result["eval"][s]["ppl"], 2) for s in eval_at})


if __name__ == "__main__":
    main()
