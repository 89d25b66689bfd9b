"""ChocoLlama — teaching Llamas Dutch with LoRA continued pretraining, a Dutch tokenizer and token-translation
embedding re-initialisation (Meeus et al. 2024, arXiv 2412.07633). Spec: ../shared/papers/chocollama.md.

Stages (rules/chocollama.smk), per seed:
    prep (small/ci: an English world and its English-related V2 conlang NL*, a 70% NL*->EN dictionary, facts and
    4-way NL* fact QA, the English-centric original BPE; paper: Dutch text from the hub)
    -> pretrain_lm {a, b} (the shared LM stage: base A 98% EN / 2% NL*, "Llama-2-like"; base B 75% / 25%,
       "Llama-3-like"; paper: the hub snapshots)
    -> tokenizer_nl (the NL* BPE, same vocab size; tokens/char against the original tokenizer)
    -> init_embeddings (token translation through the dictionary, and the random re-init control)
    -> cpt {a_orig, b_orig, a_tokentrans, a_random} (peft LoRA, embeddings and LM head trained in full; BPC,
       tokens/char and QA before and after) -> aggregate (gains per model family) -> report over seeds.
Helpers: `world.py` (the small world), `data.py` (streams, batches, BPC, QA), `method.py` (token translation and
random re-init, LoRA).
"""
