# WECHSEL (spec ../shared/papers/wechsel.md). Shared by all seeds (config `shared_across_seeds`), from the base seed:
#   prep_source (the English side of the world) -> train_src_tokenizer -> train_source_lm (the shared LM stage;
#   small/ci; paper: the gpt2 hub snapshot, with its tokenizer)
# per seed (each seed = a new target language of that world, as the paper transfers one GPT-2 to many languages):
#   prep -> train_tgt_tokenizer, static_embeddings -> wechsel_init, baselines {randemb_body, fullrand}
#   -> train_target {wechsel, randemb_body, fullrand} -> evaluate -> report (all seeds)

WECHSEL_WORLD = "src/lmrepro/worlds/conlang.py"
WECHSEL_RUNS = "results/{scale}/wechsel/runs/seed{seed}"
WECHSEL_DICTS = "data/external/wechsel-dicts"  # the paper's bilingual dictionaries (corpus.source=text)

# The English corpus, and the English source LM (+ T_s): the hub snapshot where the config names one (paper),
# else the tiny LM pretrained here.
wechsel_en = stage_output("wechsel", "prep_source", "data/{scale}/wechsel/source_seed{seed}")
wechsel_source = base_model("wechsel", "source", "train_source_lm",
                            "results/{scale}/wechsel/runs/source_seed{seed}/model")
wechsel_src_tokenizer = stage_output("wechsel", "train_src_tokenizer",
                                     "results/{scale}/wechsel/runs/source_seed{seed}/tokenizer")


rule wechsel_prep_source:
    input:
        unpack(hub_inputs("wechsel", "en_text")),
        code=code("wechsel", "prep_source", "prep") + [WECHSEL_WORLD],
    output:
        data=directory("data/{scale}/wechsel/source_seed{seed}"),
        metrics="data/{scale}/wechsel/source_seed{seed}.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "world", "corpus"),
    log:
        "logs/{scale}/wechsel/source_seed{seed}/prep_source.log",
    threads: res("wechsel", "prep", "threads", 1)
    resources:
        runtime=res("wechsel", "prep", "runtime", 5),
        mem_mb=res("wechsel", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.prep_source {params.args} > {log} 2>&1"


rule wechsel_train_src_tokenizer:
    input:
        code=code("wechsel", "train_tokenizer", "data"),
        data="data/{scale}/wechsel/source_seed{seed}",
    output:
        tokenizer=directory("results/{scale}/wechsel/runs/source_seed{seed}/tokenizer"),
        metrics="results/{scale}/wechsel/runs/source_seed{seed}/train_src_tokenizer.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "tokenizer"),
    log:
        "logs/{scale}/wechsel/source_seed{seed}/train_src_tokenizer.log",
    threads: res("wechsel", "train_tokenizer", "threads", 1)
    resources:
        runtime=res("wechsel", "train_tokenizer", "runtime", 5),
        mem_mb=res("wechsel", "train_tokenizer", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.train_tokenizer {params.args} --in text={input.data}/en_train.txt > {log} 2>&1"


rule wechsel_train_source_lm:
    input:
        code=code("wechsel", "data"),
        data=wechsel_en,
        tokenizer=wechsel_src_tokenizer,
    output:
        model=directory("results/{scale}/wechsel/runs/source_seed{seed}/model"),
        metrics="results/{scale}/wechsel/runs/source_seed{seed}/train_source_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "pretrain_lm", "tokenizer", "lm_data", "model", "source_lm"),
    log:
        "logs/{scale}/wechsel/source_seed{seed}/train_source_lm.log",
    threads: res("wechsel", "pretrain_lm", "threads", 2)
    resources:
        runtime=res("wechsel", "pretrain_lm", "runtime", 10),
        mem_mb=res("wechsel", "pretrain_lm", "mem_mb", 2000),
        gpu=res("wechsel", "pretrain_lm", "gpu", 0),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper wechsel {params.args} > {log} 2>&1"


def wechsel_dictionary_inputs(wildcards):
    """The official repository's dicts/data, where the target side is real text (paper) rather than the world."""
    return {"dicts": WECHSEL_DICTS} if PAPERS["wechsel"]["params"]["corpus"]["source"] == "text" else {}


rule wechsel_fetch_dicts:
    output:
        directory(WECHSEL_DICTS),
    log:
        "logs/external/wechsel-dicts.log",
    shell:
        f"(git clone --filter=blob:none --sparse {GIT_BASE}/CPJKU/wechsel {{output}} "
        "&& git -C {output} sparse-checkout set dicts/data) > {log} 2>&1"


rule wechsel_prep:
    input:
        unpack(hub_inputs("wechsel", "tgt_text")),
        unpack(wechsel_dictionary_inputs),
        code=code("wechsel", "prep", "method") + [WECHSEL_WORLD],
        en=wechsel_en,
    output:
        data=directory("data/{scale}/wechsel/seed{seed}/prep"),
        metrics="data/{scale}/wechsel/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "world", "corpus"),
    log:
        "logs/{scale}/wechsel/seed{seed}/prep.log",
    threads: res("wechsel", "prep", "threads", 1)
    resources:
        runtime=res("wechsel", "prep", "runtime", 5),
        mem_mb=res("wechsel", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.prep {params.args} > {log} 2>&1"


rule wechsel_train_tgt_tokenizer:
    input:
        code=code("wechsel", "train_tokenizer", "data"),
        data="data/{scale}/wechsel/seed{seed}/prep",
    output:
        tokenizer=directory(WECHSEL_RUNS + "/tgt_tokenizer"),
        metrics=WECHSEL_RUNS + "/train_tgt_tokenizer.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "tokenizer"),
    log:
        "logs/{scale}/wechsel/seed{seed}/train_tgt_tokenizer.log",
    threads: res("wechsel", "train_tokenizer", "threads", 1)
    resources:
        runtime=res("wechsel", "train_tokenizer", "runtime", 5),
        mem_mb=res("wechsel", "train_tokenizer", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.train_tokenizer {params.args} --in text={input.data}/tgt_train.txt > {log} 2>&1"


rule wechsel_static_embeddings:
    input:
        code=code("wechsel", "static_embeddings", "data"),
        en=wechsel_en,
        data="data/{scale}/wechsel/seed{seed}/prep",
    output:
        static=directory(WECHSEL_RUNS + "/static"),
        metrics=WECHSEL_RUNS + "/static_embeddings.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "static"),
    log:
        "logs/{scale}/wechsel/seed{seed}/static_embeddings.log",
    threads: res("wechsel", "static_embeddings", "threads", 1)
    resources:
        runtime=res("wechsel", "static_embeddings", "runtime", 5),
        mem_mb=res("wechsel", "static_embeddings", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.static_embeddings {params.args} > {log} 2>&1"


rule wechsel_init:
    input:
        code=code("wechsel", "wechsel_init", "method"),
        source=wechsel_source,
        tgt_tokenizer=WECHSEL_RUNS + "/tgt_tokenizer",
        static=WECHSEL_RUNS + "/static",
        data="data/{scale}/wechsel/seed{seed}/prep",
    output:
        model=directory(WECHSEL_RUNS + "/init_wechsel"),
        info=WECHSEL_RUNS + "/wechsel_info.json",
        metrics=WECHSEL_RUNS + "/wechsel_init.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "wechsel"),
    log:
        "logs/{scale}/wechsel/seed{seed}/wechsel_init.log",
    threads: res("wechsel", "wechsel_init", "threads", 1)
    resources:
        runtime=res("wechsel", "wechsel_init", "runtime", 5),
        mem_mb=res("wechsel", "wechsel_init", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.wechsel_init {params.args} > {log} 2>&1"


rule wechsel_baselines:
    input:
        code=code("wechsel", "baselines", "wechsel_init", "method"),
        source=wechsel_source,
        tgt_tokenizer=WECHSEL_RUNS + "/tgt_tokenizer",
    output:
        randemb_body=directory(WECHSEL_RUNS + "/init_randemb_body"),
        fullrand=directory(WECHSEL_RUNS + "/init_fullrand"),
        metrics=WECHSEL_RUNS + "/baselines.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/wechsel/seed{seed}/baselines.log",
    threads: res("wechsel", "baselines", "threads", 1)
    resources:
        runtime=res("wechsel", "baselines", "runtime", 5),
        mem_mb=res("wechsel", "baselines", "mem_mb", 2000),
    shell:
        "lmrepro stage wechsel.baselines {params.args} > {log} 2>&1"


rule wechsel_train_target:
    input:
        code=code("wechsel", "train_target", "data"),
        init=WECHSEL_RUNS + "/init_{arm}",
        data="data/{scale}/wechsel/seed{seed}/prep",
    output:
        model=directory(WECHSEL_RUNS + "/target_{arm}"),
        metrics=WECHSEL_RUNS + "/train_target_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "lm_data", "target", "run"),
        launcher=launcher("wechsel", "train_target"),
    wildcard_constraints:
        arm="wechsel|randemb_body|fullrand",
    log:
        "logs/{scale}/wechsel/seed{seed}/train_target_{arm}.log",
    threads: res("wechsel", "train_target", "threads", 1)
    resources:
        runtime=res("wechsel", "train_target", "runtime", 10),
        mem_mb=res("wechsel", "train_target", "mem_mb", 2000),
        gpu=res("wechsel", "train_target", "gpu", 0),
    shell:
        "{params.launcher} wechsel.train_target {params.args} --set run.arm={wildcards.arm} > {log} 2>&1"


rule wechsel_evaluate:
    input:
        code=code("wechsel", "evaluate"),
        wechsel=WECHSEL_RUNS + "/train_target_wechsel.json",
        randemb_body=WECHSEL_RUNS + "/train_target_randemb_body.json",
        fullrand=WECHSEL_RUNS + "/train_target_fullrand.json",
    output:
        metrics=WECHSEL_RUNS + "/evaluate.json",
    params:
        args=stage_args,
        cfg=cfg_hash("wechsel", "evaluate"),
    log:
        "logs/{scale}/wechsel/seed{seed}/evaluate.log",
    threads: res("wechsel", "evaluate", "threads", 1)
    shell:
        "lmrepro stage wechsel.evaluate {params.args} > {log} 2>&1"


rule wechsel_report:
    input:
        unpack(
            report_inputs(
                "wechsel",
                {
                    "evaluate": WECHSEL_RUNS + "/evaluate.json",
                    "wechsel_init": WECHSEL_RUNS + "/wechsel_init.json",
                    "train_target_wechsel": WECHSEL_RUNS + "/train_target_wechsel.json",
                    "train_target_randemb_body": WECHSEL_RUNS + "/train_target_randemb_body.json",
                    "train_target_fullrand": WECHSEL_RUNS + "/train_target_fullrand.json",
                },
            )
        ),
    output:
        **report_outputs("wechsel"),
    params:
        args=stage_args,
        settings=report_settings("wechsel"),
    log:
        "logs/{scale}/wechsel/report.log",
    threads: res("wechsel", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper wechsel {params.args} > {log} 2>&1"
