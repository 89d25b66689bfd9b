# LSK (spec ../shared/papers/lsk.md), per seed:
#   prep -> pretrain_base (small/ci: the shared tiny-LM stage; paper: the hub model) -> answer (every language)
#   prep -> embed (English queries; beside pretraining) ; answer + embed -> route (clusters, experts, baselines)
#   -> report (all seeds)

LSK_DATA = "data/{scale}/lsk/seed{seed}"
LSK_RUNS = "results/{scale}/lsk/runs/seed{seed}"
lsk_base = base_model("lsk", "base", "pretrain_lm", LSK_RUNS + "/base")


rule lsk_prep:
    input:
        code=code("lsk", "prep", "world") + ["src/lmrepro/worlds/languages.py"],
    output:
        data=directory(LSK_DATA + "/prep"),
        metrics=LSK_DATA + "/prep.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lsk", "data", "world", "tokenizer"),
    log:
        "logs/{scale}/lsk/seed{seed}/prep.log",
    threads: res("lsk", "prep", "threads", 1)
    resources:
        runtime=res("lsk", "prep", "runtime", 5),
        mem_mb=res("lsk", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage lsk.prep {params.args} > {log} 2>&1"


rule lsk_pretrain_base:
    input:
        code=code("lsk", "data"),
        data=LSK_DATA + "/prep",
    output:
        model=directory(LSK_RUNS + "/base"),
        metrics=LSK_RUNS + "/pretrain.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lsk", "pretrain_lm", "model", "lm_data", "pretrain"),
    log:
        "logs/{scale}/lsk/seed{seed}/pretrain.log",
    threads: res("lsk", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("lsk", "pretrain_lm", "runtime", 10),
        mem_mb=res("lsk", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper lsk {params.args} > {log} 2>&1"


rule lsk_answer:
    input:
        code=code("lsk", "answer", "method"),
        data=LSK_DATA + "/prep",
        base=lsk_base,
    output:
        answers=LSK_RUNS + "/answers.jsonl",
        metrics=LSK_RUNS + "/answer.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lsk", "answer"),
        launcher=launcher("lsk", "answer"),
    log:
        "logs/{scale}/lsk/seed{seed}/answer.log",
    threads: res("lsk", "answer", "threads", 1)
    resources:
        runtime=res("lsk", "answer", "runtime", 5),
        mem_mb=res("lsk", "answer", "mem_mb", 2000),
        gpu=res("lsk", "answer", "gpu", 0),
    shell:
        "{params.launcher} lsk.answer {params.args} > {log} 2>&1"


rule lsk_embed:
    input:
        unpack(hub_inputs("lsk", "embedder")),
        code=code("lsk", "embed"),
        data=LSK_DATA + "/prep",
    output:
        embeddings=LSK_RUNS + "/embeddings.safetensors",
        metrics=LSK_RUNS + "/embed.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lsk", "encoder"),
    log:
        "logs/{scale}/lsk/seed{seed}/embed.log",
    threads: res("lsk", "embed", "threads", 1)
    resources:
        runtime=res("lsk", "embed", "runtime", 5),
        mem_mb=res("lsk", "embed", "mem_mb", 2000),
        gpu=res("lsk", "embed", "gpu", 0),
    shell:
        "lmrepro stage lsk.embed {params.args} > {log} 2>&1"


rule lsk_route:
    input:
        code=code("lsk", "route", "method", "world"),
        data=LSK_DATA + "/prep",
        answers=LSK_RUNS + "/answers.jsonl",
        embeddings=LSK_RUNS + "/embeddings.safetensors",
    output:
        experts=LSK_RUNS + "/experts.json",
        metrics=LSK_RUNS + "/route.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lsk", "cluster", "data"),
    log:
        "logs/{scale}/lsk/seed{seed}/route.log",
    threads: res("lsk", "route", "threads", 1)
    resources:
        runtime=res("lsk", "route", "runtime", 5),
        mem_mb=res("lsk", "route", "mem_mb", 2000),
    shell:
        "lmrepro stage lsk.route {params.args} > {log} 2>&1"


rule lsk_report:
    input:
        unpack(
            report_inputs(
                "lsk",
                {
                    "route": LSK_RUNS + "/route.json",
                    "answer": LSK_RUNS + "/answer.json",
                    # no pretraining where the base is a hub model (paper)
                    **({} if lm_uses_hub("lsk", "base") else {"pretrain": LSK_RUNS + "/pretrain.json"}),
                },
            )
        ),
    output:
        **report_outputs("lsk"),
    params:
        args=stage_args,
        settings=report_settings("lsk"),
    log:
        "logs/{scale}/lsk/report.log",
    threads: res("lsk", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper lsk {params.args} > {log} 2>&1"
