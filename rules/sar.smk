# SAR (spec ../shared/papers/sar.md): prep (typed knowledge world -> facts at exposure 0/1/2/8, QA pairs in random
#   filler frames, held-out questions, tokenizer) -> pretrain_lm (small/ci: the shared LM stage; paper: the hub's
#   OPT) -> generate (K samples + greedy, token NLLs) -> relevance (token and sentence similarity by the relevance
#   model, SE classes) -> evaluate (correctness, PE/LN-PE/LS/SE/TokenSAR/SentSAR/SAR, AUROC, lm-polygraph peer
#   check) per seed -> report.

SAR_WORLD = "src/lmrepro/worlds/entities.py"
SAR_DATA = "data/{scale}/sar/seed{seed}/prep"
SAR_RUNS = "results/{scale}/sar/runs/seed{seed}"
sar_base = base_model("sar", "base", "pretrain_lm", SAR_RUNS + "/base")


rule sar_prep:
    input:
        code=code("sar", "prep") + [SAR_WORLD],
    output:
        data=directory(SAR_DATA),
        metrics="data/{scale}/sar/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sar", "world", "task"),
    log:
        "logs/{scale}/sar/seed{seed}/prep.log",
    threads: res("sar", "prep", "threads", 1)
    resources:
        runtime=res("sar", "prep", "runtime", 5),
        mem_mb=res("sar", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage sar.prep {params.args} > {log} 2>&1"


rule sar_pretrain_lm:
    input:
        code=code("sar") + ["src/lmrepro/common/batches.py"],
        data=SAR_DATA,
    output:
        model=directory(SAR_RUNS + "/base"),
        metrics=SAR_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sar", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/sar/seed{seed}/pretrain_lm.log",
    threads: res("sar", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("sar", "pretrain_lm", "runtime", 10),
        mem_mb=res("sar", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper sar {params.args} > {log} 2>&1"


rule sar_generate:
    input:
        code=code("sar", "generate"),
        data=SAR_DATA,
        model=sar_base,
    output:
        generations=SAR_RUNS + "/generations.jsonl",
        metrics=SAR_RUNS + "/generate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sar", "generate"),
    log:
        "logs/{scale}/sar/seed{seed}/generate.log",
    threads: res("sar", "generate", "threads", 1)
    resources:
        runtime=res("sar", "generate", "runtime", 5),
        mem_mb=res("sar", "generate", "mem_mb", 2000),
        gpu=res("sar", "generate", "gpu", 0),
    shell:
        "lmrepro stage sar.generate {params.args} > {log} 2>&1"


rule sar_relevance:
    input:
        unpack(hub_inputs("sar", "relevance")),
        code=code("sar", "relevance") + ["src/lmrepro/common/sentence_encoder.py"],
        generations=SAR_RUNS + "/generations.jsonl",
        tokenizer=sar_base,
    output:
        relevance=SAR_RUNS + "/relevance.jsonl",
        metrics=SAR_RUNS + "/relevance.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sar", "relevance"),
    log:
        "logs/{scale}/sar/seed{seed}/relevance.log",
    threads: res("sar", "relevance", "threads", 1)
    resources:
        runtime=res("sar", "relevance", "runtime", 10),
        mem_mb=res("sar", "relevance", "mem_mb", 3000),
        gpu=res("sar", "relevance", "gpu", 0),
    shell:
        "lmrepro stage sar.relevance {params.args} > {log} 2>&1"


rule sar_evaluate:
    input:
        code=code("sar", "evaluate", "scores"),
        data=SAR_DATA,
        generations=SAR_RUNS + "/generations.jsonl",
        relevance=SAR_RUNS + "/relevance.jsonl",
    output:
        scores=SAR_RUNS + "/scores.jsonl",
        parity=SAR_RUNS + "/parity.json",
        metrics=SAR_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sar", "score"),
    log:
        "logs/{scale}/sar/seed{seed}/evaluate.log",
    threads: res("sar", "evaluate", "threads", 1)
    resources:
        runtime=res("sar", "evaluate", "runtime", 5),
        mem_mb=res("sar", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage sar.evaluate {params.args} > {log} 2>&1"


rule sar_report:
    input:
        unpack(report_inputs("sar", {"evaluate": SAR_RUNS + "/evaluate.json"})),
    output:
        **report_outputs("sar"),
    params:
        args=stage_args,
        settings=report_settings("sar"),
    log:
        "logs/{scale}/sar/report.log",
    threads: res("sar", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper sar {params.args} > {log} 2>&1"
