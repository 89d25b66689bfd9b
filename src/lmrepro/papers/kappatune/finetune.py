"""Fine-tune the base on the new task (domain B) in one arm, evaluating task accuracy and forgetting as it goes.

    lmrepro stage kappatune.finetune --scale small --seed 0 --set arms.arm=kappa_low \
        --in data=data/small/kappatune/seed0/prep --in base=results/small/kappatune/runs/seed0/base \
        --in kappa=results/small/kappatune/runs/seed0/kappa.json \
        --out model=results/small/kappatune/runs/seed0/ft_kappa_low --out metrics=.../finetune_kappa_low.json
    (ci: --scale ci; paper: --scale paper with the hub base)

Arms (spec DAG finetune_*): full (every parameter), kappa_low (KappaTune: only the k lowest-kappa tensors, 1-D
tensors frozen), kappa_high, random_<i> and matched_<i> (k tensors drawn at random, matched: as many per module kind
as kappa_low), lora (peft adapters, merged into the saved weights). Every arm sees the same batches, lr and steps
(spec protocol fix). Loss: next-token NLL over the whole review (paper: LM loss on the whole sequence).

Evaluated at step 0 and every `eval_every` steps: task accuracy on the held-out reviews, perplexity of the domain-A
text and forgetting = ppl / ppl(base) - 1; forgetting_at_target is read at the first evaluation whose accuracy
reaches `acc_target` (NaN, reached_target 0, when none does).
"""
from __future__ import annotations

import json
import math
import random

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import content_hash, read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.kappatune import kappa as K
from lmrepro.papers.kappatune import metrics as M
from lmrepro.papers.kappatune.domains import LABELS
from lmrepro.papers.kappatune.params import ArmsConfig, KappaConfig


def strategy_of(arm: str) -> str:
    """The selection strategy behind an arm name: random_2 -> random."""
    return arm.rsplit("_", 1)[0] if arm.startswith(("random_", "matched_")) else arm


def add_lora(model, cfg: ArmsConfig):
    from peft import LoraConfig, get_peft_model

    return get_peft_model(model, LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=0.0,
                                            target_modules=list(cfg.lora_targets), bias="none"))


def main() -> None:
    with Stage.from_argv("kappatune", "finetune") as st:
        cfg = st.params("arms", ArmsConfig)
        kappa_cfg = st.params("kappa", KappaConfig)
        train_cfg = st.params("finetune", TrainConfig)
        if cfg.arm not in cfg.run:
            raise SystemExit(f"kappatune.finetune: arm {cfg.arm!r} is not in arms.run {list(cfg.run)}")
        base = st.inp("base")
        tokenizer = load_tokenizer(base)
        data = st.inp("data")
        task_rows = M.lm_rows(tokenizer, [r["text"] for r in read_jsonl(data / "task_train.jsonl")])
        get_batch = shuffled_batches(task_rows, cfg.batch_size, derive_seed(st.seed, "task_batches"))
        test = read_jsonl(data / "task_test.jsonl")
        general_rows = M.lm_rows(tokenizer, [r["text"] for r in read_jsonl(data / "general_eval.jsonl")])

        cache = read_json(st.inp("kappa"))
        if cache["model_hash"] != content_hash(sorted(base.glob("*.safetensors"))):
            raise SystemExit(f"{st.inp('kappa')} was computed on other weights than {base}: rerun compute_kappa")
        seed_everything(derive_seed(st.seed, f"finetune_{cfg.arm}"))
        model = load_model(base)
        strategy = strategy_of(cfg.arm)
        if strategy == "full":
            selected = [name for name, _ in model.named_parameters()]
        elif strategy == "lora":
            model = add_lora(model, cfg)
            selected = [name for name, p in model.named_parameters() if p.requires_grad]
        else:
            rng = random.Random(derive_seed(st.seed, f"select_{cfg.arm}"))
            selected = K.freeze_all_but(model, K.select(cache["tensors"], strategy, kappa_cfg.k, rng))
        n_trainable = n_params(model, trainable_only=True)

        ppl_before = M.perplexity(model, general_rows)

        def evaluate(net, step: int) -> dict:
            ppl = M.perplexity(net, general_rows)
            acc = M.verdict_accuracy(net, tokenizer, [r["prompt"] for r in test], [r["label"] for r in test], LABELS)
            return {"task_acc": acc, "general_ppl": ppl, "forgetting": M.forgetting(ppl, ppl_before)}

        eval_at = tuple(sorted({*range(0, train_cfg.steps + 1, cfg.eval_every), train_cfg.steps}))
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, eval_fn=evaluate,
                       eval_at=eval_at, desc=f"kappatune finetune [{cfg.arm}]")
        forget, step = M.forgetting_at_target(result["eval"], cfg.acc_target)
        if strategy == "lora":
            model = model.merge_and_unload()
        save_model(model, st.out("model"), tokenizer, extra_files={"trainable.json": json.dumps(selected)})
        final = result["eval"][train_cfg.steps]
        st.log_metrics({
            "arm": cfg.arm, "trainable": selected, "n_trainable_tensors": len(selected),
            "n_trainable_params": n_trainable, "steps": train_cfg.steps, "lr": train_cfg.lr,
            "ppl_before": ppl_before, "final_task_acc": final["task_acc"], "final_forgetting": final["forgetting"],
            "forgetting_at_target": forget, "step_at_target": step if step is not None else math.nan,
            "reached_target": float(step is not None), "final_loss": result["loss"],
        })
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
