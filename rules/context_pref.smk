# Context-aware preference modeling (spec ../shared/papers/context_pref.md): prep -> pretrain_lm (small: the RM
#   trunk, a tiny Llama on world text; paper: a Mistral-7B RM, a hub snapshot) -> train_rm per seed x arm
#   {no_ctx, ctx_sparse, carm} -> evaluate per seed -> report. prep and the trunk are shared by all seeds.

CONTEXT_PREF_WORLD = "src/lmrepro/worlds/feedback.py"
CONTEXT_PREF_DATA = "data/{scale}/context_pref/seed{seed}/prep"
CONTEXT_PREF_RUNS = "results/{scale}/context_pref/runs/seed{seed}"
CONTEXT_PREF_ARMS = ["no_ctx", "ctx_sparse", "carm"]
context_pref_data = stage_output("context_pref", "prep", CONTEXT_PREF_DATA)
context_pref_base = base_model("context_pref", "base", "pretrain_lm", CONTEXT_PREF_RUNS + "/trunk")


rule context_pref_prep:
    input:
        code=code("context_pref", "prep", "data") + [CONTEXT_PREF_WORLD],
    output:
        data=directory(CONTEXT_PREF_DATA),
        metrics="data/{scale}/context_pref/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_pref", "world", "prep"),
    log:
        "logs/{scale}/context_pref/seed{seed}/prep.log",
    threads: res("context_pref", "prep", "threads", 1)
    resources:
        runtime=res("context_pref", "prep", "runtime", 5),
        mem_mb=res("context_pref", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage context_pref.prep {params.args} > {log} 2>&1"


rule context_pref_pretrain_lm:
    input:
        code=code("context_pref") + ["src/lmrepro/common/batches.py"],
        data=CONTEXT_PREF_DATA,
    output:
        model=directory(CONTEXT_PREF_RUNS + "/trunk"),
        metrics=CONTEXT_PREF_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_pref", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/context_pref/seed{seed}/pretrain_lm.log",
    threads: res("context_pref", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("context_pref", "pretrain_lm", "runtime", 10),
        mem_mb=res("context_pref", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper context_pref {params.args} > {log} 2>&1"


rule context_pref_train_rm:
    input:
        code=code("context_pref", "train_rm", "data"),
        data=context_pref_data,
        base=context_pref_base,
    output:
        model=directory(CONTEXT_PREF_RUNS + "/rm_{arm}"),
        metrics=CONTEXT_PREF_RUNS + "/train_rm_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_pref", "rm", "rm_train"),
        launcher=launcher("context_pref", "train_rm"),
    wildcard_constraints:
        arm="|".join(CONTEXT_PREF_ARMS),
    log:
        "logs/{scale}/context_pref/seed{seed}/train_rm_{arm}.log",
    threads: res("context_pref", "train_rm", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("context_pref", "train_rm", "runtime", 10),
        mem_mb=res("context_pref", "train_rm", "mem_mb", 2000),
        gpu=res("context_pref", "train_rm", "gpu", 0),
    shell:
        "{params.launcher} context_pref.train_rm {params.args} --set rm.arm={wildcards.arm} > {log} 2>&1"


rule context_pref_evaluate:
    input:
        unpack(lambda wc: {a: f"{CONTEXT_PREF_RUNS}/rm_{a}".format(scale=wc.scale, seed=wc.seed)
                           for a in CONTEXT_PREF_ARMS}),
        code=code("context_pref", "evaluate", "data") + [CONTEXT_PREF_WORLD],
        data=context_pref_data,
    output:
        metrics=CONTEXT_PREF_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_pref", "evaluate", "world"),
    log:
        "logs/{scale}/context_pref/seed{seed}/evaluate.log",
    threads: res("context_pref", "evaluate", "threads", 1)
    resources:
        runtime=res("context_pref", "evaluate", "runtime", 10),
        mem_mb=res("context_pref", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage context_pref.evaluate {params.args} > {log} 2>&1"


rule context_pref_report:
    input:
        unpack(
            report_inputs(
                "context_pref",
                {"evaluate": CONTEXT_PREF_RUNS + "/evaluate.json"}
                | {f"train_rm_{a}": CONTEXT_PREF_RUNS + f"/train_rm_{a}.json" for a in CONTEXT_PREF_ARMS},
            )
        ),
    output:
        **report_outputs("context_pref"),
    params:
        args=stage_args,
        settings=report_settings("context_pref"),
    log:
        "logs/{scale}/context_pref/report.log",
    threads: res("context_pref", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper context_pref {params.args} > {log} 2>&1"
