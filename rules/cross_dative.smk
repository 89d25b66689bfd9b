# Cross-dative generalization (spec ../shared/papers/cross_dative.md). Per LM seed:
#   gen_corpus -> pretrain_lm (small; paper: the smolm hub snapshot lm<seed>) -> gen_stimuli (paper: the official
#   repo's stimuli) -> expose -> score; then analyze (all seeds, coefs.json) and the report.

CROSS_DATIVE_WORLD = "src/lmrepro/worlds/grammar.py"
CROSS_DATIVE_DATA = "data/{scale}/cross_dative/seed{seed}"
CROSS_DATIVE_RUNS = "results/{scale}/cross_dative/runs/seed{seed}"
CROSS_DATIVE_REPO = "data/external/encouraging-exposures"


# The simulated learner: the released smolm checkpoint of this seed (paper), else the pretrained tiny OPT.
cross_dative_model = base_model("cross_dative", "lm{seed}", "pretrain_lm", CROSS_DATIVE_RUNS + "/ckpt/lm")


def cross_dative_stimuli_inputs(wildcards):
    inputs = {"code": code("cross_dative", "gen_stimuli", "gen_corpus") + [CROSS_DATIVE_WORLD]}
    if PAPERS["cross_dative"]["params"]["stimuli"]["source"] == "repo":
        inputs["repo"] = CROSS_DATIVE_REPO
    return inputs


def cross_dative_report_stages():
    """Per-seed metrics the report reads; gen_corpus/pretrain_lm only where the learners are trained here."""
    stages = {"expose": CROSS_DATIVE_RUNS + "/expose.json", "score": CROSS_DATIVE_RUNS + "/score.json"}
    if not lm_uses_hub("cross_dative", "lm{seed}"):
        stages |= {"gen_corpus": CROSS_DATIVE_DATA + "/gen_corpus.json",
                   "pretrain_lm": CROSS_DATIVE_RUNS + "/pretrain_lm.json"}
    return stages


rule cross_dative_fetch_repo:
    output:
        directory(CROSS_DATIVE_REPO),
    log:
        "logs/external/encouraging-exposures.log",
    shell:
        f"(git clone --filter=blob:none --sparse {GIT_BASE}/kanishkamisra/encouraging-exposures {{output}} "
        "&& git -C {output} sparse-checkout set data/experiments) > {log} 2>&1"


rule cross_dative_gen_corpus:
    input:
        code=code("cross_dative", "gen_corpus") + [CROSS_DATIVE_WORLD],
    output:
        data=directory(CROSS_DATIVE_DATA + "/corpus"),
        metrics=CROSS_DATIVE_DATA + "/gen_corpus.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "world", "corpus"),
    log:
        "logs/{scale}/cross_dative/seed{seed}/gen_corpus.log",
    threads: res("cross_dative", "gen_corpus", "threads", 1)
    resources:
        runtime=res("cross_dative", "gen_corpus", "runtime", 5),
        mem_mb=res("cross_dative", "gen_corpus", "mem_mb", 2000),
    shell:
        "lmrepro stage cross_dative.gen_corpus {params.args} > {log} 2>&1"


rule cross_dative_pretrain_lm:
    input:
        code=code("cross_dative", "pretrain_data"),
        data=CROSS_DATIVE_DATA + "/corpus",
    output:
        model=directory(CROSS_DATIVE_RUNS + "/ckpt/lm"),
        metrics=CROSS_DATIVE_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "pretrain_lm", "model", "pretrain", "pretrain_data"),
    log:
        "logs/{scale}/cross_dative/seed{seed}/pretrain_lm.log",
    threads: res("cross_dative", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("cross_dative", "pretrain_lm", "runtime", 10),
        mem_mb=res("cross_dative", "pretrain_lm", "mem_mb", 2000),
        gpu=res("cross_dative", "pretrain_lm", "gpu", 0),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper cross_dative {params.args} > {log} 2>&1"


rule cross_dative_gen_stimuli:
    input:
        unpack(cross_dative_stimuli_inputs),
    output:
        data=directory(CROSS_DATIVE_DATA + "/stimuli"),
        metrics=CROSS_DATIVE_DATA + "/gen_stimuli.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "world", "stimuli"),
    log:
        "logs/{scale}/cross_dative/seed{seed}/gen_stimuli.log",
    threads: res("cross_dative", "gen_stimuli", "threads", 1)
    resources:
        runtime=res("cross_dative", "gen_stimuli", "runtime", 5),
        mem_mb=res("cross_dative", "gen_stimuli", "mem_mb", 2000),
    shell:
        "lmrepro stage cross_dative.gen_stimuli {params.args} > {log} 2>&1"


rule cross_dative_expose:
    input:
        code=code("cross_dative", "expose", "learner"),
        model=cross_dative_model,
        stimuli=CROSS_DATIVE_DATA + "/stimuli",
    output:
        runs=CROSS_DATIVE_RUNS + "/exposures.jsonl",
        metrics=CROSS_DATIVE_RUNS + "/expose.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "exposure"),
    log:
        "logs/{scale}/cross_dative/seed{seed}/expose.log",
    threads: res("cross_dative", "expose", "threads", 1)
    resources:
        runtime=res("cross_dative", "expose", "runtime", 10),
        mem_mb=res("cross_dative", "expose", "mem_mb", 2000),
        gpu=res("cross_dative", "expose", "gpu", 0),
    shell:
        "lmrepro stage cross_dative.expose {params.args} > {log} 2>&1"


rule cross_dative_score:
    input:
        code=code("cross_dative", "score", "stats"),
        runs=CROSS_DATIVE_RUNS + "/exposures.jsonl",
    output:
        scores=CROSS_DATIVE_RUNS + "/scores.parquet",
        metrics=CROSS_DATIVE_RUNS + "/score.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "analysis"),
    log:
        "logs/{scale}/cross_dative/seed{seed}/score.log",
    threads: res("cross_dative", "score", "threads", 1)
    resources:
        runtime=res("cross_dative", "score", "runtime", 5),
        mem_mb=res("cross_dative", "score", "mem_mb", 2000),
    shell:
        "lmrepro stage cross_dative.score {params.args} > {log} 2>&1"


rule cross_dative_analyze:
    input:
        unpack(
            lambda wc: {
                f"seed{s}": f"results/{wc.scale}/cross_dative/runs/seed{s}/scores.parquet"
                for s in seeds("cross_dative")
            }
        ),
        code=code("cross_dative", "analyze", "stats"),
    output:
        coefs="results/{scale}/cross_dative/coefs.json",
        metrics="results/{scale}/cross_dative/analyze.json",
    params:
        args=stage_args,
        cfg=cfg_hash("cross_dative", "analysis"),
    log:
        "logs/{scale}/cross_dative/analyze.log",
    threads: res("cross_dative", "analyze", "threads", 1)
    shell:
        "lmrepro stage cross_dative.analyze {params.args} > {log} 2>&1"


rule cross_dative_report:
    input:
        unpack(report_inputs("cross_dative", cross_dative_report_stages())),
    output:
        **report_outputs("cross_dative"),
    params:
        args=stage_args,
        settings=report_settings("cross_dative"),
    log:
        "logs/{scale}/cross_dative/report.log",
    threads: res("cross_dative", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper cross_dative {params.args} > {log} 2>&1"
