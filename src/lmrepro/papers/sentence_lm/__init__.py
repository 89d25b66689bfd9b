"""Let's Predict Sentence by Sentence (Hwang et al., 2025, arXiv 2505.22202): latent reasoning over sentence
embeddings, one vector per reasoning step.

Stages (rules/sentence_lm.smk): gen_tasks (world or GSM8K-Aug -> train/val/test.jsonl, tokenizer) -> sft
(arm cot: the token-CoT baseline and the "pretrained LM" of every later stage; arm nocot) -> train_emb (arms ctx,
sem: the encoder/decoder E/D) -> train_latent (arms ctx, sem: the latent model M over frozen E/D) -> evaluate
(exact match and generation FLOPs of cot, nocot and each latent arm in continuous and discretized mode,
SentenceLens) -> report (shared). Method pieces: `method.py`.

Small-scale departures from the spec (details: config/papers/sentence_lm.yaml, scales.small.notes).
"""
