"""WECHSEL — initialise subword embeddings of a new language from an English LM (Minixhofer et al., NAACL 2022,
arXiv 2112.06598). Spec: ../shared/papers/wechsel.md.

Stages (rules/wechsel.smk). Once, from the base seed (the paper transfers one English GPT-2 to many languages):
    prep_source (English side of the conlang world) -> train_src_tokenizer -> train_source_lm (the shared LM stage;
    small/ci; paper: the gpt2 hub snapshot)
Per seed (a new target language of that world, its own 60% dictionary, corpus, vectors, inits and batches):
    prep -> train_tgt_tokenizer, static_embeddings (Word2Vec, EN and TGT) -> wechsel_init (our implementation,
    `method.py`) and baselines (RandEmb+Body, FullRand) -> train_target {wechsel, randemb_body, fullrand}
    -> evaluate; then the shared report over seeds.
Helpers: `data.py` (LM blocks, batches, perplexity), `method.py` (WECHSEL, checked against the `wechsel` package
in tests/test_wechsel.py).
"""
