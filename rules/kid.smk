# KID (spec ../shared/papers/kid.md): prep (typed knowledge world -> corpus, entity documents, test prompts) ->
#   pretrain_lm (small/ci: the shared LM stage; paper: the hub's gpt2-medium) -> retrieve (BM25 top-k) ->
#   build_trie (retrieved triples -> one trie per prompt) -> decode per arm (greedy, sampling, concat, kid,
#   kid_random, kid_sweep) -> score per seed -> report.

KID_WORLD = "src/lmrepro/worlds/entities.py"
KID_DATA = "data/{scale}/kid/seed{seed}/prep"
KID_RUNS = "results/{scale}/kid/runs/seed{seed}"
KID_ARMS = ["greedy", "sampling", "concat", "kid", "kid_random", "kid_sweep"]
kid_base = base_model("kid", "base", "pretrain_lm", KID_RUNS + "/base")


rule kid_prep:
    input:
        code=code("kid", "prep") + [KID_WORLD],
    output:
        data=directory(KID_DATA),
        metrics="data/{scale}/kid/seed{seed}/prep.metrics.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kid", "world", "task"),
    log:
        "logs/{scale}/kid/seed{seed}/prep.log",
    threads: res("kid", "prep", "threads", 1)
    resources:
        runtime=res("kid", "prep", "runtime", 5),
        mem_mb=res("kid", "prep", "mem_mb", 2000),
    shell:
        "lmrepro stage kid.prep {params.args} > {log} 2>&1"


rule kid_pretrain_lm:
    input:
        code=code("kid") + ["src/lmrepro/common/batches.py"],
        data=KID_DATA,
    output:
        model=directory(KID_RUNS + "/base"),
        metrics=KID_RUNS + "/pretrain_lm.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kid", "pretrain_lm", "corpus", "model", "pretrain"),
    log:
        "logs/{scale}/kid/seed{seed}/pretrain_lm.log",
    threads: res("kid", "pretrain_lm", "threads", 1)
    resources:
        runtime=res("kid", "pretrain_lm", "runtime", 10),
        mem_mb=res("kid", "pretrain_lm", "mem_mb", 2000),
    shell:
        "lmrepro stage lmrepro.common.pretrain_lm --paper kid {params.args} > {log} 2>&1"


rule kid_retrieve:
    input:
        code=code("kid", "retrieve", "knowledge"),
        data=KID_DATA,
    output:
        retrieved=KID_RUNS + "/retrieved.jsonl",
        metrics=KID_RUNS + "/retrieve.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kid", "retrieve"),
    log:
        "logs/{scale}/kid/seed{seed}/retrieve.log",
    threads: res("kid", "retrieve", "threads", 1)
    resources:
        runtime=res("kid", "retrieve", "runtime", 5),
        mem_mb=res("kid", "retrieve", "mem_mb", 2000),
    shell:
        "lmrepro stage kid.retrieve {params.args} > {log} 2>&1"


rule kid_build_trie:
    input:
        code=code("kid", "build_trie", "knowledge"),
        data=KID_DATA,
        retrieved=KID_RUNS + "/retrieved.jsonl",
    output:
        tries=KID_RUNS + "/tries.jsonl",
        metrics=KID_RUNS + "/build_trie.json",
    params:
        args=stage_args,
    log:
        "logs/{scale}/kid/seed{seed}/build_trie.log",
    threads: res("kid", "build_trie", "threads", 1)
    resources:
        runtime=res("kid", "build_trie", "runtime", 5),
        mem_mb=res("kid", "build_trie", "mem_mb", 2000),
    shell:
        "lmrepro stage kid.build_trie {params.args} > {log} 2>&1"


rule kid_decode:
    input:
        code=code("kid", "decode", "policy", "knowledge"),
        data=KID_DATA,
        model=kid_base,
        tries=KID_RUNS + "/tries.jsonl",
        retrieved=KID_RUNS + "/retrieved.jsonl",
    output:
        gens=KID_RUNS + "/gen_{arm}.jsonl",
        metrics=KID_RUNS + "/decode_{arm}.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kid", "decode"),
    wildcard_constraints:
        arm="|".join(KID_ARMS),
    log:
        "logs/{scale}/kid/seed{seed}/decode_{arm}.log",
    threads: res("kid", "decode", "threads", 1)  # arms decode side by side, one thread each
    resources:
        runtime=res("kid", "decode", "runtime", 10),
        mem_mb=res("kid", "decode", "mem_mb", 2000),
        gpu=res("kid", "decode", "gpu", 0),
    shell:
        "lmrepro stage kid.decode {params.args} --set decode.arm={wildcards.arm} > {log} 2>&1"


rule kid_score:
    input:
        code=code("kid", "score", "metrics"),
        data=KID_DATA,
        model=kid_base,
        **{f"gen_{arm}": KID_RUNS + f"/gen_{arm}.jsonl" for arm in KID_ARMS},
    output:
        metrics=KID_RUNS + "/score.json",
    params:
        args=stage_args,
        cfg=cfg_hash("kid", "score"),
    log:
        "logs/{scale}/kid/seed{seed}/score.log",
    threads: res("kid", "score", "threads", 1)
    resources:
        runtime=res("kid", "score", "runtime", 10),
        mem_mb=res("kid", "score", "mem_mb", 2000),
        gpu=res("kid", "score", "gpu", 0),
    shell:
        "lmrepro stage kid.score {params.args} > {log} 2>&1"


rule kid_report:
    input:
        unpack(
            report_inputs(
                "kid",
                {
                    "score": KID_RUNS + "/score.json",
                    "retrieve": KID_RUNS + "/retrieve.json",
                    "build_trie": KID_RUNS + "/build_trie.json",
                    "decode_kid": KID_RUNS + "/decode_kid.json",
                },
            )
        ),
    output:
        **report_outputs("kid"),
    params:
        args=stage_args,
        settings=report_settings("kid"),
    log:
        "logs/{scale}/kid/report.log",
    threads: res("kid", "report", "threads", 1)
    shell:
        "lmrepro stage lmrepro.common.report --paper kid {params.args} > {log} 2>&1"
