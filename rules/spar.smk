# SPaR (spec ../shared/papers/spar.md): prep (instruction world) -> pretrain_lm (the actor's SFT through the shared
#   LM stage) -> iterate_{interfering,refined}_{1,2} per seed (sample, judge, build pairs, DPO + NLL; iteration 2
#   starts from the same arm's iteration 1) -> evaluate per seed -> report.

SPAR_WORLD = "src/lmrepro/worlds/instructions.py"
SPAR_DATA = "data/{scale}/spar/seed{seed}/prep"
SPAR_RUNS = "results/{scale}/spar/runs/seed{seed}"
SPAR_MODELS = ["interfering_1", "interfering_2", "refined_1", "refined_2"]


def spar_previous_actor(wildcards):
    if wildcards.iteration == "1":
        return SPAR_RUNS.format(**wildcards) + "/sft"
    return SPAR_RUNS.format(**wildcards) + f"/{wildcards.arm}_{int(wildcards.iteration) - 1}"


rule spar_prep:
    input:
        code=code("spar", "prep") + [SPAR_WORLD],
    output:
        data=directory(SPAR_DATA),
        metrics="data/{scale}/spar/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spar", "world", "prep"),
    log:
        "logs/{scale}/spar/seed{seed}/prep.log",
    threads: res("spar", "prep", "threads", 1)
    resources:
        runtime=res("spar", "prep", "runtime", 5),
        mem_mb=res("spar", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage spar.prep {params.args} > {log} 2>&1"


rule spar_pretrain_lm:
    input:
        code=code("spar", "sft", "pairs"),
        data=SPAR_DATA,
    output:
        model=directory(SPAR_RUNS + "/sft"),
        metrics=SPAR_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spar", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/spar/seed{seed}/pretrain_lm.log",
    threads: res("spar", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("spar", "pretrain_lm", "runtime", 10),
        mem_mb=res("spar", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper spar {params.args} > {log} 2>&1"


rule spar_iterate:
    input:
        code=code("spar", "iterate", "pairs") + [SPAR_WORLD],
        data=SPAR_DATA,
        actor=spar_previous_actor,
    output:
        model=directory(SPAR_RUNS + "/{arm}_{iteration}"),
        metrics=SPAR_RUNS + "/{arm}_{iteration}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spar", "selfplay", "dpo", "dpo_train", "world"),
        launcher=launcher("spar", "iterate"),
    wildcard_constraints:
        arm="interfering|refined",
        iteration="[12]",
    log:
        "logs/{scale}/spar/seed{seed}/{arm}_{iteration}.log",
    threads: res("spar", "iterate", "threads", 1)  # arms run side by side, one thread each
    resources:
        runtime=res("spar", "iterate", "runtime", 10),
        mem_mb=res("spar", "iterate", "mem_mb", 2000),
        gpu=res("spar", "iterate", "gpu", 0),
    shell:
        "{params.launcher} spar.iterate {params.args} --set selfplay.arm={wildcards.arm} "
        "--set selfplay.iteration={wildcards.iteration} > {log} 2>&1"


rule spar_evaluate:
    input:
        unpack(lambda wildcards: {m: SPAR_RUNS.format(**wildcards) + "/" + m for m in SPAR_MODELS}),
        code=code("spar", "evaluate", "pairs") + [SPAR_WORLD],
        data=SPAR_DATA,
        sft=SPAR_RUNS + "/sft",
        pairs_interfering_1=SPAR_RUNS + "/interfering_1.json",
        pairs_refined_1=SPAR_RUNS + "/refined_1.json",
    output:
        metrics=SPAR_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spar", "evaluate"),
    log:
        "logs/{scale}/spar/seed{seed}/evaluate.log",
    threads: res("spar", "evaluate", "threads", 1)
    resources:
        runtime=res("spar", "evaluate", "runtime", 10),
        mem_mb=res("spar", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage spar.evaluate {params.args} > {log} 2>&1"


rule spar_report:
    input:
        unpack(
            report_inputs(
                "spar",
                {"evaluate": SPAR_RUNS + "/evaluate.json"} | {m: SPAR_RUNS + f"/{m}.json" for m in SPAR_MODELS},
            )
        ),
    output:
        **report_outputs("spar"),
    params:
        args=stage_args,
        settings=report_settings("spar"),
    log:
        "logs/{scale}/spar/report.log",
    threads: res("spar", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper spar {params.args} > {log} 2>&1"
