"""Word classes emerge in a network trained on next-word prediction (Surendra et al. 2023, arXiv 2302.07588).
Spec: ../shared/papers/word_class.md.

Stages (rules/word_class.smk), per seed:
    gen_corpus (grammar world, or text + spaCy tags at paper scale) -> make_windows (9 input words -> 10th)
    -> train_nwp (the MLP; its untrained twin saved at init) -> extract_acts (every layer, balanced held-out
    windows) -> gdv (target / last-input / shuffled labels) and probe (linear, per layer); then the shared report.
Helpers: `model.py` (the MLP, save/load), `measures.py` (GDV from its formula, tested in tests/test_word_class.py).
"""
