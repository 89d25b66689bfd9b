# SAMI (spec ../shared/papers/sami.md): prep -> pretrain_base (small: a tiny model; paper: the hub snapshot)
#   -> {sami, self_sft} per seed (3 x [sample C responses -> train]) -> evaluate per seed -> report
# prep and the base model are shared by all seeds and derive from the base seed (`--config seed=N`).

SAMI_WORLD = "src/lmrepro/worlds/principles.py"



def sami_base(wildcards):
    """The base model: the hub snapshot where the config names one (paper), else the pretrained tiny model."""
    if has_hub("sami", "models", "base"):
        return hub_model("sami", "base")
    return f"results/{wildcards.scale}/sami/runs/base_seed{BASE_SEED}/model"


def sami_prep_inputs(wildcards):
    inputs = {"code": code("sami", "prep", "method") + [SAMI_WORLD]}
    if has_hub("sami", "datasets", "queries"):
        inputs["dataset"] = hub_dataset("sami", "queries")
    return inputs


def sami_data(wildcards):
    return f"data/{wildcards.scale}/sami/seed{BASE_SEED}/prep"


rule sami_prep:
    input:
        unpack(sami_prep_inputs),
    output:
        data=directory("data/{scale}/sami/seed{seed}/prep"),
        metrics="data/{scale}/sami/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "world", "prep", "prompt"),
    log:
        "logs/{scale}/sami/seed{seed}/prep.log",
    threads: 1
    resources:
        runtime=res("sami", "prep", "runtime", 5),
        mem_mb=res("sami", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage sami.prep {params.args} > {log} 2>&1"


rule sami_pretrain_base:
    input:
        code=code("sami", "pretrain_base", "method"),
        data="data/{scale}/sami/seed{seed}/prep",
    output:
        model=directory("results/{scale}/sami/runs/base_seed{seed}/model"),
        metrics="results/{scale}/sami/runs/base_seed{seed}/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sami", "model", "base", "pretrain"),
    log:
        "logs/{scale}/sami/base_seed{seed}/pretrain_base.log",
    threads: 2
    resources:
        runtime=res("sami", "pretrain_base", "runtime", 10),
        mem_mb=res("sami", "pretrain_base", "mem_mb", 2000),
    shell:
        "lmrepro stage sami.pretrain_base {params.args} > {log} 2>&1"


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
    threads: 1  # tiny models scale poorly over threads: two 1-thread jobs at once beat one 2-thread job
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
    threads: 1
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
        claims=lambda wc: json.dumps(PAPERS["sami"]["claims"], sort_keys=True),
    log:
        "logs/{scale}/sami/report.log",
    threads: 1
    shell:
        "lmrepro stage lmrepro.common.report --paper sami {params.args} > {log} 2>&1"
