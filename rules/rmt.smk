# RMT (spec ../shared/papers/rmt.md), per seed: gen_corpus -> train_proxy (small; paper: hub snapshot)
#   -> score_entropy -> pretrain_base (small; paper: hub snapshot) -> midtrain {ntp, rpt, rmt, ablations}
#   -> evaluate -> report

RMT_WORLD = "src/lmrepro/worlds/arithmetic.py"
RMT_ARMS = PAPERS["rmt"]["params"]["arms"]["run"]


def rmt_corpus_inputs(wildcards):
    inputs = {"code": code("rmt", "gen_corpus") + [RMT_WORLD]}
    if has_hub("rmt", "datasets", "corpus"):
        inputs["hub_corpus"] = hub_dataset("rmt", "corpus")
        inputs["hub_tokenizer"] = hub_model("rmt", "base")
    return inputs


rmt_proxy = base_model("rmt", "proxy", "proxy_lm", "results/{scale}/rmt/runs/seed{seed}/proxy")
rmt_base = base_model("rmt", "base", "pretrain_lm", "results/{scale}/rmt/runs/seed{seed}/base")


rule rmt_gen_corpus:
    input:
        unpack(rmt_corpus_inputs),
    output:
        data=directory("data/{scale}/rmt/seed{seed}/corpus"),
        metrics="data/{scale}/rmt/seed{seed}/corpus.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "world", "corpus"),
    log:
        "logs/{scale}/rmt/seed{seed}/gen_corpus.log",
    threads: res("rmt", "gen_corpus", "threads", 1)
    resources:
        runtime=res("rmt", "gen_corpus", "runtime", 5),
        mem_mb=res("rmt", "gen_corpus", "mem_mb", 2000),
    shell:
        "lmrepro stage rmt.gen_corpus {params.args} > {log} 2>&1"


rule rmt_train_proxy:
    input:
        code=code("rmt", "pretrain_data", "data"),
        data="data/{scale}/rmt/seed{seed}/corpus",
    output:
        model=directory("results/{scale}/rmt/runs/seed{seed}/proxy"),
        metrics="results/{scale}/rmt/runs/seed{seed}/train_proxy.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "proxy_lm", "proxy_model", "proxy_train", "base"),
    log:
        "logs/{scale}/rmt/seed{seed}/train_proxy.log",
    threads: res("rmt", "proxy_lm", "threads", 1)
    resources:
        runtime=res("rmt", "proxy_lm", "runtime", 5),
        mem_mb=res("rmt", "proxy_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper rmt --section proxy_lm {params.args} > {log} 2>&1"


rule rmt_score_entropy:
    input:
        code=code("rmt", "score_entropy", "data", "method"),
        corpus="data/{scale}/rmt/seed{seed}/corpus",
        proxy=rmt_proxy,
    output:
        entropy="data/{scale}/rmt/seed{seed}/entropy.parquet",
        metrics="data/{scale}/rmt/seed{seed}/entropy.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "entropy"),
    log:
        "logs/{scale}/rmt/seed{seed}/score_entropy.log",
    threads: res("rmt", "score_entropy", "threads", 1)
    resources:
        runtime=res("rmt", "score_entropy", "runtime", 5),
        mem_mb=res("rmt", "score_entropy", "mem_mb", 2000),
        gpu=res("rmt", "score_entropy", "gpu", 0),
    shell:
        "lmrepro stage rmt.score_entropy {params.args} > {log} 2>&1"


rule rmt_pretrain_base:
    input:
        code=code("rmt", "pretrain_data", "data"),
        data="data/{scale}/rmt/seed{seed}/corpus",
    output:
        model=directory("results/{scale}/rmt/runs/seed{seed}/base"),
        metrics="results/{scale}/rmt/runs/seed{seed}/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "pretrain_lm", "model", "base", "pretrain"),
    log:
        "logs/{scale}/rmt/seed{seed}/pretrain_base.log",
    threads: res("rmt", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("rmt", "pretrain_lm", "runtime", 10),
        mem_mb=res("rmt", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper rmt {params.args} > {log} 2>&1"


rule rmt_midtrain:
    input:
        code=code("rmt", "midtrain", "data", "method") + [RMT_WORLD],
        corpus="data/{scale}/rmt/seed{seed}/corpus",
        entropy="data/{scale}/rmt/seed{seed}/entropy.parquet",
        base=rmt_base,
    output:
        model=directory("results/{scale}/rmt/runs/seed{seed}/{arm}"),
        rollouts="results/{scale}/rmt/runs/seed{seed}/{arm}.rollouts.jsonl",
        metrics="results/{scale}/rmt/runs/seed{seed}/midtrain_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "midtrain", "midtrain_train"),
        launcher=launcher("rmt", "midtrain"),
    wildcard_constraints:
        arm="|".join(RMT_ARMS),
    log:
        "logs/{scale}/rmt/seed{seed}/midtrain_{arm}.log",
    threads: res("rmt", "midtrain", "threads", 1)  # tiny models: two 1-thread jobs at once beat one 2-thread job
    resources:
        runtime=res("rmt", "midtrain", "runtime", 10),
        mem_mb=res("rmt", "midtrain", "mem_mb", 2000),
        gpu=res("rmt", "midtrain", "gpu", 0),
    shell:
        "{params.launcher} rmt.midtrain {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule rmt_evaluate:
    input:
        code=code("rmt", "evaluate", "midtrain", "data", "method") + [RMT_WORLD],
        corpus="data/{scale}/rmt/seed{seed}/corpus",
        entropy="data/{scale}/rmt/seed{seed}/entropy.parquet",
        base=rmt_base,
        **{arm: f"results/{{scale}}/rmt/runs/seed{{seed}}/{arm}" for arm in RMT_ARMS},
    output:
        metrics="results/{scale}/rmt/runs/seed{seed}/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rmt", "evaluate", "midtrain", "arms"),
    log:
        "logs/{scale}/rmt/seed{seed}/evaluate.log",
    threads: res("rmt", "evaluate", "threads", 1)
    resources:
        runtime=res("rmt", "evaluate", "runtime", 10),
        mem_mb=res("rmt", "evaluate", "mem_mb", 2000),
        gpu=res("rmt", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage rmt.evaluate {params.args} > {log} 2>&1"


rule rmt_report:
    input:
        unpack(
            report_inputs(
                "rmt",
                {
                    "evaluate": "results/{scale}/rmt/runs/seed{seed}/evaluate.json",
                    **({} if has_hub("rmt", "models", "base") else
                       {"pretrain_base": "results/{scale}/rmt/runs/seed{seed}/pretrain_base.json"}),
                    **{f"midtrain_{arm}": f"results/{{scale}}/rmt/runs/seed{{seed}}/midtrain_{arm}.json"
                       for arm in RMT_ARMS},
                },
            )
        ),
    output:
        **report_outputs("rmt"),
    params:
        args=stage_args,
        settings=report_settings("rmt"),
    log:
        "logs/{scale}/rmt/report.log",
    threads: res("rmt", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper rmt {params.args} > {log} 2>&1"
