# speech_cpt (spec ../shared/papers/speech_cpt.md): synth (the speech world spoken by espeak-ng, shared by all
#   seeds) -> ssl_base (small/ci: a tiny multilingual wav2vec 2.0, shared; paper: the XLSR-53 snapshot) -> ssl_cpt
#   per seed -> ctc_ft per seed x {base, cpt} x {mono, multi} -> score per seed -> report.

SPEECH_CPT_DATA = "data/{scale}/speech_cpt/seed{seed}/audio"
SPEECH_CPT_RUNS = "results/{scale}/speech_cpt/runs/seed{seed}"
SPEECH_CPT_ARMS = [f"{init}_{mix}" for init in ("base", "cpt") for mix in ("mono", "multi")]
speech_cpt_audio = stage_output("speech_cpt", "synth", SPEECH_CPT_DATA)
speech_cpt_base = base_model("speech_cpt", "base", "ssl_base", SPEECH_CPT_RUNS + "/base")


def speech_cpt_ssl(wildcards):
    """The SSL model an FT arm starts from: the base (shared / hub) or this seed's CPT checkpoint."""
    if wildcards.init == "base":
        return speech_cpt_base(wildcards)
    return f"results/{wildcards.scale}/speech_cpt/runs/seed{wildcards.seed}/cpt"


rule speech_cpt_synth:
    input:
        code=code("speech_cpt", "synth") + ["src/lmrepro/common/speech.py", "src/lmrepro/worlds/lexicon.py"],
    output:
        data=directory(SPEECH_CPT_DATA),
        metrics="data/{scale}/speech_cpt/seed{seed}/synth.json",
    params:
        args=stage_args,
        cfg=cfg_hash("speech_cpt", "lexicon", "sets", "audio"),
    log:
        "logs/{scale}/speech_cpt/seed{seed}/synth.log",
    threads: res("speech_cpt", "synth", "threads", 1)
    resources:
        runtime=res("speech_cpt", "synth", "runtime", 10),
        mem_mb=res("speech_cpt", "synth", "mem_mb", 2000),
    shell:
        "lmrepro stage speech_cpt.synth {params.args} > {log} 2>&1"


rule speech_cpt_ssl_base:
    input:
        code=code("speech_cpt", "ssl_base", "wav2vec"),
        data=speech_cpt_audio,
    output:
        model=directory(SPEECH_CPT_RUNS + "/base"),
        metrics=SPEECH_CPT_RUNS + "/ssl_base.json",
    params:
        args=stage_args,
        cfg=cfg_hash("speech_cpt", "audio", "model", "base_ssl", "base_train"),
    log:
        "logs/{scale}/speech_cpt/seed{seed}/ssl_base.log",
    threads: res("speech_cpt", "ssl_base", "threads", 1)
    resources:
        runtime=res("speech_cpt", "ssl_base", "runtime", 10),
        mem_mb=res("speech_cpt", "ssl_base", "mem_mb", 2000),
    shell:
        "lmrepro stage speech_cpt.ssl_base {params.args} > {log} 2>&1"


rule speech_cpt_ssl_cpt:
    input:
        code=code("speech_cpt", "ssl_cpt", "wav2vec"),
        data=speech_cpt_audio,
        base=speech_cpt_base,
    output:
        model=directory(SPEECH_CPT_RUNS + "/cpt"),
        metrics=SPEECH_CPT_RUNS + "/ssl_cpt.json",
    params:
        args=stage_args,
        cfg=cfg_hash("speech_cpt", "audio", "cpt_ssl", "cpt_train"),
        launcher=launcher("speech_cpt", "ssl_cpt"),
    log:
        "logs/{scale}/speech_cpt/seed{seed}/ssl_cpt.log",
    threads: res("speech_cpt", "ssl_cpt", "threads", 1)
    resources:
        runtime=res("speech_cpt", "ssl_cpt", "runtime", 10),
        mem_mb=res("speech_cpt", "ssl_cpt", "mem_mb", 2000),
        gpu=res("speech_cpt", "ssl_cpt", "gpu", 0),
    shell:
        "{params.launcher} speech_cpt.ssl_cpt {params.args} > {log} 2>&1"


rule speech_cpt_ctc_ft:
    input:
        code=code("speech_cpt", "ctc_ft", "wav2vec"),
        data=speech_cpt_audio,
        ssl=speech_cpt_ssl,
    output:
        model=directory(SPEECH_CPT_RUNS + "/ft_{init}_{mix}"),
        predictions=SPEECH_CPT_RUNS + "/ft_{init}_{mix}.jsonl",
        metrics=SPEECH_CPT_RUNS + "/ft_{init}_{mix}.json",
    wildcard_constraints:
        init="base|cpt",
        mix="mono|multi",
    params:
        args=stage_args,
        cfg=cfg_hash("speech_cpt", "audio", "ft", "ft_train"),
        launcher=launcher("speech_cpt", "ctc_ft"),
    log:
        "logs/{scale}/speech_cpt/seed{seed}/ctc_ft_{init}_{mix}.log",
    threads: res("speech_cpt", "ctc_ft", "threads", 1)
    resources:
        runtime=res("speech_cpt", "ctc_ft", "runtime", 10),
        mem_mb=res("speech_cpt", "ctc_ft", "mem_mb", 2000),
        gpu=res("speech_cpt", "ctc_ft", "gpu", 0),
    shell:
        "{params.launcher} speech_cpt.ctc_ft {params.args} --set run.init={wildcards.init} "
        "--set run.mix={wildcards.mix} > {log} 2>&1"


rule speech_cpt_score:
    input:
        code=code("speech_cpt", "score"),
        ssl_cpt=SPEECH_CPT_RUNS + "/ssl_cpt.json",
        **{f"ft_{arm}": SPEECH_CPT_RUNS + f"/ft_{arm}.json" for arm in SPEECH_CPT_ARMS},
    output:
        metrics=SPEECH_CPT_RUNS + "/score.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/speech_cpt/seed{seed}/score.log",
    threads: res("speech_cpt", "score", "threads", 1)
    shell:
        "lmrepro stage speech_cpt.score {params.args} > {log} 2>&1"


rule speech_cpt_report:
    input:
        unpack(
            report_inputs(
                "speech_cpt",
                {"score": SPEECH_CPT_RUNS + "/score.json", "ssl_cpt": SPEECH_CPT_RUNS + "/ssl_cpt.json"},
            )
        ),
    output:
        **report_outputs("speech_cpt"),
    params:
        args=stage_args,
        settings=report_settings("speech_cpt"),
    log:
        "logs/{scale}/speech_cpt/report.log",
    threads: res("speech_cpt", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper speech_cpt {params.args} > {log} 2>&1"
