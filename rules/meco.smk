# MeCo (spec ../shared/papers/meco.md): gen_corpus -> pack {plain, meco, cooldown, heldout}
#   -> pretrain {baseline, meco_stage1} -> cooldown (resumes meco_stage1) -> evaluate -> report


rule meco_gen_corpus:
    input:
        unpack(hub_inputs("meco", "corpus", "tokenizer")),
        code=code("meco", "gen_corpus") + ["src/lmrepro/worlds/sources.py"],
    output:
        data=directory("data/{scale}/meco/seed{seed}/corpus"),
        metrics="data/{scale}/meco/seed{seed}/corpus.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("meco", "world", "corpus"),
    log:
        "logs/{scale}/meco/seed{seed}/gen_corpus.log",
    threads: res("meco", "gen_corpus", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage meco.gen_corpus {params.args} > {log} 2>&1"


rule meco_pack:
    input:
        code=code("meco", "pack", "data"),
        corpus="data/{scale}/meco/seed{seed}/corpus",
    output:
        rows="data/{scale}/meco/seed{seed}/{arm}.safetensors",
        metrics="data/{scale}/meco/seed{seed}/{arm}.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("meco", "pack"),
    wildcard_constraints:
        arm="plain|meco|cooldown|heldout",
    log:
        "logs/{scale}/meco/seed{seed}/pack_{arm}.log",
    threads: res("meco", "pack", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage meco.pack {params.args} --set pack.arm={wildcards.arm} > {log} 2>&1"


rule meco_pretrain:
    input:
        code=code("meco", "data"),
        data="data/{scale}/meco/seed{seed}/corpus",
        rows=lambda wc: f"data/{wc.scale}/meco/seed{wc.seed}/{'plain' if wc.arm == 'baseline' else 'meco'}.safetensors",
    output:
        model=directory("results/{scale}/meco/runs/seed{seed}/{arm}"),
        metrics="results/{scale}/meco/runs/seed{seed}/pretrain_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("meco", "pretrain_lm", "model", "meco", "pretrain"),
        launcher=launcher("meco", "pretrain"),
        # stage 1 stops at 90% of the schedule its cooldown finishes (paper §3)
        stop=lambda wc: (f"--set pretrain_lm.stop_frac={1.0 - PAPERS['meco']['params']['meco']['cooldown_frac']}"
                         if wc.arm == "meco_stage1" else ""),
    wildcard_constraints:
        arm="baseline|meco_stage1",
    log:
        "logs/{scale}/meco/seed{seed}/pretrain_{arm}.log",
    threads: res("meco", "pretrain", "threads", 2)
    resources:
        runtime=res("meco", "pretrain", "runtime", 10),
        mem_mb=res("meco", "pretrain", "mem_mb", 2000),
        gpu=res("meco", "pretrain", "gpu", 0),
    shell:
        "{params.launcher} lmrepro.common.pretrain_lm --paper meco {params.args} --set run.arm={wildcards.arm} "
        "{params.stop} > {log} 2>&1"


rule meco_cooldown:
    input:
        code=code("meco", "cooldown", "data"),
        corpus="data/{scale}/meco/seed{seed}/corpus",
        stage1="results/{scale}/meco/runs/seed{seed}/meco_stage1",
        rows="data/{scale}/meco/seed{seed}/cooldown.safetensors",
    output:
        model=directory("results/{scale}/meco/runs/seed{seed}/meco"),
        metrics="results/{scale}/meco/runs/seed{seed}/cooldown.json",
    params:
        args=stage_args,
        cfg=cfg_hash("meco", "meco", "pretrain"),
        launcher=launcher("meco", "cooldown"),
    log:
        "logs/{scale}/meco/seed{seed}/cooldown.log",
    threads: res("meco", "cooldown", "threads", 2)
    resources:
        runtime=res("meco", "cooldown", "runtime", 5),
        mem_mb=res("meco", "cooldown", "mem_mb", 2000),
        gpu=res("meco", "cooldown", "gpu", 0),
    shell:
        "{params.launcher} meco.cooldown {params.args} > {log} 2>&1"


rule meco_evaluate:
    input:
        code=code("meco", "evaluate", "data"),
        corpus="data/{scale}/meco/seed{seed}/corpus",
        heldout="data/{scale}/meco/seed{seed}/heldout.safetensors",
        baseline="results/{scale}/meco/runs/seed{seed}/baseline",
        meco_stage1="results/{scale}/meco/runs/seed{seed}/meco_stage1",
        meco="results/{scale}/meco/runs/seed{seed}/meco",
    output:
        metrics="results/{scale}/meco/runs/seed{seed}/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("meco", "evaluate", "pack"),
    log:
        "logs/{scale}/meco/seed{seed}/evaluate.log",
    threads: res("meco", "evaluate", "threads", 2)
    resources:
        runtime=res("meco", "evaluate", "runtime", 5),
        mem_mb=res("meco", "evaluate", "mem_mb", 2000),
        gpu=res("meco", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage meco.evaluate {params.args} > {log} 2>&1"


rule meco_report:
    input:
        unpack(
            report_inputs(
                "meco",
                {
                    "evaluate": "results/{scale}/meco/runs/seed{seed}/evaluate.json",
                    "pretrain_baseline": "results/{scale}/meco/runs/seed{seed}/pretrain_baseline.json",
                    "pretrain_meco_stage1": "results/{scale}/meco/runs/seed{seed}/pretrain_meco_stage1.json",
                    "cooldown": "results/{scale}/meco/runs/seed{seed}/cooldown.json",
                },
            )
        ),
    output:
        **report_outputs("meco"),
    params:
        args=stage_args,
        settings=report_settings("meco"),
    log:
        "logs/{scale}/meco/report.log",
    threads: res("meco", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper meco {params.args} > {log} 2>&1"
