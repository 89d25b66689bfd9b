# PRefLexOR (spec ../shared/papers/preflexor.md): prep (knowledge graph, fact corpus, index, questions) ->
#   pretrain_lm (small/ci: the shared LM stage on the fact corpus; paper: the hub's Llama-3.2-3B-Instruct) ->
#   add_special_tokens -> sft_{direct,think} and, per preference arm {preflexor, orpo_static}, ORPO rounds
#   orpo1..R then EXO rounds exo1..R' (each round builds its dataset on the fly from the previous round's model)
#   -> evaluate per seed -> report.

PREFLEXOR_WORLD = "src/lmrepro/worlds/kg.py"
PREFLEXOR_DATA = "data/{scale}/preflexor/seed{seed}/prep"
PREFLEXOR_RUNS = "results/{scale}/preflexor/runs/seed{seed}"
PREFLEXOR_ROUNDS = TYPED_PARAMS["preflexor"].rounds
PREFLEXOR_LAST = {"orpo": f"orpo{PREFLEXOR_ROUNDS.orpo_rounds}", "exo": f"exo{PREFLEXOR_ROUNDS.exo_rounds}"}
preflexor_base = base_model("preflexor", "base", "pretrain_lm", PREFLEXOR_RUNS + "/base")


def preflexor_round_inputs(wildcards):
    """A round starts from the previous round of its arm (ORPO round 1 from the tokens-added base, EXO round 1
    from the last ORPO round, which is also every EXO round's frozen reference)."""
    runs = PREFLEXOR_RUNS.format(**wildcards) + f"/{wildcards.arm}_"
    r = int(wildcards.round)
    if wildcards.phase == "orpo":
        return {"model": runs + f"orpo{r - 1}" if r > 1 else PREFLEXOR_RUNS.format(**wildcards) + "/base_tokens"}
    return {"model": runs + (f"exo{r - 1}" if r > 1 else PREFLEXOR_LAST["orpo"]),
            "reference": runs + PREFLEXOR_LAST["orpo"]}


rule preflexor_prep:
    input:
        code=code("preflexor", "prep", "thinking") + [PREFLEXOR_WORLD],
    output:
        data=directory(PREFLEXOR_DATA),
        metrics="data/{scale}/preflexor/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("preflexor", "world"),
    log:
        "logs/{scale}/preflexor/seed{seed}/prep.log",
    threads: res("preflexor", "prep", "threads", 1)
    resources:
        runtime=res("preflexor", "prep", "runtime", 5),
        mem_mb=res("preflexor", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage preflexor.prep {params.args} > {log} 2>&1"


rule preflexor_pretrain_lm:
    input:
        code=code("preflexor") + ["src/lmrepro/common/batches.py"],
        data=PREFLEXOR_DATA,
    output:
        model=directory(PREFLEXOR_RUNS + "/base"),
        metrics=PREFLEXOR_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("preflexor", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/preflexor/seed{seed}/pretrain_lm.log",
    threads: res("preflexor", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("preflexor", "pretrain_lm", "runtime", 10),
        mem_mb=res("preflexor", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper preflexor {params.args} > {log} 2>&1"


rule preflexor_add_special_tokens:
    input:
        code=code("preflexor", "add_special_tokens", "thinking"),
        base=preflexor_base,
    output:
        model=directory(PREFLEXOR_RUNS + "/base_tokens"),
        metrics=PREFLEXOR_RUNS + "/add_special_tokens.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/preflexor/seed{seed}/add_special_tokens.log",
    threads: res("preflexor", "add_special_tokens", "threads", 1)
    resources:
        runtime=res("preflexor", "add_special_tokens", "runtime", 5),
        mem_mb=res("preflexor", "add_special_tokens", "mem_mb", 2000),
    shell:
        "lmrepro stage preflexor.add_special_tokens {params.args} > {log} 2>&1"


rule preflexor_sft:
    input:
        code=code("preflexor", "sft", "thinking"),
        data=PREFLEXOR_DATA,
        base=PREFLEXOR_RUNS + "/base_tokens",
    output:
        model=directory(PREFLEXOR_RUNS + "/{arm}"),
        metrics=PREFLEXOR_RUNS + "/{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("preflexor", "sft", "sft_train"),
        launcher=launcher("preflexor", "sft"),
    wildcard_constraints:
        arm="sft_direct|sft_think",
    log:
        "logs/{scale}/preflexor/seed{seed}/{arm}.log",
    threads: res("preflexor", "sft", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("preflexor", "sft", "runtime", 10),
        mem_mb=res("preflexor", "sft", "mem_mb", 2000),
        gpu=res("preflexor", "sft", "gpu", 0),
    shell:
        "{params.launcher} preflexor.sft {params.args} --set sft.arm={wildcards.arm} > {log} 2>&1"


rule preflexor_round:
    input:
        unpack(preflexor_round_inputs),
        code=code("preflexor", "round", "thinking"),
        data=PREFLEXOR_DATA,
    output:
        model=directory(PREFLEXOR_RUNS + "/{arm}_{phase}{round}"),
        pairs=PREFLEXOR_RUNS + "/{arm}_{phase}{round}.pairs.jsonl",
        metrics=PREFLEXOR_RUNS + "/{arm}_{phase}{round}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("preflexor", "rounds", "orpo", "orpo_train", "exo", "exo_train"),
        launcher=launcher("preflexor", "round"),
    wildcard_constraints:
        arm="preflexor|orpo_static",
        phase="orpo|exo",
        round=r"\d+",
    log:
        "logs/{scale}/preflexor/seed{seed}/{arm}_{phase}{round}.log",
    threads: res("preflexor", "round", "threads", 1)  # arms run side by side, one thread each
    resources:
        runtime=res("preflexor", "round", "runtime", 10),
        mem_mb=res("preflexor", "round", "mem_mb", 2000),
        gpu=res("preflexor", "round", "gpu", 0),
    shell:
        "{params.launcher} preflexor.round {params.args} --set rounds.arm={wildcards.arm} "
        "--set rounds.phase={wildcards.phase} --set rounds.round={wildcards.round} > {log} 2>&1"


rule preflexor_evaluate:
    input:
        code=code("preflexor", "evaluate", "thinking") + [PREFLEXOR_WORLD],
        data=PREFLEXOR_DATA,
        sft_direct=PREFLEXOR_RUNS + "/sft_direct",
        sft_think=PREFLEXOR_RUNS + "/sft_think",
        preflexor=PREFLEXOR_RUNS + "/preflexor_" + PREFLEXOR_LAST["exo"],
        orpo_static=PREFLEXOR_RUNS + "/orpo_static_" + PREFLEXOR_LAST["exo"],
        preflexor_orpo=PREFLEXOR_RUNS + "/preflexor_" + PREFLEXOR_LAST["orpo"],
    output:
        metrics=PREFLEXOR_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("preflexor", "evaluate"),
    log:
        "logs/{scale}/preflexor/seed{seed}/evaluate.log",
    threads: res("preflexor", "evaluate", "threads", 1)
    resources:
        runtime=res("preflexor", "evaluate", "runtime", 10),
        mem_mb=res("preflexor", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage preflexor.evaluate {params.args} > {log} 2>&1"


rule preflexor_report:
    input:
        unpack(
            report_inputs(
                "preflexor",
                {
                    "evaluate": PREFLEXOR_RUNS + "/evaluate.json",
                    "orpo1": PREFLEXOR_RUNS + "/preflexor_orpo1.json",
                    "orpo_last": PREFLEXOR_RUNS + "/preflexor_" + PREFLEXOR_LAST["orpo"] + ".json",
                    "exo_last": PREFLEXOR_RUNS + "/preflexor_" + PREFLEXOR_LAST["exo"] + ".json",
                },
            )
        ),
    output:
        **report_outputs("preflexor"),
    params:
        args=stage_args,
        settings=report_settings("preflexor"),
    log:
        "logs/{scale}/preflexor/report.log",
    threads: res("preflexor", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper preflexor {params.args} > {log} 2>&1"
