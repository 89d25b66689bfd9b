"""Let's Predict Sentence by Sentence (Hwang et al., 2025, arXiv 2505.22202): latent reasoning over sentence
embeddings, one vector per reasoning step.

Stages (rules/sentence_lm.smk): gen_tasks (world or GSM8K-Aug -> train/val/test.jsonl, tokenizer) -> sft
(arm cot: the token-CoT baseline and the "pretrained LM" of every later stage; arm nocot) -> train_emb (arms ctx,
sem: the encoder/decoder E/D) -> train_latent (arms ctx, sem: the latent model M over frozen E/D) -> evaluate
(exact match and generation FLOPs of cot, nocot and each latent arm in continuous and discretized mode,
SentenceLens) -> report (shared). Method pieces: `method.py`.

Small-scale departures from the spec (details: config/papers/sentence_lm.yaml, scales.small.notes).
"""


# Config section -> the dataclass that types it ("model": a transformers config mapping). `onstart` builds every
# section from the resolved config, so a wrong key or type fails the workflow before any job runs.
PARAMS = {
    "world": "lmrepro.worlds.reasoning:StateTrackConfig",
    "data": "lmrepro.papers.sentence_lm.gen_tasks:DataConfig",
    "model": "model",
    "sft": "lmrepro.papers.sentence_lm.sft:SftConfig",
    "train_cot": "lmrepro.common.train:TrainConfig",
    "train_nocot": "lmrepro.common.train:TrainConfig",
    "emb": "lmrepro.papers.sentence_lm.train_emb:EmbConfig",
    "train_emb": "lmrepro.common.train:TrainConfig",
    "latent": "lmrepro.papers.sentence_lm.train_latent:LatentConfig",
    "train_latent": "lmrepro.common.train:TrainConfig",
    "evaluate": "lmrepro.papers.sentence_lm.evaluate:EvalConfig",
    "arms": "lmrepro.papers.sentence_lm.evaluate:ArmsConfig",
}
