# multilingual_cpt (spec ../shared/papers/multilingual_cpt.md):
#   prep (shared by all seeds) -> pretrain_lm (shared; small/ci: the tiny multilingual base; paper: the hub snapshot)
#   -> cpt {mono, mono_code, bi, bi_code} per seed (CPT + evaluation before/after) -> aggregate per seed -> report

MCPT_WORLD = ["src/lmrepro/worlds/languages.py"]
MCPT_DATA = "data/{scale}/multilingual_cpt/seed{seed}/prep"
MCPT_RUNS = "results/{scale}/multilingual_cpt/runs/seed{seed}"
mcpt_data = stage_output("multilingual_cpt", "prep", MCPT_DATA)
mcpt_base = base_model("multilingual_cpt", "base", "pretrain_lm", MCPT_RUNS + "/base")


rule multilingual_cpt_prep:
    input:
        unpack(hub_inputs("multilingual_cpt", "madlad", "nllb", "stack", "sib200", "flores")),
        code=code("multilingual_cpt", "prep", "world", "data") + MCPT_WORLD,
    output:
        data=directory(MCPT_DATA),
        metrics="data/{scale}/multilingual_cpt/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("multilingual_cpt", "world", "corpus", "tokenizer", "mix", "eval"),
    log:
        "logs/{scale}/multilingual_cpt/seed{seed}/prep.log",
    threads: res("multilingual_cpt", "prep", "threads", 1)
    resources:
        runtime=res("multilingual_cpt", "prep", "runtime", 5),
        mem_mb=res("multilingual_cpt", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage multilingual_cpt.prep {params.args} > {log} 2>&1"


rule multilingual_cpt_pretrain_base:
    input:
        code=code("multilingual_cpt", "data"),
        data=MCPT_DATA,
    output:
        model=directory(MCPT_RUNS + "/base"),
        metrics=MCPT_RUNS + "/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("multilingual_cpt", "pretrain_lm", "model", "lm_data", "pretrain", "mix"),
    log:
        "logs/{scale}/multilingual_cpt/seed{seed}/pretrain_base.log",
    threads: res("multilingual_cpt", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("multilingual_cpt", "pretrain_lm", "runtime", 10),
        mem_mb=res("multilingual_cpt", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper multilingual_cpt {params.args} > {log} 2>&1"


rule multilingual_cpt_cpt:
    input:
        code=code("multilingual_cpt", "cpt", "data", "evaluate"),
        base=mcpt_base,
        data=mcpt_data,
    output:
        model=directory(MCPT_RUNS + "/cpt_{mix}"),
        metrics=MCPT_RUNS + "/cpt_{mix}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("multilingual_cpt", "mix", "lm_data", "cpt", "eval"),
        launcher=launcher("multilingual_cpt", "cpt"),
    wildcard_constraints:
        mix="mono|mono_code|bi|bi_code",
    log:
        "logs/{scale}/multilingual_cpt/seed{seed}/cpt_{mix}.log",
    threads: res("multilingual_cpt", "cpt", "threads", 1)  # tiny model: two 1-thread jobs beat one 2-thread job
    resources:
        runtime=res("multilingual_cpt", "cpt", "runtime", 10),
        mem_mb=res("multilingual_cpt", "cpt", "mem_mb", 2000),
        gpu=res("multilingual_cpt", "cpt", "gpu", 0),
    shell:
        "{params.launcher} multilingual_cpt.cpt {params.args} --set run.mix={wildcards.mix} > {log} 2>&1"


rule multilingual_cpt_aggregate:
    input:
        code=code("multilingual_cpt", "aggregate"),
        mono=MCPT_RUNS + "/cpt_mono.json",
        mono_code=MCPT_RUNS + "/cpt_mono_code.json",
        bi=MCPT_RUNS + "/cpt_bi.json",
        bi_code=MCPT_RUNS + "/cpt_bi_code.json",
    output:
        metrics=MCPT_RUNS + "/aggregate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("multilingual_cpt", "corpus", "mix"),
    log:
        "logs/{scale}/multilingual_cpt/seed{seed}/aggregate.log",
    threads: res("multilingual_cpt", "aggregate", "threads", 1)
    shell:
        "lmrepro stage multilingual_cpt.aggregate {params.args} > {log} 2>&1"


rule multilingual_cpt_report:
    input:
        unpack(report_inputs("multilingual_cpt", {"aggregate": MCPT_RUNS + "/aggregate.json"})),
    output:
        **report_outputs("multilingual_cpt"),
    params:
        args=stage_args,
        settings=report_settings("multilingual_cpt"),
    log:
        "logs/{scale}/multilingual_cpt/report.log",
    threads: res("multilingual_cpt", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper multilingual_cpt {params.args} > {log} 2>&1"
