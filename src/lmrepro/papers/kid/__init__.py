"""KID: Knowledge Infused Decoding (Liu et al., ICLR 2022, arXiv 2204.03084).

Stages (rules/kid.smk): prep (typed knowledge world -> fluent corpus with the test entities' facts held out, the
entity documents that stand in for Wikipedia, test prompts with references, tokenizer, POS lexicon) ->
pretrain_lm (small/ci: the shared LM stage; paper: the hub's gpt2-medium) -> retrieve (BM25, top-k documents per
prompt) -> build_trie (the retrieved documents' triples as "subject object" keys, one trie per prompt) -> decode
per arm (greedy, sampling, concat, KID, KID with random knowledge, KID at the swept step size) -> score (knowledge
recall, false values, ROUGE-L, BLEU, distinct-2, perplexity under the frozen LM) -> report.
The knowledge trie, local memory, knowledge query and BM25 live in `knowledge.py`; the KV-cache policy update,
fusion and filtering in `policy.py`; the metrics in `metrics.py`.
"""
