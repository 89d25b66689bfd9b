# SPT (spec: ../shared/papers/spt.md): gen_facts -> train {standard, tokrev, spt, spt_random} -> evaluate -> report


def spt_arms():
    return PAPERS["spt"]["params"]["arms"]["run"]


rule spt_gen_facts:
    input:
        code=code("spt", "gen_facts") + ["src/lmrepro/worlds/entities.py"],
    output:
        data=directory("data/{scale}/spt/seed{seed}/facts"),
        metrics="data/{scale}/spt/seed{seed}/facts.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "world"),
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
        code=code("spt", "arms", "method"),
        data="data/{scale}/spt/seed{seed}/facts",
    output:
        model=directory("results/{scale}/spt/runs/seed{seed}/{arm}"),
        metrics="results/{scale}/spt/runs/seed{seed}/train_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "pretrain_lm", "model", "arms", "train"),
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
        code=code("spt", "evaluate", "method"),
        facts="data/{scale}/spt/seed{seed}/facts",
    output:
        metrics="results/{scale}/spt/runs/seed{seed}/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("spt", "evaluate"),
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
