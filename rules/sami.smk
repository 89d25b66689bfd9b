# SAMI (spec ../shared/papers/sami.md): prep -> pretrain_base (small: a tiny model; paper: the hub snapshot)
#   -> {sami, self_sft} per seed (3 x [sample C responses -> train]) -> evaluate per seed -> report
# prep and the base model are shared by all seeds (config `shared_across_seeds`): they run with the base seed.

SAMI_WORLD = "src/lmrepro/worlds/principles.py"
SAMI_DATA = "data/{scale}/sami/seed{seed}/prep"
sami_data = stage_output("sami", "prep", SAMI_DATA)
sami_base = base_model("sami", "base", "pretrain_lm", "results/{scale}/sami/runs/seed{seed}/base")


def sami_prep_inputs(wildcards):
    inputs = {"code": code("sami", "prep", "method") + [SAMI_WORLD]}
    if has_hub("sami", "datasets", "queries"):
        inputs["dataset"] = hub_dataset("sami", "queries")
    return inputs


rule sami_prep:
    input:
        unpack(sami_prep_inputs),
    output:
        data=directory(SAMI_DATA),
        metrics="data/{scale}/sami/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "world", "prep", "prompt"),
    log:
        "logs/{scale}/sami/seed{seed}/prep.log",
    threads: res("sami", "prep", "threads", 1)
    resources:
        runtime=res("sami", "prep", "runtime", 5),
        mem_mb=res("sami", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage sami.prep {params.args} > {log} 2>&1"


rule sami_pretrain_base:
    input:
        code=code("sami", "pretrain_data", "method"),
        data=SAMI_DATA,
    output:
        model=directory("results/{scale}/sami/runs/seed{seed}/base"),
        metrics="results/{scale}/sami/runs/seed{seed}/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "pretrain_lm", "model", "base", "pretrain"),
    log:
        "logs/{scale}/sami/seed{seed}/pretrain_base.log",
    threads: res("sami", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("sami", "pretrain_lm", "runtime", 10),
        mem_mb=res("sami", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper sami {params.args} > {log} 2>&1"


rule sami_self_train:
    input:
        code=code("sami", "{arm}", "_loop", "method") + [SAMI_WORLD],
        data=sami_data,
        base=sami_base,
    output:
        model=directory("results/{scale}/sami/runs/seed{seed}/{arm}"),
        metrics="results/{scale}/sami/runs/seed{seed}/{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "sami", "sami_train", "prompt"),
        launcher=lambda wc: launcher("sami", wc.arm),
    wildcard_constraints:
        arm="sami|self_sft",
    log:
        "logs/{scale}/sami/seed{seed}/{arm}.log",
    threads: res("sami", "self_train", "threads", 1)  # tiny models scale poorly over threads: two 1-thread jobs at once beat one 2-thread job
    resources:
        runtime=lambda wc: res("sami", wc.arm, "runtime", 10),
        mem_mb=lambda wc: res("sami", wc.arm, "mem_mb", 2000),
        gpu=lambda wc: res("sami", wc.arm, "gpu", 0),
    shell:
        "{params.launcher} sami.{wildcards.arm} {params.args} > {log} 2>&1"


rule sami_evaluate:
    input:
        code=code("sami", "evaluate", "method") + [SAMI_WORLD],
        data=sami_data,
        base=sami_base,
        sami="results/{scale}/sami/runs/seed{seed}/sami",
        self_sft="results/{scale}/sami/runs/seed{seed}/self_sft",
    output:
        metrics="results/{scale}/sami/runs/seed{seed}/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "evaluate", "sami", "prompt"),
    log:
        "logs/{scale}/sami/seed{seed}/evaluate.log",
    threads: res("sami", "evaluate", "threads", 1)
    resources:
        runtime=res("sami", "evaluate", "runtime", 10),
        mem_mb=res("sami", "evaluate", "mem_mb", 2000),
        gpu=res("sami", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage sami.evaluate {params.args} > {log} 2>&1"


rule sami_report:
    input:
        unpack(
            report_inputs(
                "sami",
                {
                    "evaluate": "results/{scale}/sami/runs/seed{seed}/evaluate.json",
                    "sami": "results/{scale}/sami/runs/seed{seed}/sami.json",
                    "self_sft": "results/{scale}/sami/runs/seed{seed}/self_sft.json",
                },
            )
        ),
    output:
        **report_outputs("sami"),
    params:
        args=stage_args,
        settings=report_settings("sami"),
    log:
        "logs/{scale}/sami/report.log",
    threads: res("sami", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper sami {params.args} > {log} 2>&1"
