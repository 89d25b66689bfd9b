"""Camlang (Liu et al. 2025, arXiv:2509.00425): metalinguistic reasoning with a constructed language learned from a
grammar book and a dictionary. Small scale: lmrepro.worlds.camlang; stages prep -> pretrain_lm (the English QA
model) -> evaluate (S-EN, S-LEX, S-GRAM, error attribution, round trip) -> report."""
