# sentence_lm (spec ../shared/papers/sentence_lm.md): gen_tasks -> sft cot -> {sft nocot, train_emb ctx|sem}
#   -> train_latent ctx|sem -> evaluate (all arms, per seed) -> report. Everything is per seed; the semantic arm
#   runs on the first `arms.semantic_seeds` seeds only (spec Small scale).

SLM_WORLD = "src/lmrepro/worlds/reasoning.py"
SLM_RUNS = "results/{scale}/sentence_lm/runs/seed{seed}"
SLM_DATA = "data/{scale}/sentence_lm/seed{seed}/tasks"


def slm_semantic(wildcards):
    n = int(PAPERS["sentence_lm"]["params"].get("arms", {}).get("semantic_seeds", 0))
    return int(wildcards.seed) - BASE_SEED < n


def slm_gen_inputs(wildcards):
    inputs = {"code": code("sentence_lm", "gen_tasks") + [SLM_WORLD]}
    if has_hub("sentence_lm", "datasets", "tasks"):
        inputs["dataset"] = hub_dataset("sentence_lm", "tasks")
        inputs["base"] = hub_model("sentence_lm", "base")
    return inputs


def slm_sft_inputs(wildcards):
    inputs = {"code": code("sentence_lm", "sft", "method") + [SLM_WORLD], "data": SLM_DATA.format(**wildcards)}
    if wildcards.arm == "nocot":
        inputs["init"] = f"{SLM_RUNS.format(**wildcards)}/cot"
    elif has_hub("sentence_lm", "models", "base"):
        inputs["base"] = hub_model("sentence_lm", "base")
    return inputs


def slm_eval_inputs(wildcards):
    runs = SLM_RUNS.format(**wildcards)
    inputs = {"code": code("sentence_lm", "evaluate", "method") + [SLM_WORLD], "data": SLM_DATA.format(**wildcards)}
    arms = ["cot", "nocot", "emb_ctx", "latent_ctx"] + (["emb_sem", "latent_sem"] if slm_semantic(wildcards) else [])
    inputs.update({arm: f"{runs}/{arm}" for arm in arms})
    return inputs


rule sentence_lm_gen_tasks:
    input:
        unpack(slm_gen_inputs),
    output:
        data=directory(SLM_DATA),
        metrics="data/{scale}/sentence_lm/seed{seed}/tasks.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sentence_lm", "world", "data"),
    log:
        "logs/{scale}/sentence_lm/seed{seed}/gen_tasks.log",
    threads: res("sentence_lm", "gen_tasks", "threads", 1)
    resources:
        runtime=res("sentence_lm", "gen_tasks", "runtime", 5),
        mem_mb=res("sentence_lm", "gen_tasks", "mem_mb", 2000),
    shell:
        "lmrepro stage sentence_lm.gen_tasks {params.args} > {log} 2>&1"


rule sentence_lm_sft:
    input:
        unpack(slm_sft_inputs),
    output:
        model=directory(SLM_RUNS + "/{arm}"),
        metrics=SLM_RUNS + "/sft_{arm}.json",
    params:
        args=stage_args,
        cfg=lambda wc: cfg_hash("sentence_lm", "model", "sft", f"train_{wc.arm}"),
    wildcard_constraints:
        arm="cot|nocot",
    log:
        "logs/{scale}/sentence_lm/seed{seed}/sft_{arm}.log",
    threads: res("sentence_lm", "sft", "threads", 1)  # tiny models: two 1-thread jobs at once beat one 2-thread job
    resources:
        runtime=lambda wc: res("sentence_lm", f"sft_{wc.arm}", "runtime", 10),
        mem_mb=lambda wc: res("sentence_lm", f"sft_{wc.arm}", "mem_mb", 2000),
        gpu=lambda wc: res("sentence_lm", f"sft_{wc.arm}", "gpu", 0),
    shell:
        "lmrepro stage sentence_lm.sft {params.args} --set sft.arm={wildcards.arm} > {log} 2>&1"


rule sentence_lm_train_emb:
    input:
        code=code("sentence_lm", "train_emb", "method") + [SLM_WORLD],
        data=SLM_DATA,
        init=SLM_RUNS + "/cot",
    output:
        model=directory(SLM_RUNS + "/emb_{arm}"),
        metrics=SLM_RUNS + "/train_emb_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sentence_lm", "emb", "train_emb"),
    wildcard_constraints:
        arm="ctx|sem",
    log:
        "logs/{scale}/sentence_lm/seed{seed}/train_emb_{arm}.log",
    threads: res("sentence_lm", "train_emb", "threads", 1)
    resources:
        runtime=res("sentence_lm", "train_emb", "runtime", 10),
        mem_mb=res("sentence_lm", "train_emb", "mem_mb", 2000),
        gpu=res("sentence_lm", "train_emb", "gpu", 0),
    shell:
        "lmrepro stage sentence_lm.train_emb {params.args} --set emb.arm={wildcards.arm} > {log} 2>&1"


def slm_latent_init(wildcards):
    """M's starting weights: the CoT model (spec DAG) or the trained E/D (`latent.init_from: emb`)."""
    start = PAPERS["sentence_lm"]["params"].get("latent", {}).get("init_from", "cot")
    return f"{SLM_RUNS.format(**wildcards)}/{'cot' if start == 'cot' else 'emb_' + wildcards.arm}"


rule sentence_lm_train_latent:
    input:
        code=code("sentence_lm", "train_latent", "method") + [SLM_WORLD],
        data=SLM_DATA,
        init=slm_latent_init,
        emb=SLM_RUNS + "/emb_{arm}",
    output:
        model=directory(SLM_RUNS + "/latent_{arm}"),
        metrics=SLM_RUNS + "/train_latent_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sentence_lm", "latent", "train_latent"),
    wildcard_constraints:
        arm="ctx|sem",
    log:
        "logs/{scale}/sentence_lm/seed{seed}/train_latent_{arm}.log",
    threads: res("sentence_lm", "train_latent", "threads", 1)
    resources:
        runtime=res("sentence_lm", "train_latent", "runtime", 10),
        mem_mb=res("sentence_lm", "train_latent", "mem_mb", 2000),
        gpu=res("sentence_lm", "train_latent", "gpu", 0),
    shell:
        "lmrepro stage sentence_lm.train_latent {params.args} --set latent.arm={wildcards.arm} > {log} 2>&1"


rule sentence_lm_evaluate:
    input:
        unpack(slm_eval_inputs),
    output:
        metrics=SLM_RUNS + "/evaluate.json",
        traces=SLM_RUNS + "/lens_traces.json",
    params:
        args=stage_args,
        cfg=cfg_hash("sentence_lm", "evaluate", "arms"),
    log:
        "logs/{scale}/sentence_lm/seed{seed}/evaluate.log",
    threads: res("sentence_lm", "evaluate", "threads", 1)
    resources:
        runtime=res("sentence_lm", "evaluate", "runtime", 10),
        mem_mb=res("sentence_lm", "evaluate", "mem_mb", 2000),
        gpu=res("sentence_lm", "evaluate", "gpu", 0),
    shell:
        "lmrepro stage sentence_lm.evaluate {params.args} > {log} 2>&1"


rule sentence_lm_report:
    input:
        unpack(
            report_inputs(
                "sentence_lm",
                {
                    "evaluate": SLM_RUNS + "/evaluate.json",
                    "sft_cot": SLM_RUNS + "/sft_cot.json",
                    "train_emb_ctx": SLM_RUNS + "/train_emb_ctx.json",
                    "train_latent_ctx": SLM_RUNS + "/train_latent_ctx.json",
                },
            )
        ),
    output:
        **report_outputs("sentence_lm"),
    params:
        args=stage_args,
        settings=report_settings("sentence_lm"),
    log:
        "logs/{scale}/sentence_lm/report.log",
    threads: res("sentence_lm", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper sentence_lm {params.args} > {log} 2>&1"
