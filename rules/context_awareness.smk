# On the Loss of Context-awareness in General Instruction Fine-tuning (spec: ../shared/papers/context_awareness.md):
#   prep (world, tokenizer) and pretrain_base (small/ci; paper: the hub's TinyLlama), both shared by the seeds
#   -> build_sft_mix -> sft[vanilla] -> score_dependency (probe: sft_vanilla; paper: the authors' probe) -> sft_ind
#   -> sft[indicator] -> evaluate (NIH, counterfactual-context QA, closed-book QA) -> report.

CA_WORLD = "src/lmrepro/worlds/entities.py"
CA_PREP = "data/{scale}/context_awareness/seed{seed}/prep"
CA_DATA = "data/{scale}/context_awareness/seed{seed}"
CA_RUNS = "results/{scale}/context_awareness/runs/seed{seed}"
ca_prep = stage_output("context_awareness", "prep", CA_PREP)
ca_base = base_model("context_awareness", "base", "pretrain_lm", CA_RUNS + "/base")
ca_probe = base_model("context_awareness", "probe", "sft", CA_RUNS + "/sft_vanilla")
CA_SFT_DATA = {"vanilla": CA_DATA + "/sft_raw.jsonl", "indicator": CA_DATA + "/sft_ind.jsonl"}


rule context_awareness_prep:
    input:
        code=code("context_awareness", "prep", "data") + [CA_WORLD],
    output:
        data=directory(CA_PREP),
        metrics=CA_DATA + "/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "world", "split", "score"),
    log:
        "logs/{scale}/context_awareness/seed{seed}/prep.log",
    threads: res("context_awareness", "prep", "threads", 1)
    resources:
        runtime=res("context_awareness", "prep", "runtime", 5),
        mem_mb=res("context_awareness", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage context_awareness.prep {params.args} > {log} 2>&1"


rule context_awareness_pretrain_base:
    input:
        code=code("context_awareness", "data") + [CA_WORLD],
        data=CA_PREP,
    output:
        model=directory(CA_RUNS + "/base"),
        metrics=CA_RUNS + "/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "pretrain_lm", "model", "corpus", "pretrain"),
    log:
        "logs/{scale}/context_awareness/seed{seed}/pretrain_base.log",
    threads: res("context_awareness", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("context_awareness", "pretrain_lm", "runtime", 10),
        mem_mb=res("context_awareness", "pretrain_lm", "mem_mb", 3000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper context_awareness {params.args} > {log} 2>&1"


rule context_awareness_build_sft_mix:
    input:
        code=code("context_awareness", "build_sft_mix", "data") + [CA_WORLD],
        data=ca_prep,
    output:
        sft_raw=CA_DATA + "/sft_raw.jsonl",
        metrics=CA_DATA + "/build_sft_mix.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "sft_mix"),
    log:
        "logs/{scale}/context_awareness/seed{seed}/build_sft_mix.log",
    threads: res("context_awareness", "build_sft_mix", "threads", 1)
    resources:
        runtime=res("context_awareness", "build_sft_mix", "runtime", 5),
        mem_mb=res("context_awareness", "build_sft_mix", "mem_mb", 2000),
    shell:
        "lmrepro stage context_awareness.build_sft_mix {params.args} > {log} 2>&1"


rule context_awareness_sft:
    input:
        code=code("context_awareness", "sft", "data"),
        base=ca_base,
        data=lambda wc: CA_SFT_DATA[wc.arm].format(scale=wc.scale, seed=wc.seed),
    output:
        model=directory(CA_RUNS + "/sft_{arm}"),
        metrics=CA_RUNS + "/sft_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "sft", "sft_train"),
        launcher=launcher("context_awareness", "sft"),
    wildcard_constraints:
        arm="vanilla|indicator",
    log:
        "logs/{scale}/context_awareness/seed{seed}/sft_{arm}.log",
    threads: res("context_awareness", "sft", "threads", 1)  # seeds train side by side, one thread each
    resources:
        runtime=res("context_awareness", "sft", "runtime", 10),
        mem_mb=res("context_awareness", "sft", "mem_mb", 3000),
        gpu=res("context_awareness", "sft", "gpu", 0),
    shell:
        "{params.launcher} context_awareness.sft {params.args} --set sft.arm={wildcards.arm} > {log} 2>&1"


rule context_awareness_score_dependency:
    input:
        code=code("context_awareness", "score_dependency", "method", "data"),
        probe=ca_probe,
        data=CA_DATA + "/sft_raw.jsonl",
    output:
        scored=CA_DATA + "/sft_scored.jsonl",
        sft_ind=CA_DATA + "/sft_ind.jsonl",
        metrics=CA_RUNS + "/score_dependency.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "score"),
    log:
        "logs/{scale}/context_awareness/seed{seed}/score_dependency.log",
    threads: res("context_awareness", "score_dependency", "threads", 1)
    resources:
        runtime=res("context_awareness", "score_dependency", "runtime", 5),
        mem_mb=res("context_awareness", "score_dependency", "mem_mb", 3000),
        gpu=res("context_awareness", "score_dependency", "gpu", 0),
    shell:
        "lmrepro stage context_awareness.score_dependency {params.args} > {log} 2>&1"


rule context_awareness_evaluate:
    input:
        code=code("context_awareness", "evaluate", "method", "data") + [CA_WORLD],
        data=ca_prep,
        base=ca_base,
        vanilla=CA_RUNS + "/sft_vanilla",
        indicator=CA_RUNS + "/sft_indicator",
    output:
        nih=CA_RUNS + "/nih.json",
        metrics=CA_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("context_awareness", "evaluate", "score"),
    log:
        "logs/{scale}/context_awareness/seed{seed}/evaluate.log",
    threads: res("context_awareness", "evaluate", "threads", 1)
    resources:
        runtime=res("context_awareness", "evaluate", "runtime", 10),
        mem_mb=res("context_awareness", "evaluate", "mem_mb", 3000),
        gpu=res("context_awareness", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage context_awareness.evaluate {params.args} > {log} 2>&1"


rule context_awareness_report:
    input:
        unpack(
            report_inputs(
                "context_awareness",
                {
                    "evaluate": CA_RUNS + "/evaluate.json",
                    "score_dependency": CA_RUNS + "/score_dependency.json",
                },
            )
        ),
    output:
        **report_outputs("context_awareness"),
    params:
        args=stage_args,
        settings=report_settings("context_awareness"),
    log:
        "logs/{scale}/context_awareness/report.log",
    threads: res("context_awareness", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper context_awareness {params.args} > {log} 2>&1"
