"""LSK — Language Specific Knowledge: do models know better in X than in English? and LSKExtractor, which routes
each query to the expert language of its topic cluster (Agarwal, Bozdag & Hakkani-Tür 2025, arXiv 2505.14990).
Spec: ../shared/papers/lsk.md.

Stages (rules/lsk.smk), per seed:
    prep (small/ci: three cultures with conlangs C1..C3 and English, facts stated mostly in the culture's language,
    4-option MC items rendered in every language, the shared BPE; paper: the repo's translated items)
    -> pretrain_lm (the shared tiny-LM stage on fact and generic sentences; paper: the hub model)
    -> answer (every item in every language: small/ci the option with the highest summed log-prob, paper CoT with
       a parsed JSON answer; is_correct per language)
    embed (the English queries, normalised; runs beside pretraining)
    -> route (k-means++ seeding or full k-means on train queries, expert language per cluster, LSK, LSK-top3,
       OnlyEnglish, GlobalLanguage, random language, Oracle; purity diagnostics) -> report over seeds.
Helpers: `world.py` (the small world), `method.py` (routing, baselines, purity, answer parsing).
"""
