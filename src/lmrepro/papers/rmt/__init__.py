"""RMT — Reinforcement Mid-Training (Tian et al. 2025, arXiv 2509.24375), against RPT (Dong et al. 2025) and NTP.

Stages (rules/rmt.smk), per seed: gen_corpus (arithmetic world, or Omni-MATH at paper scale) -> train_proxy (a
smaller LM; paper: a hub snapshot) -> score_entropy (top-k entropy and bin of every corpus position, from the fixed
proxy) -> pretrain_base (NTP on documents + SFT on overthinking traces; paper: a hub reasoning model) -> midtrain
per arm (ntp, rpt, rmt; ablations rmt_no_ntp, rmt_no_budget, rmt_no_curr where `arms.run` lists them) ->
evaluate (reasoned next-token accuracy per gold class and entropy bin, think length, format validity, teacher-
forced NTP loss) -> report (shared). The method's pieces (reward, budget, curriculum, GRPO, dual loss) are in
`method.py`; the RL loop is `midtrain.py`.
"""
