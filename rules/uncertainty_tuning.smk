# US-Tuning (spec ../shared/papers/uncertainty_tuning.md): prep (context-QA world, cleaned benchmark, cognition
#   and PSQA rows, tokenizer) -> pretrain_lm (small/ci: base instruct model on fresh answerable QA; paper: the
#   hub's Llama-2-7b-chat) -> finetune per arm: stage1 (base + cognition), us_tuned and us_tuned_faithful
#   (stage1 + Cognition_PSQA), abl_s2 (base + Cognition_PSQA) -> evaluate per seed -> report.

UNCERTAINTY_TUNING_WORLD = "src/lmrepro/worlds/context_qa.py"
UNCERTAINTY_TUNING_DATA = "data/{scale}/uncertainty_tuning/seed{seed}/prep"
UNCERTAINTY_TUNING_RUNS = "results/{scale}/uncertainty_tuning/runs/seed{seed}"
UNCERTAINTY_TUNING_ARMS = "stage1|us_tuned|abl_s2|us_tuned_faithful"
uncertainty_tuning_base = base_model("uncertainty_tuning", "base", "pretrain_lm", UNCERTAINTY_TUNING_RUNS + "/base")


def uncertainty_tuning_start(wildcards):
    """An arm starts from the base (stage1, abl_s2) or from the stage-1 model (us_tuned, us_tuned_faithful)."""
    if wildcards.arm in ("stage1", "abl_s2"):
        return {"model": uncertainty_tuning_base(wildcards)}
    return {"model": UNCERTAINTY_TUNING_RUNS.format(**wildcards) + "/stage1"}


rule uncertainty_tuning_prep:
    input:
        code=code("uncertainty_tuning", "prep", "data", "formats") + [UNCERTAINTY_TUNING_WORLD],
    output:
        data=directory(UNCERTAINTY_TUNING_DATA),
        metrics="data/{scale}/uncertainty_tuning/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("uncertainty_tuning", "world", "benchmark", "psqa"),
    log:
        "logs/{scale}/uncertainty_tuning/seed{seed}/prep.log",
    threads: res("uncertainty_tuning", "prep", "threads", 1)
    resources:
        runtime=res("uncertainty_tuning", "prep", "runtime", 5),
        mem_mb=res("uncertainty_tuning", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage uncertainty_tuning.prep {params.args} > {log} 2>&1"


rule uncertainty_tuning_pretrain_lm:
    input:
        code=code("uncertainty_tuning", "data", "formats") + [UNCERTAINTY_TUNING_WORLD],
        data=UNCERTAINTY_TUNING_DATA,
    output:
        model=directory(UNCERTAINTY_TUNING_RUNS + "/base"),
        metrics=UNCERTAINTY_TUNING_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("uncertainty_tuning", "pretrain_lm", "instruct", "benchmark", "model", "pretrain"),
    log:
        "logs/{scale}/uncertainty_tuning/seed{seed}/pretrain_lm.log",
    threads: res("uncertainty_tuning", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("uncertainty_tuning", "pretrain_lm", "runtime", 10),
        mem_mb=res("uncertainty_tuning", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper uncertainty_tuning {params.args} > {log} 2>&1"


rule uncertainty_tuning_finetune:
    input:
        unpack(uncertainty_tuning_start),
        code=code("uncertainty_tuning", "finetune", "data"),
        data=UNCERTAINTY_TUNING_DATA,
    output:
        model=directory(UNCERTAINTY_TUNING_RUNS + "/{arm}"),
        metrics=UNCERTAINTY_TUNING_RUNS + "/{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("uncertainty_tuning", "finetune", "psqa", "stage1_train", "stage2_train"),
        launcher=launcher("uncertainty_tuning", "finetune"),
    wildcard_constraints:
        arm=UNCERTAINTY_TUNING_ARMS,
    log:
        "logs/{scale}/uncertainty_tuning/seed{seed}/{arm}.log",
    threads: res("uncertainty_tuning", "finetune", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("uncertainty_tuning", "finetune", "runtime", 10),
        mem_mb=res("uncertainty_tuning", "finetune", "mem_mb", 2000),
        gpu=res("uncertainty_tuning", "finetune", "gpu", 0),
    shell:
        "{params.launcher} uncertainty_tuning.finetune {params.args} --set finetune.arm={wildcards.arm} > {log} 2>&1"


rule uncertainty_tuning_evaluate:
    input:
        code=code("uncertainty_tuning", "evaluate", "formats"),
        data=UNCERTAINTY_TUNING_DATA,
        base=uncertainty_tuning_base,
        stage1=UNCERTAINTY_TUNING_RUNS + "/stage1",
        us_tuned=UNCERTAINTY_TUNING_RUNS + "/us_tuned",
        abl_s2=UNCERTAINTY_TUNING_RUNS + "/abl_s2",
        us_tuned_faithful=UNCERTAINTY_TUNING_RUNS + "/us_tuned_faithful",
    output:
        responses=UNCERTAINTY_TUNING_RUNS + "/responses.jsonl",
        metrics=UNCERTAINTY_TUNING_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("uncertainty_tuning", "evaluate"),
    log:
        "logs/{scale}/uncertainty_tuning/seed{seed}/evaluate.log",
    threads: res("uncertainty_tuning", "evaluate", "threads", 1)
    resources:
        runtime=res("uncertainty_tuning", "evaluate", "runtime", 10),
        mem_mb=res("uncertainty_tuning", "evaluate", "mem_mb", 2000),
        gpu=res("uncertainty_tuning", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage uncertainty_tuning.evaluate {params.args} > {log} 2>&1"


rule uncertainty_tuning_report:
    input:
        unpack(report_inputs("uncertainty_tuning", {"evaluate": UNCERTAINTY_TUNING_RUNS + "/evaluate.json"})),
    output:
        **report_outputs("uncertainty_tuning"),
    params:
        args=stage_args,
        settings=report_settings("uncertainty_tuning"),
    log:
        "logs/{scale}/uncertainty_tuning/report.log",
    threads: res("uncertainty_tuning", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper uncertainty_tuning {params.args} > {log} 2>&1"
