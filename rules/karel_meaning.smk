# karel_meaning (spec: ../shared/papers/karel_meaning.md), per seed: gen_karel -> check_interpreter;
#   gen_karel -> train_lm (checkpoints) -> gen_programs -> probe -> report (all seeds)

KAREL_DATA = "data/{scale}/karel_meaning/seed{seed}"
KAREL_RUNS = "results/{scale}/karel_meaning/runs/seed{seed}"


rule karel_meaning_gen_karel:
    input:
        code=code("karel_meaning", "gen_karel", "method") + ["src/lmrepro/worlds/programs.py"],
    output:
        data=directory(KAREL_DATA + "/karel"),
        metrics=KAREL_DATA + "/karel.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("karel_meaning", "world", "data"),
    log:
        "logs/{scale}/karel_meaning/seed{seed}/gen_karel.log",
    threads: res("karel_meaning", "gen_karel", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage karel_meaning.gen_karel {params.args} > {log} 2>&1"


rule karel_meaning_check_interpreter:
    input:
        code=code("karel_meaning", "check_interpreter") + ["src/lmrepro/worlds/programs.py"],
    output:
        metrics=KAREL_RUNS + "/check_interpreter.json",
    params:
        args=stage_args,
        cfg=cfg_hash("karel_meaning", "parity"),
    log:
        "logs/{scale}/karel_meaning/seed{seed}/check_interpreter.log",
    threads: res("karel_meaning", "check_interpreter", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage karel_meaning.check_interpreter {params.args} > {log} 2>&1"


rule karel_meaning_train_lm:
    input:
        code=code("karel_meaning", "lm_data", "method"),
        data=KAREL_DATA + "/karel",
    output:
        ckpts=directory(KAREL_RUNS + "/ckpts"),
        metrics=KAREL_RUNS + "/train_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("karel_meaning", "pretrain_lm", "model", "train", "lm"),
        launcher=launcher("karel_meaning", "pretrain_lm"),
    log:
        "logs/{scale}/karel_meaning/seed{seed}/train_lm.log",
    threads: res("karel_meaning", "pretrain_lm", "threads", 1)  # tiny model: two 1-thread jobs beat one 2-thread job
    resources:
        runtime=res("karel_meaning", "pretrain_lm", "runtime", 10),
        mem_mb=res("karel_meaning", "pretrain_lm", "mem_mb", 2000),
        gpu=res("karel_meaning", "pretrain_lm", "gpu", 0),
    shell:
        "{params.launcher} lmrepro.common.pretrain_lm --paper karel_meaning {params.args} > {log} 2>&1"


rule karel_meaning_gen_programs:
    input:
        code=code("karel_meaning", "gen_programs"),
        data=KAREL_DATA + "/karel",
        ckpts=KAREL_RUNS + "/ckpts",
    output:
        metrics=KAREL_RUNS + "/gen_programs.json",
    params:
        args=stage_args,
        cfg=cfg_hash("karel_meaning", "generate"),
    log:
        "logs/{scale}/karel_meaning/seed{seed}/gen_programs.log",
    threads: res("karel_meaning", "gen_programs", "threads", 1)
    resources:
        runtime=res("karel_meaning", "gen_programs", "runtime", 10),
        mem_mb=res("karel_meaning", "gen_programs", "mem_mb", 2000),
        gpu=res("karel_meaning", "gen_programs", "gpu", 0),
    shell:
        "lmrepro stage karel_meaning.gen_programs {params.args} > {log} 2>&1"


rule karel_meaning_probe:
    input:
        code=code("karel_meaning", "probe", "gen_programs", "method"),
        data=KAREL_DATA + "/karel",
        ckpts=KAREL_RUNS + "/ckpts",
        gen=KAREL_RUNS + "/gen_programs.json",
    output:
        metrics=KAREL_RUNS + "/probe.json",
    params:
        args=stage_args,
        cfg=cfg_hash("karel_meaning", "probe"),
    log:
        "logs/{scale}/karel_meaning/seed{seed}/probe.log",
    threads: res("karel_meaning", "probe", "threads", 1)
    resources:
        runtime=res("karel_meaning", "probe", "runtime", 10),
        mem_mb=res("karel_meaning", "probe", "mem_mb", 4000),
        gpu=res("karel_meaning", "probe", "gpu", 0),
    shell:
        "lmrepro stage karel_meaning.probe {params.args} > {log} 2>&1"


rule karel_meaning_report:
    input:
        unpack(
            report_inputs(
                "karel_meaning",
                {
                    "check_interpreter": KAREL_RUNS + "/check_interpreter.json",
                    "train_lm": KAREL_RUNS + "/train_lm.json",
                    "gen_programs": KAREL_RUNS + "/gen_programs.json",
                    "probe": KAREL_RUNS + "/probe.json",
                },
            )
        ),
    output:
        **report_outputs("karel_meaning"),
    params:
        args=stage_args,
        settings=report_settings("karel_meaning"),
    log:
        "logs/{scale}/karel_meaning/report.log",
    threads: res("karel_meaning", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper karel_meaning {params.args} > {log} 2>&1"
