# CLIMB (spec ../shared/papers/climb.md): prep (grammar world -> corpus, tokenizer, difficulty, pairs)
#   -> pretrain {baseline, vocab_curr, data_curr, obj_curr, default_cfg} -> eval_pll -> report


rule climb_prep:
    input:
        unpack(hub_inputs("climb", "corpus", "blimp")),
        code=code("climb", "prep", "curricula") + ["src/lmrepro/worlds/grammar.py"],
    output:
        data=directory("data/{scale}/climb/seed{seed}/prep"),
        metrics="data/{scale}/climb/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("climb", "grammar", "corpus"),
    log:
        "logs/{scale}/climb/seed{seed}/prep.log",
    threads: res("climb", "prep", "threads", 1)
    resources:
        runtime=10,
        mem_mb=2000,
    shell:
        "lmrepro stage climb.prep {params.args} > {log} 2>&1"


rule climb_pretrain:
    input:
        code=code("climb", "pretrain", "curricula"),
        data="data/{scale}/climb/seed{seed}/prep",
    output:
        model=directory("results/{scale}/climb/runs/seed{seed}/{arm}"),
        metrics="results/{scale}/climb/runs/seed{seed}/pretrain_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("climb", "climb", "vocab_pacing", "data_pacing", "model", "pretrain", "default_model",
                     "default_pretrain"),
        launcher=launcher("climb", "pretrain"),
    wildcard_constraints:
        arm="baseline|vocab_curr|data_curr|obj_curr|default_cfg",
    log:
        "logs/{scale}/climb/seed{seed}/pretrain_{arm}.log",
    threads: res("climb", "pretrain", "threads", 1)
    resources:
        runtime=res("climb", "pretrain", "runtime", 10),
        mem_mb=res("climb", "pretrain", "mem_mb", 2000),
        gpu=res("climb", "pretrain", "gpu", 0),
    shell:
        "{params.launcher} climb.pretrain {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule climb_eval_pll:
    input:
        code=code("climb", "eval_pll", "pll", "pretrain"),
        data="data/{scale}/climb/seed{seed}/prep",
        baseline="results/{scale}/climb/runs/seed{seed}/baseline",
        vocab_curr="results/{scale}/climb/runs/seed{seed}/vocab_curr",
        data_curr="results/{scale}/climb/runs/seed{seed}/data_curr",
        obj_curr="results/{scale}/climb/runs/seed{seed}/obj_curr",
        default_cfg="results/{scale}/climb/runs/seed{seed}/default_cfg",
    output:
        metrics="results/{scale}/climb/runs/seed{seed}/eval.json",
    log:
        "logs/{scale}/climb/seed{seed}/eval_pll.log",
    params:
        args=stage_args,
    threads: res("climb", "eval_pll", "threads", 1)
    resources:
        runtime=res("climb", "eval_pll", "runtime", 5),
        mem_mb=res("climb", "eval_pll", "mem_mb", 2000),
        gpu=res("climb", "eval_pll", "gpu", 0),
    shell:
        "lmrepro stage climb.eval_pll {params.args} > {log} 2>&1"


rule climb_report:
    input:
        unpack(
            report_inputs(
                "climb",
                {
                    "eval": "results/{scale}/climb/runs/seed{seed}/eval.json",
                    **{
                        f"pretrain_{arm}": f"results/{{scale}}/climb/runs/seed{{seed}}/pretrain_{arm}.json"
                        for arm in ("baseline", "vocab_curr", "data_curr", "obj_curr", "default_cfg")
                    },
                },
            )
        ),
    output:
        **report_outputs("climb"),
    params:
        args=stage_args,
        settings=report_settings("climb"),
    log:
        "logs/{scale}/climb/report.log",
    threads: res("climb", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper climb {params.args} > {log} 2>&1"
