# Word classes emerge in next-word prediction (spec ../shared/papers/word_class.md). Per seed:
#   gen_corpus -> make_windows -> train_nwp (+ untrained twin) -> extract_acts -> gdv, probe -> report (all seeds)

WORD_CLASS_WORLD = "src/lmrepro/worlds/grammar.py"
WORD_CLASS_DATA = "data/{scale}/word_class/seed{seed}"
WORD_CLASS_RUNS = "results/{scale}/word_class/runs/seed{seed}"


rule word_class_gen_corpus:
    input:
        unpack(hub_inputs("word_class", "text", "tagger")),
        code=code("word_class", "gen_corpus") + [WORD_CLASS_WORLD],
    output:
        data=directory(WORD_CLASS_DATA + "/corpus"),
        metrics=WORD_CLASS_DATA + "/gen_corpus.json",
    params:
        args=stage_args,
        cfg=cfg_hash("word_class", "world", "corpus"),
    log:
        "logs/{scale}/word_class/seed{seed}/gen_corpus.log",
    threads: res("word_class", "gen_corpus", "threads", 1)
    resources:
        runtime=res("word_class", "gen_corpus", "runtime", 5),
        mem_mb=res("word_class", "gen_corpus", "mem_mb", 2000),
    shell:
        "lmrepro stage word_class.gen_corpus {params.args} > {log} 2>&1"


rule word_class_make_windows:
    input:
        code=code("word_class", "make_windows"),
        data=WORD_CLASS_DATA + "/corpus",
    output:
        windows=directory(WORD_CLASS_DATA + "/windows"),
        metrics=WORD_CLASS_DATA + "/make_windows.json",
    params:
        args=stage_args,
        cfg=cfg_hash("word_class", "windows"),
    log:
        "logs/{scale}/word_class/seed{seed}/make_windows.log",
    threads: res("word_class", "make_windows", "threads", 1)
    resources:
        runtime=res("word_class", "make_windows", "runtime", 5),
        mem_mb=res("word_class", "make_windows", "mem_mb", 2000),
    shell:
        "lmrepro stage word_class.make_windows {params.args} > {log} 2>&1"


rule word_class_train_nwp:
    input:
        code=code("word_class", "train_nwp", "model"),
        windows=WORD_CLASS_DATA + "/windows",
    output:
        trained=directory(WORD_CLASS_RUNS + "/ckpt/nwp"),
        untrained=directory(WORD_CLASS_RUNS + "/ckpt/untrained"),
        metrics=WORD_CLASS_RUNS + "/train_nwp.json",
    params:
        args=stage_args,
        cfg=cfg_hash("word_class", "model", "train", "nwp_data"),
    log:
        "logs/{scale}/word_class/seed{seed}/train_nwp.log",
    threads: res("word_class", "train_nwp", "threads", 2)
    resources:
        runtime=res("word_class", "train_nwp", "runtime", 10),
        mem_mb=res("word_class", "train_nwp", "mem_mb", 2000),
        gpu=res("word_class", "train_nwp", "gpu", 0),
    shell:
        "lmrepro stage word_class.train_nwp {params.args} > {log} 2>&1"


rule word_class_extract_acts:
    input:
        code=code("word_class", "extract_acts", "model"),
        windows=WORD_CLASS_DATA + "/windows",
        trained=WORD_CLASS_RUNS + "/ckpt/nwp",
        untrained=WORD_CLASS_RUNS + "/ckpt/untrained",
    output:
        acts=directory(WORD_CLASS_RUNS + "/acts"),
        metrics=WORD_CLASS_RUNS + "/extract_acts.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/word_class/seed{seed}/extract_acts.log",
    threads: res("word_class", "extract_acts", "threads", 1)
    resources:
        runtime=res("word_class", "extract_acts", "runtime", 5),
        mem_mb=res("word_class", "extract_acts", "mem_mb", 2000),
    shell:
        "lmrepro stage word_class.extract_acts {params.args} > {log} 2>&1"


rule word_class_gdv:
    input:
        code=code("word_class", "gdv", "measures", "extract_acts"),
        acts=WORD_CLASS_RUNS + "/acts",
    output:
        mds=WORD_CLASS_RUNS + "/mds.png",
        metrics=WORD_CLASS_RUNS + "/gdv.json",
    params:
        args=stage_args,
        cfg=cfg_hash("word_class", "analysis"),
    log:
        "logs/{scale}/word_class/seed{seed}/gdv.log",
    threads: res("word_class", "gdv", "threads", 1)
    resources:
        runtime=res("word_class", "gdv", "runtime", 5),
        mem_mb=res("word_class", "gdv", "mem_mb", 2000),
    shell:
        "lmrepro stage word_class.gdv {params.args} > {log} 2>&1"


rule word_class_probe:
    input:
        code=code("word_class", "probe", "gdv", "extract_acts"),
        acts=WORD_CLASS_RUNS + "/acts",
    output:
        metrics=WORD_CLASS_RUNS + "/probe.json",
    params:
        args=stage_args,
        cfg=cfg_hash("word_class", "probe"),
    log:
        "logs/{scale}/word_class/seed{seed}/probe.log",
    threads: res("word_class", "probe", "threads", 1)
    resources:
        runtime=res("word_class", "probe", "runtime", 5),
        mem_mb=res("word_class", "probe", "mem_mb", 2000),
    shell:
        "lmrepro stage word_class.probe {params.args} > {log} 2>&1"


rule word_class_report:
    input:
        unpack(
            report_inputs(
                "word_class",
                {
                    "make_windows": WORD_CLASS_DATA + "/make_windows.json",
                    "train_nwp": WORD_CLASS_RUNS + "/train_nwp.json",
                    "gdv": WORD_CLASS_RUNS + "/gdv.json",
                    "probe": WORD_CLASS_RUNS + "/probe.json",
                },
            )
        ),
    output:
        **report_outputs("word_class"),
    params:
        args=stage_args,
        settings=report_settings("word_class"),
    log:
        "logs/{scale}/word_class/report.log",
    threads: res("word_class", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper word_class {params.args} > {log} 2>&1"
