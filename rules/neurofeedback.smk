# neurofeedback (spec ../shared/papers/neurofeedback.md): prep -> meta_pretrain (small: a tiny LM on in-context
#   labelling episodes; paper: the hub instruct model) -> axes (hidden, PC/LR axes, labels) -> report_exp -> report

NEUROFEEDBACK_WORLD = "src/lmrepro/worlds/attributes.py"
NEUROFEEDBACK_DATA = "data/{scale}/neurofeedback/seed{seed}/prep"
NEUROFEEDBACK_RUNS = "results/{scale}/neurofeedback/runs/seed{seed}"
neurofeedback_lm = base_model("neurofeedback", "base", "pretrain_lm", NEUROFEEDBACK_RUNS + "/lm")


rule neurofeedback_prep:
    input:
        unpack(hub_inputs("neurofeedback", "ethics")),
        code=code("neurofeedback", "prep") + [NEUROFEEDBACK_WORLD],
    output:
        data=directory(NEUROFEEDBACK_DATA),
        metrics="data/{scale}/neurofeedback/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("neurofeedback", "world", "prep"),
    log:
        "logs/{scale}/neurofeedback/seed{seed}/prep.log",
    threads: res("neurofeedback", "prep", "threads", 1)
    resources:
        runtime=res("neurofeedback", "prep", "runtime", 5),
        mem_mb=res("neurofeedback", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage neurofeedback.prep {params.args} > {log} 2>&1"


rule neurofeedback_meta_pretrain:
    input:
        code=code("neurofeedback", "episodes") + [NEUROFEEDBACK_WORLD],
        data=NEUROFEEDBACK_DATA,
    output:
        model=directory(NEUROFEEDBACK_RUNS + "/lm"),
        metrics=NEUROFEEDBACK_RUNS + "/meta_pretrain.json",
    params:
        args=stage_args,
        cfg=cfg_hash("neurofeedback", "pretrain_lm", "model", "episodes", "pretrain"),
    log:
        "logs/{scale}/neurofeedback/seed{seed}/meta_pretrain.log",
    threads: res("neurofeedback", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("neurofeedback", "pretrain_lm", "runtime", 10),
        mem_mb=res("neurofeedback", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper neurofeedback {params.args} > {log} 2>&1"


rule neurofeedback_axes:
    input:
        code=code("neurofeedback", "axes", "method") + ["src/lmrepro/common/activations.py"],
        data=NEUROFEEDBACK_DATA,
        model=neurofeedback_lm,
    output:
        axes=directory(NEUROFEEDBACK_RUNS + "/axes"),
        metrics=NEUROFEEDBACK_RUNS + "/axes.json",
    params:
        args=stage_args,
        cfg=cfg_hash("neurofeedback", "axes"),
    log:
        "logs/{scale}/neurofeedback/seed{seed}/axes.log",
    threads: res("neurofeedback", "axes", "threads", 1)
    resources:
        runtime=res("neurofeedback", "axes", "runtime", 10),
        mem_mb=res("neurofeedback", "axes", "mem_mb", 2000),
        gpu=res("neurofeedback", "axes", "gpu", 0),
    shell:
        "lmrepro stage neurofeedback.axes {params.args} > {log} 2>&1"


rule neurofeedback_report_exp:
    input:
        code=code("neurofeedback", "report_exp", "method") + [NEUROFEEDBACK_WORLD],
        data=NEUROFEEDBACK_DATA,
        model=neurofeedback_lm,
        axes=NEUROFEEDBACK_RUNS + "/axes",
    output:
        metrics=NEUROFEEDBACK_RUNS + "/report_exp.json",
    params:
        args=stage_args,
        cfg=cfg_hash("neurofeedback", "report_exp"),
    log:
        "logs/{scale}/neurofeedback/seed{seed}/report_exp.log",
    threads: res("neurofeedback", "report_exp", "threads", 1)
    resources:
        runtime=res("neurofeedback", "report_exp", "runtime", 10),
        mem_mb=res("neurofeedback", "report_exp", "mem_mb", 2000),
        gpu=res("neurofeedback", "report_exp", "gpu", 0),
    shell:
        "lmrepro stage neurofeedback.report_exp {params.args} > {log} 2>&1"


rule neurofeedback_report:
    input:
        unpack(
            report_inputs(
                "neurofeedback",
                {
                    "prep": "data/{scale}/neurofeedback/seed{seed}/prep.metrics.json",
                    "axes": NEUROFEEDBACK_RUNS + "/axes.json",
                    "report_exp": NEUROFEEDBACK_RUNS + "/report_exp.json",
                },
            )
        ),
    output:
        **report_outputs("neurofeedback"),
    params:
        args=stage_args,
        settings=report_settings("neurofeedback"),
    log:
        "logs/{scale}/neurofeedback/report.log",
    threads: res("neurofeedback", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper neurofeedback {params.args} > {log} 2>&1"
