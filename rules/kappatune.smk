# KappaTune (spec ../shared/papers/kappatune.md): prep (domain A corpus + forgetting text, domain B reviews) ->
#   pretrain_lm (small/ci: the shared LM stage on domain A; paper: the hub's OLMoE-1B-7B) -> compute_kappa ->
#   finetune per arm {full, kappa_low, kappa_high, random_i, matched_i, lora} -> evaluate per seed -> report.

KAPPATUNE_DATA = "data/{scale}/kappatune/seed{seed}/prep"
KAPPATUNE_RUNS = "results/{scale}/kappatune/runs/seed{seed}"
KAPPATUNE_ARMS = TYPED_PARAMS["kappatune"].arms.run
kappatune_base = base_model("kappatune", "base", "pretrain_lm", KAPPATUNE_RUNS + "/base")


rule kappatune_prep:
    input:
        code=code("kappatune", "prep", "domains") + ["src/lmrepro/worlds/entities.py"],
    output:
        data=directory(KAPPATUNE_DATA),
        metrics="data/{scale}/kappatune/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kappatune", "world", "domains"),
    log:
        "logs/{scale}/kappatune/seed{seed}/prep.log",
    threads: res("kappatune", "prep", "threads", 1)
    resources:
        runtime=res("kappatune", "prep", "runtime", 5),
        mem_mb=res("kappatune", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage kappatune.prep {params.args} > {log} 2>&1"


rule kappatune_pretrain_lm:
    input:
        code=code("kappatune") + ["src/lmrepro/common/batches.py"],
        data=KAPPATUNE_DATA,
    output:
        model=directory(KAPPATUNE_RUNS + "/base"),
        metrics=KAPPATUNE_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kappatune", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/kappatune/seed{seed}/pretrain_lm.log",
    threads: res("kappatune", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("kappatune", "pretrain_lm", "runtime", 10),
        mem_mb=res("kappatune", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper kappatune {params.args} > {log} 2>&1"


rule kappatune_compute_kappa:
    input:
        code=code("kappatune", "compute_kappa", "kappa"),
        base=kappatune_base,
    output:
        kappa=KAPPATUNE_RUNS + "/kappa.json",
        plot=KAPPATUNE_RUNS + "/kappa_hist.png",
        metrics=KAPPATUNE_RUNS + "/compute_kappa.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kappatune", "kappa"),
        launcher=launcher("kappatune", "compute_kappa"),
    log:
        "logs/{scale}/kappatune/seed{seed}/compute_kappa.log",
    threads: res("kappatune", "compute_kappa", "threads", 1)
    resources:
        runtime=res("kappatune", "compute_kappa", "runtime", 5),
        mem_mb=res("kappatune", "compute_kappa", "mem_mb", 2000),
        gpu=res("kappatune", "compute_kappa", "gpu", 0),
    shell:
        "{params.launcher} kappatune.compute_kappa {params.args} > {log} 2>&1"


rule kappatune_finetune:
    input:
        code=code("kappatune", "finetune", "kappa", "metrics", "domains"),
        data=KAPPATUNE_DATA,
        base=kappatune_base,
        kappa=KAPPATUNE_RUNS + "/kappa.json",
    output:
        model=directory(KAPPATUNE_RUNS + "/ft_{arm}"),
        metrics=KAPPATUNE_RUNS + "/finetune_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kappatune", "kappa", "arms", "finetune"),
        launcher=launcher("kappatune", "finetune"),
    wildcard_constraints:
        arm="|".join(KAPPATUNE_ARMS),
    log:
        "logs/{scale}/kappatune/seed{seed}/finetune_{arm}.log",
    threads: res("kappatune", "finetune", "threads", 1)  # tiny model: two 1-thread arms side by side
    resources:
        runtime=res("kappatune", "finetune", "runtime", 10),
        mem_mb=res("kappatune", "finetune", "mem_mb", 2000),
        gpu=res("kappatune", "finetune", "gpu", 0),
    shell:
        "{params.launcher} kappatune.finetune {params.args} --set arms.arm={wildcards.arm} > {log} 2>&1"


rule kappatune_evaluate:
    input:
        unpack(lambda wc: {f"model_{arm}": KAPPATUNE_RUNS.format(**wc) + f"/ft_{arm}" for arm in KAPPATUNE_ARMS}),
        unpack(lambda wc: {f"run_{arm}": KAPPATUNE_RUNS.format(**wc) + f"/finetune_{arm}.json"
                           for arm in KAPPATUNE_ARMS}),
        code=code("kappatune", "evaluate", "kappa", "finetune"),
        base=kappatune_base,
        kappa=KAPPATUNE_RUNS + "/kappa.json",
    output:
        plot=KAPPATUNE_RUNS + "/tradeoff.png",
        metrics=KAPPATUNE_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kappatune", "kappa", "arms"),
    log:
        "logs/{scale}/kappatune/seed{seed}/evaluate.log",
    threads: res("kappatune", "evaluate", "threads", 1)
    resources:
        runtime=res("kappatune", "evaluate", "runtime", 5),
        mem_mb=res("kappatune", "evaluate", "mem_mb", 2000),
    shell:
        "lmrepro stage kappatune.evaluate {params.args} > {log} 2>&1"


rule kappatune_report:
    input:
        unpack(
            report_inputs(
                "kappatune",
                {
                    "evaluate": KAPPATUNE_RUNS + "/evaluate.json",
                    "compute_kappa": KAPPATUNE_RUNS + "/compute_kappa.json",
                    **{f"finetune_{arm}": KAPPATUNE_RUNS + f"/finetune_{arm}.json" for arm in KAPPATUNE_ARMS},
                },
            )
        ),
    output:
        **report_outputs("kappatune"),
    params:
        args=stage_args,
        settings=report_settings("kappatune"),
    log:
        "logs/{scale}/kappatune/report.log",
    threads: res("kappatune", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper kappatune {params.args} > {log} 2>&1"
