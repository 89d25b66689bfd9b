"""Massively Multilingual Lexical Specialization of Multilingual Transformers (Green, Ponzetto & Glavaš, ACL 2023,
arXiv 2208.01018): "BabelBERT", contrastive fine-tuning of a multilingual encoder on synonym pairs.

Stages (rules/lexical_specialization.smk): prep (small/ci: the conlang world in English + 5 constructed languages
-> non-parallel MLM corpus, WordPiece tokenizer, synonym-pair constraints from the seen languages' training
concepts, BLI / XLSIM / parallel-sentence test sets on held-out concepts; paper: the BabelNet pair table and the
official evaluation files) -> pretrain_mlm (small/ci: the shared LM stage with an MLM objective; paper: the hub's
mBERT / XLM-R) -> specialize per seed and arm (NT-Xent on word_iso encodings; full pairs, 25% of pairs, shuffled
labels) -> evaluate per seed (vanilla and every arm: BLI MRR, XLSIM Spearman, sentence retrieval) -> report.
The pooling, loss, sampler weights and retrieval metrics live in `method.py`.
"""
