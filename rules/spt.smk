# SPT (spec: ../shared/papers/spt.md): gen_facts -> train {standard, tokrev, spt, spt_random} -> evaluate -> report
# paper: gen_facts reads the official reversal-curse identities (a sparse clone), `segment` has the assistant LLM
# chunk them, and each arm fine-tunes the hub base instead of training the world's tiny LM from scratch.

SPT_REPO = "data/external/reversal_curse"


def spt_arms():
    return PAPERS["spt"]["params"]["arms"]["run"]


def spt_official():
    return TYPED_PARAMS["spt"].facts.source == "official"


def spt_facts_inputs(wildcards):
    return {"code": code("spt", "gen_facts", "official") + ["src/lmrepro/worlds/entities.py"],
            **({"repo": SPT_REPO} if spt_official() else {})}


def spt_train_inputs(wildcards):
    """The facts (chunked by the LLM where a segmenter is configured) and, where a hub base is named, the
    snapshot every arm starts from."""
    stage = "chunked" if has_hub("spt", "models", "segmenter") else "facts"
    inputs = {"code": code("spt", "arms", "method"), "data": f"data/{wildcards.scale}/spt/seed{wildcards.seed}/{stage}"}
    if has_hub("spt", "models", "base"):
        inputs["init"] = hub_model("spt", "base")
    return inputs


def spt_tokenizer_input(wildcards):
    return {"tokenizer": hub_model("spt", "base")} if has_hub("spt", "models", "base") else {}


rule spt_fetch_repo:
    output:
        directory(SPT_REPO),
    log:
        "logs/external/reversal_curse.log",
    shell:
        f"(git clone --filter=blob:none --sparse {GIT_BASE}/lukasberglund/reversal_curse {{output}} "
        "&& git -C {output} sparse-checkout set data/reverse_experiments) > {log} 2>&1"


rule spt_segment:
    input:
        unpack(hub_inputs("spt", "segmenter")),
        code=code("spt", "segment", "official"),
        facts="data/{scale}/spt/seed{seed}/facts",
    output:
        data=directory("data/{scale}/spt/seed{seed}/chunked"),
        metrics="data/{scale}/spt/seed{seed}/segment.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "segment"),
    log:
        "logs/{scale}/spt/seed{seed}/segment.log",
    threads: res("spt", "segment", "threads", 1)
    resources:
        runtime=res("spt", "segment", "runtime", 10),
        mem_mb=res("spt", "segment", "mem_mb", 2000),
        gpu=res("spt", "segment", "gpu", 0),
    shell:
        "lmrepro stage spt.segment {params.args} > {log} 2>&1"


rule spt_gen_facts:
    input:
        unpack(spt_facts_inputs),
    output:
        data=directory("data/{scale}/spt/seed{seed}/facts"),
        metrics="data/{scale}/spt/seed{seed}/facts.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "facts", "world"),
    log:
        "logs/{scale}/spt/seed{seed}/gen_facts.log",
    threads: res("spt", "gen_facts", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage spt.gen_facts {params.args} > {log} 2>&1"


rule spt_train:
    input:
        unpack(spt_train_inputs),
    output:
        model=directory("results/{scale}/spt/runs/seed{seed}/{arm}"),
        metrics="results/{scale}/spt/runs/seed{seed}/train_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "pretrain_lm", "model", "arms", "train", "facts"),
        launcher=launcher("spt", "pretrain_lm"),
    wildcard_constraints:
        arm="standard|tokrev|spt|spt_random",
    log:
        "logs/{scale}/spt/seed{seed}/train_{arm}.log",
    threads: res("spt", "pretrain_lm", "threads", 1)  # tiny model: two 1-thread jobs beat one 2-thread job
    resources:
        runtime=res("spt", "pretrain_lm", "runtime", 10),
        mem_mb=res("spt", "pretrain_lm", "mem_mb", 2000),
        gpu=res("spt", "pretrain_lm", "gpu", 0),
    shell:
        "{params.launcher} lmrepro.common.pretrain_lm --paper spt {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule spt_evaluate:
    input:
        unpack(lambda wc: {arm: f"results/{wc.scale}/spt/runs/seed{wc.seed}/{arm}" for arm in spt_arms()}),
        unpack(spt_tokenizer_input),
        code=code("spt", "evaluate", "method"),
        facts="data/{scale}/spt/seed{seed}/facts",
    output:
        metrics="results/{scale}/spt/runs/seed{seed}/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "evaluate", "facts"),
    log:
        "logs/{scale}/spt/seed{seed}/evaluate.log",
    threads: res("spt", "evaluate", "threads", 2)
    resources:
        runtime=res("spt", "evaluate", "runtime", 10),
        mem_mb=res("spt", "evaluate", "mem_mb", 2000),
        gpu=res("spt", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage spt.evaluate {params.args} > {log} 2>&1"


rule spt_report:
    input:
        unpack(
            report_inputs(
                "spt",
                {
                    "evaluate": "results/{scale}/spt/runs/seed{seed}/evaluate.json",
                    **{f"train_{arm}": f"results/{{scale}}/spt/runs/seed{{seed}}/train_{arm}.json" for arm in spt_arms()},
                },
            )
        ),
    output:
        **report_outputs("spt"),
    params:
        args=stage_args,
        settings=report_settings("spt"),
    log:
        "logs/{scale}/spt/report.log",
    threads: res("spt", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper spt {params.args} > {log} 2>&1"
