# Don't Stop Pretraining? Make Prompt-based Fine-tuning Powerful Learner (spec ../shared/papers/pcp.md):
#   prep (reviews world, once) -> pretrain_mlm (small/ci: once; paper: the hub's roberta-large) -> tapt per task
#   (once) -> per seed and task: prompt_ft init=base (the k-shot teacher; pseudo-labels the unlabelled pool) ->
#   build_pcp_corpus -> pcp_mlm -> prompt_ft init=pcp; prompt_ft init=tapt; cls_ft -> aggregate -> report.

PCP_WORLD = "src/lmrepro/worlds/reviews.py"
PCP_DATA = "data/{scale}/pcp/seed{seed}/prep"
PCP_RUNS = "results/{scale}/pcp/runs/seed{seed}"
PCP_TASKS = TYPED_PARAMS["pcp"].data.tasks
pcp_base = base_model("pcp", "base", "pretrain_mlm", PCP_RUNS + "/base")
pcp_data = stage_output("pcp", "prep", PCP_DATA)


def pcp_prompt_init(wildcards):
    """prompt_ft's starting encoder: the shared TAPT run of the task, or this seed's PCP run."""
    if wildcards.init == "tapt":
        seed = seed_of("pcp", "tapt", wildcards)
        return PCP_RUNS.format(scale=wildcards.scale, seed=seed) + f"/tapt_{wildcards.task}"
    return PCP_RUNS.format(**wildcards) + f"/pcp_{wildcards.task}"


def pcp_aggregate_inputs(wildcards):
    runs = PCP_RUNS.format(**wildcards)
    inputs = {}
    for task in PCP_TASKS:
        inputs |= {f"prompt_{task}_{init}": f"{runs}/prompt_ft_{task}_{init}.json" for init in ("base", "tapt", "pcp")}
        inputs[f"cls_{task}"] = f"{runs}/cls_ft_{task}.json"
        inputs[f"corpus_{task}"] = f"{runs}/build_pcp_corpus_{task}.json"
    return inputs


rule pcp_prep:
    input:
        code=code("pcp", "prep", "method") + [PCP_WORLD],
    output:
        data=directory(PCP_DATA),
        metrics="data/{scale}/pcp/seed{seed}/prep.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "world", "data"),
    log:
        "logs/{scale}/pcp/seed{seed}/prep.log",
    threads: res("pcp", "prep", "threads", 1)
    resources:
        runtime=res("pcp", "prep", "runtime", 5),
        mem_mb=res("pcp", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage pcp.prep {params.args} > {log} 2>&1"


rule pcp_pretrain_mlm:
    input:
        code=code("pcp", "mlm", "method"),
        data=PCP_DATA,
    output:
        model=directory(PCP_RUNS + "/base"),
        metrics=PCP_RUNS + "/pretrain_mlm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "pretrain_mlm", "model", "pretrain", "mlm"),
    log:
        "logs/{scale}/pcp/seed{seed}/pretrain_mlm.log",
    threads: res("pcp", "pretrain_mlm", "threads", 1)
    resources:
        runtime=res("pcp", "pretrain_mlm", "runtime", 10),
        mem_mb=res("pcp", "pretrain_mlm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper pcp --section pretrain_mlm {params.args} > {log} 2>&1"


rule pcp_tapt:
    input:
        code=code("pcp", "mlm", "method"),
        base=pcp_base,
        data=pcp_data,
    output:
        model=directory(PCP_RUNS + "/tapt_{task}"),
        metrics=PCP_RUNS + "/tapt_{task}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "mlm", "continued_mlm"),
        launcher=launcher("pcp", "tapt"),
    wildcard_constraints:
        task="|".join(PCP_TASKS),
    log:
        "logs/{scale}/pcp/seed{seed}/tapt_{task}.log",
    threads: res("pcp", "tapt", "threads", 1)
    resources:
        runtime=res("pcp", "tapt", "runtime", 10),
        mem_mb=res("pcp", "tapt", "mem_mb", 2000),
        gpu=res("pcp", "tapt", "gpu", 0),
    shell:
        "{params.launcher} pcp.mlm {params.args} --set run.task={wildcards.task} --set run.corpus=tapt > {log} 2>&1"


rule pcp_prompt_ft_base:
    input:
        code=code("pcp", "prompt_ft", "method"),
        init=pcp_base,
        data=pcp_data,
    output:
        predictions=PCP_RUNS + "/pseudo_{task}.jsonl",
        metrics=PCP_RUNS + "/prompt_ft_{task}_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "data", "finetune", "prompt_train"),
        launcher=launcher("pcp", "prompt_ft"),
    wildcard_constraints:
        task="|".join(PCP_TASKS),
    log:
        "logs/{scale}/pcp/seed{seed}/prompt_ft_{task}_base.log",
    threads: res("pcp", "prompt_ft", "threads", 1)
    resources:
        runtime=res("pcp", "prompt_ft", "runtime", 10),
        mem_mb=res("pcp", "prompt_ft", "mem_mb", 2000),
        gpu=res("pcp", "prompt_ft", "gpu", 0),
    shell:
        "{params.launcher} pcp.prompt_ft {params.args} --set run.task={wildcards.task} --set run.init=base "
        "> {log} 2>&1"


rule pcp_build_pcp_corpus:
    input:
        code=code("pcp", "build_pcp_corpus", "method"),
        data=pcp_data,
        predictions=PCP_RUNS + "/pseudo_{task}.jsonl",
    output:
        corpus=PCP_RUNS + "/pcp_corpus_{task}.jsonl",
        metrics=PCP_RUNS + "/build_pcp_corpus_{task}.json",
    params:
        args=stage_args,
    wildcard_constraints:
        task="|".join(PCP_TASKS),
    log:
        "logs/{scale}/pcp/seed{seed}/build_pcp_corpus_{task}.log",
    threads: res("pcp", "build_pcp_corpus", "threads", 1)
    resources:
        runtime=res("pcp", "build_pcp_corpus", "runtime", 5),
        mem_mb=res("pcp", "build_pcp_corpus", "mem_mb", 1000),
    shell:
        "lmrepro stage pcp.build_pcp_corpus {params.args} --set run.task={wildcards.task} > {log} 2>&1"


rule pcp_pcp_mlm:
    input:
        code=code("pcp", "mlm", "method"),
        base=pcp_base,
        corpus=PCP_RUNS + "/pcp_corpus_{task}.jsonl",
    output:
        model=directory(PCP_RUNS + "/pcp_{task}"),
        metrics=PCP_RUNS + "/pcp_mlm_{task}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "mlm", "continued_mlm"),
        launcher=launcher("pcp", "pcp_mlm"),
    wildcard_constraints:
        task="|".join(PCP_TASKS),
    log:
        "logs/{scale}/pcp/seed{seed}/pcp_mlm_{task}.log",
    threads: res("pcp", "pcp_mlm", "threads", 1)
    resources:
        runtime=res("pcp", "pcp_mlm", "runtime", 10),
        mem_mb=res("pcp", "pcp_mlm", "mem_mb", 2000),
        gpu=res("pcp", "pcp_mlm", "gpu", 0),
    shell:
        "{params.launcher} pcp.mlm {params.args} --set run.task={wildcards.task} --set run.corpus=pcp > {log} 2>&1"


rule pcp_prompt_ft:
    input:
        code=code("pcp", "prompt_ft", "method"),
        init=pcp_prompt_init,
        data=pcp_data,
    output:
        metrics=PCP_RUNS + "/prompt_ft_{task}_{init}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "data", "finetune", "prompt_train"),
        launcher=launcher("pcp", "prompt_ft"),
    wildcard_constraints:
        task="|".join(PCP_TASKS),
        init="tapt|pcp",
    log:
        "logs/{scale}/pcp/seed{seed}/prompt_ft_{task}_{init}.log",
    threads: res("pcp", "prompt_ft", "threads", 1)
    resources:
        runtime=res("pcp", "prompt_ft", "runtime", 10),
        mem_mb=res("pcp", "prompt_ft", "mem_mb", 2000),
        gpu=res("pcp", "prompt_ft", "gpu", 0),
    shell:
        "{params.launcher} pcp.prompt_ft {params.args} --set run.task={wildcards.task} "
        "--set run.init={wildcards.init} > {log} 2>&1"


rule pcp_cls_ft:
    input:
        code=code("pcp", "cls_ft", "method"),
        init=pcp_base,
        data=pcp_data,
    output:
        metrics=PCP_RUNS + "/cls_ft_{task}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "data", "finetune", "cls_train"),
        launcher=launcher("pcp", "cls_ft"),
    wildcard_constraints:
        task="|".join(PCP_TASKS),
    log:
        "logs/{scale}/pcp/seed{seed}/cls_ft_{task}.log",
    threads: res("pcp", "cls_ft", "threads", 1)
    resources:
        runtime=res("pcp", "cls_ft", "runtime", 10),
        mem_mb=res("pcp", "cls_ft", "mem_mb", 2000),
        gpu=res("pcp", "cls_ft", "gpu", 0),
    shell:
        "{params.launcher} pcp.cls_ft {params.args} --set run.task={wildcards.task} > {log} 2>&1"


rule pcp_aggregate:
    input:
        unpack(pcp_aggregate_inputs),
        code=code("pcp", "aggregate"),
    output:
        metrics=PCP_RUNS + "/aggregate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("pcp", "data"),
    log:
        "logs/{scale}/pcp/seed{seed}/aggregate.log",
    threads: res("pcp", "aggregate", "threads", 1)
    resources:
        runtime=res("pcp", "aggregate", "runtime", 5),
        mem_mb=res("pcp", "aggregate", "mem_mb", 1000),
    shell:
        "lmrepro stage pcp.aggregate {params.args} > {log} 2>&1"


rule pcp_report:
    input:
        unpack(report_inputs("pcp", {"aggregate": PCP_RUNS + "/aggregate.json"})),
    output:
        **report_outputs("pcp"),
    params:
        args=stage_args,
        settings=report_settings("pcp"),
    log:
        "logs/{scale}/pcp/report.log",
    threads: res("pcp", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper pcp {params.args} > {log} 2>&1"
