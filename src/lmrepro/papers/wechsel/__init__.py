"""WECHSEL — initialise subword embeddings of a new language from an English LM (Minixhofer et al., NAACL 2022,
arXiv 2112.06598). Spec: ../shared/papers/wechsel.md.

Stages (rules/wechsel.smk). Once, from the base seed (the paper transfers one English GPT-2 to many languages):
    prep_source (English side of the conlang world) -> train_source_lm (small/ci; paper: the gpt2 hub snapshot)
Per seed (a new target language of that world, its own 60% dictionary, corpus, vectors, inits and batches):
    prep -> train_tgt_tokenizer, static_embeddings (Word2Vec, EN and TGT) -> wechsel_init (our implementation,
    `method.py`) and baselines (RandEmb+Body, FullRand) -> train_target {wechsel, randemb_body, fullrand}
    -> evaluate; then the shared report over seeds.
Helpers: `data.py` (LM blocks, batches, perplexity), `method.py` (WECHSEL, checked against the `wechsel` package
in tests/test_wechsel.py).
"""


# Config section -> the dataclass that types it ("model": a transformers config mapping). `onstart` builds every
# section from the resolved config, so a wrong key or type fails the workflow before any job runs.
PARAMS = {
    "world": "lmrepro.worlds.conlang:ConlangConfig",
    "corpus": "lmrepro.papers.wechsel.prep:CorpusConfig",
    "tokenizer": "lmrepro.papers.wechsel.train_source_lm:TokenizerConfig",
    "model": "model",
    "lm_data": "lmrepro.papers.wechsel.data:LMDataConfig",
    "source_lm": "lmrepro.common.train:TrainConfig",
    "static": "lmrepro.papers.wechsel.static_embeddings:StaticConfig",
    "wechsel": "lmrepro.papers.wechsel.method:WechselConfig",
    "target": "lmrepro.common.train:TrainConfig",
    "run": "lmrepro.papers.wechsel.train_target:RunConfig",
    "evaluate": "lmrepro.papers.wechsel.evaluate:EvaluateConfig",
}
