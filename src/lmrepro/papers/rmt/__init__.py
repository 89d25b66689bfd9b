"""RMT — Reinforcement Mid-Training (Tian et al. 2025, arXiv 2509.24375), against RPT (Dong et al. 2025) and NTP.

Stages (rules/rmt.smk), per seed: gen_corpus (arithmetic world, or Omni-MATH at paper scale) -> train_proxy (a
smaller LM; paper: a hub snapshot) -> score_entropy (top-k entropy and bin of every corpus position, from the fixed
proxy) -> pretrain_base (NTP on documents + SFT on overthinking traces; paper: a hub reasoning model) -> midtrain
per arm (ntp, rpt, rmt; ablations rmt_no_ntp, rmt_no_budget, rmt_no_curr where `arms.run` lists them) ->
evaluate (reasoned next-token accuracy per gold class and entropy bin, think length, format validity, teacher-
forced NTP loss) -> report (shared). The method's pieces (reward, budget, curriculum, GRPO, dual loss) are in
`method.py`; the RL loop is `midtrain.py`.
"""


# Config section -> the dataclass that types it ("model": a transformers config mapping). `onstart` builds every
# section from the resolved config, so a wrong key or type fails the workflow before any job runs.
PARAMS = {
    "world": "lmrepro.worlds.arithmetic:ArithmeticWorldConfig",
    "corpus": "lmrepro.papers.rmt.gen_corpus:CorpusConfig",
    "proxy_model": "model",
    "proxy_train": "lmrepro.common.train:TrainConfig",
    "entropy": "lmrepro.papers.rmt.score_entropy:EntropyConfig",
    "model": "model",
    "pretrain_lm": "lmrepro.common.params:PretrainLMConfig",
    "proxy_lm": "lmrepro.common.params:PretrainLMConfig",
    "base": "lmrepro.papers.rmt.pretrain_data:BaseConfig",
    "pretrain": "lmrepro.common.train:TrainConfig",
    "midtrain": "lmrepro.papers.rmt.midtrain:MidtrainConfig",
    "midtrain_train": "lmrepro.common.train:TrainConfig",
    "run": "lmrepro.papers.rmt.midtrain:RunConfig",
    "arms": "lmrepro.papers.rmt.midtrain:ArmsConfig",
    "evaluate": "lmrepro.papers.rmt.evaluate:EvalConfig",
}
