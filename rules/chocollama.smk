# ChocoLlama (spec ../shared/papers/chocollama.md), per seed:
#   prep -> pretrain_lm {a, b} (the shared LM stage; small/ci; paper: the Llama-2 / Llama-3 hub snapshots)
#   -> tokenizer_nl -> init_embeddings {tokentrans, random}
#   -> cpt {a_orig, b_orig, a_tokentrans, a_random} (LoRA, evaluated before and after) -> aggregate
#   -> report (all seeds)

CHOCO_DATA = "data/{scale}/chocollama/seed{seed}/prep"
CHOCO_RUNS = "results/{scale}/chocollama/runs/seed{seed}"
CHOCO_BASE = {
    "a": base_model("chocollama", "base_a", "pretrain_lm", CHOCO_RUNS + "/base_a"),
    "b": base_model("chocollama", "base_b", "pretrain_lm", CHOCO_RUNS + "/base_b"),
}
# the model each CPT arm starts from
CHOCO_INIT = {
    "a_orig": CHOCO_BASE["a"],
    "b_orig": CHOCO_BASE["b"],
    "a_tokentrans": lambda wildcards: CHOCO_RUNS.format(**wildcards) + "/init_tokentrans",
    "a_random": lambda wildcards: CHOCO_RUNS.format(**wildcards) + "/init_random",
}


rule chocollama_prep:
    input:
        unpack(hub_inputs("chocollama", "nl_text")),
        code=code("chocollama", "prep", "world"),
    output:
        data=directory(CHOCO_DATA),
        metrics="data/{scale}/chocollama/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("chocollama", "world", "corpus", "tokenizer"),
    log:
        "logs/{scale}/chocollama/seed{seed}/prep.log",
    threads: res("chocollama", "prep", "threads", 1)
    resources:
        runtime=res("chocollama", "prep", "runtime", 5),
        mem_mb=res("chocollama", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage chocollama.prep {params.args} > {log} 2>&1"


rule chocollama_pretrain:
    input:
        code=code("chocollama", "data"),
        data=CHOCO_DATA,
    output:
        model=directory(CHOCO_RUNS + "/base_{base}"),
        metrics=CHOCO_RUNS + "/pretrain_{base}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("chocollama", "pretrain_a", "pretrain_b", "mix", "model", "lm_data", "base_train"),
    wildcard_constraints:
        base="a|b",
    log:
        "logs/{scale}/chocollama/seed{seed}/pretrain_{base}.log",
    threads: res("chocollama", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("chocollama", "pretrain_lm", "runtime", 10),
        mem_mb=res("chocollama", "pretrain_lm", "mem_mb", 2000),
        gpu=res("chocollama", "pretrain_lm", "gpu", 0),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper chocollama --section pretrain_{wildcards.base} "
        "{params.args} > {log} 2>&1"


rule chocollama_tokenizer_nl:
    input:
        code=code("chocollama", "tokenizer_nl", "data", "method"),
        base=CHOCO_BASE["a"],
        data=CHOCO_DATA,
    output:
        tokenizer=directory(CHOCO_RUNS + "/tokenizer_nl"),
        metrics=CHOCO_RUNS + "/tokenizer_nl.json",
    params:
        args=stage_args,
        cfg=cfg_hash("chocollama", "tokenizer"),
    log:
        "logs/{scale}/chocollama/seed{seed}/tokenizer_nl.log",
    threads: res("chocollama", "tokenizer_nl", "threads", 1)
    resources:
        runtime=res("chocollama", "tokenizer_nl", "runtime", 5),
        mem_mb=res("chocollama", "tokenizer_nl", "mem_mb", 2000),
    shell:
        "lmrepro stage chocollama.tokenizer_nl {params.args} > {log} 2>&1"


rule chocollama_init_embeddings:
    input:
        code=code("chocollama", "init_embeddings", "method", "data", "prep"),
        base=CHOCO_BASE["a"],
        tokenizer=CHOCO_RUNS + "/tokenizer_nl",
        data=CHOCO_DATA,
    output:
        tokentrans=directory(CHOCO_RUNS + "/init_tokentrans"),
        random=directory(CHOCO_RUNS + "/init_random"),
        metrics=CHOCO_RUNS + "/init_embeddings.json",
    params:
        args=stage_args,
        cfg=cfg_hash("chocollama", "tokentrans"),
    log:
        "logs/{scale}/chocollama/seed{seed}/init_embeddings.log",
    threads: res("chocollama", "init_embeddings", "threads", 1)
    resources:
        runtime=res("chocollama", "init_embeddings", "runtime", 5),
        mem_mb=res("chocollama", "init_embeddings", "mem_mb", 2000),
    shell:
        "lmrepro stage chocollama.init_embeddings {params.args} > {log} 2>&1"


rule chocollama_cpt:
    input:
        code=code("chocollama", "cpt", "data", "method"),
        init=lambda wildcards: CHOCO_INIT[wildcards.arm](wildcards),
        data=CHOCO_DATA,
    output:
        model=directory(CHOCO_RUNS + "/cpt_{arm}"),
        metrics=CHOCO_RUNS + "/cpt_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("chocollama", "lora", "lm_data", "cpt"),
        launcher=launcher("chocollama", "cpt"),
    wildcard_constraints:
        arm="a_orig|b_orig|a_tokentrans|a_random",
    log:
        "logs/{scale}/chocollama/seed{seed}/cpt_{arm}.log",
    threads: res("chocollama", "cpt", "threads", 1)
    resources:
        runtime=res("chocollama", "cpt", "runtime", 10),
        mem_mb=res("chocollama", "cpt", "mem_mb", 2000),
        gpu=res("chocollama", "cpt", "gpu", 0),
    shell:
        "{params.launcher} chocollama.cpt {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule chocollama_aggregate:
    input:
        code=code("chocollama", "aggregate"),
        a_orig=CHOCO_RUNS + "/cpt_a_orig.json",
        b_orig=CHOCO_RUNS + "/cpt_b_orig.json",
        a_tokentrans=CHOCO_RUNS + "/cpt_a_tokentrans.json",
        a_random=CHOCO_RUNS + "/cpt_a_random.json",
    output:
        metrics=CHOCO_RUNS + "/aggregate.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/chocollama/seed{seed}/aggregate.log",
    threads: res("chocollama", "aggregate", "threads", 1)
    shell:
        "lmrepro stage chocollama.aggregate {params.args} > {log} 2>&1"


rule chocollama_report:
    input:
        unpack(
            report_inputs(
                "chocollama",
                {
                    "aggregate": CHOCO_RUNS + "/aggregate.json",
                    "tokenizer_nl": CHOCO_RUNS + "/tokenizer_nl.json",
                    "init_embeddings": CHOCO_RUNS + "/init_embeddings.json",
                },
            )
        ),
    output:
        **report_outputs("chocollama"),
    params:
        args=stage_args,
        settings=report_settings("chocollama"),
    log:
        "logs/{scale}/chocollama/report.log",
    threads: res("chocollama", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper chocollama {params.args} > {log} 2>&1"
