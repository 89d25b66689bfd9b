# GRIF (spec ../shared/papers/grif.md). Per seed: gen_data (BabyAI bot demos, labeled subset, eval episodes, text
#   embeddings) -> train_policies (phase 1 alignment + the five variants) -> eval_rollouts -> report (all seeds).

GRIF_WORLD = "src/lmrepro/worlds/babyai.py"
GRIF_DATA = "data/{scale}/grif/seed{seed}"
GRIF_RUNS = "results/{scale}/grif/runs/seed{seed}"


rule grif_gen_data:
    input:
        code=code("grif", "gen_data", "data", "method") + [GRIF_WORLD, "src/lmrepro/common/sentence_encoder.py"],
    output:
        data=directory(GRIF_DATA + "/gen_data"),
        metrics=GRIF_DATA + "/gen_data.json",
    params:
        args=stage_args,
        cfg=cfg_hash("grif", "world", "text"),
    log:
        "logs/{scale}/grif/seed{seed}/gen_data.log",
    threads: res("grif", "gen_data", "threads", 1)
    resources:
        runtime=res("grif", "gen_data", "runtime", 5),
        mem_mb=res("grif", "gen_data", "mem_mb", 2000),
    shell:
        "lmrepro stage grif.gen_data {params.args} > {log} 2>&1"


rule grif_train_policies:
    input:
        code=code("grif", "train_policies", "method", "data") + ["src/lmrepro/common/batches.py"],
        data=GRIF_DATA + "/gen_data",
    output:
        policies=directory(GRIF_RUNS + "/policies"),
        metrics=GRIF_RUNS + "/train_policies.json",
    params:
        args=stage_args,
        cfg=cfg_hash("grif", "model", "align", "batch", "train"),
    log:
        "logs/{scale}/grif/seed{seed}/train_policies.log",
    threads: res("grif", "train_policies", "threads", 1)
    resources:
        runtime=res("grif", "train_policies", "runtime", 10),
        mem_mb=res("grif", "train_policies", "mem_mb", 3000),
        gpu=res("grif", "train_policies", "gpu", 0),
    shell:
        "lmrepro stage grif.train_policies {params.args} > {log} 2>&1"


rule grif_eval_rollouts:
    input:
        code=code("grif", "eval_rollouts", "method", "data") + [GRIF_WORLD],
        data=GRIF_DATA + "/gen_data",
        policies=GRIF_RUNS + "/policies",
    output:
        metrics=GRIF_RUNS + "/eval_rollouts.json",
    params:
        args=stage_args,
        cfg=cfg_hash("grif", "evaluate"),
    log:
        "logs/{scale}/grif/seed{seed}/eval_rollouts.log",
    threads: res("grif", "eval_rollouts", "threads", 1)
    resources:
        runtime=res("grif", "eval_rollouts", "runtime", 10),
        mem_mb=res("grif", "eval_rollouts", "mem_mb", 2000),
    shell:
        "lmrepro stage grif.eval_rollouts {params.args} > {log} 2>&1"


rule grif_report:
    input:
        unpack(
            report_inputs(
                "grif",
                {
                    "gen_data": GRIF_DATA + "/gen_data.json",
                    "train_policies": GRIF_RUNS + "/train_policies.json",
                    "eval_rollouts": GRIF_RUNS + "/eval_rollouts.json",
                },
            )
        ),
    output:
        **report_outputs("grif"),
    params:
        args=stage_args,
        settings=report_settings("grif"),
    log:
        "logs/{scale}/grif/report.log",
    threads: res("grif", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper grif {params.args} > {log} 2>&1"
