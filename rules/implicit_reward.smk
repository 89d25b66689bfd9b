# Implicit reward (spec ../shared/papers/implicit_reward.md): prep -> pretrain_lm (small: a tiny Llama on the world's
#   description corpus; paper: the hub snapshot) -> sft_{high,low} -> dpo_{high,low} per seed -> evaluate -> report.
# prep and the base model are shared by all seeds (config `shared_across_seeds`): they run with the base seed.

IMPLICIT_REWARD_WORLD = "src/lmrepro/worlds/feedback.py"
IMPLICIT_REWARD_DATA = "data/{scale}/implicit_reward/seed{seed}/prep"
IMPLICIT_REWARD_RUNS = "results/{scale}/implicit_reward/runs/seed{seed}"
implicit_reward_data = stage_output("implicit_reward", "prep", IMPLICIT_REWARD_DATA)
implicit_reward_base = base_model("implicit_reward", "base", "pretrain_lm", IMPLICIT_REWARD_RUNS + "/base")


rule implicit_reward_prep:
    input:
        unpack(hub_inputs("implicit_reward", "sft", "pref")),
        code=code("implicit_reward", "prep") + [IMPLICIT_REWARD_WORLD],
    output:
        data=directory(IMPLICIT_REWARD_DATA),
        metrics="data/{scale}/implicit_reward/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("implicit_reward", "world", "prep"),
    log:
        "logs/{scale}/implicit_reward/seed{seed}/prep.log",
    threads: res("implicit_reward", "prep", "threads", 1)
    resources:
        runtime=res("implicit_reward", "prep", "runtime", 5),
        mem_mb=res("implicit_reward", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage implicit_reward.prep {params.args} > {log} 2>&1"


rule implicit_reward_pretrain_lm:
    input:
        code=code("implicit_reward") + ["src/lmrepro/common/batches.py"],
        data=IMPLICIT_REWARD_DATA,
    output:
        model=directory(IMPLICIT_REWARD_RUNS + "/base"),
        metrics=IMPLICIT_REWARD_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("implicit_reward", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/implicit_reward/seed{seed}/pretrain_lm.log",
    threads: res("implicit_reward", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("implicit_reward", "pretrain_lm", "runtime", 10),
        mem_mb=res("implicit_reward", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper implicit_reward {params.args} > {log} 2>&1"


rule implicit_reward_sft:
    input:
        code=code("implicit_reward", "sft", "method"),
        data=implicit_reward_data,
        base=implicit_reward_base,
    output:
        model=directory(IMPLICIT_REWARD_RUNS + "/sft_{arm}"),
        metrics=IMPLICIT_REWARD_RUNS + "/sft_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("implicit_reward", "arms", "sft"),
        launcher=launcher("implicit_reward", "sft"),
    wildcard_constraints:
        arm="high|low",
    log:
        "logs/{scale}/implicit_reward/seed{seed}/sft_{arm}.log",
    threads: res("implicit_reward", "sft", "threads", 1)  # the two arms train side by side, one thread each
    resources:
        runtime=res("implicit_reward", "sft", "runtime", 10),
        mem_mb=res("implicit_reward", "sft", "mem_mb", 2000),
        gpu=res("implicit_reward", "sft", "gpu", 0),
    shell:
        "{params.launcher} implicit_reward.sft {params.args} --set arms.arm={wildcards.arm} > {log} 2>&1"


rule implicit_reward_dpo:
    input:
        code=code("implicit_reward", "dpo", "method"),
        data=implicit_reward_data,
        sft=IMPLICIT_REWARD_RUNS + "/sft_{arm}",
    output:
        model=directory(IMPLICIT_REWARD_RUNS + "/dpo_{arm}"),
        metrics=IMPLICIT_REWARD_RUNS + "/dpo_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("implicit_reward", "arms", "dpo", "dpo_train"),
        launcher=launcher("implicit_reward", "dpo"),
    wildcard_constraints:
        arm="high|low",
    log:
        "logs/{scale}/implicit_reward/seed{seed}/dpo_{arm}.log",
    threads: res("implicit_reward", "dpo", "threads", 1)
    resources:
        runtime=res("implicit_reward", "dpo", "runtime", 10),
        mem_mb=res("implicit_reward", "dpo", "mem_mb", 2000),
        gpu=res("implicit_reward", "dpo", "gpu", 0),
    shell:
        "{params.launcher} implicit_reward.dpo {params.args} --set arms.arm={wildcards.arm} > {log} 2>&1"


rule implicit_reward_evaluate:
    input:
        code=code("implicit_reward", "evaluate", "method") + [IMPLICIT_REWARD_WORLD],
        data=implicit_reward_data,
        base=implicit_reward_base,
        sft_high=IMPLICIT_REWARD_RUNS + "/sft_high",
        sft_low=IMPLICIT_REWARD_RUNS + "/sft_low",
        dpo_high=IMPLICIT_REWARD_RUNS + "/dpo_high",
        dpo_low=IMPLICIT_REWARD_RUNS + "/dpo_low",
    output:
        metrics=IMPLICIT_REWARD_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("implicit_reward", "evaluate"),
    log:
        "logs/{scale}/implicit_reward/seed{seed}/evaluate.log",
    threads: res("implicit_reward", "evaluate", "threads", 1)
    resources:
        runtime=res("implicit_reward", "evaluate", "runtime", 10),
        mem_mb=res("implicit_reward", "evaluate", "mem_mb", 2000),
        gpu=res("implicit_reward", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage implicit_reward.evaluate {params.args} > {log} 2>&1"


rule implicit_reward_report:
    input:
        unpack(
            report_inputs(
                "implicit_reward",
                {
                    "evaluate": IMPLICIT_REWARD_RUNS + "/evaluate.json",
                    "sft_high": IMPLICIT_REWARD_RUNS + "/sft_high.json",
                    "sft_low": IMPLICIT_REWARD_RUNS + "/sft_low.json",
                    "dpo_high": IMPLICIT_REWARD_RUNS + "/dpo_high.json",
                    "dpo_low": IMPLICIT_REWARD_RUNS + "/dpo_low.json",
                },
            )
        ),
    output:
        **report_outputs("implicit_reward"),
    params:
        args=stage_args,
        settings=report_settings("implicit_reward"),
    log:
        "logs/{scale}/implicit_reward/report.log",
    threads: res("implicit_reward", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper implicit_reward {params.args} > {log} 2>&1"
