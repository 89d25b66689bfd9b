"""neurofeedback — Language Models Are Capable of Metacognitive Monitoring and Control of Their Internal
Activations (Ji-An et al., 2025, arXiv 2505.13763).

Stages (rules/neurofeedback.smk): prep -> meta_pretrain (small: lmrepro.common.pretrain_lm; paper: a hub
instruct model) -> extract_hidden -> axes (PC_k and LR axes, binarised labels) -> report_exp (ideal observer and
the LM's in-context reporting) -> report (shared). Control (C3) needs instruction following: not at small scale.
"""
