# Chain of Hindsight (spec ../shared/papers/coh.md): prep -> pretrain_lm (small: a tiny Llama on the world's
#   description corpus; paper: GPT-J, a hub snapshot) -> finetune per seed x arm {sft_pos, sft_all, c_sft, sft_u,
#   coh} -> evaluate per seed -> report. prep and the base are shared by all seeds (`shared_across_seeds`).

COH_WORLD = "src/lmrepro/worlds/feedback.py"
COH_DATA = "data/{scale}/coh/seed{seed}/prep"
COH_RUNS = "results/{scale}/coh/runs/seed{seed}"
COH_METHODS = ["sft_pos", "sft_all", "c_sft", "sft_u", "coh"]
coh_data = stage_output("coh", "prep", COH_DATA)
coh_base = base_model("coh", "base", "pretrain_lm", COH_RUNS + "/base")


rule coh_prep:
    input:
        unpack(hub_inputs("coh", "hh")),
        code=code("coh", "prep") + [COH_WORLD],
    output:
        data=directory(COH_DATA),
        metrics="data/{scale}/coh/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("coh", "world", "prep"),
    log:
        "logs/{scale}/coh/seed{seed}/prep.log",
    threads: res("coh", "prep", "threads", 1)
    resources:
        runtime=res("coh", "prep", "runtime", 5),
        mem_mb=res("coh", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage coh.prep {params.args} > {log} 2>&1"


rule coh_pretrain_lm:
    input:
        code=code("coh") + ["src/lmrepro/common/batches.py"],
        data=COH_DATA,
    output:
        model=directory(COH_RUNS + "/base"),
        metrics=COH_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("coh", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/coh/seed{seed}/pretrain_lm.log",
    threads: res("coh", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("coh", "pretrain_lm", "runtime", 10),
        mem_mb=res("coh", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper coh {params.args} > {log} 2>&1"


rule coh_finetune:
    input:
        code=code("coh", "finetune", "chains"),
        data=coh_data,
        base=coh_base,
    output:
        model=directory(COH_RUNS + "/{method}"),
        metrics=COH_RUNS + "/finetune_{method}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("coh", "finetune", "finetune_train", "corpus"),
        launcher=launcher("coh", "finetune"),
    wildcard_constraints:
        method="|".join(COH_METHODS),
    log:
        "logs/{scale}/coh/seed{seed}/finetune_{method}.log",
    threads: res("coh", "finetune", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("coh", "finetune", "runtime", 10),
        mem_mb=res("coh", "finetune", "mem_mb", 2000),
        gpu=res("coh", "finetune", "gpu", 0),
    shell:
        "{params.launcher} coh.finetune {params.args} --set finetune.method={wildcards.method} > {log} 2>&1"


rule coh_evaluate:
    input:
        unpack(lambda wc: {m: f"{COH_RUNS}/{m}".format(scale=wc.scale, seed=wc.seed) for m in COH_METHODS}),
        code=code("coh", "evaluate", "chains") + [COH_WORLD],
        data=coh_data,
        base=coh_base,
    output:
        metrics=COH_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("coh", "evaluate"),
    log:
        "logs/{scale}/coh/seed{seed}/evaluate.log",
    threads: res("coh", "evaluate", "threads", 1)
    resources:
        runtime=res("coh", "evaluate", "runtime", 10),
        mem_mb=res("coh", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage coh.evaluate {params.args} > {log} 2>&1"


rule coh_report:
    input:
        unpack(
            report_inputs(
                "coh",
                {"evaluate": COH_RUNS + "/evaluate.json"}
                | {f"finetune_{m}": COH_RUNS + f"/finetune_{m}.json" for m in COH_METHODS},
            )
        ),
    output:
        **report_outputs("coh"),
    params:
        args=stage_args,
        settings=report_settings("coh"),
    log:
        "logs/{scale}/coh/report.log",
    threads: res("coh", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper coh {params.args} > {log} 2>&1"
