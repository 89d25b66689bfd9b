# LID (spec ../shared/papers/lid.md): prep (world text, held-out pairs, BabyAI bot demos, seeds) -> pretrain_lm
#   (small: the tiny GPT-2 on the world text; paper: the gpt2 hub snapshot) -> bc per arm {lid_pre, lid_scratch,
#   mlp1} and adg per arm {relabel, norelabel}, each evaluated on its own -> compare per seed -> report.
# prep and the LM are shared by all seeds (config `shared_across_seeds`): they run with the base seed.

LID_WORLD = "src/lmrepro/worlds/babyai.py"
LID_DATA = "data/{scale}/lid/seed{seed}/prep"
LID_RUNS = "results/{scale}/lid/runs/seed{seed}"
LID_METHOD = ["policy", "hindsight", "success"]
lid_data = stage_output("lid", "prep", LID_DATA)
lid_lm = base_model("lid", "base", "pretrain_lm", LID_RUNS + "/lm")


rule lid_prep:
    input:
        code=code("lid", "prep", "world_text", *LID_METHOD) + [LID_WORLD],
    output:
        data=directory(LID_DATA),
        metrics="data/{scale}/lid/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lid", "world_text", "prep"),
    log:
        "logs/{scale}/lid/seed{seed}/prep.log",
    threads: res("lid", "prep", "threads", 1)
    resources:
        runtime=res("lid", "prep", "runtime", 5),
        mem_mb=res("lid", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage lid.prep {params.args} > {log} 2>&1"


rule lid_pretrain_lm:
    input:
        data=LID_DATA,
    output:
        model=directory(LID_RUNS + "/lm"),
        metrics=LID_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lid", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/lid/seed{seed}/pretrain_lm.log",
    threads: res("lid", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("lid", "pretrain_lm", "runtime", 10),
        mem_mb=res("lid", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper lid {params.args} > {log} 2>&1"


rule lid_bc:
    input:
        code=code("lid", "bc", *LID_METHOD) + [LID_WORLD],
        data=lid_data,
        lm=lid_lm,
    output:
        policy=directory(LID_RUNS + "/bc_{arm}"),
        metrics=LID_RUNS + "/bc_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lid", "model", "policy", "bc", "bc_train", "evaluate"),
        launcher=launcher("lid", "bc"),
    wildcard_constraints:
        arm="lid_pre|lid_scratch|mlp1",
    log:
        "logs/{scale}/lid/seed{seed}/bc_{arm}.log",
    threads: res("lid", "bc", "threads", 1)
    resources:
        runtime=res("lid", "bc", "runtime", 10),
        mem_mb=res("lid", "bc", "mem_mb", 2000),
        gpu=res("lid", "bc", "gpu", 0),
    shell:
        "{params.launcher} lid.bc {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule lid_adg:
    input:
        code=code("lid", "adg", *LID_METHOD) + [LID_WORLD],
        data=lid_data,
        lm=lid_lm,
    output:
        policy=directory(LID_RUNS + "/adg_{arm}"),
        buffer=LID_RUNS + "/adg_{arm}_buffer.jsonl",
        metrics=LID_RUNS + "/adg_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("lid", "policy", "adg", "adg_train", "evaluate"),
        launcher=launcher("lid", "adg"),
    wildcard_constraints:
        arm="relabel|norelabel",
    log:
        "logs/{scale}/lid/seed{seed}/adg_{arm}.log",
    threads: res("lid", "adg", "threads", 1)
    resources:
        runtime=res("lid", "adg", "runtime", 10),
        mem_mb=res("lid", "adg", "mem_mb", 2000),
        gpu=res("lid", "adg", "gpu", 0),
    shell:
        "{params.launcher} lid.adg {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule lid_compare:
    input:
        code=code("lid", "compare"),
        bc_lid_pre=LID_RUNS + "/bc_lid_pre.json",
        bc_lid_scratch=LID_RUNS + "/bc_lid_scratch.json",
        bc_mlp1=LID_RUNS + "/bc_mlp1.json",
        adg_relabel=LID_RUNS + "/adg_relabel.json",
        adg_norelabel=LID_RUNS + "/adg_norelabel.json",
    output:
        metrics=LID_RUNS + "/compare.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/lid/seed{seed}/compare.log",
    threads: 1
    shell:
        "lmrepro stage lid.compare {params.args} > {log} 2>&1"


rule lid_report:
    input:
        unpack(
            report_inputs(
                "lid",
                {
                    "compare": LID_RUNS + "/compare.json",
                    **{f"bc_{arm}": LID_RUNS + f"/bc_{arm}.json" for arm in ("lid_pre", "lid_scratch", "mlp1")},
                    **{f"adg_{arm}": LID_RUNS + f"/adg_{arm}.json" for arm in ("relabel", "norelabel")},
                },
            )
        ),
    output:
        **report_outputs("lid"),
    params:
        args=stage_args,
        settings=report_settings("lid"),
    log:
        "logs/{scale}/lid/report.log",
    threads: res("lid", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper lid {params.args} > {log} 2>&1"
