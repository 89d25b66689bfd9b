# Pretraining with human feedback (spec ../shared/papers/phf.md): prep (sentences scored by scrubadub) ->
#   pretrain_{objective} per seed (the shared LM stage with this paper's batches and losses) -> evaluate per seed
#   (PII rate of samples, NLL and KL to MLE on clean text) -> report.

PHF_OBJECTIVES = ["mle", "filter", "cond", "ul", "rwr", "awr", "mle_then_cond"]
PHF_DATA = "data/{scale}/phf/seed{seed}/prep"
PHF_RUNS = "results/{scale}/phf/runs/seed{seed}"


rule phf_prep:
    input:
        unpack(hub_inputs("phf", "corpus", "tokenizer")),
        code=code("phf", "prep", "scorer") + ["src/lmrepro/worlds/pii.py"],
    output:
        data=directory(PHF_DATA),
        metrics="data/{scale}/phf/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("phf", "world", "prep"),
    log:
        "logs/{scale}/phf/seed{seed}/prep.log",
    threads: res("phf", "prep", "threads", 1)
    resources:
        runtime=res("phf", "prep", "runtime", 5),
        mem_mb=res("phf", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage phf.prep {params.args} > {log} 2>&1"


rule phf_pretrain:
    input:
        code=code("phf", "objectives", "prep"),
        data=PHF_DATA,
    output:
        model=directory(PHF_RUNS + "/{objective}"),
        metrics=PHF_RUNS + "/pretrain_{objective}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("phf", "objective", "pretrain_lm", "model", "pretrain"),
        launcher=launcher("phf", "pretrain"),
    wildcard_constraints:
        objective="|".join(PHF_OBJECTIVES),
    log:
        "logs/{scale}/phf/seed{seed}/pretrain_{objective}.log",
    threads: res("phf", "pretrain", "threads", 1)  # objectives train side by side, one thread each
    resources:
        runtime=res("phf", "pretrain", "runtime", 10),
        mem_mb=res("phf", "pretrain", "mem_mb", 2000),
        gpu=res("phf", "pretrain", "gpu", 0),
    shell:
        "{params.launcher} lmrepro.common.pretrain_lm --paper phf {params.args} "
        "--set objective.objective={wildcards.objective} > {log} 2>&1"


rule phf_evaluate:
    input:
        unpack(lambda wildcards: {o: expand(PHF_RUNS + "/" + o, **wildcards)[0] for o in PHF_OBJECTIVES}),
        code=code("phf", "evaluate", "objectives", "scorer") + ["src/lmrepro/worlds/pii.py"],
        data=PHF_DATA,
    output:
        metrics=PHF_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("phf", "evaluate", "objective"),
    log:
        "logs/{scale}/phf/seed{seed}/evaluate.log",
    threads: res("phf", "evaluate", "threads", 1)
    resources:
        runtime=res("phf", "evaluate", "runtime", 10),
        mem_mb=res("phf", "evaluate", "mem_mb", 2000),
        gpu=res("phf", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage phf.evaluate {params.args} > {log} 2>&1"


rule phf_report:
    input:
        unpack(
            report_inputs(
                "phf",
                {"evaluate": PHF_RUNS + "/evaluate.json"}
                | {o: PHF_RUNS + f"/pretrain_{o}.json" for o in PHF_OBJECTIVES},
            )
        ),
    output:
        **report_outputs("phf"),
    params:
        args=stage_args,
        settings=report_settings("phf"),
    log:
        "logs/{scale}/phf/report.log",
    threads: res("phf", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper phf {params.args} > {log} 2>&1"
