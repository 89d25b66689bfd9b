# Massively Multilingual Lexical Specialization (spec ../shared/papers/lexical_specialization.md):
#   prep (once: world or BabelNet pairs -> constraints, test sets, corpus, tokenizer) -> pretrain_mlm (small/ci: once;
#   paper: the hub's mBERT) -> specialize per seed and arm (full, low, shuffled) -> evaluate per seed -> report.

from lmrepro.papers.lexical_specialization.params import ARMS as LEXSPEC_ARMS

LEXSPEC_WORLD = "src/lmrepro/worlds/conlang.py"
LEXSPEC_DATA = "data/{scale}/lexical_specialization/seed{seed}/prep"
LEXSPEC_RUNS = "results/{scale}/lexical_specialization/runs/seed{seed}"
lexspec_base = base_model("lexical_specialization", "base", "pretrain_mlm", LEXSPEC_RUNS + "/base")
lexspec_data = stage_output("lexical_specialization", "prep", LEXSPEC_DATA)


def lexspec_eval_data(wildcards):
    """paper scale: the official repository's BLI dictionaries and vocabulary lists."""
    source = PAPERS["lexical_specialization"]["params"]["lexicon"]["source"]
    return {"evaldata": "data/external/babelbert"} if source == "babelnet" else {}


def lexspec_arms(wildcards):
    """evaluate's inputs: every arm's specialized encoder of this seed."""
    return {arm: LEXSPEC_RUNS.format(**wildcards) + f"/specialize_{arm}" for arm in LEXSPEC_ARMS}


rule lexical_specialization_fetch_evaldata:
    output:
        directory("data/external/babelbert"),
    log:
        "logs/external/babelbert.log",
    shell:
        f"(git clone --filter=blob:none --sparse {GIT_BASE}/umanlp/babelbert {{output}} "
        "&& git -C {output} sparse-checkout set datasets) > {log} 2>&1"


rule lexical_specialization_prep:
    input:
        unpack(hub_inputs("lexical_specialization", "pairs")),
        unpack(lexspec_eval_data),
        code=code("lexical_specialization", "prep") + [LEXSPEC_WORLD],
    output:
        data=directory(LEXSPEC_DATA),
        metrics="data/{scale}/lexical_specialization/seed{seed}/prep.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lexical_specialization", "world", "lexicon", "tokenizer"),
    log:
        "logs/{scale}/lexical_specialization/seed{seed}/prep.log",
    threads: res("lexical_specialization", "prep", "threads", 1)
    resources:
        runtime=res("lexical_specialization", "prep", "runtime", 5),
        mem_mb=res("lexical_specialization", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage lexical_specialization.prep {params.args} > {log} 2>&1"


rule lexical_specialization_pretrain_mlm:
    input:
        code=code("lexical_specialization", "mlm", "method"),
        data=LEXSPEC_DATA,
    output:
        model=directory(LEXSPEC_RUNS + "/base"),
        metrics=LEXSPEC_RUNS + "/pretrain_mlm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lexical_specialization", "pretrain_mlm", "model", "pretrain", "mlm"),
    log:
        "logs/{scale}/lexical_specialization/seed{seed}/pretrain_mlm.log",
    threads: res("lexical_specialization", "pretrain_mlm", "threads", 1)
    resources:
        runtime=res("lexical_specialization", "pretrain_mlm", "runtime", 10),
        mem_mb=res("lexical_specialization", "pretrain_mlm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper lexical_specialization --section pretrain_mlm "
        "{params.args} > {log} 2>&1"


rule lexical_specialization_specialize:
    input:
        code=code("lexical_specialization", "specialize", "method"),
        base=lexspec_base,
        data=lexspec_data,
    output:
        model=directory(LEXSPEC_RUNS + "/specialize_{arm}"),
        metrics=LEXSPEC_RUNS + "/specialize_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lexical_specialization", "specialize", "specialize_train"),
        launcher=launcher("lexical_specialization", "specialize"),
    wildcard_constraints:
        arm="|".join(LEXSPEC_ARMS),
    log:
        "logs/{scale}/lexical_specialization/seed{seed}/specialize_{arm}.log",
    threads: res("lexical_specialization", "specialize", "threads", 1)
    resources:
        runtime=res("lexical_specialization", "specialize", "runtime", 10),
        mem_mb=res("lexical_specialization", "specialize", "mem_mb", 2000),
        gpu=res("lexical_specialization", "specialize", "gpu", 0),
    shell:
        "{params.launcher} lexical_specialization.specialize {params.args} --set run.arm={wildcards.arm} "
        "> {log} 2>&1"


rule lexical_specialization_evaluate:
    input:
        unpack(lexspec_arms),
        code=code("lexical_specialization", "evaluate", "method", "prep"),
        vanilla=lexspec_base,
        data=lexspec_data,
    output:
        metrics=LEXSPEC_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lexical_specialization", "evaluate", "lexicon"),
    log:
        "logs/{scale}/lexical_specialization/seed{seed}/evaluate.log",
    threads: res("lexical_specialization", "evaluate", "threads", 1)
    resources:
        runtime=res("lexical_specialization", "evaluate", "runtime", 5),
        mem_mb=res("lexical_specialization", "evaluate", "mem_mb", 2000),
        gpu=res("lexical_specialization", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage lexical_specialization.evaluate {params.args} > {log} 2>&1"


rule lexical_specialization_report:
    input:
        unpack(report_inputs("lexical_specialization", {"evaluate": LEXSPEC_RUNS + "/evaluate.json"})),
    output:
        **report_outputs("lexical_specialization"),
    params:
        args=stage_args,
        settings=report_settings("lexical_specialization"),
    log:
        "logs/{scale}/lexical_specialization/report.log",
    threads: res("lexical_specialization", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper lexical_specialization {params.args} > {log} 2>&1"
