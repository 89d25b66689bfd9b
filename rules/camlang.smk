# Camlang (spec ../shared/papers/camlang.md): prep (build_language + translate_items: grammar book, dictionary, test
#   items in English and Camlang, English QA training items) -> pretrain_lm (small/ci: the shared LM stage trains the
#   English QA model; paper: the hub model) -> evaluate (S-EN, S-LEX, S-GRAM; error attribution; aggregate;
#   round trip) per seed -> report.

CAMLANG_WORLD = ["src/lmrepro/worlds/camlang.py", "src/lmrepro/worlds/languages.py"]
CAMLANG_DATA = "data/{scale}/camlang/seed{seed}/prep"
CAMLANG_RUNS = "results/{scale}/camlang/runs/seed{seed}"
camlang_model = base_model("camlang", "base", "pretrain_lm", CAMLANG_RUNS + "/qa")


rule camlang_prep:
    input:
        code=code("camlang", "prep", "qa") + CAMLANG_WORLD,
    output:
        data=directory(CAMLANG_DATA),
        metrics="data/{scale}/camlang/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("camlang", "world", "items"),
    log:
        "logs/{scale}/camlang/seed{seed}/prep.log",
    threads: res("camlang", "prep", "threads", 1)
    resources:
        runtime=res("camlang", "prep", "runtime", 5),
        mem_mb=res("camlang", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage camlang.prep {params.args} > {log} 2>&1"


rule camlang_pretrain_lm:
    input:
        code=code("camlang", "qa") + ["src/lmrepro/common/pretrain_lm.py"],
        data=CAMLANG_DATA,
    output:
        model=directory(CAMLANG_RUNS + "/qa"),
        metrics=CAMLANG_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("camlang", "pretrain_lm", "qa", "model", "pretrain"),
    log:
        "logs/{scale}/camlang/seed{seed}/pretrain_lm.log",
    threads: res("camlang", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("camlang", "pretrain_lm", "runtime", 10),
        mem_mb=res("camlang", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper camlang {params.args} > {log} 2>&1"


rule camlang_evaluate:
    input:
        code=code("camlang", "evaluate", "qa") + CAMLANG_WORLD,
        data=CAMLANG_DATA,
        model=camlang_model,
    output:
        predictions=CAMLANG_RUNS + "/predictions.jsonl",
        metrics=CAMLANG_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("camlang", "world", "items", "solvers"),
        launcher=launcher("camlang", "evaluate"),
    log:
        "logs/{scale}/camlang/seed{seed}/evaluate.log",
    threads: res("camlang", "evaluate", "threads", 1)
    resources:
        runtime=res("camlang", "evaluate", "runtime", 10),
        mem_mb=res("camlang", "evaluate", "mem_mb", 2000),
        gpu=res("camlang", "evaluate", "gpu", 0),
    shell:
        "{params.launcher} camlang.evaluate {params.args} > {log} 2>&1"


rule camlang_report:
    input:
        unpack(report_inputs("camlang", {"evaluate": CAMLANG_RUNS + "/evaluate.json"})),
    output:
        **report_outputs("camlang"),
    params:
        args=stage_args,
        settings=report_settings("camlang"),
    log:
        "logs/{scale}/camlang/report.log",
    threads: res("camlang", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper camlang {params.args} > {log} 2>&1"
