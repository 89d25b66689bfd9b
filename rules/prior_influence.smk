# Prior influence (spec ../shared/papers/prior_influence.md). Per seed:
#   gen_tasks -> pretrain_base (small/ci: a tiny Llama; paper: the hub snapshot) -> eval_base (prior + C1)
#   -> fit_probes (C3, layer selection) -> finetune {selected, other, all} (C4) -> eval_heldout -> report

PRIOR_INFLUENCE_WORLD = "src/lmrepro/worlds/prior_counting.py"
PRIOR_INFLUENCE_DATA = "data/{scale}/prior_influence/seed{seed}"
PRIOR_INFLUENCE_RUNS = "results/{scale}/prior_influence/runs/seed{seed}"
prior_influence_base = base_model("prior_influence", "base", "pretrain_lm", PRIOR_INFLUENCE_RUNS + "/base")


rule prior_influence_gen_tasks:
    input:
        code=code("prior_influence", "gen_tasks", "method") + [PRIOR_INFLUENCE_WORLD],
    output:
        data=directory(PRIOR_INFLUENCE_DATA + "/tasks"),
        metrics=PRIOR_INFLUENCE_DATA + "/gen_tasks.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "world", "prompt", "tasks"),
    log:
        "logs/{scale}/prior_influence/seed{seed}/gen_tasks.log",
    threads: res("prior_influence", "gen_tasks", "threads", 1)
    resources:
        runtime=res("prior_influence", "gen_tasks", "runtime", 5),
        mem_mb=res("prior_influence", "gen_tasks", "mem_mb", 2000),
    shell:
        "lmrepro stage prior_influence.gen_tasks {params.args} > {log} 2>&1"


rule prior_influence_pretrain_base:
    input:
        code=code("prior_influence", "pretrain_data", "method") + [PRIOR_INFLUENCE_WORLD],
        data=PRIOR_INFLUENCE_DATA + "/tasks",
    output:
        model=directory(PRIOR_INFLUENCE_RUNS + "/base"),
        metrics=PRIOR_INFLUENCE_RUNS + "/pretrain_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "pretrain_lm", "model", "base_data", "pretrain", "world", "prompt"),
    log:
        "logs/{scale}/prior_influence/seed{seed}/pretrain_base.log",
    threads: res("prior_influence", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("prior_influence", "pretrain_lm", "runtime", 10),
        mem_mb=res("prior_influence", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper prior_influence {params.args} > {log} 2>&1"


rule prior_influence_eval_base:
    input:
        code=code("prior_influence", "eval_base", "method"),
        data=PRIOR_INFLUENCE_DATA + "/tasks",
        base=prior_influence_base,
    output:
        prior=PRIOR_INFLUENCE_RUNS + "/prior.json",
        metrics=PRIOR_INFLUENCE_RUNS + "/eval_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "evaluate"),
        launcher=launcher("prior_influence", "eval_base"),
    log:
        "logs/{scale}/prior_influence/seed{seed}/eval_base.log",
    threads: res("prior_influence", "eval_base", "threads", 1)
    resources:
        runtime=res("prior_influence", "eval_base", "runtime", 5),
        mem_mb=res("prior_influence", "eval_base", "mem_mb", 2000),
        gpu=res("prior_influence", "eval_base", "gpu", 0),
    shell:
        "{params.launcher} prior_influence.eval_base {params.args} > {log} 2>&1"


rule prior_influence_fit_probes:
    input:
        code=code("prior_influence", "fit_probes", "method"),
        data=PRIOR_INFLUENCE_DATA + "/tasks",
        base=prior_influence_base,
        prior=PRIOR_INFLUENCE_RUNS + "/prior.json",
    output:
        selected=PRIOR_INFLUENCE_RUNS + "/selected.json",
        metrics=PRIOR_INFLUENCE_RUNS + "/fit_probes.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "probe"),
        launcher=launcher("prior_influence", "fit_probes"),
    log:
        "logs/{scale}/prior_influence/seed{seed}/fit_probes.log",
    threads: res("prior_influence", "fit_probes", "threads", 1)
    resources:
        runtime=res("prior_influence", "fit_probes", "runtime", 5),
        mem_mb=res("prior_influence", "fit_probes", "mem_mb", 2000),
        gpu=res("prior_influence", "fit_probes", "gpu", 0),
    shell:
        "{params.launcher} prior_influence.fit_probes {params.args} > {log} 2>&1"


rule prior_influence_finetune:
    input:
        code=code("prior_influence", "finetune", "method"),
        data=PRIOR_INFLUENCE_DATA + "/tasks",
        base=prior_influence_base,
        selected=PRIOR_INFLUENCE_RUNS + "/selected.json",
    output:
        model=directory(PRIOR_INFLUENCE_RUNS + "/ft_{arm}"),
        metrics=PRIOR_INFLUENCE_RUNS + "/finetune_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "finetune", "finetune_train"),
        launcher=launcher("prior_influence", "finetune"),
    wildcard_constraints:
        arm="selected|other|all",
    log:
        "logs/{scale}/prior_influence/seed{seed}/finetune_{arm}.log",
    threads: res("prior_influence", "finetune", "threads", 1)
    resources:
        runtime=res("prior_influence", "finetune", "runtime", 5),
        mem_mb=res("prior_influence", "finetune", "mem_mb", 2000),
        gpu=res("prior_influence", "finetune", "gpu", 0),
    shell:
        "{params.launcher} prior_influence.finetune --set finetune.arm={wildcards.arm} {params.args} > {log} 2>&1"


rule prior_influence_eval_heldout:
    input:
        code=code("prior_influence", "eval_heldout", "method"),
        data=PRIOR_INFLUENCE_DATA + "/tasks",
        base=prior_influence_base,
        prior=PRIOR_INFLUENCE_RUNS + "/prior.json",
        ft_selected=PRIOR_INFLUENCE_RUNS + "/ft_selected",
        ft_other=PRIOR_INFLUENCE_RUNS + "/ft_other",
        ft_all=PRIOR_INFLUENCE_RUNS + "/ft_all",
    output:
        metrics=PRIOR_INFLUENCE_RUNS + "/eval_heldout.json",
    params:
        args=stage_args,
        cfg=cfg_hash("prior_influence", "evaluate"),
        launcher=launcher("prior_influence", "eval_heldout"),
    log:
        "logs/{scale}/prior_influence/seed{seed}/eval_heldout.log",
    threads: res("prior_influence", "eval_heldout", "threads", 1)
    resources:
        runtime=res("prior_influence", "eval_heldout", "runtime", 5),
        mem_mb=res("prior_influence", "eval_heldout", "mem_mb", 2000),
        gpu=res("prior_influence", "eval_heldout", "gpu", 0),
    shell:
        "{params.launcher} prior_influence.eval_heldout {params.args} > {log} 2>&1"


rule prior_influence_report:
    input:
        unpack(
            report_inputs(
                "prior_influence",
                {
                    "eval_base": PRIOR_INFLUENCE_RUNS + "/eval_base.json",
                    "fit_probes": PRIOR_INFLUENCE_RUNS + "/fit_probes.json",
                    "eval_heldout": PRIOR_INFLUENCE_RUNS + "/eval_heldout.json",
                    "finetune_selected": PRIOR_INFLUENCE_RUNS + "/finetune_selected.json",
                    "finetune_all": PRIOR_INFLUENCE_RUNS + "/finetune_all.json",
                },
            )
        ),
    output:
        **report_outputs("prior_influence"),
    params:
        args=stage_args,
        settings=report_settings("prior_influence"),
    log:
        "logs/{scale}/prior_influence/report.log",
    threads: res("prior_influence", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper prior_influence {params.args} > {log} 2>&1"
