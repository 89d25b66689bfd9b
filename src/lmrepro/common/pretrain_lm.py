"""The tiny causal LM trained from scratch: one stage for every paper whose `small` base model is our own.

    lmrepro stage lmrepro.common.pretrain_lm --paper sami --scale small --seed 0 \
        --in data=data/small/sami/seed0/prep --out model=results/small/sami/runs/seed0/base \
        --out metrics=results/small/sami/runs/seed0/pretrain_base.json
    lmrepro stage lmrepro.common.pretrain_lm --paper rmt --section proxy_lm ...   (a paper's second LM)
    lmrepro stage lmrepro.common.pretrain_lm --paper karel_meaning ... --out ckpts=...   (snapshots at steps)

At `paper` scale the base model is usually a hub snapshot instead (`base_model()` in rules/common.smk) and this
stage does not run (phf, whose method is pretraining, runs it at every scale). The paper config's section
(default `pretrain_lm`, typed `PretrainLMConfig`) says which config sections hold the model spec and the
TrainConfig, and names the paper's batch function: the paper's own view of its data
(`lmrepro.papers.<slug>.<module>:<function>(stage, tokenizer) -> get_batch(step)`), so the paper keeps its data
and objective mask (and, with `loss`, its training objective) and shares everything else: seeding, model factory,
the training loop with checkpoint/resume, snapshots, saving, metrics.

Order of random draws (fixed, so a paper's numbers do not depend on where its loop lives): the batch function is
built first (its draws come from its own seeded generators), then the global RNG is reseeded from
`derive_seed(seed, init_stream)` and the model initialised (then the paper's loss, which may add a head), then
`train()` runs.

Inputs: `data` (what the batch function reads; its `tokenizer/` unless a `tokenizer` input is given), and
optionally `init`: a saved model (a hub snapshot at paper scale) to continue training instead of a fresh one
(its tokenizer too, unless `tokenizer` is given) — spt fine-tunes LLaMA-7B this way.
With `evaluate`, the paper's eval function runs at step 0 and at the end; its values are logged as curves
(`eval/<name>`) and as metrics `<name>_init` / `<name>_final`.

Outputs: `model` (save_pretrained + tokenizer + optimizer state; a killed run resumes from `<model>.resume/`
when `ckpt_every` is set), or with `checkpoints` a directory `ckpts` holding `step_<N>/` for each listed step
(step 0 = the initialisation).
"""
from __future__ import annotations

import argparse
import importlib
from typing import Callable

from lmrepro.common.params import PretrainLMConfig


def paper_function(dotted: str) -> Callable:
    """The paper's `module:function` (its batch or eval function); a clear error when it does not resolve."""
    module_name, _, name = dotted.partition(":")
    if not module_name.startswith("lmrepro.") or not name:
        raise ValueError(f"expected 'lmrepro.<module>:<function>', got {dotted!r}")
    fn = getattr(importlib.import_module(module_name), name, None)
    if not callable(fn):
        raise ValueError(f"{module_name} has no function {name!r}")
    return fn


def main(argv: list[str] | None = None) -> None:
    from lmrepro.common.io import atomic_dir
    from lmrepro.common.models import build_model, load_model, load_tokenizer, n_params
    from lmrepro.common.seeding import derive_seed, seed_everything
    from lmrepro.common.stage import Stage
    from lmrepro.common.train import TrainConfig, causal_lm_loss, train

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--section", default="pretrain_lm", help="the paper config section typed PretrainLMConfig")
    known, rest = pre.parse_known_args(argv)
    with Stage.from_argv(None, known.section, rest) as st:
        lm = st.params(known.section, PretrainLMConfig)
        train_cfg = st.params(lm.train, TrainConfig)
        if lm.stop_frac < 1.0:  # the schedule's horizon stays; a later stage resumes and finishes it
            train_cfg.schedule_steps = train_cfg.steps
            train_cfg.steps = round(train_cfg.steps * lm.stop_frac)
        model_spec = st.params(lm.model, dict)
        if lm.checkpoints and lm.checkpoints[-1] != train_cfg.steps:
            raise SystemExit(f"{st.paper}.params.{known.section}.checkpoints must end at {lm.train}.steps "
                             f"({train_cfg.steps}), got {list(lm.checkpoints)}")
        tokenizer = load_tokenizer(st.inputs.get("tokenizer") or st.inputs.get("init") or st.inp("data") / lm.tokenizer)
        get_batch = paper_function(lm.batches)(st, tokenizer)
        seed_everything(derive_seed(st.seed, lm.init_stream))
        model = load_model(st.inp("init")) if "init" in st.inputs else build_model(model_spec, tokenizer=tokenizer)
        loss_fn = paper_function(lm.loss)(st, tokenizer, model) if lm.loss else causal_lm_loss
        eval_fn = paper_function(lm.evaluate)(st, tokenizer) if lm.evaluate else None
        desc = f"{st.paper} {known.section}" + (f" [{st.variant}]" if st.variant else "")
        if lm.checkpoints:
            with atomic_dir(st.out("ckpts")) as tmp:
                def snapshot(net, step: int) -> dict:
                    net.save_pretrained(tmp / f"step_{step}")
                    tokenizer.save_pretrained(tmp / f"step_{step}")
                    return {}

                result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve, eval_fn=snapshot,
                               eval_at=tuple(lm.checkpoints), desc=desc)
            st.log_metrics({"checkpoints": list(lm.checkpoints)})
        else:
            result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                           tokenizer=tokenizer, eval_fn=eval_fn, eval_at=(0, train_cfg.steps), desc=desc)
            if eval_fn is not None:
                for name, value in result["eval"][0].items():
                    st.log_metrics({f"{name}_init": value, f"{name}_final": result["eval"][train_cfg.steps][name]})
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model), "steps": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
