# RT-H (spec ../shared/papers/rth.md): gen_episodes (motion world, scripted expert demos) -> label_motions
#   (threshold labeler) -> train_{flat,rth,rth_joint,rth_onehot} -> eval_offline; collect_corrections_{lang,teleop}
#   (oracle corrects RT-H in language, the flat policy by teleoperation) -> finetune_{rth_intervene,flat_iwr} ->
#   eval_rollouts (every policy, and RT-H with online language corrections) -> report.

RTH_WORLD = "src/lmrepro/worlds/motion.py"
RTH_DATA = "data/{scale}/rth/seed{seed}"
RTH_RUNS = "results/{scale}/rth/runs/seed{seed}"
RTH_POLICIES = "flat|rth|rth_joint|rth_onehot"
RTH_CORRECTED = {"lang": "rth", "teleop": "flat"}  # params.CORRECTIONS
RTH_FINETUNED = {"rth_intervene": {"policy": "rth", "kind": "lang"},  # params.FINETUNED
                 "flat_iwr": {"policy": "flat", "kind": "teleop"}}


rule rth_gen_episodes:
    input:
        code=code("rth", "gen_episodes", "tokens") + [RTH_WORLD],
    output:
        data=directory(RTH_DATA + "/episodes"),
        metrics=RTH_DATA + "/gen_episodes.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "world", "data", "tokens"),
    log:
        "logs/{scale}/rth/seed{seed}/gen_episodes.log",
    threads: res("rth", "gen_episodes", "threads", 1)
    resources:
        runtime=res("rth", "gen_episodes", "runtime", 5),
        mem_mb=res("rth", "gen_episodes", "mem_mb", 2000),
    shell:
        "lmrepro stage rth.gen_episodes {params.args} > {log} 2>&1"


rule rth_label_motions:
    input:
        code=code("rth", "label_motions") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
    output:
        data=directory(RTH_DATA + "/motions"),
        metrics=RTH_DATA + "/label_motions.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "labels"),
    log:
        "logs/{scale}/rth/seed{seed}/label_motions.log",
    threads: res("rth", "label_motions", "threads", 1)
    resources:
        runtime=res("rth", "label_motions", "runtime", 5),
        mem_mb=res("rth", "label_motions", "mem_mb", 2000),
    shell:
        "lmrepro stage rth.label_motions {params.args} > {log} 2>&1"


rule rth_train:
    input:
        code=code("rth", "train", "frames", "policy", "tokens") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
        motions=RTH_DATA + "/motions",
    output:
        model=directory(RTH_RUNS + "/{policy}"),
        metrics=RTH_RUNS + "/train_{policy}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "model", "batch", "train", "tokens"),
        launcher=launcher("rth", "train"),
    wildcard_constraints:
        policy=RTH_POLICIES,
    log:
        "logs/{scale}/rth/seed{seed}/train_{policy}.log",
    threads: res("rth", "train", "threads", 1)  # policies train side by side, one thread each
    resources:
        runtime=res("rth", "train", "runtime", 10),
        mem_mb=res("rth", "train", "mem_mb", 2000),
        gpu=res("rth", "train", "gpu", 0),
    shell:
        "{params.launcher} rth.train {params.args} --set run.policy={wildcards.policy} > {log} 2>&1"


rule rth_eval_offline:
    input:
        code=code("rth", "eval_offline", "frames", "policy", "tokens") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
        motions=RTH_DATA + "/motions",
        flat=RTH_RUNS + "/flat",
        rth=RTH_RUNS + "/rth",
        rth_joint=RTH_RUNS + "/rth_joint",
        rth_onehot=RTH_RUNS + "/rth_onehot",
    output:
        metrics=RTH_RUNS + "/eval_offline.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/rth/seed{seed}/eval_offline.log",
    threads: res("rth", "eval_offline", "threads", 1)
    resources:
        runtime=res("rth", "eval_offline", "runtime", 10),
        mem_mb=res("rth", "eval_offline", "mem_mb", 2000),
        gpu=res("rth", "eval_offline", "gpu", 0),
    shell:
        "lmrepro stage rth.eval_offline {params.args} > {log} 2>&1"


rule rth_collect_corrections:
    input:
        code=code("rth", "collect_corrections", "frames", "policy", "tokens") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
        model=lambda wc: f"results/{wc.scale}/rth/runs/seed{wc.seed}/{RTH_CORRECTED[wc.kind]}",
    output:
        corrections=RTH_RUNS + "/corrections_{kind}.jsonl",
        metrics=RTH_RUNS + "/collect_corrections_{kind}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "corrections", "labels"),
    wildcard_constraints:
        kind="lang|teleop",
    log:
        "logs/{scale}/rth/seed{seed}/collect_corrections_{kind}.log",
    threads: res("rth", "collect_corrections", "threads", 1)
    resources:
        runtime=res("rth", "collect_corrections", "runtime", 10),
        mem_mb=res("rth", "collect_corrections", "mem_mb", 2000),
        gpu=res("rth", "collect_corrections", "gpu", 0),
    shell:
        "lmrepro stage rth.collect_corrections {params.args} --set run.kind={wildcards.kind} > {log} 2>&1"


rule rth_finetune:
    input:
        code=code("rth", "finetune", "train", "frames", "policy", "tokens") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
        motions=RTH_DATA + "/motions",
        model=lambda wc: f"results/{wc.scale}/rth/runs/seed{wc.seed}/{RTH_FINETUNED[wc.finetuned]['policy']}",
        corrections=lambda wc: f"results/{wc.scale}/rth/runs/seed{wc.seed}/corrections_"
                               f"{RTH_FINETUNED[wc.finetuned]['kind']}.jsonl",
    output:
        model=directory(RTH_RUNS + "/{finetuned}"),
        metrics=RTH_RUNS + "/finetune_{finetuned}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "batch", "finetune", "finetune_train"),
    wildcard_constraints:
        finetuned="rth_intervene|flat_iwr",
    log:
        "logs/{scale}/rth/seed{seed}/finetune_{finetuned}.log",
    threads: res("rth", "finetune", "threads", 1)
    resources:
        runtime=res("rth", "finetune", "runtime", 10),
        mem_mb=res("rth", "finetune", "mem_mb", 2000),
        gpu=res("rth", "finetune", "gpu", 0),
    shell:
        "lmrepro stage rth.finetune {params.args} --set run.finetuned={wildcards.finetuned} > {log} 2>&1"


rule rth_eval_rollouts:
    input:
        code=code("rth", "eval_rollouts", "frames", "policy", "tokens") + [RTH_WORLD],
        episodes=RTH_DATA + "/episodes",
        flat=RTH_RUNS + "/flat",
        rth=RTH_RUNS + "/rth",
        rth_joint=RTH_RUNS + "/rth_joint",
        rth_onehot=RTH_RUNS + "/rth_onehot",
        rth_intervene=RTH_RUNS + "/rth_intervene",
        flat_iwr=RTH_RUNS + "/flat_iwr",
    output:
        metrics=RTH_RUNS + "/eval_rollouts.json",
    params:
        args=stage_args,
        cfg=cfg_hash("rth", "rollouts", "corrections", "labels"),
    log:
        "logs/{scale}/rth/seed{seed}/eval_rollouts.log",
    threads: res("rth", "eval_rollouts", "threads", 1)
    resources:
        runtime=res("rth", "eval_rollouts", "runtime", 10),
        mem_mb=res("rth", "eval_rollouts", "mem_mb", 2000),
        gpu=res("rth", "eval_rollouts", "gpu", 0),
    shell:
        "lmrepro stage rth.eval_rollouts {params.args} > {log} 2>&1"


rule rth_report:
    input:
        unpack(
            report_inputs(
                "rth",
                {
                    "eval_offline": RTH_RUNS + "/eval_offline.json",
                    "eval_rollouts": RTH_RUNS + "/eval_rollouts.json",
                    "collect_lang": RTH_RUNS + "/collect_corrections_lang.json",
                    "collect_teleop": RTH_RUNS + "/collect_corrections_teleop.json",
                },
            )
        ),
    output:
        **report_outputs("rth"),
    params:
        args=stage_args,
        settings=report_settings("rth"),
    log:
        "logs/{scale}/rth/report.log",
    threads: res("rth", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper rth {params.args} > {log} 2>&1"
