# When Can Models Learn From Explanations? (spec: ../shared/papers/explanation_roles.md): gen_synthetic (world
#   variants) and pretrain_reader (small/ci: once, base seed; paper: the hub's roberta-base) -> build_index (fixed
#   retriever) -> finetune per arm -> evaluate -> report.

ER_WORLD = "src/lmrepro/worlds/explanations.py"
ER_DATA = "data/{scale}/explanation_roles/seed{seed}/synth"
ER_RUNS = "results/{scale}/explanation_roles/runs/seed{seed}"
ER_ARMS = TYPED_PARAMS["explanation_roles"].variants.run
er_reader = base_model("explanation_roles", "reader", "pretrain_reader", ER_RUNS + "/reader")


def er_evaluate_inputs(wildcards):
    """Every arm's model; the reader's gate (A0) where we pretrain the reader ourselves."""
    runs = ER_RUNS.format(**wildcards)
    inputs = {arm: f"{runs}/{arm}" for arm in ER_ARMS}
    if not lm_uses_hub("explanation_roles", "reader"):
        inputs["reader_metrics"] = stage_output("explanation_roles", "pretrain_reader",
                                                ER_RUNS + "/pretrain_reader.json")(wildcards)
    return inputs


rule explanation_roles_gen_synthetic:
    input:
        code=code("explanation_roles", "gen_synthetic") + [ER_WORLD],
    output:
        data=directory(ER_DATA),
        metrics="data/{scale}/explanation_roles/seed{seed}/gen_synthetic.json",
    params:
        args=stage_args,
        cfg=cfg_hash("explanation_roles", "world", "variants"),
    log:
        "logs/{scale}/explanation_roles/seed{seed}/gen_synthetic.log",
    threads: res("explanation_roles", "gen_synthetic", "threads", 1)
    resources:
        runtime=res("explanation_roles", "gen_synthetic", "runtime", 5),
        mem_mb=res("explanation_roles", "gen_synthetic", "mem_mb", 2000),
    shell:
        "lmrepro stage explanation_roles.gen_synthetic {params.args} > {log} 2>&1"


rule explanation_roles_pretrain_reader:
    input:
        code=code("explanation_roles", "pretrain_reader", "method") + [ER_WORLD],
    output:
        model=directory(ER_RUNS + "/reader"),
        metrics=ER_RUNS + "/pretrain_reader.json",
    params:
        args=stage_args,
        cfg=cfg_hash("explanation_roles", "world", "model", "reader", "reader_train"),
    log:
        "logs/{scale}/explanation_roles/seed{seed}/pretrain_reader.log",
    threads: res("explanation_roles", "pretrain_reader", "threads", 1)
    resources:
        runtime=res("explanation_roles", "pretrain_reader", "runtime", 10),
        mem_mb=res("explanation_roles", "pretrain_reader", "mem_mb", 2000),
    shell:
        "lmrepro stage explanation_roles.pretrain_reader {params.args} > {log} 2>&1"


rule explanation_roles_build_index:
    input:
        code=code("explanation_roles", "build_index", "method"),
        reader=er_reader,
        data=ER_DATA,
    output:
        index=ER_RUNS + "/index.json",
        metrics=ER_RUNS + "/build_index.json",
    params:
        args=stage_args,
        cfg=cfg_hash("explanation_roles", "textcat", "evaluate"),
    log:
        "logs/{scale}/explanation_roles/seed{seed}/build_index.log",
    threads: res("explanation_roles", "build_index", "threads", 1)
    resources:
        runtime=res("explanation_roles", "build_index", "runtime", 5),
        mem_mb=res("explanation_roles", "build_index", "mem_mb", 2000),
        gpu=res("explanation_roles", "build_index", "gpu", 0),
    shell:
        "lmrepro stage explanation_roles.build_index {params.args} > {log} 2>&1"


rule explanation_roles_finetune:
    input:
        code=code("explanation_roles", "finetune", "method"),
        reader=er_reader,
        data=ER_DATA,
        index=ER_RUNS + "/index.json",
    output:
        model=directory(ER_RUNS + "/{arm}"),
        metrics=ER_RUNS + "/finetune_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("explanation_roles", "textcat", "finetune_train"),
        launcher=launcher("explanation_roles", "finetune"),
    wildcard_constraints:
        arm="|".join(ER_ARMS),
    log:
        "logs/{scale}/explanation_roles/seed{seed}/finetune_{arm}.log",
    threads: res("explanation_roles", "finetune", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("explanation_roles", "finetune", "runtime", 10),
        mem_mb=res("explanation_roles", "finetune", "mem_mb", 2000),
        gpu=res("explanation_roles", "finetune", "gpu", 0),
    shell:
        "{params.launcher} explanation_roles.finetune {params.args} --set textcat.arm={wildcards.arm} > {log} 2>&1"


rule explanation_roles_evaluate:
    input:
        unpack(er_evaluate_inputs),
        code=code("explanation_roles", "evaluate", "method"),
        data=ER_DATA,
        index=ER_RUNS + "/index.json",
    output:
        metrics=ER_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("explanation_roles", "textcat", "evaluate", "variants"),
    log:
        "logs/{scale}/explanation_roles/seed{seed}/evaluate.log",
    threads: res("explanation_roles", "evaluate", "threads", 1)
    resources:
        runtime=res("explanation_roles", "evaluate", "runtime", 10),
        mem_mb=res("explanation_roles", "evaluate", "mem_mb", 2000),
        gpu=res("explanation_roles", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage explanation_roles.evaluate {params.args} > {log} 2>&1"


rule explanation_roles_report:
    input:
        unpack(
            report_inputs(
                "explanation_roles",
                {
                    "evaluate": ER_RUNS + "/evaluate.json",
                    "build_index": ER_RUNS + "/build_index.json",
                },
            )
        ),
    output:
        **report_outputs("explanation_roles"),
    params:
        args=stage_args,
        settings=report_settings("explanation_roles"),
    log:
        "logs/{scale}/explanation_roles/report.log",
    threads: res("explanation_roles", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper explanation_roles {params.args} > {log} 2>&1"
