# TL-Training (spec ../shared/papers/tl_training.md): prep (tool world -> teacher trajectories, held-out queries,
#   the base's copy corpus) -> pretrain_lm (small/ci: the shared LM stage; paper: the hub's CodeLlama-7B)
#   -> sft_{vanilla,mae,mae_pkt} per seed -> irm per seed (from sft_mae_pkt) -> evaluate per seed -> report.

TL_TRAINING_WORLD = "src/lmrepro/worlds/tools.py"
TL_TRAINING_DATA = "data/{scale}/tl_training/seed{seed}/prep"
TL_TRAINING_RUNS = "results/{scale}/tl_training/runs/seed{seed}"
tl_training_base = base_model("tl_training", "base", "pretrain_lm", TL_TRAINING_RUNS + "/base")


rule tl_training_prep:
    input:
        code=code("tl_training", "prep", "data") + [TL_TRAINING_WORLD],
    output:
        data=directory(TL_TRAINING_DATA),
        metrics="data/{scale}/tl_training/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("tl_training", "world", "prep"),
    log:
        "logs/{scale}/tl_training/seed{seed}/prep.log",
    threads: res("tl_training", "prep", "threads", 1)
    resources:
        runtime=res("tl_training", "prep", "runtime", 5),
        mem_mb=res("tl_training", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage tl_training.prep {params.args} > {log} 2>&1"


rule tl_training_pretrain_lm:
    input:
        code=code("tl_training") + ["src/lmrepro/common/batches.py"],
        data=TL_TRAINING_DATA,
    output:
        model=directory(TL_TRAINING_RUNS + "/base"),
        metrics=TL_TRAINING_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("tl_training", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/tl_training/seed{seed}/pretrain_lm.log",
    threads: res("tl_training", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("tl_training", "pretrain_lm", "runtime", 10),
        mem_mb=res("tl_training", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper tl_training {params.args} > {log} 2>&1"


rule tl_training_sft:
    input:
        code=code("tl_training", "sft", "data"),
        data=TL_TRAINING_DATA,
        base=tl_training_base,
    output:
        model=directory(TL_TRAINING_RUNS + "/sft_{arm}"),
        metrics=TL_TRAINING_RUNS + "/sft_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("tl_training", "sft", "sft_train", "model"),
        launcher=launcher("tl_training", "sft"),
    wildcard_constraints:
        arm="vanilla|mae|mae_pkt",
    log:
        "logs/{scale}/tl_training/seed{seed}/sft_{arm}.log",
    threads: res("tl_training", "sft", "threads", 1)  # arms train side by side, one thread each
    resources:
        runtime=res("tl_training", "sft", "runtime", 10),
        mem_mb=res("tl_training", "sft", "mem_mb", 2000),
        gpu=res("tl_training", "sft", "gpu", 0),
    shell:
        "{params.launcher} tl_training.sft {params.args} --set sft.arm={wildcards.arm} > {log} 2>&1"


rule tl_training_irm:
    input:
        code=code("tl_training", "irm", "reward", "data"),
        data=TL_TRAINING_DATA,
        sft=TL_TRAINING_RUNS + "/sft_mae_pkt",
    output:
        model=directory(TL_TRAINING_RUNS + "/irm"),
        metrics=TL_TRAINING_RUNS + "/irm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("tl_training", "irm", "irm_train"),
        launcher=launcher("tl_training", "irm"),
    log:
        "logs/{scale}/tl_training/seed{seed}/irm.log",
    threads: res("tl_training", "irm", "threads", 1)
    resources:
        runtime=res("tl_training", "irm", "runtime", 10),
        mem_mb=res("tl_training", "irm", "mem_mb", 2000),
        gpu=res("tl_training", "irm", "gpu", 0),
    shell:
        "{params.launcher} tl_training.irm {params.args} > {log} 2>&1"


rule tl_training_evaluate:
    input:
        code=code("tl_training", "evaluate", "reward", "data") + [TL_TRAINING_WORLD],
        data=TL_TRAINING_DATA,
        vanilla=TL_TRAINING_RUNS + "/sft_vanilla",
        mae=TL_TRAINING_RUNS + "/sft_mae",
        mae_pkt=TL_TRAINING_RUNS + "/sft_mae_pkt",
        irm=TL_TRAINING_RUNS + "/irm",
    output:
        metrics=TL_TRAINING_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("tl_training", "evaluate"),
    log:
        "logs/{scale}/tl_training/seed{seed}/evaluate.log",
    threads: res("tl_training", "evaluate", "threads", 1)
    resources:
        runtime=res("tl_training", "evaluate", "runtime", 10),
        mem_mb=res("tl_training", "evaluate", "mem_mb", 2000),
        gpu=res("tl_training", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage tl_training.evaluate {params.args} > {log} 2>&1"


rule tl_training_report:
    input:
        unpack(
            report_inputs(
                "tl_training",
                {
                    "evaluate": TL_TRAINING_RUNS + "/evaluate.json",
                    "sft_vanilla": TL_TRAINING_RUNS + "/sft_vanilla.json",
                    "sft_mae": TL_TRAINING_RUNS + "/sft_mae.json",
                    "sft_mae_pkt": TL_TRAINING_RUNS + "/sft_mae_pkt.json",
                    "irm": TL_TRAINING_RUNS + "/irm.json",
                },
            )
        ),
    output:
        **report_outputs("tl_training"),
    params:
        args=stage_args,
        settings=report_settings("tl_training"),
    log:
        "logs/{scale}/tl_training/report.log",
    threads: res("tl_training", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper tl_training {params.args} > {log} 2>&1"
