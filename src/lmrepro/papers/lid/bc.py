"""Behaviour cloning from the expert demos (paper §4.1, Table 1), one policy arm per job, then its success rates.

    lmrepro stage lid.bc --scale small --seed 0 --set run.arm=lid_pre --in data=data/small/lid/seed0/prep \
        --in lm=results/small/lid/runs/seed0/lm --out policy=results/small/lid/runs/seed0/bc_lid_pre \
        --out metrics=results/small/lid/runs/seed0/bc_lid_pre.json
    (ci: --scale ci; arms: lid_pre, lid_scratch, mlp1; paper: the same on gpt2, the hub snapshot, dry run here)

Arms: LID-pre (the policy on the pre-trained LM), LID-scratch (the same architecture, random init: the paper's
LM-initialisation ablation) and MLP-1 (the non-sequential baseline). Loss: CE on the bot's action. Every arm reads
the tokenizer of the LM input (`lm`), so all arms share one vocabulary.
"""
from __future__ import annotations

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_tokenizer, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.lid.params import BC_ARMS, BCConfig, EvalConfig, PolicyConfig, RunConfig
from lmrepro.papers.lid.policy import bc_loss, build_policy, policy_batches, save_policy, transitions
from lmrepro.papers.lid.success import success_rates


def main() -> None:
    with Stage.from_argv("lid", "bc") as st:
        arm = st.params("run", RunConfig).arm
        if arm not in BC_ARMS:
            raise SystemExit(f"lid.bc: run.arm must be one of {BC_ARMS}, got {arm!r}")
        pcfg, bcfg = st.params("policy", PolicyConfig), st.params("bc", BCConfig)
        tcfg, ecfg = st.params("bc_train", TrainConfig), st.params("evaluate", EvalConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("lm"))  # the LM's own (paper scale: GPT-2 BPE)
        demos = read_jsonl(data / "demos.jsonl")
        split = read_json(data / "split.json")

        seed_everything(derive_seed(st.seed, "policy_init"))
        policy = build_policy(arm, pcfg, tokenizer, lm_dir=st.inp("lm"), model_spec=st.params("model"))
        examples = transitions(demos)
        get_batch = policy_batches(policy, examples, bcfg.batch_size, derive_seed(st.seed, "bc_batches"))
        result = train(policy, bc_loss, get_batch, tcfg, log=st.log_curve, desc=f"lid bc [{arm}]")
        save_policy(policy, st.out("policy"))

        st.log_metrics({"final_loss": result["loss"], "n_transitions": len(examples), "n_params": n_params(policy),
                        **success_rates(policy, split, ecfg.max_steps)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
